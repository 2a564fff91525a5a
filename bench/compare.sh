#!/usr/bin/env bash
# Read and search throughput of one server under several settings, back to back on the same data:
# restarts the server (not Keycloak, not the data) once per setting and round, and runs the read
# benchmark each time, so ratios compare like with like.
#
#   BENCH_CONFIGS="on=;token-off=--consentry.security.enabled=false;consent-off=--consentry.consent.enabled=false" \
#     bench/compare.sh
#
# Settings: BENCH_CONFIGS (label=server args, separated by ;), BENCH_ROUNDS (2: settings alternate
# so drift shows), BENCH_SECONDS (30), BENCH_WARMUP (10), BENCH_CLIENTS (4), CONSENTRY_HOME and
# CONSENTRY_PORT of the server to use (data loaded beforehand, e.g. ./consentry import data/synthea-10).
# BENCH_INGEST=DIR also ingests DIR (fresh copies, one warm-up and one measured round) under each
# setting and round, before the reads: ingest ratios side by side with the read ratios.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
export CONSENTRY_HOME="${CONSENTRY_HOME:-$ROOT/.consentry}"
PORT="${CONSENTRY_PORT:-8080}"
CONFIGS="${BENCH_CONFIGS:?set BENCH_CONFIGS, e.g. on=;off=--consentry.consent.enabled=false}"
ROUNDS="${BENCH_ROUNDS:-2}"
[ -f bench/target/bench.jar ] || mvn -q -B -Pbench -pl bench -am -DskipTests install
CP="bench/target/bench.jar:$(cat bench/target/classpath.txt)"

restart() {
  local pid_file="$CONSENTRY_HOME/run/server.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    local pid; pid="$(cat "$pid_file")"; kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
    rm -f "$pid_file"
  fi
  CONSENTRY_SERVER_ARGS="$1" ./consentry up >/dev/null
}

IFS=';' read -ra settings <<< "$CONFIGS"
for round in $(seq 1 "$ROUNDS"); do
  for setting in "${settings[@]}"; do
    label="${setting%%=*}"; args="${setting#*=}"
    echo "== round $round: $label ($args)"
    restart "$args"
    token="$(./consentry token ehr)"
    if [ -n "${BENCH_INGEST:-}" ]; then
      java -cp "$CP" org.consentry.bench.Bench ingest --server "http://127.0.0.1:$PORT/fhir" --token "$token" \
        --data "$BENCH_INGEST" --rounds 1 --warmup-rounds 1 --label "$label round $round"
    fi
    java -cp "$CP" org.consentry.bench.Bench read --server "http://127.0.0.1:$PORT/fhir" --token "$token" \
      --clients "${BENCH_CLIENTS:-4}" --seconds "${BENCH_SECONDS:-30}" --warmup "${BENCH_WARMUP:-10}" \
      --label "$label round $round"
  done
done
