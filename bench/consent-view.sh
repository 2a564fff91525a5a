#!/usr/bin/env bash
# Benchmarks of consent in the query (issue 11), end to end on a server of its own: builds, starts
# Keycloak and the server on non-default ports with a fresh data folder, loads a synthetic population
# (Bench populate: Patients, Observations, Consents of 1% denying an organization and 10% denying
# PSY data), adds a practitioner of the denied organization and one of another, then runs
#   1. the count benchmark: _summary=count queries as the practitioner of the denied organization (A)
#      and as the practitioner who sees everything (B), alternated; skipped with one line if the
#      server answers 400;
#   2. the read benchmark as that practitioner, consent on and off (server restarted per setting and
#      round, alternated ABBA): Patient read alone and the 100-Observation search alone with --clients
#      clients, and Patient read with one client (its p99 is the latency one user sees); before
#      round 1, both reads run untimed for --settle seconds each, so that what the first reads after
#      the load cost does not fall on the first measured phase alone;
# stops everything and prints a table. Results: bench/results/*.json and rows in summary.md.
#
#   bench/consent-view.sh [--large] [--patients N] [--observations K] [--seed S]
#                         [--seconds S] [--rounds R] [--warmup S] [--settle S] [--clients N]
#                         [--no-build] [--keep]
#
#   default   N=10 patients x K=100 Observations (a full 100-Observation page per patient)
#   --large   N=1000 x K=10 (loads in minutes)
#   --seconds measured seconds per phase (default 30), --rounds alternated rounds (default 2),
#   --warmup  warm-up seconds (default 5), --clients read clients (default 4; the count benchmark uses 1)
#   --settle  untimed seconds of each read before the first round (default 60; 0 skips it)
#   --keep    leave the server and Keycloak running at the end (stop with the same env and ./consentry down)
# Settings (environment): VIEW_HOME (data folder, default .consentry-view; wiped at start except the
# unpacked Keycloak), VIEW_PORT (8480), VIEW_KEYCLOAK_PORT (8580), VIEW_RESULTS (bench/results),
# VIEW_COUNT_QUERIES (the count benchmark's --queries).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
patients=10 observations=100 seed=1 seconds=30 rounds=2 warmup=5 settle=60 clients=4 build=yes keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --large) patients=1000; observations=10; shift ;;
    --patients) patients="${2:?--patients needs a number}"; shift 2 ;;
    --observations) observations="${2:?--observations needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --warmup) warmup="${2:?--warmup needs a number}"; shift 2 ;;
    --settle) settle="${2:?--settle needs a number}"; shift 2 ;;
    --clients) clients="${2:?--clients needs a number}"; shift 2 ;;
    --no-build) build=""; shift ;;
    --keep) keep=yes; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "consent-view.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

export CONSENTRY_HOME="${VIEW_HOME:-$ROOT/.consentry-view}"
export CONSENTRY_PORT="${VIEW_PORT:-8480}"
export CONSENTRY_KEYCLOAK_PORT="${VIEW_KEYCLOAK_PORT:-8580}"
export CONSENTRY_READY_TIMEOUT="${CONSENTRY_READY_TIMEOUT:-900}"
unset CONSENTRY_KEYCLOAK_URL CONSENTRY_TOKEN CONSENTRY_FHIR_URL CONSENTRY_DB_URL CONSENTRY_SERVER_ARGS
if [ "$CONSENTRY_PORT" = 8080 ] || [ "$CONSENTRY_KEYCLOAK_PORT" = 8180 ]; then
  echo "consent-view.sh: 8080 and 8180 are the default ports, which other servers use; pick others" >&2
  exit 2
fi
SERVER="http://127.0.0.1:$CONSENTRY_PORT/fhir"
RESULTS="${VIEW_RESULTS:-$ROOT/bench/results}"
COUNT_QUERIES="${VIEW_COUNT_QUERIES:-Observation?_summary=count Patient?_summary=count Observation?code=http://loinc.org|8867-4&_summary=count Observation?code=http://loinc.org|44261-6&_summary=count Observation?code=http://loinc.org|8867-4&_total=accurate&_count=10}"
run_log="$(mktemp -t consent-view.XXXXXX)"

if [ -n "$build" ]; then
  echo "== build (mvn -Pbench package of bench and the modules it needs, tests skipped)"
  mvn -q -B -Pbench -pl bench -am -DskipTests package
fi
CP="$ROOT/bench/target/bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"
bench() { java -Xmx512m -cp "$CP" org.consentry.bench.Bench "$@" --server "$SERVER" --results "$RESULTS" 2>&1 | tee -a "$run_log"; return "${PIPESTATUS[0]}"; }
token() { ./consentry token "$@" | sed 's/\x1b\[[0-9;]*m//g' | tail -n 1; }

./consentry down >/dev/null 2>&1 || true   # a server left by an interrupted run of this script
if [ -d "$CONSENTRY_HOME" ]; then
  find "$CONSENTRY_HOME" -mindepth 1 -maxdepth 1 ! -name keycloak -exec rm -rf {} +
  rm -rf "$CONSENTRY_HOME/keycloak/passwords"
fi
mkdir -p "$CONSENTRY_HOME"
[ -n "$keep" ] || trap './consentry down >/dev/null 2>&1 || true' EXIT

restart() {   # the server only (not Keycloak, not the data), with the given extra arguments
  local pid_file="$CONSENTRY_HOME/run/server.pid"
  if [ -f "$pid_file" ] && kill -0 "$(cat "$pid_file")" 2>/dev/null; then
    local pid; pid="$(cat "$pid_file")"; kill "$pid"
    while kill -0 "$pid" 2>/dev/null; do sleep 0.5; done
    rm -f "$pid_file"
  fi
  CONSENTRY_SERVER_ARGS="$1" ./consentry up >/dev/null
}

echo "== start Keycloak (127.0.0.1:$CONSENTRY_KEYCLOAK_PORT) and the server (127.0.0.1:$CONSENTRY_PORT), data in $CONSENTRY_HOME"
./consentry up >/dev/null
echo "== populate: $patients patients x $observations Observations, seed $seed"
bench populate --token "$(token ehr)" --patients "$patients" --observations-per-patient "$observations" --seed "$seed" \
  --label "view N=$patients K=$observations"
echo "== users: view-denied (Practitioner/bench-practitioner-denied, Organization/bench-org-denied),"
echo "          view-other (Practitioner/bench-practitioner-other, Organization/bench-org-other)"
./consentry user add-practitioner view-denied Practitioner/bench-practitioner-denied --organization Organization/bench-org-denied >/dev/null
./consentry user add-practitioner view-other Practitioner/bench-practitioner-other --organization Organization/bench-org-other >/dev/null

# B sees every patient and every label (its consent view adds only "not what belongs to nobody"), so
# A/B is the cost of an exact count under a view hiding 1% of patients and 10% of patients' PSY data
echo "== count: A = practitioner of the denied organization, B = practitioner who sees everything"
set +e
bench count --launcher ./consentry --user-a view-denied --label-a "practitioner (denied org)" --user-b view-other \
  --label-b "practitioner (sees all)" --queries "$COUNT_QUERIES" --rounds "$rounds" --seconds "$seconds" --warmup "$warmup" \
  --label "view N=$patients K=$observations"
rc=$?
set -e
case "$rc" in
  0) ;;
  3) echo "count: skipped: this server does not serve counts (see the line above)" ;;
  *) echo "consent-view.sh: the count benchmark failed (exit $rc)" >&2; exit "$rc" ;;
esac

# In two runs without this, the first measured phase after the load was the slowest of all, whichever
# setting it had. Reads write too (HAPI's stored searches, the audit trail): these put the database in
# the state the later phases find. Untimed, results discarded.
if [ "$settle" -gt 0 ]; then
  echo "== settle: each read untimed for $settle s (consent on)"
  settle_token="$(token view-denied)"
  settle_results="$(mktemp -d)"
  for kind in patient-read observations-by-patient; do
    java -Xmx512m -cp "$CP" org.consentry.bench.Bench read --server "$SERVER" --results "$settle_results" \
      --token "$settle_token" --queries "$kind" --clients "$clients" --seconds "$settle" --warmup 0 \
      --label "settle" >/dev/null
  done
  rm -rf "$settle_results"
fi

# ABBA: on then off in odd rounds, off then on in even ones, so that drift over the run (the JIT, the
# database's caches, the searches HAPI stores) falls on both settings alike
settings=("consent-on=" "consent-off=--consentry.consent.enabled=false")
for round in $(seq 1 "$rounds"); do
  order=(0 1)
  [ $((round % 2)) -eq 1 ] || order=(1 0)
  for i in "${order[@]}"; do
    setting="${settings[$i]}"
    label="${setting%%=*}"; args="${setting#*=}"
    echo "== read, round $round: $label (practitioner of the denied organization)"
    restart "$args"
    read_token="$(token view-denied)"
    for kind in patient-read observations-by-patient; do
      bench read --token "$read_token" --queries "$kind" --clients "$clients" --seconds "$seconds" --warmup "$warmup" \
        --label "view N=$patients K=$observations $label round $round"
    done
    # the latency one client sees, with every protection on
    bench read --token "$read_token" --queries patient-read --clients 1 --seconds "$seconds" --warmup "$warmup" \
      --label "view N=$patients K=$observations $label round $round"
  done
done

if [ -z "$keep" ]; then
  echo "== stop"
  ./consentry down >/dev/null
  trap - EXIT
else
  restart ""   # leave it as it was loaded: consent on
  echo "== left running (consent on); stop it with: CONSENTRY_HOME=$CONSENTRY_HOME CONSENTRY_PORT=$CONSENTRY_PORT CONSENTRY_KEYCLOAK_PORT=$CONSENTRY_KEYCLOAK_PORT ./consentry down"
fi
echo
echo "== consent in the query: N=$patients x K=$observations, seed $seed, $rounds rounds x $seconds s ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
mapfile -t files < <(sed -n 's/^figures written to //p' "$run_log")
java -cp "$CP" org.consentry.bench.ViewTable "${files[@]}"
rm -f "$run_log"
