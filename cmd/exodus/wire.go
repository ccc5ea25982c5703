package main

import (
	"context"
	"fmt"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix/appservice"
	"maunium.net/go/mautrix/sqlstatestore"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/ledger/access"
	"github.com/exodus-matrix/exodus/store"
)

// parts are the wired pieces of a bot: what `exodus` serves with and what
// `exodus rebuild` rebuilds with.
type parts struct {
	stateStore *sqlstatestore.SQLStateStore
	as         *appservice.AppService
	intent     *appservice.IntentAPI
	clock      *replica.ReplayClock
	svc        *ledger.Service
	access     *access.Service
	bot        *bot.Bot
	replica    *replica.Replica
	reconciler *replica.Reconciler
	intake     *bot.Intake
	// device is the bot's encryption device (nil without encryption);
	// run opens it, after the bot user is registered.
	device *e2ee.Device
}

// wire builds the Matrix state store (in the same database), the
// appservice, the ledger and access services on the store, the bot with its intake,
// and its replication (rebuild, catch-up, reconciliation), counting in
// metrics (nil: nothing).
func wire(ctx context.Context, cfg *Config, st *store.Store, metrics bot.Metrics) (*parts, error) {
	log := zerolog.Ctx(ctx)
	p := &parts{}
	p.stateStore = sqlstatestore.NewSQLStateStore(st.DB(), dbutil.ZeroLogger(log.With().Str("db_section", "matrix_state").Logger()), false)
	if err := p.stateStore.Upgrade(ctx); err != nil {
		return nil, fmt.Errorf("failed to upgrade the Matrix state store: %w", err)
	}
	as, err := appservice.CreateFull(appservice.CreateOpts{
		Registration:     registrationFromConfig(cfg),
		HomeserverDomain: cfg.Homeserver.Domain,
		HomeserverURL:    cfg.Homeserver.Address,
		HostConfig:       appservice.HostConfig{Hostname: cfg.AppService.Hostname, Port: uint16(cfg.AppService.Port)},
		StateStore:       p.stateStore,
	})
	if err != nil {
		return nil, fmt.Errorf("failed to create the appservice: %w", err)
	}
	as.Log = log.With().Str("component", "appservice").Logger()
	p.as, p.intent = as, as.BotIntent()
	p.clock = replica.NewReplayClock(ledger.SystemClock{}) // the wall clock; during a rebuild, the replayed event's time
	p.svc = ledger.NewService(st.Ledger(), p.clock, cfg.rules)
	p.access = access.New(st.Ledger(), p.clock)
	p.bot = bot.New(bot.Config{UserID: p.intent.UserID, Prefix: cfg.Bot.Prefix, BotUsers: cfg.otherBots, TrustedBots: cfg.trusted,
		CommandsPerMinute: cfg.Bot.CommandsPerMinute, WebURL: cfg.Web.PublicURL, TakeoverAfter: cfg.takeover, Metrics: metrics,
		Decrypts: cfg.encrypts()}, p.intent, p.svc, p.access, st)
	p.replica = replica.New(p.bot, p.intent.UserID, p.intent, st, p.stateStore)
	p.intake = bot.NewIntake(st, cfg.AppService.HSToken, p.bot, p.stateStore, p.clock, p.replica)
	p.reconciler = replica.NewReconciler(p.svc.Aid, p.intent, st, p.intent.UserID, p.clock, p.intake.Notify, p.bot)
	return p, nil
}
