// Package devnet runs a real Dendrite v0.15.2 homeserver on loopback for
// end-to-end tests and the local demo.
//
// Typical use in a test:
//
//	hs, err := devnet.Start(ctx, devnet.Options{Dir: t.TempDir(), Registrations: []string{regPath}})
//	if err != nil { t.Fatal(err) }
//	t.Cleanup(func() { _ = hs.Stop() })
//	alice, err := hs.Register(ctx, "alice", "password")
//
// Several servers federate with each other when started with
// Options{Federate: true} and distinct loopback Hosts (127.0.0.1,
// 127.0.0.2, ...); see federation_test.go.
//
// Dendrite is built from the separate module tools/dendrite (see BuildTools),
// so its dependencies never enter the project's go.mod.
package devnet

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
)

// ModulePath is the module path of the project whose go.mod marks the
// repository root.
const ModulePath = "github.com/exodus-matrix/exodus"

// BinDirEnv names an environment variable that, when set, points at a
// directory already holding the Dendrite binaries; BuildTools then uses it
// as-is and builds nothing.
const BinDirEnv = "EXODUS_DENDRITE_BIN"

// toolPackages are the Dendrite commands built by BuildTools, keyed by the
// binary name go build gives them.
var toolPackages = map[string]string{
	"dendrite":        "github.com/element-hq/dendrite/cmd/dendrite",
	"generate-keys":   "github.com/element-hq/dendrite/cmd/generate-keys",
	"generate-config": "github.com/element-hq/dendrite/cmd/generate-config",
	"create-account":  "github.com/element-hq/dendrite/cmd/create-account",
}

// BuildTools builds the Dendrite binaries quietly; see BuildToolsTo.
func BuildTools(ctx context.Context) (binDir string, err error) {
	return BuildToolsTo(ctx, nil)
}

// BuildToolsTo builds the Dendrite binaries into <repo>/tools/dendrite/bin
// if any of them is missing, by running `go build` in the tools/dendrite
// module (with GOWORK=off), and returns the bin directory. The repository
// root is found by walking up from the working directory (and, failing that,
// from this source file) to the go.mod of module
// github.com/exodus-matrix/exodus. While it builds it reports on progress
// (nil: nothing; see RunReported); the build has no deadline of its own and
// stops, compilers and all, when ctx is cancelled.
//
// It is safe to call concurrently from several processes (for example test
// binaries of different packages): the build is serialised with an flock on
// bin/.lock and binaries are moved into place only once complete. If the
// environment variable EXODUS_DENDRITE_BIN is set, that directory is returned
// after checking the binaries exist there. The first build downloads Dendrite
// and its modules and takes many minutes on a small machine; later ones are
// instant.
func BuildToolsTo(ctx context.Context, progress io.Writer) (binDir string, err error) {
	if dir := os.Getenv(BinDirEnv); dir != "" {
		if missing := missingTools(dir); len(missing) > 0 {
			return "", fmt.Errorf("devnet: %s=%s lacks %s", BinDirEnv, dir, strings.Join(missing, ", "))
		}
		return filepath.Abs(dir)
	}
	root, err := RepoRoot()
	if err != nil {
		return "", err
	}
	modDir := filepath.Join(root, "tools", "dendrite")
	binDir = filepath.Join(modDir, "bin")
	if len(missingTools(binDir)) == 0 {
		return binDir, nil
	}
	if err := os.MkdirAll(binDir, 0o755); err != nil {
		return "", fmt.Errorf("devnet: %w", err)
	}
	unlock, err := lockFile(ctx, filepath.Join(binDir, ".lock"))
	if err != nil {
		return "", fmt.Errorf("devnet: locking %s: %w", binDir, err)
	}
	defer unlock()
	missing := missingTools(binDir)
	if len(missing) == 0 { // somebody else built them while we waited
		return binDir, nil
	}
	if progress != nil {
		fmt.Fprintf(progress, "Building Dendrite v0.15.2 (the homeserver) into %s.\n"+
			"  The first time this downloads about 70 modules from the Go module proxy and compiles %s\n"+
			"  packages: a minute or two on two cores, longer on a slow or busy machine. Later runs reuse it.\n",
			binDir, dendritePackages)
	}
	if err := buildMissing(ctx, modDir, binDir, missing, progress); err != nil {
		return "", err
	}
	return binDir, nil
}

// dendritePackages is about how many packages a cold build of Dendrite
// compiles (go build -v lines): 650 with an empty build cache, 450 after
// the bot's build compiled the standard library.
const dendritePackages = "450 to 650"

// buildMissing builds the missing binaries into a temporary directory under
// binDir and moves them into place once all are built.
func buildMissing(ctx context.Context, modDir, binDir string, missing []string, progress io.Writer) error {
	tmp, err := os.MkdirTemp(binDir, ".build-")
	if err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	defer os.RemoveAll(tmp)
	args := []string{"-o", tmp + string(filepath.Separator)}
	for _, name := range missing {
		args = append(args, toolPackages[name])
	}
	if err := GoBuild(ctx, "Dendrite", modDir, []string{"GOWORK=off"}, progress, args...); err != nil {
		return fmt.Errorf("devnet: %w", err)
	}
	for _, name := range missing {
		exe := name + exeSuffix()
		if err := os.Rename(filepath.Join(tmp, exe), filepath.Join(binDir, exe)); err != nil {
			return fmt.Errorf("devnet: installing %s: %w", exe, err)
		}
	}
	return nil
}

// RepoRoot returns the directory holding the go.mod of module
// github.com/exodus-matrix/exodus, searching upwards from the working
// directory and then from the location of this source file.
func RepoRoot() (string, error) {
	var starts []string
	if wd, err := os.Getwd(); err == nil {
		starts = append(starts, wd)
	}
	if _, file, _, ok := runtime.Caller(0); ok {
		starts = append(starts, filepath.Dir(file))
	}
	for _, dir := range starts {
		for {
			if modulePathOf(filepath.Join(dir, "go.mod")) == ModulePath {
				return dir, nil
			}
			parent := filepath.Dir(dir)
			if parent == dir {
				break
			}
			dir = parent
		}
	}
	return "", fmt.Errorf("devnet: no go.mod of module %s found above %s", ModulePath, strings.Join(starts, " or "))
}

// modulePathOf returns the module path declared in the go.mod file at path,
// or "" if it cannot be read.
func modulePathOf(path string) string {
	f, err := os.Open(path)
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if rest, ok := strings.CutPrefix(line, "module"); ok && (rest == "" || rest[0] == ' ' || rest[0] == '\t') {
			rest = strings.TrimSpace(rest)
			if i := strings.Index(rest, "//"); i >= 0 {
				rest = strings.TrimSpace(rest[:i])
			}
			return strings.Trim(rest, `"`+"`")
		}
	}
	return ""
}

// missingTools lists the Dendrite binaries absent from dir, in a stable order.
func missingTools(dir string) []string {
	var missing []string
	for _, name := range []string{"dendrite", "generate-keys", "generate-config", "create-account"} {
		if st, err := os.Stat(filepath.Join(dir, name+exeSuffix())); err != nil || st.IsDir() {
			missing = append(missing, name)
		}
	}
	return missing
}

func exeSuffix() string {
	if runtime.GOOS == "windows" {
		return ".exe"
	}
	return ""
}

// goTool locates the go command: PATH first, then $GOROOT/bin.
func goTool() (string, error) {
	if p, err := exec.LookPath("go"); err == nil {
		return p, nil
	}
	if root := os.Getenv("GOROOT"); root != "" {
		p := filepath.Join(root, "bin", "go"+exeSuffix())
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("devnet: the go command is not on PATH (needed to build Dendrite)")
}
