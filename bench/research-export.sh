#!/usr/bin/env bash
# Benchmark of the de-identified research export (ResearchStudy/ID/$export), end to end on a server
# of its own: builds, starts Keycloak and the server on non-default ports with a fresh data folder,
# loads a synthetic population (Bench populate: N patients x K Observations, and its Consents: 1%
# deny an organization, 10% deny PSY data, which research exports respect too), adds a researcher,
# sets up a study over the whole population (Bench research-setup: the cohort Group of every
# patient, the ResearchStudy with profile safe-harbor and k, research Consents opting in a share of
# the patients for this study), then runs the export as the researcher in rounds (Bench research:
# kick-off, polling until the manifest, every file downloaded and counted), stops everything and
# prints the figures: resources/s for the job alone and end to end (kick-off to last byte), per
# round and the median. Results: bench/results/*.json and rows in summary.md.
#
#   bench/research-export.sh [--patients N] [--observations K] [--seed S] [--rounds R]
#                            [--warmup-rounds W] [--k K] [--opt-in PERCENT] [--poll-ms MS]
#                            [--no-build] [--keep]
#
#   --patients N       population (default 1000; loading 1,000 x 10 takes about a minute and a half)
#   --observations K   Observations per patient (default 10)
#   --rounds R         measured exports (default 3), after --warmup-rounds W (default 1)
#   --k K              the study's k-anonymity (default 5); --opt-in PERCENT of patients opt in (100)
#   --poll-ms MS       pause between status polls (default 200): the job time is known to within it
#   --keep             leave the server and Keycloak running at the end (stop with the same env and ./consentry down)
# Settings (environment): RESEARCH_HOME (data folder, default .consentry-research; wiped at start
# except the unpacked Keycloak), RESEARCH_PORT (8680), RESEARCH_KEYCLOAK_PORT (8780), RESEARCH_RESULTS
# (bench/results), RESEARCH_SERVER_ARGS (extra server settings, also in the label, e.g.
# "--consentry.fhir.job-maintenance-interval=1s": the export job moves from step to step on
# Batch2's maintenance pass, every 250 ms by default). The server log stays in
# $RESEARCH_HOME/logs/server.log until the next run.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
patients=1000 observations=10 seed=1 rounds=3 warmup=1 k=5 optin=100 poll=200 build=yes keep=""
while [ $# -gt 0 ]; do
  case "$1" in
    --patients) patients="${2:?--patients needs a number}"; shift 2 ;;
    --observations) observations="${2:?--observations needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --rounds) rounds="${2:?--rounds needs a number}"; shift 2 ;;
    --warmup-rounds) warmup="${2:?--warmup-rounds needs a number}"; shift 2 ;;
    --k) k="${2:?--k needs a number}"; shift 2 ;;
    --opt-in) optin="${2:?--opt-in needs a percentage}"; shift 2 ;;
    --poll-ms) poll="${2:?--poll-ms needs a number}"; shift 2 ;;
    --no-build) build=""; shift ;;
    --keep) keep=yes; shift ;;
    -h|--help) sed -n '2,28p' "$0"; exit 0 ;;
    *) echo "research-export.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done

export CONSENTRY_HOME="${RESEARCH_HOME:-$ROOT/.consentry-research}"
export CONSENTRY_PORT="${RESEARCH_PORT:-8680}"
export CONSENTRY_KEYCLOAK_PORT="${RESEARCH_KEYCLOAK_PORT:-8780}"
export CONSENTRY_READY_TIMEOUT="${CONSENTRY_READY_TIMEOUT:-900}"
unset CONSENTRY_KEYCLOAK_URL CONSENTRY_TOKEN CONSENTRY_FHIR_URL CONSENTRY_DB_URL CONSENTRY_SERVER_ARGS
[ -z "${RESEARCH_SERVER_ARGS:-}" ] || export CONSENTRY_SERVER_ARGS="$RESEARCH_SERVER_ARGS"
if [ "$CONSENTRY_PORT" = 8080 ] || [ "$CONSENTRY_KEYCLOAK_PORT" = 8180 ]; then
  echo "research-export.sh: 8080 and 8180 are the default ports, which other servers use; pick others" >&2
  exit 2
fi
SERVER="http://127.0.0.1:$CONSENTRY_PORT/fhir"
RESULTS="${RESEARCH_RESULTS:-$ROOT/bench/results}"
STUDY=bench-study
RESEARCHER=bench-researcher
LABEL="research N=$patients K=$observations opt-in $optin% k=$k${RESEARCH_SERVER_ARGS:+ $RESEARCH_SERVER_ARGS}"
run_log="$(mktemp -t research-export.XXXXXX)"

if [ -n "$build" ]; then
  echo "== build (mvn -Pbench package of bench and the modules it needs, tests skipped)"
  mvn -q -B -ntp -Pbench -pl bench -am -DskipTests package
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
[ -n "$keep" ] || trap './consentry down >/dev/null 2>&1 || true; rm -f "$run_log"' EXIT

echo "== start Keycloak (127.0.0.1:$CONSENTRY_KEYCLOAK_PORT) and the server (127.0.0.1:$CONSENTRY_PORT), data in $CONSENTRY_HOME"
./consentry up >/dev/null
echo "== populate: $patients patients x $observations Observations, seed $seed"
bench populate --token "$(token ehr)" --patients "$patients" --observations-per-patient "$observations" --seed "$seed" \
  --label "$LABEL"
echo "== researcher: $RESEARCHER"
./consentry user add-researcher "$RESEARCHER" >/dev/null
echo "== study: ResearchStudy/$STUDY over all $patients patients, safe-harbor, k=$k, $optin% opt in"
bench research-setup --token "$(token ehr)" --researcher "$RESEARCHER" --study "$STUDY" --patients "$patients" \
  --seed "$seed" --k "$k" --opt-in-percent "$optin" --label "$LABEL"
echo "== export: $rounds rounds after $warmup warm-up, as $RESEARCHER"
bench research --user "$RESEARCHER" --launcher ./consentry --study "$STUDY" --rounds "$rounds" \
  --warmup-rounds "$warmup" --poll-ms "$poll" --label "$LABEL"

if [ -z "$keep" ]; then
  echo "== stop"
  ./consentry down >/dev/null
  trap - EXIT
else
  echo "== left running; stop it with: CONSENTRY_HOME=$CONSENTRY_HOME CONSENTRY_PORT=$CONSENTRY_PORT CONSENTRY_KEYCLOAK_PORT=$CONSENTRY_KEYCLOAK_PORT ./consentry down"
fi
echo
echo "== research export: N=$patients x K=$observations, seed $seed, k=$k, $optin% opt in ($(git rev-parse --short HEAD 2>/dev/null || echo unknown))"
grep -E '^research round|^research: ResearchStudy' "$run_log" || true
echo "server log: $CONSENTRY_HOME/logs/server.log"
rm -f "$run_log"
