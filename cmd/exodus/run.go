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
	"maunium.net/go/mautrix/appservice"

	"github.com/exodus-matrix/exodus/bot"
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
	w := newRedactor(out, cfg.AppService.ASToken, cfg.AppService.HSToken, dbPassword(cfg.Database.URI))
	return zerolog.New(w).Level(level).With().Timestamp().Logger()
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
	w, err := wire(ctx, cfg, st)
	if err != nil {
		return err
	}
	as, intent, clock, svc, b, intake := w.as, w.intent, w.clock, w.svc, w.bot, w.intake
	if err := registerBot(ctx, newBotLink(cfg, intent, regPath)); err != nil {
		return err
	}
	if err := rebuildOnStart(ctx, cfg, st, intake, clock); err != nil {
		return err
	}
	var site *web.Server
	if cfg.Web.Listen != "" {
		site, err = web.New(web.Config{PublicURL: cfg.Web.PublicURL, BotUserID: ledger.UserID(intent.UserID),
			Prefix: cfg.Bot.Prefix, RequestsPerMinute: cfg.Web.RequestsPerMinute, FailedAuthLimit: cfg.Web.FailedAuthLimit,
			FailedAuthWindow: cfg.authWindow, TrustedProxies: cfg.trustedProxies}, svc, b)
		if err != nil {
			return fmt.Errorf("failed to set up the web organizer: %w", err)
		}
	}
	return serve(ctx, cfg, as, intake, b, site)
}

// serve listens for the homeserver and feeds the recorded events to the
// bot (registered: registerBot) until ctx ends.
func serve(ctx context.Context, cfg *Config, as *appservice.AppService, intake *bot.Intake, b *bot.Bot, site *web.Server) error {
	log := zerolog.Ctx(ctx)
	mux := http.NewServeMux()
	intake.Register(mux)
	mux.Handle("/", as.Router)
	addr := net.JoinHostPort(cfg.AppService.Hostname, strconv.Itoa(int(cfg.AppService.Port)))
	srv := &http.Server{Addr: addr, Handler: withLogger(mux, *log), ReadHeaderTimeout: 10 * time.Second}
	errs := make(chan error, 5)
	go func() {
		log.Info().Str("address", addr).Msg("Listening for the homeserver")
		if err := srv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
			errs <- fmt.Errorf("failed to serve: %w", err)
		}
	}()
	var webSrv *http.Server
	if site != nil {
		webSrv = &http.Server{Addr: cfg.Web.Listen, Handler: withLogger(site.Handler(), *log), ReadHeaderTimeout: 10 * time.Second}
		go func() {
			log.Info().Str("address", cfg.Web.Listen).Str("public_url", cfg.Web.PublicURL).Msg("Serving the web organizer and the API")
			if err := webSrv.ListenAndServe(); err != nil && !errors.Is(err, http.ErrServerClosed) {
				errs <- fmt.Errorf("failed to serve the web organizer: %w", err)
			}
		}()
	}
	as.Ready = true
	go func() { errs <- intake.Run(ctx) }()
	go func() { errs <- intake.RunReconcile(ctx, cfg.reconcile) }()
	go func() { errs <- b.RunScheduler(ctx, cfg.tick) }()
	go func() { errs <- b.RunTakeovers(ctx) }()
	log.Info().Str("bot", as.BotMXID().String()).Msg("Exodus is running")
	var err error
	select {
	case <-ctx.Done():
	case err = <-errs:
	}
	shutdown, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	_ = srv.Shutdown(shutdown)
	if webSrv != nil {
		_ = webSrv.Shutdown(shutdown)
	}
	log.Info().Msg("Exodus stopped")
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	return nil
}

// withLogger puts the logger into each request's context.
func withLogger(h http.Handler, log zerolog.Logger) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(w, r.WithContext(log.WithContext(r.Context())))
	})
}
