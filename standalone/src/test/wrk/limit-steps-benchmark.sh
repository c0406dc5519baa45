#!/usr/bin/env bash
# What the rate-limit and metering steps cost per call (docs/benchmarks.md): the marketplace with
# both steps off (benchmark-only launcher), with them on and limits in memory, and with limits in
# Redis; each started fresh, warmed, then measured in windows with wrk. Loopback only.
# Usage: limit-steps-benchmark.sh WARMUP_SECONDS WINDOW_SECONDS WINDOWS  (after `./mvnw -pl standalone -am package -DskipTests`)
set -euo pipefail
cd "$(dirname "$0")/../../../.."
warmup=${1:-150}; window=${2:-30}; windows=${3:-3}
jar=standalone/target/gatehouse-standalone-0.1.0-SNAPSHOT.jar
lua=standalone/src/test/wrk/chat-completions.lua
url=http://127.0.0.1:18080/v1/chat/completions
redis_bin="${GATEHOUSE_TOOLS:-$HOME/.cache/gatehouse/tools}/redis/bin/redis-server"
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

run() {
  local name=$1; shift
  local data; data=$(mktemp -d /tmp/gatehouse-bench-XXXX)
  local args=(--server.address=127.0.0.1 --server.port=18080 --management.server.port=18081 --gatehouse.data-dir="$data"
    --gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms --gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms)
  "$@" "${args[@]}" > "$data/console.log" 2>&1 &
  local pid=$!
  until curl -sf -o /dev/null http://127.0.0.1:18081/actuator/health/readiness; do sleep 1; done
  export GATEHOUSE_KEY; GATEHOUSE_KEY=$(grep -o 'gatehouse_k[a-z2-7]*_[A-Za-z0-9_-]*' "$data/console.log" | head -1)
  # no plan limit in the way of the load: the benchmark measures the steps, not refusals
  curl -sf -o /dev/null -X PATCH -H "Authorization: Bearer $GATEHOUSE_KEY" -H 'Content-Type: application/json' \
    -d '{"plan":{"requests_per_minute":10000000,"tokens_per_minute":10000000000}}' http://127.0.0.1:18080/admin/v1/tenants/default
  sleep 3
  wrk -t2 -c16 -d"${warmup}s" -s $lua $url > /dev/null
  for w in $(seq 1 "$windows"); do
    local load; load=$(cut -d' ' -f1 /proc/loadavg)
    local before; before=$(ticks $pid); local redis_before=0; [[ -n "${redis_pid:-}" ]] && redis_before=$(ticks "$redis_pid")
    local out; out=$(wrk -t2 -c16 -d"${window}s" --latency -s $lua $url)
    local after; after=$(ticks $pid); local redis_after=0; [[ -n "${redis_pid:-}" ]] && redis_after=$(ticks "$redis_pid")
    local requests; requests=$(echo "$out" | awk '/requests in/ {print $1}')
    local non2xx; non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
    local p50 p99 rps
    p50=$(echo "$out" | awk '$1 == "50%" {print $2}'); p99=$(echo "$out" | awk '$1 == "99%" {print $2}')
    rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
    echo "| $name | window $w | $load | $rps | $p50 | $p99 | $(awk -v t=$((after - before)) -v n="$requests" 'BEGIN {printf "%.3f", t * 10 / n}') ms | $(awk -v t=$((redis_after - redis_before)) -v n="$requests" 'BEGIN {printf "%.3f", t * 10 / n}') ms | ${non2xx:-0} |"
  done
  kill "$pid"; wait "$pid" 2>/dev/null || true
  rm -rf "$data"
}

echo "| steps | window | load | requests/s | p50 | p99 | gateway CPU per call | Redis CPU per call | non-2xx |"
echo "|---|---|---|---|---|---|---|---|---|"
run "off" java -cp $jar -Dloader.path=standalone/target/test-classes -Dloader.main=dev.gatehouse.benchmark.LimitStepsOffMarketplace \
  org.springframework.boot.loader.launch.PropertiesLauncher
run "on, in memory" java -jar $jar
"$redis_bin" --port 16379 --bind 127.0.0.1 --save '' --appendonly no > /dev/null 2>&1 &
redis_pid=$!
sleep 1
run "on, Redis" java -jar $jar --gatehouse.limits.redis-url=redis://127.0.0.1:16379
kill "$redis_pid"
