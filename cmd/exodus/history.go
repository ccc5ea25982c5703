package main

import (
	"context"
	"errors"
	"fmt"

	"maunium.net/go/mautrix/event"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/store"
)

// historyDecrypter is the bot's device as the replica's bot.Decrypter:
// rebuilds and catch-ups read encrypted history with it (keys restored
// from the key backup are checked against the sender's devices).
// A missing room key (e2ee.ErrNoKey) is bot.ErrNoKey: a catch-up asks the
// trusted bots for it (replica.HistoryKeyRequester).
type historyDecrypter struct{ dev *e2ee.Device }

var _ replica.HistoryKeyRequester = historyDecrypter{}

func (h historyDecrypter) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	dec, err := h.dev.DecryptHistory(ctx, evt)
	if errors.Is(err, e2ee.ErrNoKey) {
		return nil, fmt.Errorf("%w: %w", bot.ErrNoKey, err)
	}
	return dec, err
}

// RequestHistoryKey asks the trusted bots of the event's room for its key.
func (h historyDecrypter) RequestHistoryKey(ctx context.Context, evt *event.Event) (bool, error) {
	return h.dev.RequestHistoryKey(ctx, evt)
}

// readHistoryEncrypted makes the replica decrypt the history it replays
// with dev, which takes the room keys the trusted bots forward.
func readHistoryEncrypted(cfg *Config, dev *e2ee.Device, w *parts) {
	dev.SetPeers(peersOf(cfg, w))
	w.replica.SetDecrypter(historyDecrypter{dev})
}

// openHistoryDevice opens the bot's device from the database for
// `exodus rebuild`, only to decrypt history: no login (the device of a
// running bot would be logged out), no /sync. nil without encryption or
// when the database has no device yet.
func openHistoryDevice(ctx context.Context, cfg *Config, st *store.Store, w *parts) (*e2ee.Device, error) {
	if !cfg.encrypts() {
		return nil, nil
	}
	cli := w.account // mode: bot: the account's login (connect)
	if cli == nil {
		cli = w.intent.Client
	}
	dev, err := e2ee.OpenHistory(ctx, st.DB(), cli, w.stateStore, e2ee.Config{PickleKey: []byte(cfg.Encryption.PickleKey)})
	if errors.Is(err, e2ee.ErrPickleKey) {
		return nil, fmt.Errorf("encryption.pickle_key: it does not open the keys in the database; " +
			"set it back to the key the database was made with (from the config's backup)")
	}
	if err != nil {
		return nil, fmt.Errorf("encryption: %w", err)
	}
	return dev, nil
}
