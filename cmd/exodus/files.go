package main

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"strings"

	"github.com/rs/zerolog"

	"github.com/exodus-matrix/exodus/store"
)

// The files that hold secrets rest readable by their owner only: the
// config and the registration (the appservice tokens) and the SQLite
// database (sessions, the Matrix state, the ledger) with its -wal and
// -shm files. `exodus -g` writes the config and the registration 0600,
// whatever their mode was and whatever the umask. At start the config and
// the database are tightened if they are looser (logged once at info);
// the registration is only warned about, since the homeserver reads it and
// may run as another user.

// privateMode is the mode of a file that holds secrets.
const privateMode fs.FileMode = 0o600

// writePrivate writes data to path, which is made 0600 before a byte of
// data is written: created so, or tightened if it was there.
func writePrivate(path string, data []byte) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, privateMode)
	if err != nil {
		return err
	}
	if err := f.Chmod(privateMode); err != nil {
		_ = f.Close()
		return err
	}
	if _, err := f.Write(data); err != nil {
		_ = f.Close()
		return err
	}
	return f.Close()
}

// tighten takes the group's and others' permissions off a file; it
// reports whether it had any. A missing file is no error.
func tighten(path string) (bool, error) {
	st, err := os.Stat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if st.Mode().Perm()&0o077 == 0 {
		return false, nil
	}
	return true, os.Chmod(path, st.Mode().Perm()&^0o077)
}

// checkSecretFiles tightens the config file at start, and warns, in one
// line naming the file and the fix, about a registration file readable by
// others or a config file it could not tighten.
func checkSecretFiles(log *zerolog.Logger, cfgPath, regPath string) {
	changed, err := tighten(cfgPath)
	switch {
	case err != nil:
		log.Warn().Err(err).Str("file", cfgPath).Msgf("The config file holds the appservice tokens and is readable by other users; fix: chmod 600 %s", cfgPath)
	case changed:
		log.Info().Str("file", cfgPath).Msg("Made the config file readable by its owner only (it holds the appservice tokens)")
	}
	if regPath == "" {
		return
	}
	if st, err := os.Stat(regPath); err == nil && st.Mode().Perm()&0o077 != 0 {
		log.Warn().Str("file", regPath).Msgf("The registration file holds the appservice tokens and is readable by other users; fix: chmod 600 %s (or 640 with the homeserver's group, if it runs as another user)", regPath)
	}
}

// openStore opens the database; a SQLite file is created 0600 if missing,
// and it and its side files are tightened if looser, before and after the
// open (which may create the side files).
func openStore(ctx context.Context, cfg *Config, log zerolog.Logger) (*store.Store, error) {
	files := sqliteFiles(cfg.Database.Type, cfg.Database.URI)
	if len(files) > 0 {
		if err := createPrivate(files[0]); err != nil {
			return nil, err
		}
	}
	changed, err := tightenAll(files)
	if err != nil {
		return nil, err
	}
	st, err := store.Open(ctx, store.Config{Type: cfg.Database.Type, URI: cfg.Database.URI,
		MaxOpenConns: cfg.Database.MaxOpenConns, MaxIdleConns: cfg.Database.MaxIdleConns}, log)
	if err != nil {
		return nil, fmt.Errorf("failed to open the database: %w", err)
	}
	more, err := tightenAll(files)
	if err != nil {
		_ = st.Close()
		return nil, err
	}
	if changed = append(changed, more...); len(changed) > 0 {
		log.Info().Strs("files", changed).Msg("Made the database files readable by their owner only")
	}
	return st, nil
}

// createPrivate creates an empty file 0600 if there is none (SQLite takes
// an empty file for a new database).
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, privateMode)
	if errors.Is(err, fs.ErrExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("failed to create the database file %s: %w", path, err)
	}
	if err := f.Chmod(privateMode); err != nil {
		_ = f.Close()
		return fmt.Errorf("failed to make the database file %s private: %w", path, err)
	}
	return f.Close()
}

// tightenAll tightens files and returns those it changed; a file it cannot
// change is an error naming it and the fix.
func tightenAll(files []string) ([]string, error) {
	var changed []string
	for _, f := range files {
		ok, err := tighten(f)
		if err != nil {
			return nil, fmt.Errorf("the database file %s is readable by other users and could not be changed (%w); fix: chmod 600 %s", f, err, f)
		}
		if ok {
			changed = append(changed, f)
		}
	}
	return changed, nil
}

// sqliteFiles are the database file of a SQLite URI and its -wal and -shm
// files; none for Postgres or an in-memory database.
func sqliteFiles(typ, uri string) []string {
	if typ == "postgres" {
		return nil
	}
	path, query, _ := strings.Cut(uri, "?")
	if rest, ok := strings.CutPrefix(path, "file:"); ok {
		path = rest
		if strings.HasPrefix(rest, "//") { // file:///abs/path or file://localhost/abs/path
			if u, err := url.Parse("file:" + rest); err == nil {
				path = u.Path
			}
		} else if p, err := url.PathUnescape(rest); err == nil {
			path = p
		}
	}
	q, _ := url.ParseQuery(query)
	if path == "" || path == ":memory:" || q.Get("mode") == "memory" || q.Get("vfs") == "memdb" {
		return nil
	}
	return []string{path, path + "-wal", path + "-shm"}
}
