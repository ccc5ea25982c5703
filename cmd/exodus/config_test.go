package main

import (
	"net/netip"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/exodus-matrix/exodus"
)

func TestWebAuthKeys(t *testing.T) {
	cfg := testConfig(t)
	if cfg.Web.FailedAuthLimit != 10 || cfg.authWindow != time.Minute || len(cfg.trustedProxies) != 0 {
		t.Fatalf("defaults: %d %v %v", cfg.Web.FailedAuthLimit, cfg.authWindow, cfg.trustedProxies)
	}
	cfg.Web.FailedAuthLimit, cfg.Web.FailedAuthWindow = 0, ""
	cfg.Web.TrustedProxies = []string{"127.0.0.1", "10.0.0.0/8", "::1", "2001:db8::1/32", "::ffff:192.0.2.1"}
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	want := []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8"),
		netip.MustParsePrefix("::1/128"), netip.MustParsePrefix("2001:db8::/32"), netip.MustParsePrefix("192.0.2.1/32")}
	if cfg.Web.FailedAuthLimit != 10 || cfg.authWindow != time.Minute || !slices.Equal(cfg.trustedProxies, want) {
		t.Errorf("parsed: %d %v %v", cfg.Web.FailedAuthLimit, cfg.authWindow, cfg.trustedProxies)
	}
	for _, c := range []struct {
		set func(*Config)
		key string
	}{
		{func(c *Config) { c.Web.FailedAuthLimit = -1 }, "web.failed_auth_limit"},
		{func(c *Config) { c.Web.FailedAuthLimit = 10001 }, "web.failed_auth_limit"},
		{func(c *Config) { c.Web.FailedAuthWindow = "soon" }, "web.failed_auth_window"},
		{func(c *Config) { c.Web.FailedAuthWindow = "100ms" }, "web.failed_auth_window"},
		{func(c *Config) { c.Web.FailedAuthWindow = "48h" }, "web.failed_auth_window"},
		{func(c *Config) { c.Web.TrustedProxies = []string{"10.0.0.1", "proxy.local"} }, "web.trusted_proxies[1]"},
		{func(c *Config) { c.Web.TrustedProxies = []string{"10.0.0.0/33"} }, "web.trusted_proxies[0]"},
		{func(c *Config) { c.Web.TrustedProxies = []string{"fe80::1%eth0"} }, "web.trusted_proxies[0]"},
	} {
		cfg := testConfig(t)
		c.set(cfg)
		if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), c.key+": ") {
			t.Errorf("%s: %v", c.key, err)
		}
	}
}

// TestEveryKeyIsInTheExample checks that config.example.yaml, the
// operator's documentation, has every key the config reads.
func TestEveryKeyIsInTheExample(t *testing.T) {
	var doc map[string]any
	if err := yaml.Unmarshal(exodus.ExampleConfig, &doc); err != nil {
		t.Fatal(err)
	}
	for _, key := range yamlKeys(reflect.TypeFor[Config](), "") {
		var v any = doc
		for _, part := range strings.Split(key, ".") {
			m, _ := v.(map[string]any)
			var ok bool
			if v, ok = m[part]; !ok {
				t.Errorf("%s is not in config.example.yaml", key)
				break
			}
		}
	}
}

// yamlKeys lists the dotted keys of a struct's yaml fields, leaves only.
func yamlKeys(typ reflect.Type, prefix string) []string {
	var keys []string
	for f := range typ.Fields() {
		name, _, _ := strings.Cut(f.Tag.Get("yaml"), ",")
		if name == "" || name == "-" {
			continue
		}
		if f.Type.Kind() == reflect.Struct {
			keys = append(keys, yamlKeys(f.Type, prefix+name+".")...)
			continue
		}
		keys = append(keys, prefix+name)
	}
	return keys
}
