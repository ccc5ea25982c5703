package replica_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strconv"
	"testing"
	"time"

	"maunium.net/go/mautrix"

	"github.com/exodus-matrix/exodus/bot/replica"
	"github.com/exodus-matrix/exodus/ledger"
)

// A rebuild through a mautrix client (as the command's: the appservice's
// intent embeds one) reads each page's events as the homeserver's bytes
// and replays them: ann's status is rebuilt; an event whose content does
// not parse as its type fails alone, its error kept in the inbox, as the
// intake keeps it; nothing is left pending.
func TestRebuildThroughAMautrixClient(t *testing.T) {
	const room = "!raw:test"
	ts := int64(rebuildStart)
	var events []map[string]any
	add := func(typ, sender string, stateKey *string, content any) {
		ts += 1000
		e := map[string]any{"event_id": "$r" + strconv.Itoa(len(events)), "sender": sender, "type": typ,
			"origin_server_ts": ts, "content": content, "unsigned": map[string]any{"age": 5}}
		if stateKey != nil {
			e["state_key"] = *stateKey
		}
		events = append(events, e) // no room_id, as /messages may leave it out
	}
	empty, bu, a := "", botUser, ann
	add("org.exodus.circle", botUser, &empty, map[string]any{"name": "Raw", "pledge_minor": 10000, "currency": "EUR",
		"lang": "en", "owner": ann, "answering_bot": botUser, "version": 1})
	add("m.room.member", botUser, &bu, map[string]any{"membership": "join"})
	add("m.room.member", ann, &a, map[string]any{"membership": "join"})
	add("m.room.message", ann, nil, map[string]any{"msgtype": 5, "body": []int{1}}) // not a message's content
	add("m.room.message", ann, nil, map[string]any{"msgtype": "m.text", "body": "!ex status orange 100"})
	mux := http.NewServeMux()
	mux.HandleFunc("GET /_matrix/client/v3/joined_rooms", func(w http.ResponseWriter, _ *http.Request) {
		_ = json.NewEncoder(w).Encode(map[string]any{"joined_rooms": []string{room}})
	})
	mux.HandleFunc("GET /_matrix/client/v3/rooms/{room}/messages", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("dir") != "f" {
			http.Error(w, `{"errcode":"M_UNRECOGNIZED"}`, http.StatusBadRequest)
			return
		}
		from, _ := strconv.Atoi(r.URL.Query().Get("from"))
		limit, _ := strconv.Atoi(r.URL.Query().Get("limit"))
		end := min(from+limit, len(events))
		resp := map[string]any{"chunk": events[from:end]}
		if end < len(events) {
			resp["end"] = strconv.Itoa(end)
		}
		_ = json.NewEncoder(w).Encode(resp)
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	cli, err := mautrix.NewClient(srv.URL, botUser, "token")
	if err != nil {
		t.Fatal(err)
	}

	rc := replica.NewReplayClock(ledger.NewManualClock(time.UnixMilli(ts + 60_000).UTC()))
	h := newBareHarness(t, rc, 1000)
	report, err := replica.New(h.bot, botUser, cli, h.store, nil).Rebuild(h.ctx, replica.Options{PageSize: 2, Clock: rc})
	if err != nil {
		t.Fatal(err)
	}
	if report.Events != 4 || report.Failed != 1 || len(report.Circles) != 1 || report.Rooms[0].Events != 5 {
		t.Fatalf("report %+v", report)
	}
	if st, err := h.svc.Aid.StatusOf(h.ctx, ann); err != nil || st.Status != ledger.StatusOrange {
		t.Fatalf("ann's status after the rebuild: %+v %v", st, err)
	}
	pending, err := h.store.Pending(h.ctx, 10)
	if err != nil || len(pending) != 0 {
		t.Fatalf("pending after the rebuild: %v %v", pending, err)
	}
	var errText, inRoom string
	row := h.store.DB().QueryRow(h.ctx, `SELECT error, room_id FROM inbox WHERE event_id = '$r3'`)
	if err := row.Scan(&errText, &inRoom); err != nil || errText == "" || inRoom != room {
		t.Fatalf("the failed event's inbox record: error %q, room %q (%v)", errText, inRoom, err)
	}
}
