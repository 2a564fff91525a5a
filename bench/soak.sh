#!/usr/bin/env bash
# The soak (issue 15; a benchmark, not a CI test): against server nodes that are already up, loads
# its own data (Organizations, dr X, patients with Observations; ids carry a run id, so runs can
# share a server), adds dr X and the watched patients as users (./consentry user ...), then runs a
# mix of reads, searches (pages followed on the other node), writes and Consent changes (the watched
# patients deny dr X's organization and revoke it, again and again) for the given time, checking a
# consent invariant on every answer dr X gets. Every interval it prints the requests/s by kind, p50
# and p99 latency, errors, leaks and each node's resident memory; at the end a summary with the
# drift of resident memory. Time series: bench/results/<time>-soak.csv, errors and leaks with their
# requests: <time>-soak.log, figures: <time>-soak.json, and one row in bench/results/summary.md.
#
#   bench/soak.sh [--seconds S] [--clients N] [--interval S] [--leak-probe] [--no-build] [SoakBench options]
#
#   --seconds   run time after setup (default 840, SOAK_SECONDS: a 240 s warm-up, then the 10 minutes
#               over which the resident memory's drift is measured)
#   --clients   concurrent clients (default 32, SOAK_CLIENTS)
#   --interval  seconds per row of the time series (default 30, SOAK_INTERVAL)
#   --leak-probe  dr X's requests carry the EHR client's token, which the patients' Consents do not
#               cover: proves the checker reports leaks (exit 0 only if it did)
#   --no-build  use bench/target as it is
#   other options go to SoakBench: --baseline S (when the RSS baseline is taken, default 240),
#               --patients N (50), --watched N (8), --observations K (12), --seed S, --timeout S (30)
# Settings (environment): SOAK_NODES (the nodes' base URLs, space-separated, default
# http://127.0.0.1:$CONSENTRY_PORT), SOAK_PIDS (the nodes' server pids for RSS, default: those in
# $CONSENTRY_HOME/run/server*.pid), CONSENTRY_HOME, CONSENTRY_PORT, CONSENTRY_KEYCLOAK_PORT or
# CONSENTRY_KEYCLOAK_URL and CONSENTRY_KEYCLOAK_REALM: the same as for ./consentry up.
# Exit code: 0 passed (no errors, no leaks, RSS grown < 10% from the baseline), 1 failed, 2 could not run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds="${SOAK_SECONDS:-840}" clients="${SOAK_CLIENTS:-32}" interval="${SOAK_INTERVAL:-30}"
build=yes probe=false extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --clients) clients="${2:?--clients needs a number}"; shift 2 ;;
    --interval) interval="${2:?--interval needs a number}"; shift 2 ;;
    --leak-probe) probe=true; shift ;;
    --no-build) build=""; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    --*) extra+=("$1" "${2:?$1 needs a value}"); shift 2 ;;
    *) echo "soak.sh: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
done

export CONSENTRY_HOME="${CONSENTRY_HOME:-$ROOT/.consentry}"
NODES="${SOAK_NODES:-http://127.0.0.1:${CONSENTRY_PORT:-8080}}"
KEYCLOAK="${CONSENTRY_KEYCLOAK_URL:-http://127.0.0.1:${CONSENTRY_KEYCLOAK_PORT:-8180}}"
ISSUER="${KEYCLOAK%/}/realms/${CONSENTRY_KEYCLOAK_REALM:-consentry}"
pids="${SOAK_PIDS:-}"
if [ -z "$pids" ]; then
  for file in "$CONSENTRY_HOME"/run/server*.pid; do
    [ -f "$file" ] && pids="$pids $(cat "$file")"
  done
fi
[ -n "${pids// /}" ] || echo "soak.sh: no server pids (SOAK_PIDS, $CONSENTRY_HOME/run/server*.pid): resident memory is not measured" >&2

if [ -n "$build" ]; then
  echo "== build (mvn -Pbench package of bench and the modules it needs, tests skipped)"
  mvn -q -B -Pbench -pl bench -am -DskipTests package
fi
CP="$ROOT/bench/target/bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"
echo "== soak: nodes $NODES, server pids${pids:- none}, Keycloak $ISSUER"
exec java -Xmx512m -cp "$CP" org.consentry.bench.soak.SoakBench --nodes "$NODES" --keycloak "$ISSUER" \
  --launcher "$ROOT/consentry" --seconds "$seconds" --clients "$clients" --interval "$interval" \
  --pids "${pids# }" --leak-probe "$probe" --results "$ROOT/bench/results" "${extra[@]}"
