package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"

	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/store"
)

// openDevice logs the bot's encryption device in and readies its keys
// (bot/e2ee), when the config has a pickle key; nil when it has none.
// Its client is its own, not the appservice's: its long /sync requests
// and its device token stay out of the homeserver health checks, which
// watch the appservice token.
func openDevice(ctx context.Context, cfg *Config, st *store.Store, w *parts) (*e2ee.Device, error) {
	if !cfg.encrypts() {
		return nil, nil
	}
	cli, loggedIn := w.account, true // mode: bot: the account's device
	if cli == nil {
		var err error
		if cli, err = mautrix.NewClient(cfg.Homeserver.Address, w.self, cfg.AppService.ASToken); err != nil {
			return nil, fmt.Errorf("failed to set up the encryption device's client: %w", err)
		}
		cli.Log = zerolog.Ctx(ctx).With().Str("component", "e2ee_client").Logger()
		loggedIn = false
	}
	dev, err := e2ee.Open(ctx, st.DB(), cli, w.stateStore, e2ee.Config{
		PickleKey: []byte(cfg.Encryption.PickleKey), DeviceName: cfg.AppService.BotDisplayname, LoggedIn: loggedIn})
	if errors.Is(err, e2ee.ErrForeignDevice) {
		return nil, fmt.Errorf("bot.access_token: %w; make a fresh login for the bot (or use bot.password) and put its token there", err)
	}
	if errors.Is(err, e2ee.ErrPickleKey) {
		return nil, fmt.Errorf("encryption.pickle_key: it does not open the keys in the database; " +
			"set it back to the key the database was made with (from the config's backup)")
	}
	if err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	return dev, nil
}
