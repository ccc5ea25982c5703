package e2e_test

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"maunium.net/go/mautrix/id"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// jsSDKDir holds matrix-js-sdk, the SDK Element Web is built on, at the exact
// version of its package-lock.json, and the scripts that read the bot's
// events through it.
var jsSDKDir = filepath.Join("..", "tools", "matrix-js-sdk")

var jsSDKInstall struct {
	once sync.Once
	err  error
	out  []byte
}

// jsSDK installs matrix-js-sdk when it is missing (npm ci, from the lock
// file), once per test run, as the tests build Dendrite when it is missing.
func jsSDK(t *testing.T) {
	t.Helper()
	jsSDKInstall.once.Do(func() {
		if _, err := os.Stat(filepath.Join(jsSDKDir, "node_modules", "matrix-js-sdk", "package.json")); err == nil {
			return
		}
		cmd := exec.Command("npm", "ci", "--no-audit", "--no-fund")
		cmd.Dir = jsSDKDir
		jsSDKInstall.out, jsSDKInstall.err = cmd.CombinedOutput()
	})
	if jsSDKInstall.err != nil {
		t.Fatalf("installing matrix-js-sdk (npm ci in tools/matrix-js-sdk): %v\n%s", jsSDKInstall.err, jsSDKInstall.out)
	}
}

// sdkPoll is a poll as matrix-js-sdk's poll model holds it for a member.
type sdkPoll struct {
	Found     bool   `json:"found"`
	Ended     bool   `json:"ended"`
	EndedBy   string `json:"endedBy"`
	Responses []struct {
		Type    string   `json:"type"`
		Sender  string   `json:"sender"`
		Spoiled bool     `json:"spoiled"`
		Answers []string `json:"answers"`
	} `json:"responses"`
}

// pollAsElementSeesIt syncs as u through matrix-js-sdk and returns what its
// poll model holds for the poll started by poll in room.
func pollAsElementSeesIt(t *testing.T, u *devnet.User, room id.RoomID, poll id.EventID) sdkPoll {
	t.Helper()
	jsSDK(t)
	cmd := exec.CommandContext(testCtx(t), "node", "polls.mjs", u.Client.HomeserverURL.String(), u.Client.AccessToken,
		u.ID.String(), room.String(), poll.String())
	cmd.Dir = jsSDKDir
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Fatalf("node polls.mjs: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") { // the SDK logs too
		var p sdkPoll
		if strings.HasPrefix(line, `{"found":`) && json.Unmarshal([]byte(line), &p) == nil {
			return p
		}
	}
	t.Fatalf("node polls.mjs printed no poll:\n%s", out)
	return sdkPoll{}
}
