package main

import (
	"bytes"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"

	"gopkg.in/yaml.v3"
	"maunium.net/go/mautrix/appservice"

	"github.com/exodus-matrix/exodus"
)

// generateRegistration writes a registration with fresh tokens to regPath
// and puts the same tokens into the config at cfgPath (created from the
// example if missing), keeping its comments. Both files end 0600, whatever
// mode they had.
func generateRegistration(cfgPath, regPath string) error {
	data, err := os.ReadFile(cfgPath)
	if errors.Is(err, fs.ErrNotExist) {
		data = exampleConfig(exodus.ExampleConfig) // container.go
	} else if err != nil {
		return fmt.Errorf("failed to read config: %w", err)
	}
	reg := appservice.CreateRegistration()
	out, err := setTokens(data, reg.AppToken, reg.ServerToken)
	if err != nil {
		return err
	}
	var cfg Config
	if err := yaml.Unmarshal(out, &cfg); err != nil {
		return fmt.Errorf("failed to parse config: %w", err)
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("config %s: %w", cfgPath, err)
	}
	fillRegistration(reg, &cfg)
	regYAML, err := reg.YAML()
	if err != nil {
		return fmt.Errorf("failed to write registration: %w", err)
	}
	if err := writePrivate(regPath, []byte(regYAML)); err != nil {
		return fmt.Errorf("failed to write registration: %w", err)
	}
	if err := writePrivate(cfgPath, out); err != nil {
		return fmt.Errorf("failed to write config: %w", err)
	}
	return nil
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
	var root yaml.Node
	if err := yaml.Unmarshal(doc, &root); err != nil {
		return nil, fmt.Errorf("failed to parse config: %w", err)
	}
	if len(root.Content) == 0 {
		return nil, fmt.Errorf("config is empty")
	}
	as := mapValue(root.Content[0], "appservice")
	if as == nil {
		return nil, fmt.Errorf("appservice: expected a section, found none")
	}
	for key, val := range map[string]string{"as_token": asToken, "hs_token": hsToken} {
		node := mapValue(as, key)
		if node == nil {
			as.Content = append(as.Content, &yaml.Node{Kind: yaml.ScalarNode, Value: key}, &yaml.Node{Kind: yaml.ScalarNode})
			node = as.Content[len(as.Content)-1]
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
