package main

import (
	"context"
	"errors"
	"fmt"
	"time"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/bot/e2ee"
	"github.com/exodus-matrix/exodus/bot/replica"
)

// decrypter is the bot's device as the intake's bot.Decrypter: a missing
// room key (e2ee.ErrNoKey) is bot.ErrNoKey, so the intake parks the event.
type decrypter struct{ dev *e2ee.Device }

var _ bot.KeyRequester = decrypter{}

// The device tells which members have keys: a direct chat the bot opens
// for a member whose client does not encrypt stays readable to them.
var _ bot.RecipientChecker = (*e2ee.Device)(nil)

// The device hears of membership events as their transactions come, before
// the intake reads them: a room key reaches a newcomer, and not a leaver, in
// a message sent meanwhile.
var _ bot.MemberArrivals = (*e2ee.Device)(nil)

func (d decrypter) Decrypt(ctx context.Context, evt *event.Event) (*event.Event, error) {
	dec, err := d.dev.Decrypt(ctx, evt)
	if errors.Is(err, e2ee.ErrNoKey) {
		return nil, fmt.Errorf("%w: %w", bot.ErrNoKey, err)
	}
	return dec, err
}

// readEncrypted makes the intake decrypt with the device, ask for a room
// key that has not come keyRequestAfter after its event, and wake the
// events waiting for a room key when it arrives, and the circles' history
// waiting for the keys the trusted bots forward (rep).
func readEncrypted(dev *e2ee.Device, intake *bot.Intake, rep *replica.Replica, keyRequestAfter time.Duration) {
	intake.SetDecrypter(decrypter{dev})
	intake.SetKeyRequestAfter(keyRequestAfter)
	dev.OnRoomKey(func(ctx context.Context, session id.SessionID) {
		intake.KeyArrived(ctx, session)
		rep.KeyArrived(ctx, session)
	})
}

// RequestKey asks the sender's devices again for the event's room key.
func (d decrypter) RequestKey(ctx context.Context, evt *event.Event) error {
	return d.dev.RequestKey(ctx, evt)
}

// sendEncrypted makes the sender encrypt into encrypted rooms with the
// device (and the direct chats the bot opens be created encrypted), reading
// which rooms are from states (the Matrix state store the intake keeps),
// and the intake tell the device of membership changes (the room key is
// shared anew).
func sendEncrypted(dev *e2ee.Device, b *bot.Bot, intake *bot.Intake, states bot.EncryptionStates) {
	b.Sender().SetEncrypter(dev)
	b.Sender().SetEncryptionStates(states)
	intake.SetMemberWatcher(dev)
}
