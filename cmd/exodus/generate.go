package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"

	"go.mau.fi/util/random"
	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix/appservice"

	"github.com/exodus-matrix/exodus"
)

// generated is what `exodus -g` did.
type generated struct {
	// createdConfig is set when there was no config: it was written from
	// the example, with fresh tokens, and no registration was written.
	createdConfig bool
	// newTokens is set when the config's tokens were "generate" (or
	// missing), or its pickle key "generate", and fresh ones were put in.
	newTokens bool
	// bot and url are the bot user and the push URL of the registration.
	bot, url string
	// botMode is set for a config of mode: bot: no registration written.
	botMode bool
}

// generateRegistration is `exodus -g`. With no config at cfgPath, it
// writes one from the example with fresh tokens and stops there, for the
// operator to edit before any registration exists. With a config, it
// derives the registration at regPath from the config as it is: its URL,
// user namespace and tokens. Tokens still "generate" (or missing) are
// replaced by fresh ones in the config first; set tokens are kept, so
// running it again after an edit changes only what was edited. The
// config's comments are kept, and both files end 0600, whatever mode
// they had.
func generateRegistration(cfgPath, regPath string) (*generated, error) {
	data, err := os.ReadFile(cfgPath)
	created := errors.Is(err, fs.ErrNotExist)
	if created {
		data = exampleConfig(exodus.ExampleConfig) // container.go
	} else if err != nil {
		return nil, fmt.Errorf("failed to read config: %w", err)
	}
	out, newTokens, err := fillTokens(data)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", cfgPath, err)
	}
	var cfg Config
	if err := decodeConfig(out, &cfg); err != nil {
		return nil, fmt.Errorf("config %s: %w", cfgPath, err)
	}
	if err := cfg.Validate(); err != nil {
		return nil, fmt.Errorf("config %s: %w", cfgPath, err)
	}
	res := &generated{createdConfig: created, newTokens: newTokens, botMode: cfg.botMode(),
		bot: cfg.botUserID().String(), url: cfg.AppService.Address}
	if !created && !cfg.botMode() { // an ordinary account needs no registration
		regYAML, err := registrationFromConfig(&cfg).YAML()
		if err != nil {
			return nil, fmt.Errorf("failed to write registration: %w", err)
		}
		if err := writePrivate(regPath, []byte(regYAML)); err != nil {
			return nil, fmt.Errorf("failed to write registration: %w", err)
		}
	}
	if !created && !newTokens {
		// Nothing to change: the operator's file stays as it is (it may be
		// read-only), only made private if it can be (the start warns
		// otherwise).
		_ = os.Chmod(cfgPath, 0o600)
		return res, nil
	}
	if err := writePrivate(cfgPath, out); err != nil {
		return nil, fmt.Errorf("failed to write config: %w", err)
	}
	return res, nil
}

// fillTokens returns the config with fresh tokens in place of those that
// are "generate", empty or missing, and a fresh encryption.pickle_key in
// place of "generate" (empty or missing: no encryption), and whether it
// made any; a config with all of them set comes back as it was, byte for
// byte.
func fillTokens(doc []byte) ([]byte, bool, error) {
	var cfg Config
	if err := decodeConfig(doc, &cfg); err != nil {
		return nil, false, err
	}
	as, hs := cfg.AppService.ASToken, cfg.AppService.HSToken
	newPickle := cfg.Encryption.PickleKey == "generate"
	fresh := appservice.CreateRegistration()
	newTokens := as == "" || as == "generate" || hs == "" || hs == "generate"
	if cfg.Mode == modeBot { // only the invitation codes' secret, when asked for
		newTokens = as == "generate" || hs == "generate"
	}
	if !newTokens && !newPickle {
		return doc, false, nil
	}
	out := doc
	var err error
	if newTokens {
		if as == "" || as == "generate" {
			as = fresh.AppToken
		}
		if hs == "" || hs == "generate" {
			hs = fresh.ServerToken
		}
		if out, err = setTokens(out, as, hs); err != nil {
			return nil, false, err
		}
	}
	if newPickle {
		if out, err = setPickleKey(out, random.String(64)); err != nil {
			return nil, false, err
		}
	}
	return out, true, nil
}

// fillRegistration sets everything but the tokens from the config.
func fillRegistration(reg *appservice.Registration, cfg *Config) {
	as := cfg.AppService
	reg.ID = as.ID
	reg.URL = as.Address
	reg.SenderLocalpart = as.BotLocalpart
	rateLimited := false
	reg.RateLimited = &rateLimited
	userRe := fmt.Sprintf("^@%s:%s$", regexp.QuoteMeta(as.BotLocalpart), regexp.QuoteMeta(cfg.Homeserver.Domain))
	reg.Namespaces.UserIDs.Register(regexp.MustCompile(userRe), true)
}

// registrationFromConfig builds the registration the running bot serves.
func registrationFromConfig(cfg *Config) *appservice.Registration {
	reg := &appservice.Registration{AppToken: cfg.AppService.ASToken, ServerToken: cfg.AppService.HSToken}
	fillRegistration(reg, cfg)
	return reg
}

// setTokens returns the YAML document with appservice.as_token and
// appservice.hs_token replaced, comments kept.
func setTokens(doc []byte, asToken, hsToken string) ([]byte, error) {
	return setValues(doc, "appservice", map[string]string{"as_token": asToken, "hs_token": hsToken})
}

// setPickleKey returns the YAML document with encryption.pickle_key
// replaced, comments kept.
func setPickleKey(doc []byte, key string) ([]byte, error) {
	return setValues(doc, "encryption", map[string]string{"pickle_key": key})
}

// setValues returns the YAML document with the keys of one section set
// to quoted strings (added when missing), comments kept.
func setValues(doc []byte, section string, values map[string]string) ([]byte, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("failed to parse config: %w", err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("the file is empty; remove it and run exodus -g again to write it from the example")
	}
	sec := mapValue(root.Content[0], section)
	if sec == nil {
		return nil, fmt.Errorf("%s: expected a section, found none", section)
	}
	for key, val := range values {
		node := mapValue(sec, key)
		if node == nil {
			sec.Content = append(sec.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &yaml.Node{Kind: yaml.ScalarNode})
			node = sec.Content[len(sec.Content)-1]
		}
		node.Kind, node.Tag, node.Style, node.Value = yaml.ScalarNode, "!!str", yaml.DoubleQuotedStyle, val
	}
	var buf bytes.Buffer
	enc := yaml.NewEncoder(&buf)
	enc.SetIndent(4)
	if err := enc.Encode(&root); err != nil {
		return nil, fmt.Errorf("failed to write config: %w", err)
	}
	return buf.Bytes(), nil
}

// mapValue returns the value node of key in a mapping node, or nil.
func mapValue(m *yaml.Node, key string) *yaml.Node {
	if m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}
