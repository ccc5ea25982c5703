package ledger

// Request is a member's action taken outside the chat, on a web page or
// through the API. The bot carries it out as if the member had typed the
// command in a room: it checks it with the same rules, posts it into the
// room as a structured event that names the member, and applies it keyed
// by that event.
type Request struct {
	Member UserID
	// Circle is the circle to act in; "" lets the bot choose: the circle
	// of the need's card the member shares, else the member's direct chat.
	Circle CircleID
	// Need is the need the command is about, as a reply to its card would
	// name it ("" for commands about no need).
	Need NeedID
	// Command is the parsed command.
	Command Command
	// Lang is the language to answer in ("": the member's own).
	Lang Lang
}

// Reply is what came of a Request.
type Reply struct {
	// Text is the bot's answer in the member's language (Markdown).
	Text string
	// Room and Event are where the bot posted the action, if it changed
	// anything.
	Room  RoomID
	Event EventID
}
