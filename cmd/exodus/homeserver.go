package main

import (
	"context"
	"errors"
	"fmt"
	"net"
	"time"

	"github.com/rs/zerolog"
	"maunium.net/go/mautrix"
	"maunium.net/go/mautrix/appservice"
)

// botLink is how the bot reaches its homeserver as the appservice, and
// what the operator is told when it cannot.
type botLink struct {
	intent *appservice.IntentAPI
	// address is homeserver.address, named in the messages.
	address string
	// displayName is set on the bot user once it is registered.
	displayName string
	// regPath is the registration the homeserver must load ("" when
	// unknown: the messages then name the one `exodus -g` writes).
	regPath string
	// wait is how long an unreachable homeserver is retried, every
	// retryEvery.
	wait, retryEvery time.Duration
}

// newBotLink is the link of the configured bot, retried for two minutes
// every two seconds while the homeserver does not answer.
func newBotLink(cfg *Config, intent *appservice.IntentAPI, regPath string) botLink {
	return botLink{intent: intent, address: cfg.Homeserver.Address, displayName: cfg.AppService.BotDisplayname,
		regPath: regPath, wait: 2 * time.Minute, retryEvery: 2 * time.Second}
}

// fault is what kind of failure a homeserver request met.
type fault int

const (
	faultNone fault = iota
	// faultUnreachable: no HTTP answer, or one saying the homeserver is
	// not ready (5xx, 429); worth retrying.
	faultUnreachable
	// faultToken: M_UNKNOWN_TOKEN or M_MISSING_TOKEN, the as_token refused.
	faultToken
	// faultExclusive: M_EXCLUSIVE, the bot user outside the namespace.
	faultExclusive
	// faultForbidden: M_FORBIDDEN, the appservice may not act as the bot.
	faultForbidden
	// faultOther: any other answer.
	faultOther
)

// classify tells what kind of failure err is.
func classify(err error) fault {
	var he mautrix.HTTPError
	switch {
	case err == nil:
		return faultNone
	case !errors.As(err, &he) || he.Response == nil:
		return faultUnreachable
	case errors.Is(err, mautrix.MUnknownToken), errors.Is(err, mautrix.MMissingToken):
		return faultToken
	case errors.Is(err, mautrix.MExclusive):
		return faultExclusive
	case errors.Is(err, mautrix.MForbidden):
		return faultForbidden
	case he.Response.StatusCode >= 500 || he.Response.StatusCode == 429:
		return faultUnreachable
	}
	return faultOther
}

// cause is a short account of a homeserver failure, without addresses
// or tokens: the errcode, the HTTP status, or the network error.
func cause(err error) string {
	var he mautrix.HTTPError
	var op *net.OpError
	switch {
	case err == nil:
		return ""
	case errors.As(err, &he) && he.RespError != nil:
		return he.RespError.ErrCode
	case errors.As(err, &he) && he.Response != nil:
		return fmt.Sprintf("HTTP %d", he.Response.StatusCode)
	case errors.Is(err, context.DeadlineExceeded):
		return "no answer in time"
	case errors.As(err, &op) && op.Err != nil:
		return op.Op + ": " + op.Err.Error()
	case errors.As(err, &he):
		return "no answer"
	}
	return err.Error()
}

// registerBot makes sure the bot user exists and the homeserver lets the
// appservice act as it, then sets its display name. While the homeserver
// does not answer it retries (for l.wait); any other refusal ends at once
// with a one-line error saying what it means and what to fix.
func registerBot(ctx context.Context, l botLink) error {
	log := zerolog.Ctx(ctx)
	deadline := time.Now().Add(l.wait)
	for attempt := 1; ; attempt++ {
		retry, err := l.registerOnce(ctx)
		if err == nil {
			break
		}
		if !retry {
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if time.Now().After(deadline) {
			return l.unreachable(err)
		}
		if attempt == 1 || attempt%10 == 0 {
			log.Warn().Str("homeserver_address", l.address).Str("cause", cause(err)).Int("attempt", attempt).
				Msgf("The homeserver at %s (homeserver.address) does not answer yet; retrying every %s for up to %s", l.address, l.retryEvery, l.wait)
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(l.retryEvery):
		}
	}
	if err := l.intent.EnsureRegistered(ctx); err != nil { // remembers the registration in the state store
		return fmt.Errorf("failed to register the bot user with the homeserver: %w", err)
	}
	if err := l.intent.SetDisplayName(ctx, l.displayName); err != nil {
		log.Warn().Err(err).Msg("Failed to set the bot's display name")
	}
	return nil
}

// registerOnce registers the bot user (one already there is fine) and
// asks the homeserver who the appservice is when it acts as the bot, each
// request tried once. retry is true when the homeserver did not answer
// (err is then the request's); any other error is the operator's message.
func (l botLink) registerOnce(ctx context.Context) (retry bool, err error) {
	once := quietOnce(ctx)
	err = l.intent.Register(once)
	switch classify(err) {
	case faultNone:
	case faultUnreachable:
		return true, err
	case faultToken:
		return false, l.tokenRefused(err)
	case faultExclusive:
		return false, l.outsideNamespace(err)
	default:
		if !errors.Is(err, mautrix.MUserInUse) {
			return false, fmt.Errorf("the homeserver at %s (homeserver.address) refused to register the bot user %s: %w", l.address, l.intent.UserID, err)
		}
	}
	who, err := l.intent.Whoami(once)
	switch classify(err) {
	case faultNone:
		if who.UserID != l.intent.UserID {
			return false, l.outsideNamespace(fmt.Errorf("the homeserver answers as %s", who.UserID))
		}
		return false, nil
	case faultUnreachable:
		return true, err
	case faultToken, faultForbidden, faultExclusive:
		// The token registered the bot, so it is known: the homeserver
		// refuses it for this user (Dendrite answers M_UNKNOWN_TOKEN for
		// a user of another server name).
		return false, l.outsideNamespace(err)
	}
	return false, fmt.Errorf("the homeserver at %s (homeserver.address) refused to say who the bot is: %w", l.address, err)
}

// quietOnce is ctx for requests tried once whose failures the caller
// reports: mautrix would log each failed request as an error.
func quietOnce(ctx context.Context) context.Context {
	log := zerolog.Ctx(ctx).Level(zerolog.FatalLevel)
	return mautrix.WithMaxRetries(log.WithContext(ctx), 0)
}

// registration names the registration file in the messages.
func (l botLink) registration() string {
	if l.regPath == "" {
		return "the registration `exodus -g` wrote (registration.yaml by default)"
	}
	return l.regPath
}

// tokenRefused is the message for an as_token the homeserver does not
// know.
func (l botLink) tokenRefused(err error) error {
	return errTokenRefused(l.address, cause(err), l.registration())
}

// errTokenRefused is the one message, at start and in the pre-flight
// check, for an as_token the homeserver at address refuses (why: the
// errcode or the status), naming the registration file to give it.
func errTokenRefused(address, why, registration string) error {
	return fmt.Errorf("the homeserver at %s refuses the as_token (%s): it has not loaded this bot's registration, or loaded an older one with other tokens; "+
		"give it %s (Dendrite: add it to app_service_api.config_files in dendrite.yaml; Synapse: to app_service_config_files in homeserver.yaml) and restart the homeserver",
		address, why, registration)
}

// outsideNamespace is the message for a bot user the homeserver does not
// let the appservice be.
func (l botLink) outsideNamespace(err error) error {
	return fmt.Errorf("the homeserver at %s accepts the as_token but not the bot user %s (%s): homeserver.domain must be the homeserver's server_name "+
		"and appservice.bot_localpart the registration's sender_localpart; fix them in the config, run exodus -g again, give the homeserver the new registration and restart it",
		l.address, l.intent.UserID, cause(err))
}

// unreachable is the message for a homeserver that never answered.
func (l botLink) unreachable(err error) error {
	return fmt.Errorf("the homeserver at %s does not answer (%s, for %s): check that it is running and that homeserver.address is its client-server API URL",
		l.address, cause(err), l.wait)
}

// probe is what one request told of the homeserver; a nil verdict was
// not learnt by it.
type probe struct {
	at         time.Time
	reachable  *bool
	tokenOK    *bool
	registered *bool
	// detail is the cause of a failure (see cause), "" for none.
	detail string
}

func yes() *bool { v := true; return &v }
func no() *bool  { v := false; return &v }

// probeHomeserver asks the homeserver, once and within ten seconds, who
// the appservice is when it acts as the bot.
func (l botLink) probeHomeserver(ctx context.Context, now time.Time) probe {
	ctx, cancel := context.WithTimeout(quietOnce(ctx), 10*time.Second)
	defer cancel()
	who, err := l.intent.Whoami(ctx)
	p := probe{at: now, detail: cause(err)}
	switch classify(err) {
	case faultNone:
		p.reachable, p.tokenOK, p.registered = yes(), yes(), yes()
		if who.UserID != l.intent.UserID {
			p.registered, p.detail = no(), "the homeserver answers as another user"
		}
	case faultUnreachable:
		p.reachable = no()
	case faultToken:
		p.reachable, p.tokenOK = yes(), no()
	case faultForbidden, faultExclusive:
		p.reachable, p.tokenOK, p.registered = yes(), yes(), no()
	default:
		p.reachable = yes()
	}
	return p
}
