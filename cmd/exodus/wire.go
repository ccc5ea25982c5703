package main

import (
	"context"
	"fmt"
	"net/http"
	"time"

	"github.com/rs/zerolog"
	"go.mau.fi/util/dbutil"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/appservice"
	"maunium.net/go/mautrix/id"
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
	// self is the bot's user.
	self id.UserID
	// as and intent are the appservice and its bot (nil in mode: bot).
	as     *appservice.AppService
	intent *appservice.IntentAPI
	// account is the ordinary account's client in mode: bot (nil for an
	// appservice); run logs it in, and syncer reads its /sync.
	account    *mautrix.Client
	syncer     *bot.Syncer
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
	cli, err := p.matrixClient(ctx, cfg)
	if err != nil {
		return nil, err
	}
	p.self = cfg.botUserID()
	p.clock = replica.NewReplayClock(ledger.SystemClock{}) // the wall clock; during a rebuild, the replayed event's time
	p.svc = ledger.NewService(st.Ledger(), p.clock, cfg.rules)
	p.access = access.New(st.Ledger(), p.clock)
	p.bot = bot.New(bot.Config{UserID: p.self, Prefix: cfg.Bot.Prefix, BotUsers: cfg.otherBots, TrustedBots: cfg.trusted,
		CommandsPerMinute: cfg.Bot.CommandsPerMinute, WebURL: cfg.Web.PublicURL, Framed: len(cfg.Web.FrameOrigins) > 0, TakeoverAfter: cfg.takeover, Metrics: metrics,
		Decrypts: cfg.encrypts()}, cli, p.svc, p.access, st)
	p.replica = replica.New(p.bot, p.self, cli, st, p.stateStore)
	p.intake = bot.NewIntake(st, cfg.AppService.HSToken, p.bot, p.stateStore, p.clock, p.replica)
	if p.account != nil {
		p.syncer = bot.NewSyncer(p.intake, p.account, st)
	}
	// Invitations the bot did not act on are looked for in both modes: in
	// mode: bot its /sync brings each one once, and a join refused then
	// (Dendrite refuses one made at once on an invitation over federation)
	// is tried again so.
	p.reconciler = replica.NewReconciler(p.svc.Aid, cli, st, p.self, p.clock, p.intake.Notify, p.bot)
	return p, nil
}

// matrixClient makes what the bot acts through: the appservice's bot
// intent, or in mode: bot the account's client (not logged in yet).
func (p *parts) matrixClient(ctx context.Context, cfg *Config) (bot.Client, error) {
	log := zerolog.Ctx(ctx)
	if cfg.botMode() {
		cli, err := newAccount(ctx, cfg, p.stateStore)
		if err != nil {
			return nil, err
		}
		p.account = cli
		return accountClient{cli}, nil
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
	return p.intent, nil
}

// httpClient is the client of the bot's requests to the homeserver, which
// the health and the metrics watch.
func (p *parts) httpClient() *http.Client {
	if p.account != nil {
		return p.account.Client
	}
	return p.as.HTTPClient
}

// connect makes sure the homeserver knows the bot and lets it act: the
// appservice registers its bot user (registerBot), an ordinary account
// logs in (loginAccount). It returns how the health asks again.
func connect(ctx context.Context, cfg *Config, st *store.Store, w *parts, regPath string) (func(context.Context, time.Time) probe, error) {
	if w.account != nil {
		if err := loginAccount(ctx, cfg, st, w.account); err != nil {
			return nil, err
		}
		return accountProbe(w.account), nil
	}
	link := newBotLink(cfg, w.intent, regPath)
	if err := registerBot(ctx, link); err != nil {
		return nil, err
	}
	return link.probeHomeserver, nil
}
