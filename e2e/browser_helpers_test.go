package e2e_test

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromiumPath finds the headless browser: $CHROMIUM, else Debian's
// chromium on the PATH. .ci/run installs it (apt-get install chromium).
func chromiumPath(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Fatal("no Chromium found: install Debian's chromium (apt-get install chromium) or set $CHROMIUM")
	return ""
}

// browser starts a headless Chromium with a fresh profile and returns a
// context for chromedp actions in one tab; it is closed when the test ends.
func browser(t *testing.T) context.Context {
	t.Helper()
	// Not t.TempDir: Chromium may still write its profile while it shuts
	// down, and a directory that is not empty fails that cleanup.
	profile, err := os.MkdirTemp("", "exodus-chromium-")
	if err != nil {
		t.Fatal(err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(profile),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(1280, 900),
	)
	alloc, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancelCtx := chromedp.NewContext(alloc)
	t.Cleanup(func() {
		cancelCtx()
		cancelAlloc()
		for range 20 { // Chromium's last writes may race the first attempts
			if os.RemoveAll(profile) == nil {
				return
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
	if err := chromedp.Run(ctx); err != nil { // starts the browser
		t.Fatalf("failed to start Chromium: %v", err)
	}
	return ctx
}

// run runs browser actions, bounded by a minute, failing the test on error.
func run(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	step, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	if err := chromedp.Run(step, actions...); err != nil {
		t.Fatalf("browser: %s: %v", what, err)
	}
}

// screenshot saves the viewport as docs/screenshots/<name>.png when
// $EXODUS_SCREENSHOTS names that folder (make screenshots sets it), so a
// test run never changes the repository unless asked to.
func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("EXODUS_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	run(t, ctx, "screenshot "+name, chromedp.FullScreenshot(&png, 100))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// loginLinkRe finds the login link in the bot's answer to `web`.
var loginLinkRe = regexp.MustCompile(`http://[^\s)\]]+/login\?t=exl_[A-Za-z0-9_-]+`)
