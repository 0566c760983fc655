#!/usr/bin/env bash
# The one test command (README "Run the tests"). On a fresh machine with the .NET SDK and apt it
# installs what the tests need (PostgreSQL; Debian's Chromium for the browser tests), starts a
# throwaway PostgreSQL server, builds with warnings as errors, runs every test project, and ends
# with the line "N passed, N failed".
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
configuration=${CONFIGURATION:-Release}
work=$(mktemp -d /tmp/latchkey-test.XXXXXX)
chmod 755 "$work"
pg_bin=/usr/lib/postgresql/15/bin

log() { printf '\n== %s\n' "$*" >&2; }

as_postgres() {
  if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

install_packages() {
  local missing=()
  [ -x "$pg_bin/initdb" ] || missing+=(postgresql)
  [ -x /usr/bin/chromium ] || missing+=(chromium)
  [ ${#missing[@]} -eq 0 ] && return
  log "installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# shellcheck source=scripts/free-port.sh
source "$root/scripts/free-port.sh"

start_postgres() {
  local port
  port=$(free_port)
  mkdir -p "$work/pg"
  [ "$(id -u)" = 0 ] && chown postgres "$work/pg"
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_postgres "$pg_bin/initdb" -D "$work/pg/data" -A trust -U postgres >/dev/null
  as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -l "$work/pg/log" \
    -o "-p $port -k $work/pg -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" -w start >/dev/null
  export LATCHKEY_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Include Error Detail=true"
}

stop_postgres() {
  [ -f "$work/pg/data/postmaster.pid" ] && as_postgres "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null || true
  rm -rf "$work"
}
trap stop_postgres EXIT

install_packages
start_postgres

log "building ($configuration, warnings as errors)"
dotnet build Latchkey.slnx -c "$configuration" -warnaserror -nologo -clp:ErrorsOnly

passed=0; failed=0; status=0
for project in tests/*/; do
  name=$(basename "$project")
  dll="$project/bin/$configuration/net10.0/$name.dll"
  [ -f "$dll" ] || continue
  log "running $name"
  set +e
  dotnet "$dll" -noColor -parallel collections 2>&1 | tee "$work/$name.log"
  code=${PIPESTATUS[0]}
  set -e
  summary=$(grep -E 'Total: [0-9]+, Errors: [0-9]+, Failed: [0-9]+, Skipped: [0-9]+' "$work/$name.log" | tail -n 1 || true)
  if [ -z "$summary" ]; then
    echo "$name: no test summary (exit $code)" >&2
    failed=$((failed + 1)); status=1; continue
  fi
  total=$(sed -E 's/.*Total: ([0-9]+).*/\1/' <<<"$summary")
  errors=$(sed -E 's/.*Errors: ([0-9]+).*/\1/' <<<"$summary")
  fails=$(sed -E 's/.*Failed: ([0-9]+).*/\1/' <<<"$summary")
  skipped=$(sed -E 's/.*Skipped: ([0-9]+).*/\1/' <<<"$summary")
  notrun=$(sed -E 's/.*Not Run: ([0-9]+).*/\1/' <<<"$summary")
  passed=$((passed + total - fails - skipped - notrun))
  failed=$((failed + fails + errors))
  # Every PostgreSQL row runs here; a skip would mean a storage path went untested.
  if [ "$skipped" != 0 ] || [ "$code" != 0 ]; then status=1; failed=$((failed + skipped)); fi
done
echo "$passed passed, $failed failed"
exit $status
