#!/usr/bin/env bash
# Fuzzes the FHIR request surface (on demand, not in CI): builds, starts its own Keycloak and
# server on non-default ports with a data folder inside the repository, loads the sample data,
# adds a patient, a practitioner and a researcher, sends seeded hostile requests as them, the EHR
# client and an anonymous caller, stops the server and prints the summary. The report (requests
# per status class, findings with curl reproducers) goes to bench/results/fuzz-<time>.md and .json.
#
#   bench/fuzz.sh --minutes N [--seed S] [--reuse] [other Fuzz options, e.g. --clients 4 --shrink-budget 100]
#   bench/fuzz.sh --seconds N ...
#
#   --reuse   keep the data folder of the last run (skips the import if it loaded); default: a fresh one
# Settings (environment): FUZZ_HOME (default .consentry-fuzz), FUZZ_PORT (8280), FUZZ_KEYCLOAK_PORT (8380),
# FUZZ_DATA (folders to load and start from, default "data/synthea-10 data/sample-bundles").
# Exit code: 0 no findings, 3 findings, anything else: the run failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
seconds=""
seed="$(date +%s)"
reuse=""
extra=()
while [ $# -gt 0 ]; do
  case "$1" in
    --minutes) seconds=$(( ${2:?--minutes needs a number} * 60 )); shift 2 ;;
    --seconds) seconds="${2:?--seconds needs a number}"; shift 2 ;;
    --seed) seed="${2:?--seed needs a number}"; shift 2 ;;
    --reuse) reuse=yes; shift ;;
    -h|--help) sed -n '2,15p' "$0"; exit 0 ;;
    *) extra+=("$1"); shift ;;
  esac
done
[ -n "$seconds" ] || { echo "fuzz.sh: --minutes N (or --seconds N) is required" >&2; exit 2; }

export CONSENTRY_HOME="${FUZZ_HOME:-$ROOT/.consentry-fuzz}"
export CONSENTRY_PORT="${FUZZ_PORT:-8280}"
export CONSENTRY_KEYCLOAK_PORT="${FUZZ_KEYCLOAK_PORT:-8380}"
# a first start (initdb, schema) on a busy 2-core machine can take longer than the launcher's 240 s
export CONSENTRY_READY_TIMEOUT="${CONSENTRY_READY_TIMEOUT:-900}"
unset CONSENTRY_KEYCLOAK_URL CONSENTRY_TOKEN CONSENTRY_FHIR_URL CONSENTRY_DB_URL
if [ "$CONSENTRY_PORT" = 8080 ] || [ "$CONSENTRY_KEYCLOAK_PORT" = 8180 ]; then
  echo "fuzz.sh: 8080 and 8180 are the default ports, which other servers use; pick others" >&2
  exit 2
fi
read -ra data <<< "${FUZZ_DATA:-data/synthea-10 data/sample-bundles}"
marker="$CONSENTRY_HOME/fuzz-data-loaded"
log="$CONSENTRY_HOME/fuzz-output.log"

echo "== build (mvn -Pbench install of bench and the modules it needs, tests skipped)"
mvn -q -B -Pbench -pl bench -am -DskipTests install

./consentry down >/dev/null 2>&1 || true   # a server left by an interrupted run of this script
if [ -z "$reuse" ] && [ -d "$CONSENTRY_HOME" ]; then
  # a fresh data folder; the unpacked Keycloak stays (building it takes minutes)
  find "$CONSENTRY_HOME" -mindepth 1 -maxdepth 1 ! -name keycloak -exec rm -rf {} +
  rm -rf "$CONSENTRY_HOME/keycloak/passwords"
fi
mkdir -p "$CONSENTRY_HOME"
trap './consentry down >/dev/null 2>&1 || true' EXIT

echo "== start Keycloak (127.0.0.1:$CONSENTRY_KEYCLOAK_PORT) and the server (127.0.0.1:$CONSENTRY_PORT), data in $CONSENTRY_HOME"
./consentry up
if [ ! -f "$marker" ]; then
  echo "== load ${data[*]}"
  ./consentry import "${data[@]}" --on-error skip || echo "fuzz.sh: some resources did not load (see above); fuzzing what did"
  touch "$marker"
fi

first_id() { head -n 1 "$1" | grep -o '"id":"[^"]*"' | head -n 1 | cut -d'"' -f4; }
patient="$(first_id data/synthea-10/Patient.ndjson)"
practitioner="$(first_id "$(ls data/synthea-10/Practitioner.*ndjson | head -n 1)")"
organization="$(first_id "$(ls data/synthea-10/Organization.*ndjson | head -n 1)")"
echo "== users: fuzz-patient (Patient/$patient), fuzz-practitioner (Practitioner/$practitioner), fuzz-researcher"
./consentry user add-patient fuzz-patient "Patient/$patient" >/dev/null
./consentry user add-practitioner fuzz-practitioner "Practitioner/$practitioner" --organization "Organization/$organization" >/dev/null
./consentry user add-researcher fuzz-researcher >/dev/null

label="commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)"
git diff --quiet HEAD 2>/dev/null || label="$label with uncommitted changes"
echo "== fuzz for $seconds s, seed $seed ($label)"
CP="$ROOT/bench/target/bench.jar:$(cat "$ROOT/bench/target/classpath.txt")"
set +e
java -Xmx2g -cp "$CP" org.consentry.bench.fuzz.Fuzz --server "http://127.0.0.1:$CONSENTRY_PORT/fhir" \
  --seconds "$seconds" --seed "$seed" --launcher ./consentry --results bench/results --label "$label" \
  --requester "ehr=ehr" \
  --requester "patient@$patient=fuzz-patient --scope patient/*.cruds" \
  --requester "practitioner=fuzz-practitioner --scope user/*.cruds" \
  --requester "researcher=fuzz-researcher" \
  --requester "anonymous=" \
  ${extra[@]+"${extra[@]}"} 2>&1 | tee "$log"
rc="${PIPESTATUS[0]}"
set -e

echo "== stop"
./consentry down
trap - EXIT
echo "== summary (report in bench/results)"
sed -n '/^fuzz: [0-9,]* requests in/,$p' "$log"
exit "$rc"
