# free_port: prints a loopback TCP port nothing listens on (sourced by scripts/test.sh and bench/run.sh).
free_port() {
  local port
  while :; do
    port=$((20000 + RANDOM % 20000))
    (echo >"/dev/tcp/127.0.0.1/$port") 2>/dev/null || { echo "$port"; return; }
  done
}
