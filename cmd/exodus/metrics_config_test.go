package main

import (
	"strings"
	"testing"
)

// The metrics are off by default; on, the listener defaults to the
// bridges' address, and a bad one names metrics.listen.
func TestMetricsKeys(t *testing.T) {
	cfg := testConfig(t)
	if cfg.Metrics.Enabled || cfg.Metrics.Listen != DefaultMetricsListen {
		t.Fatalf("example: %+v", cfg.Metrics)
	}
	cfg.Metrics.Enabled, cfg.Metrics.Listen = true, ""
	if err := cfg.Validate(); err != nil || cfg.Metrics.Listen != DefaultMetricsListen {
		t.Fatalf("default listen: %v %q", err, cfg.Metrics.Listen)
	}
	for _, bad := range []string{"8001", "127.0.0.1:http", "127.0.0.1:0", "[::1]:70000", cfg.Web.Listen, "127.0.0.1:29330"} {
		cfg := testConfig(t)
		cfg.Metrics.Enabled, cfg.Metrics.Listen = true, bad
		if err := cfg.Validate(); err == nil || !strings.HasPrefix(err.Error(), "metrics.listen: expected") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	cfg = testConfig(t)
	cfg.Metrics.Listen = "nonsense" // off: not read
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
}
