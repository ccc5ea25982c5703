// Package pushcheck tells what a member's client makes of an event under
// the member's push rules (notified? highlighted? by which rule?), with
// the evaluator of a real client SDK, mautrix-go's pushrules package. The
// tests use it to check whom the bot's messages notify, on the rules a
// homeserver serves and on the spec's default rules.
//
// mautrix-go never applies the legacy mention rules
// (.m.rule.contains_display_name, .m.rule.contains_user_name,
// .m.rule.roomnotif) to an event that carries m.mentions, as the spec says
// since v1.7. matrix-js-sdk, which Element is built on, does so only when the
// homeserver advertises intentional mentions (v1.7); against an older one
// (Dendrite v0.15.2 advertises v1.0–v1.2) it applies the legacy rules to
// every event, m.mentions or not. Legacy evaluates as such a client does.
package pushcheck

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"strings"

	"maunium.net/go/mautrix/event"
	"maunium.net/go/mautrix/id"
	"maunium.net/go/mautrix/pushrules"
)

//go:embed testdata/spec_default_rules.json
var specRules string

// SpecDefaults is the spec's default ruleset (testdata/spec_default_rules.json,
// Client-Server API v1.12) for member u.
func SpecDefaults(u id.UserID) *pushrules.PushRuleset {
	r := strings.NewReplacer("${user_id}", string(u), "${localpart}", u.Localpart())
	var doc struct {
		Global *pushrules.PushRuleset `json:"global"`
	}
	if err := json.Unmarshal([]byte(r.Replace(specRules)), &doc); err != nil {
		panic(fmt.Sprintf("pushcheck: the spec's default rules do not parse: %v", err))
	}
	return doc.Global
}

// Room is what the evaluation needs to know of the room, as the member's
// client knows it.
type Room struct {
	// Members is the number of joined members.
	Members int
	// OwnName is the member's display name in the room.
	OwnName string
	// PowerLevels is the room's m.room.power_levels content (nil if none).
	PowerLevels *event.PowerLevelsEventContent
}

// GetOwnDisplayname is the member's display name in the room.
func (r Room) GetOwnDisplayname() string { return r.OwnName }

// GetMemberCount is the number of joined members.
func (r Room) GetMemberCount() int { return r.Members }

// GetPowerLevels is the room's power levels.
func (r Room) GetPowerLevels() *event.PowerLevelsEventContent { return r.PowerLevels }

// Verdict is what a client does with an event for one member.
type Verdict struct {
	// Notify is whether the event notifies the member (counts, may push).
	Notify bool
	// Highlight is whether it highlights them (a mention).
	Highlight bool
	// Rule is the ID of the rule that decided ("" when none matched).
	Rule string
}

// String shows a verdict in a test's failure.
func (v Verdict) String() string {
	return fmt.Sprintf("notify=%v highlight=%v rule=%q", v.Notify, v.Highlight, v.Rule)
}

// legacySuffix marks a legacy mention rule renamed so that mautrix-go
// applies it to an event carrying m.mentions too (see Evaluate).
const legacySuffix = " (legacy, applied)"

// Evaluate is what the member's client makes of evt under rules. With
// intentional false, the client behaves as against a homeserver without
// intentional mentions (matrix-js-sdk then applies the legacy mention
// rules to every event); with intentional true, as the spec says since
// v1.7 (the legacy rules skip events that carry m.mentions).
func Evaluate(rules *pushrules.PushRuleset, intentional bool, room Room, evt *event.Event) Verdict {
	if !intentional {
		rules = withLegacyApplied(rules)
	}
	rule := rules.GetMatchingRule(room, evt)
	if rule == nil {
		return Verdict{}
	}
	should := rule.Actions.Should()
	highlight := should.Highlight
	if rule.Type == pushrules.ContentRule && !hasHighlightTweak(rule.Actions) {
		highlight = true // a content rule highlights unless it says otherwise (matrix-js-sdk)
	}
	return Verdict{Notify: should.Notify, Highlight: highlight && should.Notify,
		Rule: strings.TrimSuffix(rule.RuleID, legacySuffix)}
}

// hasHighlightTweak reports whether actions set the highlight tweak.
func hasHighlightTweak(actions pushrules.PushActionArray) bool {
	for _, a := range actions {
		if a.Action == pushrules.ActionSetTweak && a.Tweak == pushrules.TweakHighlight {
			return true
		}
	}
	return false
}

// legacyRules are the rules mautrix-go skips for events with m.mentions.
var legacyRules = map[string]bool{
	".m.rule.contains_display_name": true, ".m.rule.contains_user_name": true, ".m.rule.roomnotif": true,
}

// withLegacyApplied is a copy of rules whose legacy mention rules are
// renamed, so that mautrix-go applies them whatever the event carries.
func withLegacyApplied(rules *pushrules.PushRuleset) *pushrules.PushRuleset {
	rename := func(in pushrules.PushRuleArray) pushrules.PushRuleArray {
		out := make(pushrules.PushRuleArray, len(in))
		for i, r := range in {
			c := *r
			if legacyRules[c.RuleID] {
				c.RuleID += legacySuffix
			}
			out[i] = &c
		}
		return out
	}
	cp := *rules
	cp.Override, cp.Content, cp.Underride = rename(rules.Override), rename(rules.Content), rename(rules.Underride)
	return &cp
}

// WithoutIntentionalMentions is the spec's default ruleset for member u as
// a homeserver without intentional mentions serves it (before v1.7): no
// .m.rule.is_user_mention nor .m.rule.is_room_mention.
func WithoutIntentionalMentions(u id.UserID) *pushrules.PushRuleset {
	rules := SpecDefaults(u)
	var kept pushrules.PushRuleArray
	for _, r := range rules.Override {
		if r.RuleID != ".m.rule.is_user_mention" && r.RuleID != ".m.rule.is_room_mention" {
			kept = append(kept, r)
		}
	}
	rules.Override = kept
	return rules
}

// Disable turns rule off in rules, as a member's setting does (Element's
// "Messages sent by bots" turns .m.rule.suppress_notices off).
func Disable(rules *pushrules.PushRuleset, rule string) {
	for _, a := range []pushrules.PushRuleArray{rules.Override, rules.Content, rules.Underride} {
		for _, r := range a {
			if r.RuleID == rule {
				r.Enabled = false
			}
		}
	}
}
