package main

import (
	"context"
	"time"

	"github.com/prometheus/client_golang/prometheus"
)

// watchEncryption registers the encryption device's metrics, read on each
// scrape from src: the /sync loop's last success and failures, and the
// encrypted events waiting for their room keys.
func (m *promMetrics) watchEncryption(src encryptionSource) {
	m.reg.MustRegister(encryptionCollector{src: src,
		lastSync: prometheus.NewDesc("exodus_device_last_sync_timestamp_seconds",
			"When the encryption device's /sync loop last succeeded, in Unix seconds (0: not yet).", nil, nil),
		failures: prometheus.NewDesc("exodus_device_sync_failures_total",
			"Failures of the encryption device's /sync loop (each retried).", nil, nil),
		waiting: prometheus.NewDesc("exodus_encrypted_events_waiting",
			"Encrypted events parked waiting for their room keys.", nil, nil),
		oldest: prometheus.NewDesc("exodus_encrypted_events_oldest_waiting_seconds",
			"How long the oldest encrypted event waiting for its room key has waited (0 when none).", nil, nil)})
}

// encryptionCollector reads the encryption metrics on each scrape.
type encryptionCollector struct {
	src                                 encryptionSource
	lastSync, failures, waiting, oldest *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c encryptionCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- c.lastSync
	ch <- c.failures
	ch <- c.waiting
	ch <- c.oldest
}

// Collect implements prometheus.Collector.
func (c encryptionCollector) Collect(ch chan<- prometheus.Metric) {
	s := c.src.status()
	last := 0.0
	if !s.LastSync.IsZero() {
		last = float64(s.LastSync.UnixMilli()) / 1000
	}
	ch <- prometheus.MustNewConstMetric(c.lastSync, prometheus.GaugeValue, last)
	ch <- prometheus.MustNewConstMetric(c.failures, prometheus.CounterValue, float64(s.SyncFailures))
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	p, err := c.src.parked(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.waiting, err)
		ch <- prometheus.NewInvalidMetric(c.oldest, err)
		return
	}
	age := 0.0
	if p.Events > 0 && !p.Oldest.IsZero() {
		age = max(time.Since(p.Oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.waiting, prometheus.GaugeValue, float64(p.Events))
	ch <- prometheus.MustNewConstMetric(c.oldest, prometheus.GaugeValue, age)
}
