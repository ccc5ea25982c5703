package store_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/exodus-matrix/exodus/ledger"
	"github.com/exodus-matrix/exodus/store"
)

// benchStores runs fn on SQLite, and on Postgres when postgresEnv is set.
func benchStores(b *testing.B, fn func(b *testing.B, s *store.Store)) {
	b.Run("sqlite", func(b *testing.B) { fn(b, openSQLite(b)) })
	if uri := os.Getenv(postgresEnv); uri != "" {
		b.Run("postgres", func(b *testing.B) { fn(b, openPostgres(b, uri)) })
	}
}

// BenchmarkInboxEnqueue measures Enqueue of homeserver transactions of 50
// new events each (one database transaction per Enqueue).
func BenchmarkInboxEnqueue(b *testing.B) {
	const perTxn = 50
	raw := []byte(`{"type":"m.room.message","sender":"@alice:example.org","content":{"msgtype":"m.text","body":"` +
		strings.Repeat("x", 300) + `"},"origin_server_ts":1740830400123,"unsigned":{"age":12}}`)
	benchStores(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		events := make([]ledger.InboxEvent, perTxn)
		n := 0
		for b.Loop() {
			for i := range events {
				events[i] = ledger.InboxEvent{ID: ledger.EventID(fmt.Sprintf("$ev%d_%d:example.org", n, i)),
					Room: "!room:example.org", Raw: raw, ReceivedAt: at(n)}
			}
			added, err := s.Enqueue(ctx, events)
			if err != nil || added != perTxn {
				b.Fatalf("Enqueue = %d, %v", added, err)
			}
			n++
		}
		b.ReportMetric(float64(n*perTxn)/b.Elapsed().Seconds(), "events/s")
	})
}

// BenchmarkGuaranteesLoad measures loading a trust network of 300,000
// guarantees with Guarantees.
func BenchmarkGuaranteesLoad(b *testing.B) {
	const total = 300_000
	benchStores(b, func(b *testing.B, s *store.Store) {
		ctx := context.Background()
		insertGuarantees(b, s, total)
		for b.Loop() {
			list, err := s.Trust.Guarantees(ctx)
			if err != nil || len(list) != total {
				b.Fatalf("Guarantees = %d, %v", len(list), err)
			}
		}
		b.ReportMetric(float64(total*b.N)/b.Elapsed().Seconds(), "guarantees/s")
	})
}

// insertGuarantees fills the store with n distinct guarantees among n/10
// members, with multi-row INSERTs (AddGuarantee one by one would make the
// set-up dominate the benchmark on Postgres).
func insertGuarantees(b *testing.B, s *store.Store, n int) {
	b.Helper()
	const batch = 1000
	ctx := context.Background()
	members := n / 10
	err := s.InTx(ctx, func(ctx context.Context) error {
		for start := 0; start < n; start += batch {
			var sb strings.Builder
			args := make([]any, 0, batch*7)
			sb.WriteString(`INSERT INTO guarantees (a, b, circle_id, pledge_minor, pledge_currency, created_by, created_at) VALUES `)
			for i := start; i < min(start+batch, n); i++ {
				x, y := i%members, (i%members+1+i/members)%members
				g := ledger.NewGuarantee(benchUser(x), benchUser(y), "!circle:example.org", eur(100_00),
					ledger.EventID(fmt.Sprintf("$accept%d", i)), at(i))
				if i > start {
					sb.WriteString(", ")
				}
				k := len(args)
				fmt.Fprintf(&sb, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", k+1, k+2, k+3, k+4, k+5, k+6, k+7)
				args = append(args, string(g.A), string(g.B), string(g.Circle), g.Pledge.Minor,
					string(g.Pledge.Currency), string(g.CreatedBy), g.CreatedAt.UnixMilli())
			}
			if _, err := s.DB().Exec(ctx, sb.String(), args...); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
}

// benchUser returns the ID of the i-th benchmark member.
func benchUser(i int) ledger.UserID {
	return ledger.UserID(fmt.Sprintf("@member%06d:example.org", i))
}
