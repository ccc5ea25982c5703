#!/usr/bin/env bash
# with-postgres.sh CMD [ARGS...]
#
# Runs CMD with a throwaway Postgres server: a new cluster in a temporary
# directory, owned by the "postgres" system user, listening on 127.0.0.1
# only (trust authentication) with its unix socket in the temporary
# directory, and a database "exodus_test". CMD sees
#
#   EXODUS_TEST_POSTGRES_URI=postgres://postgres@127.0.0.1:PORT/exodus_test?sslmode=disable
#
# The cluster is stopped and its directory removed on exit; the script exits
# with CMD's status. Meant for CI and development machines where it runs as
# root: Postgres refuses to run as root, so the server runs as "postgres".
# Missing server binaries are installed with apt-get (Debian/Ubuntu).
#
# Environment: PGPORT_TRY (first port to try, default 55432).
set -euo pipefail

if [ "$#" -eq 0 ]; then
	echo "usage: $0 CMD [ARGS...]" >&2
	exit 2
fi

log() { echo "with-postgres: $*" >&2; }

# find_bindir prints the newest /usr/lib/postgresql/*/bin holding initdb.
find_bindir() {
	local d
	for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
		if [ -x "$d/initdb" ]; then
			echo "$d"
			return 0
		fi
	done
	return 1
}

BINDIR=$(find_bindir || true)
if [ -z "$BINDIR" ]; then
	log "Postgres server binaries not found; installing the postgresql package"
	apt-get update
	DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql
	BINDIR=$(find_bindir) || { log "initdb still not found after install"; exit 1; }
fi

if ! id postgres >/dev/null 2>&1; then
	log "no 'postgres' system user (the postgresql package creates it)"
	exit 1
fi

# as_pg runs a command as the postgres user (or directly if that is who we are).
as_pg() {
	if [ "$(id -un)" = postgres ]; then
		"$@"
	elif command -v runuser >/dev/null 2>&1; then
		runuser -u postgres -- "$@"
	else
		su postgres -s /bin/sh -c "$(printf '%q ' "$@")"
	fi
}

# port_free reports whether nothing listens on 127.0.0.1:$1.
port_free() {
	! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

TMP=$(mktemp -d "${TMPDIR:-/tmp}/exodus-pg.XXXXXX")
DATA="$TMP/data"
SOCK="$TMP/sock"
STARTED=0

cleanup() {
	local status=$?
	if [ "$STARTED" != 0 ]; then
		as_pg "$BINDIR/pg_ctl" -D "$DATA" -m immediate -w stop >/dev/null 2>&1 || true
	fi
	rm -rf "$TMP"
	exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

mkdir -p "$DATA" "$SOCK"
chown -R postgres: "$TMP"
chmod 700 "$TMP"

as_pg "$BINDIR/initdb" -D "$DATA" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 || {
	cat "$TMP/initdb.log" >&2
	exit 1
}

# start_on PORT starts the server on 127.0.0.1:PORT; it fails if it cannot.
start_on() {
	as_pg "$BINDIR/pg_ctl" -D "$DATA" -l "$TMP/server.log" -w -t 60 \
		-o "-c listen_addresses=127.0.0.1 -p $1 -k $SOCK -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
		start >/dev/null
}

# Take the first free port from PGPORT_TRY on; retry if another process
# grabs it between the check and the start.
PORT=${PGPORT_TRY:-55432}
STARTED=1
for _ in $(seq 1 50); do
	if port_free "$PORT" && start_on "$PORT"; then
		STARTED=2
		break
	fi
	PORT=$((PORT + 1))
done
if [ "$STARTED" != 2 ]; then
	log "could not start Postgres"
	cat "$TMP/server.log" >&2 || true
	exit 1
fi
log "Postgres $("$BINDIR/postgres" --version | awk '{print $3}') listening on 127.0.0.1:$PORT"

as_pg "$BINDIR/psql" -h "$SOCK" -p "$PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 -q \
	-c "CREATE DATABASE exodus_test"

export EXODUS_TEST_POSTGRES_URI="postgres://postgres@127.0.0.1:$PORT/exodus_test?sslmode=disable"
log "EXODUS_TEST_POSTGRES_URI=$EXODUS_TEST_POSTGRES_URI"

set +e
"$@"
STATUS=$?
set -e
exit "$STATUS"
