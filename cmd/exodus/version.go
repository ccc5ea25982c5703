package main

import (
	"cmp"
	"fmt"
	"runtime/debug"
)

// version is the release this binary was built as, when the build sets it
// with -ldflags "-X main.version=v1.2.3"; empty, the module's version from
// the build information is shown.
var version string

// commit is the commit this binary was built from, when the build sets it
// with -ldflags "-X main.commit=…" (Go stamps it itself in a git clone,
// not in a git worktree nor with -buildvcs=false); empty, the build
// information's vcs.revision is shown.
var commit string

// versionLine is what `exodus version` prints: the version, the commit it
// was built from, and whether the work tree had uncommitted changes.
func versionLine() string {
	info, _ := debug.ReadBuildInfo()
	return formatVersion(version, commit, info)
}

// formatVersion makes the version line from the overrides set at build
// time and the build information (nil when there is none).
func formatVersion(version, commit string, info *debug.BuildInfo) string {
	v, rev, modified := version, commit, false
	if info != nil {
		if v == "" {
			v = info.Main.Version
		}
		for _, s := range info.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = cmp.Or(rev, s.Value)
			case "vcs.modified":
				modified = s.Value == "true" && commit == ""
			}
		}
	}
	line := fmt.Sprintf("exodus %s, commit %s", cmp.Or(v, "(devel)"), cmp.Or(rev, "unknown"))
	if modified {
		line += " (with uncommitted changes)"
	}
	return line
}
