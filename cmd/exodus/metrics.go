package main

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/exodus-matrix/exodus/bot"
	"github.com/exodus-matrix/exodus/ledger"
)

// latencyBuckets are the histograms' buckets, in seconds: a command is
// answered within a second or so; a slow homeserver takes longer.
var latencyBuckets = []float64{.005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60}

// promMetrics is bot.Metrics on a Prometheus registry of its own, with
// the homeserver's failed requests and the inbox and outbox backlogs
// besides.
type promMetrics struct {
	reg      *prometheus.Registry
	received *prometheus.CounterVec
	handled  *prometheus.CounterVec
	failures *prometheus.CounterVec
	answer   prometheus.Histogram
	delivery prometheus.Histogram
	sends    *prometheus.CounterVec
	handle   prometheus.Histogram
	hsErrors *prometheus.CounterVec
	ops      *prometheus.CounterVec
	decrypts *prometheus.CounterVec
}

var _ bot.Metrics = (*promMetrics)(nil)

// newPromMetrics registers the metrics; pending counts the inbox backlog
// and outbox the outbox's, on each scrape.
func newPromMetrics(pending func(context.Context) (int, error),
	outbox func(context.Context) (ledger.OutboxBacklog, error)) *promMetrics {
	m := &promMetrics{
		reg: prometheus.NewRegistry(),
		received: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_events_received_total",
			Help: "Events the homeserver pushed, by type (other: a type the bot does not handle)."}, []string{"type"}),
		handled: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_events_handled_total",
			Help: "Events the bot took from the inbox and handled, by type."}, []string{"type"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_handler_failures_total",
			Help: "Events whose handling failed, by type (the error is kept in the inbox table)."}, []string{"type"}),
		answer: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "exodus_event_answer_seconds",
			Help: "From an event's receipt to the end of its handling, the bot's answer written to the outbox.", Buckets: latencyBuckets}),
		delivery: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "exodus_outbox_delivery_seconds",
			Help: "From a message written to the outbox to the homeserver accepting it.", Buckets: latencyBuckets}),
		sends: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_outbox_sends_total",
			Help: "Attempts to send a message of the outbox: accepted, retried or dropped."}, []string{"result"}),
		handle: prometheus.NewHistogram(prometheus.HistogramOpts{Name: "exodus_event_handle_seconds",
			Help: "The handling of one event.", Buckets: latencyBuckets}),
		hsErrors: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_homeserver_errors_total",
			Help: "Failed requests to the homeserver, by kind: unreachable, the Matrix errcode, or http_<status>."}, []string{"kind"}),
		ops: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_ledger_ops_total",
			Help: "Mutual-aid ops the bot asked the ledger to apply, by kind and result (applied, refused, duplicate, failed)."}, []string{"kind", "result"}),
		decrypts: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "exodus_encrypted_events_total",
			Help: "Attempts at decrypting an encrypted event, by result (decrypted, parked, given_up, refused, failed)."}, []string{"result"}),
	}
	m.reg.MustRegister(m.received, m.handled, m.failures, m.answer, m.delivery, m.sends, m.handle, m.hsErrors, m.ops, m.decrypts,
		pendingCollector{count: pending, desc: prometheus.NewDesc("exodus_inbox_pending",
			"Events recorded in the inbox and not handled yet.", nil, nil)},
		newOutboxCollector(outbox),
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// EventsReceived counts a transaction's events.
func (m *promMetrics) EventsReceived(types []string) {
	for _, t := range types {
		m.received.WithLabelValues(t).Inc()
	}
}

// EventHandled counts a handled event and observes its times.
func (m *promMetrics) EventHandled(eventType string, waited, took time.Duration, err error) {
	m.handled.WithLabelValues(eventType).Inc()
	if err != nil {
		m.failures.WithLabelValues(eventType).Inc()
	}
	m.answer.Observe(waited.Seconds())
	m.handle.Observe(took.Seconds())
}

// LedgerOp counts an op by kind and result.
func (m *promMetrics) LedgerOp(kind ledger.OpKind, result bot.OpResult) {
	m.ops.WithLabelValues(string(kind), string(result)).Inc()
}

// MessageSent counts an attempt at a message of the outbox and observes
// how long an accepted one waited.
func (m *promMetrics) MessageSent(result bot.SendResult, waited time.Duration) {
	m.sends.WithLabelValues(string(result)).Inc()
	if result == bot.SendAccepted {
		m.delivery.Observe(waited.Seconds())
	}
}

// EventDecrypted counts an attempt at decrypting an event by result.
func (m *promMetrics) EventDecrypted(result bot.DecryptResult) {
	m.decrypts.WithLabelValues(string(result)).Inc()
}

// homeserverAnswer counts a failed request to the homeserver.
func (m *promMetrics) homeserverAnswer(a hsAnswer) {
	if k := a.kind(); k != "" {
		m.hsErrors.WithLabelValues(k).Inc()
	}
}

// handler serves the registry in the Prometheus text format; a metric
// that fails (the backlog, when the database does not answer) is left
// out and the others are served.
func (m *promMetrics) handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// pendingCollector counts the inbox backlog on each scrape.
type pendingCollector struct {
	count func(context.Context) (int, error)
	desc  *prometheus.Desc
}

// Describe implements prometheus.Collector.
func (c pendingCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.desc }

// Collect implements prometheus.Collector.
func (c pendingCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	n, err := c.count(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.desc, err)
		return
	}
	ch <- prometheus.MustNewConstMetric(c.desc, prometheus.GaugeValue, float64(n))
}

// outboxCollector counts the outbox backlog on each scrape: the messages
// pending and the age of the oldest, from one query.
type outboxCollector struct {
	backlog func(context.Context) (ledger.OutboxBacklog, error)
	pending *prometheus.Desc
	age     *prometheus.Desc
}

// newOutboxCollector counts the backlog that backlog reads.
func newOutboxCollector(backlog func(context.Context) (ledger.OutboxBacklog, error)) outboxCollector {
	return outboxCollector{backlog: backlog,
		pending: prometheus.NewDesc("exodus_outbox_pending",
			"Messages the bot wrote to its outbox and the homeserver has not accepted yet.", nil, nil),
		age: prometheus.NewDesc("exodus_outbox_oldest_age_seconds",
			"Age of the oldest message pending in the outbox (0 when none).", nil, nil)}
}

// Describe implements prometheus.Collector.
func (c outboxCollector) Describe(ch chan<- *prometheus.Desc) { ch <- c.pending; ch <- c.age }

// Collect implements prometheus.Collector.
func (c outboxCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	b, err := c.backlog(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(c.pending, err)
		ch <- prometheus.NewInvalidMetric(c.age, err)
		return
	}
	age := 0.0
	if b.Messages > 0 && !b.Oldest.IsZero() {
		age = max(time.Since(b.Oldest).Seconds(), 0)
	}
	ch <- prometheus.MustNewConstMetric(c.pending, prometheus.GaugeValue, float64(b.Messages))
	ch <- prometheus.MustNewConstMetric(c.age, prometheus.GaugeValue, age)
}
