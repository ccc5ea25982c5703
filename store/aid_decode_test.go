package store

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
	"unsafe"

	"github.com/exodus-matrix/exodus/ledger"
)

// decodeSamples are op bodies as AppendOp writes them (every field of the
// hand-read ones, and those left to encoding/json), and bodies it never
// writes: other spellings, other forms of numbers, bad JSON.
func decodeSamples(t testing.TB) []string {
	at := time.Date(2027, 3, 1, 8, 0, 0, 123_000_000, time.UTC)
	ops := []ledger.Op{
		{},
		{Kind: ledger.OpStatus, Event: "$e1", Actor: "@a:t", At: at, Status: ledger.StatusRed,
			Amount: ledger.Amount{Minor: 30_000, Currency: "EUR"}, Days: 14},
		{Kind: ledger.OpIntend, Event: "$e2", Actor: "@b:t", At: at, Need: "$e1", Reaction: "$r",
			Default: ledger.Amount{Minor: -5, Currency: ledger.Hours}, Poll: true},
		{Kind: ledger.OpGot, Event: "$e3", Actor: "@a:t", At: at, Need: "$e1", Giver: "@b:t", Target: "$t"},
		{Kind: ledger.OpInitiative, Event: "$e4", Actor: "@c:t", At: at, Text: "Кровать \"новая\"\n",
			Until: at.Add(48 * time.Hour), Circle: "!c:t", Amount: ledger.Amount{Minor: 1, Currency: ledger.Items}},
		{Kind: ledger.OpRollover, Event: "clock:2027-04", Actor: ledger.ClockActor, At: at, Month: "2027-04"},
		{Kind: ledger.OpDone, Event: "$e5", Actor: "@c:t", At: at, Text: "ünïcödé ✓ 🤝"},
		{Kind: ledger.OpApprove, Event: "$e6", Actor: "@c:t", At: at, Need: "$e4", Members: []ledger.UserID{"@a:t", "@b:t"}},
		{Kind: ledger.OpAgree, Event: "$e7", Actor: "@a:t", At: at, Cycle: &ledger.Cycle{Members: []ledger.UserID{"@a:t"},
			Debts: []ledger.PromiseID{"$p"}, Reduce: ledger.Amount{Minor: 7, Currency: "RSD"}}},
		{Kind: ledger.OpAgree, Event: "$e8", Actor: "@a:t", At: at, Chain: &ledger.ChainCut{Via: "@b:t", Agreeable: true}},
		{Kind: "unknown_kind", Event: "$e9", Actor: "@a:t", At: at.In(time.FixedZone("X", 3600)), Status: "purple",
			Amount: ledger.Amount{Minor: 9_223_372_036_854_775_807, Currency: "XTS"}},
	}
	var bodies []string
	for _, op := range ops {
		b, err := json.Marshal(op)
		if err != nil {
			t.Fatal(err)
		}
		bodies = append(bodies, string(b))
	}
	return append(bodies,
		`{}`, ` { } `, `{"kind":"status"}`, "\t{\n\"kind\" : \"sent\" ,\r\"days\": 0 }\n",
		`{"KIND":"status"}`, `{"Kind":"got","kind":"sent"}`, `{"kind":"sent","kind":"got"}`,
		`{"amount":{"Minor":1},"amount":{"Currency":"EUR"}}`, `{"amount":{"minor":5,"currency":"EUR"}}`,
		`{"amount":{}}`, `{"amount":null}`, `{"amount":{"Minor":1,"Other":2}}`,
		`{"unknown":1,"kind":"sent"}`, `{"kind":null}`, `{"at":null}`, `{"need":"\u0024e1"}`,
		`{"text":"a\\b"}`, "{\"text\":\"\xff\xfe\"}", "{\"text\":\"\x01\"}",
		`{"days":1.0}`, `{"days":1e2}`, `{"days":-0}`, `{"days":01}`, `{"days":-}`, `{"days":"1"}`,
		`{"days":99999999999999999999}`, `{"amount":{"Minor":-9223372036854775808}}`,
		`{"poll":true}`, `{"poll":false}`, `{"poll":truex}`, `{"poll":tru}`, `{"poll":1}`, `{"poll":null}`,
		`{"at":"2027-03-01T08:00:00Z"}`, `{"at":"2027-03-01T08:00:00+01:00"}`, `{"at":"2027-13-01T08:00:00Z"}`,
		`{"at":"2027-03-01 08:00:00Z"}`, `{"at":""}`, `{"until":"0001-01-01T00:00:00Z"}`,
		`{"kind":"sent",}`, `{"kind":"sent"`, `{"kind":"sent"}x`, `{"kind":"sent"} {}`, `{"kind" "sent"}`,
		`{"kind":"sent"}`+"\x00", `[]`, `null`, ``, `{"members":[]}`, `{"cycle":null}`, `{"poll":true,}`)
}

// TestDecodeOpAsEncodingJSON decodes each sample with decodeOp and with
// encoding/json: the same op, or an error from both.
func TestDecodeOpAsEncodingJSON(t *testing.T) {
	for _, body := range decodeSamples(t) {
		sameAsJSON(t, []byte(body))
	}
}

// TestDecodeOpSharesKnownStrings checks that the kinds, statuses and
// currencies of the package are shared, not copied per op.
func TestDecodeOpSharesKnownStrings(t *testing.T) {
	var a, b ledger.Op
	body := `{"kind":"status","status":"orange","amount":{"Minor":1,"Currency":"EUR"}}`
	if err := decodeOp([]byte(body), &a); err != nil {
		t.Fatal(err)
	}
	if err := decodeOp([]byte(body), &b); err != nil {
		t.Fatal(err)
	}
	same := func(x, y string) bool { return len(x) > 0 && unsafe.StringData(x) == unsafe.StringData(y) }
	if !same(string(a.Kind), string(b.Kind)) || !same(string(a.Status), string(b.Status)) ||
		!same(string(a.Amount.Currency), string(b.Amount.Currency)) {
		t.Fatalf("known strings copied per op: %+v", a)
	}
}

// FuzzDecodeOp checks decodeOp against encoding/json on any body, from
// the samples.
func FuzzDecodeOp(f *testing.F) {
	for _, body := range decodeSamples(f) {
		f.Add([]byte(body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		sameAsJSON(t, body)
	})
}

// sameAsJSON fails t if decodeOp and encoding/json decode body
// differently.
func sameAsJSON(t *testing.T, body []byte) {
	t.Helper()
	var got, want ledger.Op
	errGot := decodeOp(body, &got)
	errWant := json.Unmarshal(body, &want)
	if (errGot == nil) != (errWant == nil) {
		t.Fatalf("%q: decodeOp error %v, encoding/json %v", body, errGot, errWant)
	}
	if errWant == nil && !reflect.DeepEqual(got, want) {
		t.Fatalf("%q: decodeOp\n %+v\nencoding/json\n %+v", body, got, want)
	}
}

// BenchmarkDecodeOp decodes the body of a typical op (a promise: kind,
// event, actor, time, need, amount, the default amount and the zero
// time AppendOp writes) by hand (decodeOp) and with encoding/json.
func BenchmarkDecodeOp(b *testing.B) {
	body, err := json.Marshal(ledger.Op{Kind: ledger.OpCommit, Event: "$Xk3v9aQeT0bJw1pZ:example.org", Actor: "@member1234:example.org",
		At: time.Date(2027, 3, 1, 8, 0, 0, 123_000_000, time.UTC), Need: "$Nd8s7f6g5h4j3k2l:example.org",
		Amount: ledger.Amount{Minor: 2_500, Currency: "EUR"}})
	if err != nil {
		b.Fatal(err)
	}
	for _, c := range []struct {
		name   string
		decode func([]byte, *ledger.Op) error
	}{
		{"by-hand", decodeOp},
		{"encoding-json", func(body []byte, op *ledger.Op) error { *op = ledger.Op{}; return json.Unmarshal(body, op) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			var op ledger.Op
			b.ReportAllocs()
			for b.Loop() {
				if err := c.decode(body, &op); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
