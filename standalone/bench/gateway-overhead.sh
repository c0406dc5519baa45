#!/usr/bin/env bash
# The gateway's added latency against a zero-latency backend: the same wrk and TTFT clients call the
# built-in chat simulator (0 ms latency) once directly and once through the whole pipeline.
# Needs wrk (Debian) and a built jar. Usage: standalone/bench/gateway-overhead.sh [seconds per run]
set -euo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-20}
data=$(mktemp -d)
log=$data/gatehouse.log
java -jar standalone/target/gatehouse-standalone-0.1.0-SNAPSHOT.jar --server.port=18080 --management.server.port=18081 \
  --gatehouse.data-dir="$data/data" --gatehouse.builtin-backends.port=18090 \
  --gatehouse.builtin-backends.chat-simulator.first-token-latency=0ms \
  --gatehouse.builtin-backends.chat-simulator.inter-token-latency=0ms \
  --gatehouse.bootstrap.mint-admin-key=true > "$log" 2>&1 &
app=$!
trap 'kill $app' EXIT
until grep -q "Key id:" "$log"; do sleep 1; done
key=$(grep -m1 -o 'gatehouse_[A-Za-z0-9_-]*' "$log")
gateway=http://127.0.0.1:18080/v1/chat/completions
direct=http://127.0.0.1:18090/chat-simulator/v1/chat/completions
export MODEL=chat-simulator
echo "warm-up (gateway 90 s, direct 20 s)"
BEARER=$key wrk -t2 -c16 -d90s -s bench/chat.lua $gateway > /dev/null
wrk -t2 -c16 -d20s -s bench/chat.lua $direct > /dev/null
for concurrency in 1 64; do
  threads=$([ "$concurrency" = 1 ] && echo 1 || echo 2)
  echo "== c=$concurrency direct"; wrk -t$threads -c$concurrency -d${secs}s --latency -s bench/chat.lua $direct | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
  echo "== c=$concurrency gateway"; BEARER=$key wrk -t$threads -c$concurrency -d${secs}s --latency -s bench/chat.lua $gateway | grep -E "Requests/sec|50%|90%|99%|Non-2xx"
done
echo "== TTFT direct"; python3 bench/ttft.py $direct chat-simulator 500
echo "== TTFT gateway"; python3 bench/ttft.py $gateway chat-simulator 500 "$key"
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
