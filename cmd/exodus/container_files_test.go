package main

// Readers of the container files (Dockerfile, docker-compose.yml,
// .dockerignore) for container_test.go: small and strict, enough for what
// the repository's own files use.

import (
	"bufio"
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"

	"github.com/exodus-matrix/exodus/internal/devnet"
)

// repoFile reads a file at the repository's root.
func repoFile(t *testing.T, name string) []byte {
	t.Helper()
	root, err := devnet.RepoRoot()
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(root, name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// dockerfile is what the tests read from the final stage of a Dockerfile.
type dockerfile struct {
	env        map[string]string
	expose     []string
	volumes    []string
	user       string
	workdir    string
	entrypoint []string
	cmd        []string
	runs       []string // the RUN lines, continuations joined
}

// parseDockerfile reads the instructions of the last stage; ENV takes
// key=value pairs, EXPOSE and VOLUME plain words, ENTRYPOINT and CMD the
// JSON form.
func parseDockerfile(t *testing.T, text string) dockerfile {
	t.Helper()
	var d dockerfile
	text = strings.ReplaceAll(text, "\\\n", " ")
	sc := bufio.NewScanner(strings.NewReader(text))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		word, rest, _ := strings.Cut(line, " ")
		rest = strings.TrimSpace(rest)
		switch strings.ToUpper(word) {
		case "FROM":
			d = dockerfile{env: map[string]string{}}
		case "ENV":
			for _, kv := range strings.Fields(rest) {
				k, v, ok := strings.Cut(kv, "=")
				if !ok {
					t.Fatalf("Dockerfile: ENV %q is not key=value", kv)
				}
				d.env[k] = v
			}
		case "EXPOSE":
			d.expose = append(d.expose, strings.Fields(rest)...)
		case "VOLUME":
			d.volumes = append(d.volumes, strings.Fields(rest)...)
		case "USER":
			d.user = rest
		case "WORKDIR":
			d.workdir = rest
		case "RUN":
			d.runs = append(d.runs, rest)
		case "ENTRYPOINT", "CMD":
			var list []string
			if err := json.Unmarshal([]byte(rest), &list); err != nil {
				t.Fatalf("Dockerfile: %s is not in the JSON form: %v", word, err)
			}
			if strings.ToUpper(word) == "CMD" {
				d.cmd = list
			} else {
				d.entrypoint = list
			}
		}
	}
	return d
}

// composeFile is what the tests read from docker-compose.yml.
type composeFile struct {
	Services map[string]composeService `yaml:"services"`
	Volumes  map[string]any            `yaml:"volumes"`
}

type composeService struct {
	Image       string            `yaml:"image"`
	Build       string            `yaml:"build"`
	Entrypoint  []string          `yaml:"entrypoint"`
	Command     []string          `yaml:"command"`
	Environment map[string]string `yaml:"environment"`
	Ports       []string          `yaml:"ports"`
	Volumes     []string          `yaml:"volumes"`
	DependsOn   map[string]struct {
		Condition string `yaml:"condition"`
	} `yaml:"depends_on"`
	Healthcheck struct {
		Test []string `yaml:"test"`
	} `yaml:"healthcheck"`
}

// composeVariable is what compose interpolates: $$ (a literal $) or
// ${NAME:-default}; any other $ would be interpolated in ways these tests
// do not follow.
var composeVariable = regexp.MustCompile(`\$\$|\$\{([A-Z_][A-Z0-9_]*):-([^}]*)\}|\$`)

// parseCompose interpolates the file as compose would with none of its
// variables set, and decodes it (YAML merge keys included).
func parseCompose(t *testing.T, text string) composeFile {
	t.Helper()
	text = composeVariable.ReplaceAllStringFunc(text, func(m string) string {
		switch {
		case m == "$$":
			return "$"
		case m == "$":
			t.Errorf("docker-compose.yml: a lone $ (compose would interpolate it; write $$)")
			return m
		}
		return composeVariable.FindStringSubmatch(m)[2]
	})
	var c composeFile
	if err := yaml.Unmarshal([]byte(text), &c); err != nil {
		t.Fatalf("docker-compose.yml: %v", err)
	}
	return c
}

// mount is one entry of a service's volumes: "name:/path[:ro]".
type mount struct{ volume, path string }

func (s composeService) mounts(t *testing.T) []mount {
	t.Helper()
	var ms []mount
	for _, v := range s.Volumes {
		parts := strings.Split(v, ":")
		if len(parts) < 2 || !strings.HasPrefix(parts[1], "/") {
			t.Fatalf("docker-compose.yml: volume %q is not name:/path", v)
		}
		ms = append(ms, mount{parts[0], parts[1]})
	}
	return ms
}

// volumeAt is the named volume mounted at the directory holding path, or "".
func (s composeService) volumeAt(t *testing.T, path string) string {
	t.Helper()
	for _, m := range s.mounts(t) {
		if path == m.path || strings.HasPrefix(path, m.path+"/") {
			return m.volume
		}
	}
	return ""
}

// published maps each published container port to its host port:
// "127.0.0.1:8009:8009" publishes 8009 as 8009.
func (s composeService) published(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, p := range s.Ports {
		parts := strings.Split(p, ":")
		if len(parts) < 2 {
			t.Fatalf("docker-compose.yml: port %q does not say the host port", p)
		}
		out[parts[len(parts)-1]] = parts[len(parts)-2]
	}
	return out
}

// flagValue is the value after name in args, or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		if a == name && i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// dockerignore is a .dockerignore's patterns, matched as Docker does
// (moby/patternmatcher): relative to the context's root, with * and ?
// within one path element, ** across any number of them, a pattern
// excluding a directory excludes all below it, and a later !pattern takes
// back what earlier ones excluded.
type dockerignore []struct {
	re      *regexp.Regexp
	include bool
}

func parseDockerignore(t *testing.T, text string) dockerignore {
	t.Helper()
	var d dockerignore
	for _, line := range strings.Split(text, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		include := strings.HasPrefix(line, "!")
		pattern := strings.TrimPrefix(filepath.ToSlash(filepath.Clean(strings.TrimPrefix(line, "!"))), "/")
		re, err := regexp.Compile("^" + patternRegexp(pattern) + "$")
		if err != nil {
			t.Fatalf(".dockerignore: %q: %v", line, err)
		}
		d = append(d, struct {
			re      *regexp.Regexp
			include bool
		}{re, include})
	}
	return d
}

// patternRegexp translates a pattern's wildcards into a regular expression.
func patternRegexp(p string) string {
	var b strings.Builder
	for i := 0; i < len(p); i++ {
		switch c := p[i]; {
		case strings.HasPrefix(p[i:], "**/"):
			b.WriteString("(.*/)?")
			i += 2
		case strings.HasPrefix(p[i:], "**"):
			b.WriteString(".*")
			i++
		case c == '*':
			b.WriteString("[^/]*")
		case c == '?':
			b.WriteString("[^/]")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	return b.String()
}

// excludes reports whether the file at path (slash-separated, relative to
// the context) stays out of the build context.
func (d dockerignore) excludes(path string) bool {
	excluded := false
	for _, p := range d {
		if matchesOrParent(p.re, path) {
			excluded = !p.include
		}
	}
	return excluded
}

func matchesOrParent(re *regexp.Regexp, path string) bool {
	parts := strings.Split(path, "/")
	for i := len(parts); i > 0; i-- {
		if re.MatchString(strings.Join(parts[:i], "/")) {
			return true
		}
	}
	return false
}
