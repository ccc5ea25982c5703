package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"strings"
	"testing"
)

// runCLI runs the command line and returns the exit status and what it
// wrote.
func runCLI(args ...string) (code int, stdout, stderr string) {
	var out, errOut bytes.Buffer
	code = cli(args, &out, &errOut)
	return code, out.String(), errOut.String()
}

func TestVersionCommand(t *testing.T) {
	want := regexp.MustCompile(`^exodus \S+, commit \S+( \(with uncommitted changes\))?\n$`)
	for _, args := range [][]string{{"version"}, {"--version"}, {"-version"}, {"run", "--version"}} {
		code, out, errOut := runCLI(args...)
		if code != 0 || !want.MatchString(out) || errOut != "" {
			t.Errorf("%v: %d %q %q", args, code, out, errOut)
		}
	}
	if code, _, errOut := runCLI("version", "now"); code != 2 || !strings.Contains(errOut, `unexpected argument "now"`) {
		t.Errorf("version now: %d %q", code, errOut)
	}
}

func TestFormatVersion(t *testing.T) {
	vcs := func(rev, modified string) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/exodus-matrix/exodus", Version: "v0.0.0-20260101000000-0123456789ab"},
			Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: rev}, {Key: "vcs.modified", Value: modified}}}
	}
	rev := "0123456789abcdef0123456789abcdef01234567"
	for _, c := range []struct {
		version, commit string
		info            *debug.BuildInfo
		want            string
	}{
		{"", "", vcs(rev, "false"), "exodus v0.0.0-20260101000000-0123456789ab, commit " + rev},
		{"", "", vcs(rev, "true"), "exodus v0.0.0-20260101000000-0123456789ab, commit " + rev + " (with uncommitted changes)"},
		{"v1.2.3", "", vcs(rev, "false"), "exodus v1.2.3, commit " + rev},
		{"v1.2.3", "abc123", vcs(rev, "true"), "exodus v1.2.3, commit abc123"},
		{"", "", &debug.BuildInfo{Main: debug.Module{Version: "(devel)"}}, "exodus (devel), commit unknown"},
		{"", "abc123", nil, "exodus (devel), commit abc123"},
		{"", "", nil, "exodus (devel), commit unknown"},
	} {
		if got := formatVersion(c.version, c.commit, c.info); got != c.want {
			t.Errorf("got %q, want %q", got, c.want)
		}
	}
}

func TestHelpListsCommandsAndFlags(t *testing.T) {
	code, _, errOut := runCLI("-h")
	if code != 0 {
		t.Errorf("exit %d", code)
	}
	for _, want := range []string{"exodus [run]", "exodus -g", "exodus rebuild", "exodus version", "--version", "-c string", "-r string", "-g\t"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the help has no %q:\n%s", want, errOut)
		}
	}
	if code, _, errOut := runCLI("rebuilt"); code != 2 || !strings.HasPrefix(errOut, `exodus: unknown command "rebuilt"`) {
		t.Errorf("unknown command: %d %q", code, errOut)
	}
}

func TestStartFailuresAreOneLine(t *testing.T) {
	dir := t.TempDir()
	cfgPath := filepath.Join(dir, "config.yaml")
	regPath := filepath.Join(dir, "registration.yaml")
	code, _, errOut := runCLI("-c", cfgPath)
	want := "exodus: no config file at " + cfgPath + "; create one from the example with `exodus -g -c " + cfgPath + " -r " + regPath + "`\n"
	if code != 2 || errOut != want {
		t.Errorf("missing config: %d\n got %q\nwant %q", code, errOut, want)
	}
	// -g writes the config and says what to edit; -g again the registration.
	code, out, _ := runCLI("-g", "-c", cfgPath)
	if code != 0 || !strings.Contains(out, "Edit homeserver.address, homeserver.domain and appservice.address in it, then run `exodus -g -c "+cfgPath+" -r "+regPath+"` again") {
		t.Errorf("first -g: %d %q", code, out)
	}
	code, out, _ = runCLI("-g", "-c", cfgPath)
	if code != 0 || !strings.HasPrefix(out, "Wrote "+regPath+" from "+cfgPath+": the homeserver will push to http://127.0.0.1:29330 for @exodus:localhost.") {
		t.Errorf("second -g: %d %q", code, out)
	}
	// An edit after -g: the start is refused before anything else.
	editConfig(t, cfgPath, "address: http://127.0.0.1:29330", "address: http://127.0.0.1:29331")
	code, _, errOut = runCLI("run", "-c", cfgPath)
	want = "exodus: the registration " + regPath + " does not match the config " + cfgPath +
		`: its url is "http://127.0.0.1:29330" but appservice.address is "http://127.0.0.1:29331"; run ` +
		"`exodus -g -c " + cfgPath + " -r " + regPath + "` again and give the new registration to the homeserver, then restart it\n"
	if code != 2 || errOut != want {
		t.Errorf("edited config: %d\n got %q\nwant %q", code, errOut, want)
	}
	// A registration named with -r is the one checked.
	elsewhere := filepath.Join(t.TempDir(), "reg.yaml")
	if code, _, errOut := runCLI("-g", "-c", cfgPath, "-r", elsewhere); code != 0 {
		t.Fatal(errOut)
	}
	if _, err := os.Stat(elsewhere); err != nil {
		t.Fatal(err)
	}
	if code, _, errOut := runCLI("-c", cfgPath); code != 2 || !strings.Contains(errOut, "the registration "+regPath+" does not match") {
		t.Errorf("the old registration beside the config: %d %q", code, errOut)
	}
}
