#!/usr/bin/env bash
# Benchmarks Consentry on this machine, end to end: builds, starts a fresh server on a throwaway
# data folder, measures time to ready and idle memory, ingests data/synthea-10 in rounds (each a
# fresh copy with new ids), runs the read benchmark, stops the server. Results: bench/results/*.json and bench/results/summary.md.
#
# Settings (environment):
#   BENCH_LABEL    names this run in the results, e.g. consent-off / consent-on (default: baseline)
#   BENCH_DATA     folder to ingest (default: data/synthea-10)
#   BENCH_ROUNDS   measured ingest rounds (default: 3), after BENCH_WARMUP_ROUNDS (default: 5; the
#                  first is the cold figure: on 2 cores the JIT compiles the write path for about 5)
#   BENCH_CLIENTS  concurrent read clients (default: 4)
#   BENCH_SECONDS  measured read time in seconds (default: 30), after BENCH_WARMUP (default: 5)
#   BENCH_TOKEN    bearer token for ingest and reads (default: a fresh ./consentry token ehr)
#   BENCH_SERVER_ARGS extra server arguments, e.g. "--some.property=true" for an off/on comparison;
#                  passed to ./consentry up as CONSENTRY_SERVER_ARGS (default: none)
#   CONSENTRY_PORT port of the benchmarked server (default: 18080, so a server on 8080 is left alone)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
LABEL="${BENCH_LABEL:-baseline}"
DATA="${BENCH_DATA:-$ROOT/data/synthea-10}"
TOKEN="${BENCH_TOKEN:-}"
SERVER_ARGS="${BENCH_SERVER_ARGS:-}"
if [ -n "$SERVER_ARGS" ]; then
  # refuse rather than silently benchmark a server started without them
  grep -q 'CONSENTRY_SERVER_ARGS' ./consentry || {
    echo "run.sh: BENCH_SERVER_ARGS needs ./consentry up to pass \$CONSENTRY_SERVER_ARGS to the server (bench/README.md)" >&2
    exit 2
  }
  export CONSENTRY_SERVER_ARGS="$SERVER_ARGS"
fi
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
echo "== start a fresh server (data in $CONSENTRY_HOME${SERVER_ARGS:+, extra arguments: $SERVER_ARGS})"
t0=$(date +%s.%N)
./consentry up
t1=$(date +%s.%N)
ready=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
pid="$(cat "$CONSENTRY_HOME/run/server.pid")"
# every request needs a token: act as the EHR system client unless BENCH_TOKEN says otherwise
[ -n "$TOKEN" ] || TOKEN="$(./consentry token ehr)"
token_option=(--token "$TOKEN")

sleep "${BENCH_IDLE_SECONDS:-15}"   # let start-up work settle before reading idle memory
server_kb="$(ps -o rss= -p "$pid" | tr -d ' ')"
postgres_kb=0
if [ -f "$CONSENTRY_HOME/pgdata/postmaster.pid" ]; then
  postmaster="$(head -n 1 "$CONSENTRY_HOME/pgdata/postmaster.pid")"
  postgres_kb="$(ps -o rss= --pid "$postmaster" --ppid "$postmaster" | awk '{ s += $1 } END { print s + 0 }')"
fi
server_args_option=()
[ -n "$SERVER_ARGS" ] && server_args_option=("--server-args=$SERVER_ARGS")
bench startup --ready-seconds "$ready" --server-rss-kb "$server_kb" --postgres-rss-kb "$postgres_kb" "${server_args_option[@]}"

echo "== ingest $DATA"
bench ingest --data "$DATA" --rounds "${BENCH_ROUNDS:-3}" --warmup-rounds "${BENCH_WARMUP_ROUNDS:-5}" "${token_option[@]}"

echo "== read"
bench read --clients "${BENCH_CLIENTS:-4}" --seconds "${BENCH_SECONDS:-30}" --warmup "${BENCH_WARMUP:-5}" "${token_option[@]}"

echo "== stop"
./consentry down
echo "Results: $RESULTS/summary.md"
