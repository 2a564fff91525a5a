#!/usr/bin/env bash
# Benchmarks Consentry on this machine, end to end: builds, starts a fresh server on a throwaway
# data folder, measures time to ready and idle memory, ingests data/synthea-10, runs the read
# benchmark, stops the server. Results: bench/results/*.json and bench/results/summary.md.
#
# Settings (environment):
#   BENCH_LABEL    names this run in the results, e.g. consent-off / consent-on (default: baseline)
#   BENCH_DATA     folder to ingest (default: data/synthea-10)
#   BENCH_CLIENTS  concurrent read clients (default: 4)
#   BENCH_SECONDS  measured read time in seconds (default: 30), after BENCH_WARMUP (default: 5)
#   BENCH_TOKEN    bearer token for ingest and reads (default: none)
#   CONSENTRY_PORT port of the benchmarked server (default: 18080, so a server on 8080 is left alone)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LABEL="${BENCH_LABEL:-baseline}"
DATA="${BENCH_DATA:-$ROOT/data/synthea-10}"
TOKEN="${BENCH_TOKEN:-}"
export CONSENTRY_PORT="${CONSENTRY_PORT:-18080}"
export CONSENTRY_HOME="$(mktemp -d -t consentry-bench.XXXXXX)"
SERVER="http://127.0.0.1:$CONSENTRY_PORT/fhir"
RESULTS="$ROOT/bench/results"

cleanup() {
  ./consentry down >/dev/null 2>&1 || true
  rm -rf "$CONSENTRY_HOME"
}
trap cleanup EXIT

echo "== build (mvn -Pbench install of bench and the modules it needs, tests skipped)"
mvn -q -B -Pbench -pl bench -am -DskipTests install
CP="$ROOT/bench/target/bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"
bench() {
  local kind="$1"; shift
  java -Xmx1g -cp "$CP" org.consentry.bench.Bench "$kind" --server "$SERVER" --label "$LABEL" --results "$RESULTS" "$@"
}
token_option=()
[ -n "$TOKEN" ] && token_option=(--token "$TOKEN")

echo "== start a fresh server (data in $CONSENTRY_HOME)"
t0=$(date +%s.%N)
./consentry up
t1=$(date +%s.%N)
ready=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
pid="$(cat "$CONSENTRY_HOME/run/server.pid")"

sleep "${BENCH_IDLE_SECONDS:-15}"   # let start-up work settle before reading idle memory
server_kb="$(ps -o rss= -p "$pid" | tr -d ' ')"
postgres_kb=0
if [ -f "$CONSENTRY_HOME/pgdata/postmaster.pid" ]; then
  postmaster="$(head -n 1 "$CONSENTRY_HOME/pgdata/postmaster.pid")"
  postgres_kb="$(ps -o rss= --pid "$postmaster" --ppid "$postmaster" | awk '{ s += $1 } END { print s + 0 }')"
fi
bench startup --ready-seconds "$ready" --server-rss-kb "$server_kb" --postgres-rss-kb "$postgres_kb"

echo "== ingest $DATA"
bench ingest --data "$DATA" "${token_option[@]}"

echo "== read"
bench read --clients "${BENCH_CLIENTS:-4}" --seconds "${BENCH_SECONDS:-30}" --warmup "${BENCH_WARMUP:-5}" "${token_option[@]}"

echo "== stop"
./consentry down
echo "Results: $RESULTS/summary.md"
