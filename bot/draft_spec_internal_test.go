package bot

import (
	"bytes"
	"encoding/json"
	"testing"
)

// formerSpec is how spec encoded a draft before draftSpecOut: its data
// encoded apart, then copied in as raw JSON.
func formerSpec(t *testing.T, d *draft) []byte {
	t.Helper()
	s := draftSpec{Version: draftVersion, Markdown: d.md, Kind: d.kind, MsgType: d.msgtype, To: d.to,
		Mention: d.mention, ReplyTo: d.replyTo}
	if d.data != nil {
		data, err := json.Marshal(d.data)
		if err != nil {
			t.Fatal(err)
		}
		s.Data = data
	}
	b, err := json.Marshal(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestDraftSpecIsWrittenAsBefore: the outbox keeps byte for byte what the
// two-pass encoding kept, for data of every shape (none, null, a map with
// HTML and non-ASCII text, a struct, a list, a number), and it reads back.
func TestDraftSpecIsWrittenAsBefore(t *testing.T) {
	var nilMap map[string]any
	type row struct {
		Who    string  `json:"who"`
		Amount float64 `json:"amount"`
	}
	for _, data := range []any{nil, nilMap, map[string]any{"a": "<b>&\"x\"</b>", "ё": []int{1, 2}},
		row{Who: "@a:test", Amount: 1.5}, []string{"x", "<y>"}, 42, "\u2028"} {
		d := &draft{md: "**Hi** <a> & `c`", kind: "pool", data: data, msgtype: "m.notice", to: "@a:test",
			mention: true, replyTo: "$e"}
		got, err := d.spec()
		if err != nil {
			t.Fatal(err)
		}
		if want := formerSpec(t, d); !bytes.Equal(got, want) {
			t.Errorf("spec of %#v:\n got %s\nwant %s", data, got, want)
		}
		if _, err := readDraft(got); err != nil {
			t.Errorf("spec of %#v does not read back: %v", data, err)
		}
	}
}
