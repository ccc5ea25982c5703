package e2e_test

import (
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/exodus-matrix/exodus/internal/devnet"
	"github.com/exodus-matrix/exodus/internal/stack"
)

// TestTokenTheHomeserverDoesNotKnow starts exodus with fresh tokens whose
// registration the homeserver never loaded: it stops at once, saying in
// one line what it means and how to fix it.
func TestTokenTheHomeserverDoesNotKnow(t *testing.T) {
	ctx := testCtx(t)
	bin, err := stack.BuildExodus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	port, err := devnet.FreePort()
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	cfgPath, regPath := filepath.Join(dir, "config.yaml"), filepath.Join(dir, "registration.yaml")
	// Fresh tokens ("generate": -g keeps tokens that are set) and no
	// listener of the shared bot's.
	writeConfig(t, cfgPath, map[string]any{"appservice.port": port, "web.listen": "", "metrics.enabled": false,
		"appservice.as_token": "generate", "appservice.hs_token": "generate",
		"database.uri": "file:" + filepath.Join(dir, "exodus.db") + "?_txlock=immediate"})
	if out, err := exec.CommandContext(ctx, bin, "-g", "-c", cfgPath, "-r", regPath).CombinedOutput(); err != nil {
		t.Fatalf("exodus -g: %v\n%s", err, out)
	}
	// ctx bounds the run well below the two minutes an unreachable
	// homeserver is retried: the refusal must end it at once.
	out, err := exec.CommandContext(ctx, bin, "-c", cfgPath, "-r", regPath).CombinedOutput()
	if _, ok := err.(*exec.ExitError); !ok || ctx.Err() != nil {
		t.Fatalf("exodus did not exit with an error: %v\n%s", err, out)
	}
	want := "exodus: the homeserver at " + env.HS.URL + " refuses the as_token (M_UNKNOWN_TOKEN): it has not loaded this bot's registration, " +
		"or loaded an older one with other tokens; give it " + regPath + " (Dendrite: add it to app_service_api.config_files in dendrite.yaml; " +
		"Synapse: to app_service_config_files in homeserver.yaml) and restart the homeserver"
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if lines[len(lines)-1] != want {
		t.Fatalf("last line:\n%s\nwant:\n%s\nwhole output:\n%s", lines[len(lines)-1], want, out)
	}
	if strings.Contains(string(out), "retrying") {
		t.Fatalf("exodus retried a refused token:\n%s", out)
	}
}

// writeConfig writes env's config with the given keys changed.
func writeConfig(t *testing.T, path string, settings map[string]any) {
	t.Helper()
	data, err := os.ReadFile(env.ConfigPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		t.Fatal(err)
	}
	for k, v := range settings {
		if err := devnet.SetYAMLPath(&doc, k, v); err != nil {
			t.Fatal(err)
		}
	}
	if data, err = yaml.Marshal(&doc); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}

// TestHealthAndMetrics reads the bot's health on both listeners and its
// metrics after a member's command, and the start-up line in its log. The
// bot has an encryption device: its check names it, cross-signed, with a
// key backup, and tells its /sync loop's last success, once it had one.
func TestHealthAndMetrics(t *testing.T) {
	alice := member(t, "health")
	dm := openDM(t, alice)
	say(t, alice, dm, "help")
	device := deviceSynced(t)

	for _, url := range []string{env.BotURL + "/_exodus/health", env.WebURL + "/health"} {
		code, body := get(t, url)
		var rep struct {
			Status string                    `json:"status"`
			Checks map[string]map[string]any `json:"checks"`
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatalf("%s: %v\n%s", url, err, body)
		}
		if code != http.StatusOK || rep.Status != "ok" || len(rep.Checks) != 8 {
			t.Fatalf("%s: %d %s", url, code, body)
		}
		for name, c := range rep.Checks {
			if c["ok"] != true {
				t.Errorf("%s: %s fails: %v", url, name, c)
			}
		}
		if rep.Checks["transactions"]["last_received"] == nil || rep.Checks["web"]["enabled"] != true ||
			rep.Checks["outbox"]["messages"] == nil {
			t.Errorf("%s: %s", url, body)
		}
		enc := rep.Checks["encryption"]
		if enc["enabled"] != true || enc["critical"] != true || enc["device_id"] != device || enc["cross_signed"] != true ||
			enc["key_backup"] != true || enc["last_sync"] == nil || enc["waiting_events"] != 0.0 || enc["given_up"] != 0.0 {
			t.Errorf("%s: encryption %v", url, enc)
		}
	}

	_, text := get(t, metricsURL)
	if n := metricValue(text, `exodus_events_received_total{type="m.room.message"}`); n < 1 {
		t.Fatalf("no message received in the metrics:\n%s", text)
	}
	if last := metricValue(text, "exodus_device_last_sync_timestamp_seconds"); last <= 0 {
		t.Errorf("the device's last /sync in the metrics: %v", last)
	}
	for _, name := range []string{"exodus_inbox_pending ", "exodus_outbox_pending ", "exodus_outbox_oldest_age_seconds ",
		"exodus_event_answer_seconds_count ", "exodus_events_handled_total{", "exodus_encrypted_events_waiting ",
		"exodus_encrypted_events_oldest_waiting_seconds ", "exodus_device_sync_failures_total "} {
		if !strings.Contains(text, "\n"+name) {
			t.Errorf("no %s in the metrics", name)
		}
	}

	log, err := os.ReadFile(filepath.Join(filepath.Dir(env.ConfigPath), "exodus.log"))
	if err != nil {
		t.Fatal(err)
	}
	want := "Start-up checks: database ok; homeserver " + env.HS.URL + " reachable; as_token accepted; bot user " + env.BotID.String() +
		" registered; web organizer listening on " + strings.TrimPrefix(env.WebURL, "http://") + "; metrics listening on " +
		strings.TrimSuffix(strings.TrimPrefix(metricsURL, "http://"), "/metrics") + "; encryption device " + device +
		" cross-signed, key backup on"
	if !strings.Contains(string(log), want) {
		t.Fatalf("no start-up line %q in the log", want)
	}
}

// deviceSynced waits until the bot's health tells a success of its
// encryption device's /sync loop, and returns the device's ID.
func deviceSynced(t *testing.T) string {
	t.Helper()
	ctx := testCtx(t)
	for {
		_, body := get(t, env.BotURL+"/_exodus/health")
		var rep struct {
			Checks struct {
				Encryption struct {
					DeviceID string  `json:"device_id"`
					LastSync *string `json:"last_sync"`
				} `json:"encryption"`
			} `json:"checks"`
		}
		if err := json.Unmarshal([]byte(body), &rep); err != nil {
			t.Fatalf("%v\n%s", err, body)
		}
		if rep.Checks.Encryption.LastSync != nil {
			return rep.Checks.Encryption.DeviceID
		}
		select {
		case <-ctx.Done():
			t.Fatalf("the device's /sync never succeeded: %s", body)
		case <-time.After(100 * time.Millisecond):
		}
	}
}

// get fetches a URL and returns the status and the body.
func get(t *testing.T, url string) (int, string) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(body)
}

// metricValue is the value of a sample in the Prometheus text format, -1
// if there is none.
func metricValue(text, sample string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if v, ok := strings.CutPrefix(line, sample+" "); ok {
			f, err := strconv.ParseFloat(v, 64)
			if err == nil {
				return f
			}
		}
	}
	return -1
}
