#!/usr/bin/env bash
# Latchkey's load benchmark (issue 5; README "Benchmarks"). Builds Release, measures the ceiling (a bare Kestrel
# form POST, bench/Ceiling), then starts `latchkey serve` on loopback over a fresh SQLite database in a temp dir,
# seeds it (bench/Seeder, through Latchkey's own stores), and drives each scenario with wrk (bench/lua/pool.lua)
# after a warm-up, at each connection count; scenario 7 publishes events to a fast local webhook receiver
# (bench/Webhooks) and times their deliveries. Writes bench/results/latest.json and bench/results/latest.md.
#
# Knobs (environment): DURATION=10 seconds per measured run, WARMUP=10 (JIT tiering needs it on loaded cores), CONNECTIONS="16 64", THREADS=2 (wrk),
# POOL_RATE=5000 (single-use refresh tokens seeded per second of run: a run that outruns it is marked invalid),
# CODE_POOL_RATE=6000 (the same for codes),
# BACKGROUND=1000000 (live tokens in the database for scenario 6), WEBHOOK_EVENTS=300 (events per round of scenario 7,
# each delivered to 16 apps), SCENARIOS="1 2 3 4 5 6 7" (the ceiling always runs),
# SYNCHRONOUS=Full (Latchkey:SqliteSynchronous as shipped; Normal is enough to survive kill -9, README "Benchmarks").
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
duration=${DURATION:-10}
warmup=${WARMUP:-10}
connections=${CONNECTIONS:-16 64}
threads=${THREADS:-2}
pool_rate=${POOL_RATE:-5000}
code_pool_rate=${CODE_POOL_RATE:-6000}
background=${BACKGROUND:-1000000}
webhook_events=${WEBHOOK_EVENTS:-300}
scenarios=" ${SCENARIOS:-1 2 3 4 5 6 7} "
export SYNCHRONOUS=${SYNCHRONOUS:-Full} Latchkey__SqliteSynchronous=${SYNCHRONOUS:-Full}
results=$root/bench/results
work=$(mktemp -d /tmp/latchkey-bench.XXXXXX)
database="Data Source=$work/latchkey.db"
raw=$work/runs.jsonl
server_pid=""
lua=$root/bench/lua/pool.lua
clock_ticks=$(getconf CLK_TCK)

log() { printf '== %s\n' "$*" >&2; }

cleanup() {
  [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null && wait "$server_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT

if ! command -v wrk >/dev/null; then
  log "installing wrk"
  sudo=""; [ "$(id -u)" = 0 ] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends wrk >/dev/null
fi

log "building Release"
for project in src/Latchkey bench/Ceiling bench/Seeder bench/ResourceApi bench/Webhooks; do
  dotnet build "$project" -c Release -v q -nologo 2>&1 | grep -E " error |warning " && exit 1 || true
done
latchkey=(dotnet "$root/src/Latchkey/bin/Release/net10.0/latchkey.dll")
seeder=(dotnet "$root/bench/Seeder/bin/Release/net10.0/Latchkey.Bench.Seeder.dll")
resource_api=(dotnet "$root/bench/ResourceApi/bin/Release/net10.0/Latchkey.Bench.ResourceApi.dll")
ceiling=(dotnet "$root/bench/Ceiling/bin/Release/net10.0/Latchkey.Bench.Ceiling.dll")
webhooks=(dotnet "$root/bench/Webhooks/bin/Release/net10.0/Latchkey.Bench.Webhooks.dll")

# shellcheck source=scripts/free-port.sh
source "$root/scripts/free-port.sh"

# start NAME URL-PATH COMMAND…: runs the server in $work, waits until it answers, sets $server_pid and $base.
start() {
  local name=$1 probe=$2; shift 2
  local port; port=$(free_port)
  base=http://127.0.0.1:$port
  (cd "$work" && exec "$@" --urls "$base" >"$work/$name.log" 2>&1) &
  server_pid=$!
  for _ in $(seq 120); do
    curl -s -o /dev/null "$base$probe" && return
    kill -0 "$server_pid" 2>/dev/null || break
    sleep 0.5
  done
  cat "$work/$name.log" >&2
  log "$name did not start"; exit 1
}

stop() {
  kill "$server_pid"; wait "$server_pid" 2>/dev/null || true; server_pid=""
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$server_pid/stat"; }

# measure SCENARIO CONNECTIONS PATH FILE MODE: one wrk run; its figures and the server's CPU and peak RSS go to $raw.
measure() {
  local scenario=$1 c=$2 path=$3 file=$4 mode=$5
  echo 5 >"/proc/$server_pid/clear_refs"   # resets VmHWM: the peak is this run's
  local before; before=$(cpu_ticks)
  local out; out=$(wrk -t"$threads" -c"$c" -d"${duration}s" --timeout 5s -s "$lua" "$base" -- "$path" "$file" "$threads" "$mode")
  local after; after=$(cpu_ticks)
  local hwm; hwm=$(awk '/VmHWM/ {print $2}' "/proc/$server_pid/status")
  local line; line=$(grep '^BENCH ' <<<"$out" | cut -c7-)
  printf '{"scenario":"%s","connections":%s,"cpu_seconds":%s,"peak_rss_kib":%s,"wrk":%s}\n' \
    "$scenario" "$c" "$(awk -v t=$((after - before)) -v hz="$clock_ticks" 'BEGIN {print t / hz}')" "$hwm" "$line" >>"$raw"
  log "$scenario c=$c: $(python3 "$root/bench/report.py" summary "$line")"
}

warm() {
  local path=$1 file=$2 mode=$3
  wrk -t"$threads" -c16 -d"${warmup}s" --timeout 5s -s "$lua" "$base" -- "$path" "$file" "$threads" "$mode" >/dev/null
}

# run SCENARIO PATH MODE POOL…: a warm-up, then one measured run per connection count. "once" pools come as one file
# per run (warm-up first), so no token is presented twice across wrk processes.
run() {
  local scenario=$1 path=$2 mode=$3; shift 3
  local files=("$@") i=1
  warm "$path" "${files[0]}" "$mode"
  for c in $connections; do
    [ "$mode" = once ] || i=0
    measure "$scenario" "$c" "$path" "${files[$i]}" "$mode"
    i=$((i + 1))
  done
}

# pool KIND NAME RATE: seeds one single-use pool per run of a scenario (warm-up, then each connection count).
pool() {
  local kind=$1 name=$2 rate=$3 files=() seconds=$warmup
  for c in warmup $connections; do
    local file=$work/$name-$c.tsv
    "${seeder[@]}" "$kind" --database "$database" --out "$work" --count $((rate * seconds)) --file "$file" >&2
    files+=("$file"); seconds=$duration
  done
  echo "${files[@]}"
}

: >"$raw"
log "ceiling (bench/Ceiling)"
printf '\tgrant_type=client_credentials\n' >"$work/ceiling.tsv"
start ceiling /healthz "${ceiling[@]}"
run ceiling /token random "$work/ceiling.tsv"
stop

log "seeding $work"
"${seeder[@]}" apps --database "$database" --out "$work" --count 16 >&2
while IFS=$'\t' read -r client_id secret; do
  printf 'Basic %s\tgrant_type=client_credentials\n' "$(printf '%s:%s' "$client_id" "$secret" | base64 -w0)"
done <"$work/apps.tsv" >"$work/client_credentials.tsv"
rs=$("${latchkey[@]}" resource-server create --name bench --json --database "$database")
rs_basic="Basic $(python3 "$root/bench/report.py" basic "$rs")"
"${seeder[@]}" access --database "$database" --out "$work" --count 4096 --file "$work/access.tsv" --auth "$rs_basic" >&2
[[ $scenarios == *" 2 "* ]] && read -r -a refresh_pool <<<"$(pool refresh refresh "$pool_rate")"
[[ $scenarios == *" 3 "* ]] && read -r -a code_pool <<<"$(pool codes codes "$code_pool_rate")"

log "latchkey serve (Release, SQLite synchronous=$SYNCHRONOUS)"
start latchkey /healthz "${latchkey[@]}" serve --database "$database"
[[ $scenarios == *" 1 "* ]] && run "1 client_credentials" /oauth/token random "$work/client_credentials.tsv"
[[ $scenarios == *" 2 "* ]] && run "2 refresh_token" /oauth/token once "${refresh_pool[@]}"
[[ $scenarios == *" 3 "* ]] && run "3 authorization_code+PKCE" /oauth/token once "${code_pool[@]}"
[[ $scenarios == *" 4 "* ]] && run "4 introspection" /oauth/introspect random "$work/access.tsv"
if [[ $scenarios == *" 5 "* ]]; then
  # bench/ResourceApi beside the running server: its CPU and memory are what is measured; Latchkey only answers the
  # first introspection of each token and keeps the revocation feed open.
  latchkey_pid=$server_pid latchkey_base=$base
  awk -F'\t' '{ sub(/^token=/, "", $2); print "Bearer " $2 "\t" }' "$work/access.tsv" >"$work/bearer.tsv"
  read -r rs_id rs_secret <<<"$(python3 -c 'import json, sys; r = json.loads(sys.argv[1]); print(r["client_id"], r["client_secret"])' "$rs")"
  Latchkey__Authority=$latchkey_base Latchkey__ClientId=$rs_id Latchkey__ClientSecret=$rs_secret \
    start resource-api /healthz "${resource_api[@]}"
  # Both routes are warmed first: the one measured first would otherwise pay the JIT for both.
  warm /protected "$work/bearer.tsv" random
  run "5 unauthenticated endpoint" /open random "$work/bearer.tsv"
  run "5 Latchkey.AspNetCore, cached" /protected random "$work/bearer.tsv"
  stop
  server_pid=$latchkey_pid base=$latchkey_base
fi

if [[ $scenarios == *" 6 "* ]]; then
  stop
  log "scenario 6: $background live tokens more"
  "${seeder[@]}" million --database "$database" --count "$background" >&2
  [[ $scenarios == *" 2 "* ]] && read -r -a refresh_pool <<<"$(pool refresh refresh-6 "$pool_rate")"
  start latchkey /healthz "${latchkey[@]}" serve --database "$database"
  [[ $scenarios == *" 2 "* ]] && run "6 refresh_token, 1M tokens" /oauth/token once "${refresh_pool[@]}"
  run "6 introspection, 1M tokens" /oauth/introspect random "$work/access.tsv"
fi
stop

if [[ $scenarios == *" 7 "* ]]; then
  # Webhook delivery with the shipped concurrency settings; only loopback targets are allowed, for the receiver.
  # bench/Webhooks registers 16 apps in the key's organization (webhook → its receiver), installs them there, publishes
  # a warm-up round and a measured round of events, and reads this server's CPU and peak RSS over the measured one.
  log "scenario 7: webhook deliveries ($webhook_events events × 16 apps per round)"
  "${latchkey[@]}" org create --name "Bench webhooks" --json --database "$database" >/dev/null
  key=$("${latchkey[@]}" key create --org "Bench webhooks" --json --database "$database" | python3 -c 'import json, sys; print(json.load(sys.stdin)["key"])')
  Latchkey__Webhooks__AllowLoopback=true start latchkey-webhooks /healthz "${latchkey[@]}" serve --database "$database"
  line=$("${webhooks[@]}" --latchkey "$base" --key "$key" --events "$webhook_events" --warmup-events "$webhook_events" \
    --server-pid "$server_pid" | grep '^BENCH ' | cut -c7-)
  stop
  printf '{"scenario":"7 webhook delivery","webhooks":%s,"log":%s}\n' "$line" \
    "$(python3 "$root/bench/report.py" deliveries "$work/latchkey.db")" >>"$raw"
  log "7: $(python3 "$root/bench/report.py" summary-webhooks "$line")"
fi

mkdir -p "$results"
python3 "$root/bench/report.py" report "$raw" "$results/latest.json" "$results/latest.md" "$duration" "$warmup" "$threads"
cat "$results/latest.md"
