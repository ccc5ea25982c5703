package bot

import (
	"context"
	"fmt"

	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// openDirect returns the bot's unencrypted direct chat with a member,
// creating one (and inviting the member) if there is none other than avoid.
func (b *Bot) openDirect(ctx context.Context, member id.UserID, avoid id.RoomID) (id.RoomID, error) {
	if b.mode.silent {
		return "", nil // nothing is sent anyway
	}
	m, err := b.ledger.Members.Member(ctx, ledger.UserID(member))
	if err != nil {
		return "", fmt.Errorf("failed to get member: %w", err)
	}
	if m.DirectRoom != "" && id.RoomID(m.DirectRoom) != avoid {
		return id.RoomID(m.DirectRoom), nil
	}
	resp, err := b.cli.CreateRoom(ctx, &mautrix.ReqCreateRoom{
		Preset:   "trusted_private_chat",
		IsDirect: true,
		Invite:   []id.UserID{member},
		Name:     "Exodus",
	})
	if err != nil {
		return "", fmt.Errorf("failed to create a direct chat: %w", err)
	}
	if err := b.ledger.Members.SetDirectRoom(ctx, ledger.UserID(member), ledger.RoomID(resp.RoomID)); err != nil {
		return "", fmt.Errorf("failed to record the direct chat: %w", err)
	}
	b.setRoomKind(resp.RoomID, true)
	return resp.RoomID, nil
}

// forgetDirectRoom drops a direct chat the member left.
func (b *Bot) forgetDirectRoom(ctx context.Context, member id.UserID, room id.RoomID) error {
	m, err := b.ledger.Members.Member(ctx, ledger.UserID(member))
	if err != nil || m.DirectRoom != ledger.RoomID(room) {
		return err
	}
	return b.ledger.Members.SetDirectRoom(ctx, ledger.UserID(member), "")
}

// isDirect reports whether a room is the member's direct chat with the bot:
// one the member opened with is_direct, or one the bot opened for them. A
// group room of two is not a direct chat (it may become a circle).
func (b *Bot) isDirect(ctx context.Context, room id.RoomID, member id.UserID) bool {
	b.mu.Lock()
	known, ok := b.directRooms[room]
	b.mu.Unlock()
	if ok {
		return known
	}
	direct := b.ledger.Members.DirectRoomOf(ctx, ledger.UserID(member)) == ledger.RoomID(room)
	if direct {
		b.setRoomKind(room, true)
	}
	return direct
}

func (b *Bot) setRoomKind(room id.RoomID, direct bool) {
	b.mu.Lock()
	b.directRooms[room] = direct
	b.mu.Unlock()
}

func (b *Bot) forgetRoomKind(room id.RoomID) {
	b.mu.Lock()
	delete(b.directRooms, room)
	b.mu.Unlock()
}
