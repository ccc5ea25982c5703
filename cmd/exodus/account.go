package main

import (
	"fmt"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/ledger"
)

// The two modes. In mode: appservice (the default) the bot is the
// homeserver's registered appservice: the homeserver pushes it events and
// it acts with the appservice token. In mode: bot it is an ordinary
// account on any homeserver (bot.user_id, with bot.password or
// bot.access_token): it logs in and reads its own /sync (sync.go).
const (
	modeAppService = "appservice"
	modeBot        = "bot"
)

// botMode reports whether the bot runs as an ordinary account.
func (c *Config) botMode() bool { return c.Mode == modeBot }

// botUserID is the bot's user: the appservice's bot user, or the account
// of mode: bot.
func (c *Config) botUserID() id.UserID {
	if c.botMode() {
		return id.UserID(c.Bot.UserID)
	}
	return id.NewUserID(c.AppService.BotLocalpart, c.Homeserver.Domain)
}

// validateMode checks the mode and, in mode: bot, the account; an
// appservice refuses the account's keys, which it would not use.
func (c *Config) validateMode() error {
	switch c.Mode {
	case "":
		c.Mode = modeAppService
	case modeAppService, modeBot:
	default:
		return keyError("mode", "appservice (the homeserver's registered appservice) or bot (an ordinary account: bot.user_id and bot.password)", c.Mode)
	}
	b := &c.Bot
	if !c.botMode() {
		for _, k := range []struct{ key, val string }{{"bot.user_id", b.UserID}, {"bot.password", b.Password}, {"bot.access_token", b.AccessToken}} {
			if k.val != "" {
				return fmt.Errorf("%s: only an ordinary account (mode: bot) uses it; remove it, or set mode: bot", k.key)
			}
		}
		return nil
	}
	u, err := ledger.ParseUserID(b.UserID)
	_, domain, _ := id.UserID(u).Parse()
	switch {
	case err != nil:
		return keyError("bot.user_id", "the full user ID of the bot's account, such as @exodus:example.org", b.UserID)
	case domain != c.Homeserver.Domain:
		return keyError("bot.user_id", fmt.Sprintf("a user of homeserver.domain (%s), where the account is", c.Homeserver.Domain), b.UserID)
	case b.Password == "" && b.AccessToken == "":
		return fmt.Errorf("bot.password: expected the password of %s (or an access token in bot.access_token), got none", b.UserID)
	case b.Password != "" && b.AccessToken != "":
		return fmt.Errorf("bot.access_token: set either bot.password or bot.access_token, not both; remove one")
	case b.Password == "generate":
		return keyError("bot.password", "the password of the existing account "+b.UserID+" (exodus -g does not make one)", b.Password)
	case b.AccessToken != "" && len(b.AccessToken) < 8:
		return keyError("bot.access_token", "an access token of a login of "+b.UserID, b.AccessToken)
	}
	return nil
}

// codeSecret is what the one-time invitation codes are derived from: the
// appservice token, or in mode: bot that token if the config has one
// (exodus -g makes it) and else the pickle key; "" (random codes, which a
// rebuild cannot make again) when there is neither.
func (c *Config) codeSecret() string {
	as := c.AppService.ASToken
	if !c.botMode() || (len(as) >= 16 && as != "generate") {
		return as
	}
	return c.Encryption.PickleKey
}
