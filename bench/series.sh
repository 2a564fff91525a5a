#!/usr/bin/env bash
# Benchmarks wearable series (issue 16) end to end on a server of its own, every protection on
# (token, door, scopes, labelling, field encryption, consent, audit): builds, starts Keycloak and the
# server on non-default ports with a fresh data folder, runs `Bench series` (gateway ingest through
# Observation/$ingest-measurements, the database's bytes per measurement, and a day of 1 Hz heart
# rate asked back by minute through Observation/$series as a practitioner), stops everything.
# Results: bench/results/*.json and a row in summary.md.
#
#   bench/series.sh [--no-build] [--keep] [any Bench series option, e.g. --devices 200 --batches 6]
#
# Settings (environment): SERIES_HOME (data folder, default .consentry-series; wiped at start except
# the unpacked Keycloak), SERIES_PORT (8280), SERIES_KEYCLOAK_PORT (8380), SERIES_LABEL (series).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
build=yes keep="" extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --no-build) build=""; shift ;;
    --keep) keep=yes; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
export CONSENTRY_HOME="${SERIES_HOME:-$ROOT/.consentry-series}"
export CONSENTRY_PORT="${SERIES_PORT:-8280}"
export CONSENTRY_KEYCLOAK_PORT="${SERIES_KEYCLOAK_PORT:-8380}"
export CONSENTRY_CDS=off
export CONSENTRY_READY_TIMEOUT="${CONSENTRY_READY_TIMEOUT:-900}"
unset CONSENTRY_KEYCLOAK_URL CONSENTRY_TOKEN CONSENTRY_FHIR_URL CONSENTRY_DB_URL CONSENTRY_SERVER_ARGS
SERVER="http://127.0.0.1:$CONSENTRY_PORT/fhir"

if [ -n "$build" ]; then
  echo "== build (mvn -Pbench package of bench and the modules it needs, tests skipped)"
  mvn -q -B -Pbench -pl bench -am -DskipTests package
fi
CP="$ROOT/bench/target/bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"
token() { ./consentry token "$@" | sed 's/\x1b\[[0-9;]*m//g' | tail -n 1; }

./consentry down >/dev/null 2>&1 || true
if [ -d "$CONSENTRY_HOME" ]; then
  find "$CONSENTRY_HOME" -mindepth 1 -maxdepth 1 ! -name keycloak -exec rm -rf {} +
  rm -rf "$CONSENTRY_HOME/keycloak/passwords"
fi
mkdir -p "$CONSENTRY_HOME"
[ -n "$keep" ] || trap './consentry down >/dev/null 2>&1 || true' EXIT

echo "== start Keycloak (127.0.0.1:$CONSENTRY_KEYCLOAK_PORT) and the server (127.0.0.1:$CONSENTRY_PORT), data in $CONSENTRY_HOME"
./consentry up >/dev/null
db_port="$(grep -ho 'embedded PostgreSQL on 127.0.0.1:[0-9]*' "$CONSENTRY_HOME"/logs/*.log 2>/dev/null | tail -n 1 | sed 's/.*://')"
jdbc=()
[ -z "$db_port" ] || jdbc=(--jdbc "jdbc:postgresql://127.0.0.1:$db_port/postgres")
./consentry user add-practitioner series-reader Practitioner/bench-series-reader --organization Organization/bench-series-org >/dev/null
java -Xmx512m -cp "$CP" org.consentry.bench.Bench series --server "$SERVER" --token "$(token ehr)" \
  --reader-token "$(token series-reader)" "${jdbc[@]}" --label "${SERIES_LABEL:-series}" "${extra[@]}"
