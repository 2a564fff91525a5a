#!/usr/bin/env bash
# What a crash of the server loses from the audit trail: starts a server of its own (fresh data
# folder, Keycloak and server on ports 8690/8790), creates one Patient, reads it in a loop as the
# EHR system client, kills the server with SIGKILL in the middle of the loop (no shutdown hook
# runs, the queued events in memory are gone), starts it again, and compares the reads that were
# answered 200 with the read events the trail holds for them. Prints both counts, the events lost
# and how long before the kill the last recorded read was answered.
#
#   bench/audit-crash.sh [--seconds S] [--no-build] [--keep]
#
# Settings (environment): CRASH_HOME (data folder, default .consentry-crash; wiped at start except
# the unpacked Keycloak), CRASH_PORT (8690), CRASH_KEYCLOAK_PORT (8790).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds=5 build=yes keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --no-build) build=""; shift ;;
    --keep) keep=yes; shift ;;
    -h|--help) sed -n '2,13p' "$0"; exit 0 ;;
    *) echo "audit-crash.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
export CONSENTRY_HOME="${CRASH_HOME:-$ROOT/.consentry-crash}"
export CONSENTRY_PORT="${CRASH_PORT:-8690}"
export CONSENTRY_KEYCLOAK_PORT="${CRASH_KEYCLOAK_PORT:-8790}"
unset CONSENTRY_KEYCLOAK_URL CONSENTRY_TOKEN CONSENTRY_FHIR_URL CONSENTRY_DB_URL CONSENTRY_SERVER_ARGS
B="http://127.0.0.1:$CONSENTRY_PORT/fhir"
[ -n "$build" ] && mvn -q -B -ntp -pl fhir-server -am -DskipTests package
./consentry down >/dev/null 2>&1 || true
if [ -d "$CONSENTRY_HOME" ]; then
  find "$CONSENTRY_HOME" -mindepth 1 -maxdepth 1 ! -name keycloak -exec rm -rf {} +
  rm -rf "$CONSENTRY_HOME/keycloak/passwords"
fi
token() { ./consentry token "$@" | sed 's/\x1b\[[0-9;]*m//g' | tail -n 1; }
up() {
  local out; out="$(mktemp)"
  ./consentry up > "$out" 2>&1 || { cat "$out" >&2; echo "audit-crash.sh: ./consentry up failed" >&2; exit 1; }
}

echo "== start"
up
EHR="Authorization: Bearer $(token ehr)"
patient="$(curl -s -X POST -H "$EHR" -H 'Content-Type: application/fhir+json' "$B/Patient" \
  -d '{"resourceType":"Patient","active":true}' | sed -n 's/.*"id": *"\([^"]*\)".*/\1/p' | head -1)"
[ -n "$patient" ] || { echo "audit-crash.sh: could not create the Patient" >&2; exit 1; }
./consentry user add-auditor crash-auditor >/dev/null

echo "== read Patient/$patient in a loop, SIGKILL after ${seconds}s"
answers="$(mktemp)"
(
  while true; do
    code="$(curl -s -o /dev/null -w '%{http_code}' -H "$EHR" "$B/Patient/$patient" || true)"
    [ "$code" = 200 ] && date +%s%3N >> "$answers"
    [ "$code" = 000 ] && break
  done
) &
reader=$!
sleep "$seconds"
killed_at="$(date +%s%3N)"
kill -9 "$(cat "$CONSENTRY_HOME/run/server.pid")"
wait "$reader" || true
answered="$(wc -l < "$answers")"
last_answer="$(tail -n 1 "$answers")"

echo "== restart and count"
sleep 1
up
A="Authorization: Bearer $(token crash-auditor)"
recorded="$(curl -s -H "$A" "$B/AuditEvent?patient=Patient/$patient&_count=0" | sed -n 's/.*"total": *\([0-9]*\).*/\1/p')"
# the create of the Patient is in the trail too: count only the reads
newest="$(curl -s -H "$A" "$B/AuditEvent?patient=Patient/$patient&_count=1" | sed -n 's/.*"recorded": *"\([^"]*\)".*/\1/p' | head -1)"
reads=$((recorded - 1))
lost=$((answered - reads))
echo "answered 200: $answered reads; recorded: $reads read events (+1 create); lost: $lost"
echo "killed $((killed_at - last_answer)) ms after the last answer; newest recorded event: $newest"
if [ "$lost" -gt 0 ]; then
  first_lost="$(sed -n "$((reads + 1))p" "$answers")"
  echo "the lost reads were answered in the last $((killed_at - first_lost)) ms before the kill"
fi
[ -n "$keep" ] || ./consentry down >/dev/null
