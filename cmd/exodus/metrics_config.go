package main

import (
	"net"
	"strconv"
)

// MetricsConfig is the `metrics:` section: Prometheus metrics on a
// listener of their own, off unless enabled (the mautrix bridges'
// convention). Added after the first release: off when absent.
type MetricsConfig struct {
	Enabled bool `yaml:"enabled"`
	// Listen is the address /metrics is served on; 127.0.0.1:8001 when
	// empty.
	Listen string `yaml:"listen"`
}

// DefaultMetricsListen is metrics.listen when it is empty.
const DefaultMetricsListen = "127.0.0.1:8001"

// validateMetrics checks the metrics section; when it is off nothing is.
func (c *Config) validateMetrics() error {
	m := &c.Metrics
	if !m.Enabled {
		return nil
	}
	if m.Listen == "" {
		m.Listen = DefaultMetricsListen
	}
	if !validListen(m.Listen) { // config.go
		return keyError("metrics.listen", "a host:port to listen on, such as 127.0.0.1:8001", m.Listen)
	}
	if m.Listen == c.Web.Listen || m.Listen == net.JoinHostPort(c.AppService.Hostname, strconv.Itoa(int(c.AppService.Port))) {
		return keyError("metrics.listen", "an address other than web.listen's and the appservice's", m.Listen)
	}
	return nil
}
