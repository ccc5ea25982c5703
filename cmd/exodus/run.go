package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"time"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/web"
)

// newLogger builds the one logger of the process from the config, writing
// to standard error.
func newLogger(cfg *Config) zerolog.Logger {
	return newLoggerTo(cfg, os.Stderr)
}

// newLoggerTo builds the logger writing to out. Every line passes the
// redactor first, so no secret reaches out at any level (see redact.go).
func newLoggerTo(cfg *Config, out io.Writer) zerolog.Logger {
	level, err := zerolog.ParseLevel(cfg.Logging.MinLevel)
	if err != nil {
		level = zerolog.InfoLevel
	}
	if cfg.Logging.Format != "json" {
		out = zerolog.ConsoleWriter{Out: out, TimeFormat: time.DateTime}
	}
	return zerolog.New(secretsRedacted(out, cfg)).Level(level).With().Timestamp().Logger()
}

// run wires the store, the ledger, the appservice and the bot, and serves
// until ctx ends. The files holding secrets are checked first: the config
// (at cfg.path) and the database are made private, a registration at
// regPath readable by others is warned about.
func run(ctx context.Context, cfg *Config, regPath string) error {
	log := newLogger(cfg)
	ctx = log.WithContext(ctx)
	checkSecretFiles(&log, cfg.path, regPath)
	st, err := openStore(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer st.Close()
	var metrics *promMetrics
	var botMetrics bot.Metrics // nil, not a nil *promMetrics, when off
	if cfg.Metrics.Enabled {
		metrics = newPromMetrics(st.CountPending, st.OutboxBacklog)
		botMetrics = metrics
	}
	w, err := wire(ctx, cfg, st, botMetrics)
	if err != nil {
		return err
	}
	hl := newHealth(st.Ping, w.intake.LastTransaction, st.OutboxBacklog, cfg.Web.Listen != "", time.Now)
	observeHomeserver(w.httpClient(), func(a hsAnswer) {
		hl.record(a.probe(time.Now()))
		if metrics != nil {
			metrics.homeserverAnswer(a)
		}
	})
	ask, err := connect(ctx, cfg, st, w, regPath)
	if err != nil {
		return err
	}
	hl.record(probe{at: time.Now(), reachable: yes(), tokenOK: yes(), registered: yes()}) // what connect checked
	if w.device, err = openDevice(ctx, cfg, st, w); err != nil {
		return err
	}
	if w.device != nil {
		readEncrypted(w.device, w.intake, w.replica, cfg.keyRequest)
		sendEncrypted(w.device, w.bot, w.intake, w.stateStore)
		readHistoryEncrypted(cfg, w.device, w)
		w.replica.SetNotify(w.intake.Notify)
		watchEncryption(w.device, w.intake, st, hl, metrics)
		if w.syncer != nil {
			w.syncer.SetCrypto(w.device.ProcessSync) // one /sync for the keys and the events
		}
	}
	if err := rebuildOnStart(ctx, cfg, st, w.replica, w.clock); err != nil {
		return err
	}
	var site *web.Server
	if cfg.Web.Listen != "" {
		site, err = web.New(web.Config{PublicURL: cfg.Web.PublicURL, BotUserID: ledger.UserID(w.self),
			Prefix: cfg.Bot.Prefix, RequestsPerMinute: cfg.Web.RequestsPerMinute, FailedAuthLimit: cfg.Web.FailedAuthLimit,
			FailedAuthWindow: cfg.authWindow, TrustedProxies: cfg.trustedProxies, FrameOrigins: cfg.Web.FrameOrigins,
			OpenIDServers: cfg.openIDServers()}, w.svc, w.access, w.bot.WebActor())
		if err != nil {
			return fmt.Errorf("failed to set up the web organizer: %w", err)
		}
	}
	return serve(ctx, cfg, w, served{site: site, health: hl, metrics: metrics, ask: ask})
}

// served is what serve serves besides the appservice: the web organizer
// and the metrics (nil when off), the health checks.
type served struct {
	site    *web.Server
	health  *health
	metrics *promMetrics
	// ask asks the homeserver again who the bot is (health).
	ask func(context.Context, time.Time) probe
}

// serve listens for the homeserver (and on the web and metrics listeners
// when on), says what it checked, and feeds the recorded events to the
// bot until ctx ends.
func serve(ctx context.Context, cfg *Config, w *parts, s served) error {
	log := zerolog.Ctx(ctx)
	ls := &listeners{log: *log, errs: make(chan error, 12)}
	defer ls.shutdown()
	if err := ls.listenAll(cfg, w, s); err != nil {
		return err
	}
	if w.as != nil {
		w.as.Ready = true
	}
	up := startup{homeserver: cfg.Homeserver.Address, bot: w.self.String(), web: cfg.Web.Listen, account: w.account != nil}
	if s.metrics != nil {
		up.metrics = cfg.Metrics.Listen
	}
	s.health.logStartup(ctx, up)
	if w.as != nil {
		if msg := checkReach(ctx, cfg, &http.Client{}); msg != "" {
			log.Warn().Msg(msg)
		}
	}
	errs := ls.errs
	go func() { errs <- w.intake.Run(ctx) }()
	go func() { errs <- w.bot.Sender().Run(ctx) }()
	go func() { errs <- w.reconciler.Run(ctx, cfg.reconcile) }()
	go func() { errs <- w.bot.Clock().Run(ctx, cfg.tick) }()
	go func() { errs <- replica.RunTakeovers(ctx, w.bot, cfg.takeover) }()
	go func() { errs <- s.health.watch(ctx, s.ask, healthEvery) }()
	go func() { errs <- runCheckpoints(ctx, w.svc.Aid, checkpointEvery) }()
	switch {
	case w.syncer != nil:
		go func() { errs <- w.syncer.Run(ctx) }() // the events, and the room keys with them
	case w.device != nil:
		go func() { errs <- w.device.Run(ctx) }() // the room keys: before any encrypted event is read
	}
	log.Info().Str("bot", w.self.String()).Str("mode", cfg.Mode).Msg("Exodus is running")
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// listenAll starts the listeners: the appservice's (transactions, health),
// the web organizer's (with the health under /health) and the metrics',
// the last two when on.
func (ls *listeners) listenAll(cfg *Config, w *parts, s served) error {
	if w.as != nil { // an ordinary account is pushed nothing
		mux := http.NewServeMux()
		w.intake.Register(mux)
		mux.Handle("GET "+healthPath, s.health)
		mux.Handle("/", w.as.Router)
		addr := net.JoinHostPort(cfg.AppService.Hostname, strconv.Itoa(int(cfg.AppService.Port)))
		if err := ls.listen("the homeserver", addr, "appservice.hostname and appservice.port", mux); err != nil {
			return err
		}
	}
	if s.site != nil {
		webMux := http.NewServeMux()
		webMux.HandleFunc("GET "+webHealthPath, s.health.ServePublic)
		webMux.Handle("/", s.site.Handler())
		if err := ls.listen("the web organizer and the API", cfg.Web.Listen, "web.listen", webMux); err != nil {
			return err
		}
		s.health.setWebListening()
	}
	if s.metrics != nil {
		metricsMux := http.NewServeMux()
		metricsMux.Handle("GET /metrics", s.metrics.handler())
		if err := ls.listen("metrics", cfg.Metrics.Listen, "metrics.listen", metricsMux); err != nil {
			return err
		}
	}
	return nil
}

// listeners are the HTTP servers of the process; a server that stops
// with an error sends it to errs.
type listeners struct {
	log     zerolog.Logger
	errs    chan error
	servers []*http.Server
}

// listen binds addr (the config's key named in the error) and serves h
// there for whom.
func (ls *listeners) listen(whom, addr, key string, h http.Handler) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("failed to listen for %s on %s (%s): %w", whom, addr, key, err)
	}
	srv := &http.Server{Handler: withLogger(h, ls.log), ReadHeaderTimeout: 10 * time.Second}
	ls.servers = append(ls.servers, srv)
	ls.log.Info().Str("address", addr).Msg("Listening for " + whom)
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			ls.errs <- fmt.Errorf("failed to serve %s: %w", whom, err)
		}
	}()
	return nil
}

// shutdown stops the servers, waiting up to ten seconds for requests
// under way.
func (ls *listeners) shutdown() {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	for _, srv := range ls.servers {
		_ = srv.Shutdown(ctx)
	}
	ls.log.Info().Msg("Exodus stopped")
}

// withLogger puts the logger into each request's context.
func withLogger(h http.Handler, log zerolog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(log.WithContext(r.Context())))
	})
}
