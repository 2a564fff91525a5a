# Several server nodes on one database, for ./consentry up --nodes N (sourced by ./consentry).
# Node 1 is the usual server (port CONSENTRY_PORT, run/server.pid, logs/server.log); node i > 1
# listens on CONSENTRY_PORT + i - 1 with run/server-i.pid and logs/server-i.log. Without
# CONSENTRY_DB_URL the embedded PostgreSQL runs as a process of its own (run/db.pid, logs/db.log,
# port CONSENTRY_DB_PORT, default 5433) so that no node owns it: any node may stop or die.

DB_PORT="${CONSENTRY_DB_PORT:-5433}"
DB_PID_FILE="$CONSENTRY_HOME/run/db.pid"
DB_LOG="$CONSENTRY_HOME/logs/db.log"

node_pid_file() { if [ "$1" -eq 1 ]; then echo "$PID_FILE"; else echo "$CONSENTRY_HOME/run/server-$1.pid"; fi; }
node_log() { if [ "$1" -eq 1 ]; then echo "$LOG"; else echo "$CONSENTRY_HOME/logs/server-$1.log"; fi; }
node_base() { echo "http://$ADDRESS:$((PORT + $1 - 1))"; }

pid_alive() {
  [ -f "$1" ] || return 1
  local pid; pid="$(cat "$1")"
  kill -0 "$pid" 2>/dev/null && { echo "$pid"; return 0; }
  return 1
}

database_start() {
  if pid_alive "$DB_PID_FILE" >/dev/null; then
    return 0
  fi
  stop_orphan_postgres
  if (exec 3<>"/dev/tcp/127.0.0.1/$DB_PORT") 2>/dev/null; then
    fail_up "something already listens on 127.0.0.1:$DB_PORT: stop it or set CONSENTRY_DB_PORT"
  fi
  echo "Starting PostgreSQL on 127.0.0.1:$DB_PORT (files in $CONSENTRY_HOME/pgdata, log in $DB_LOG)..."
  nohup java -Xmx64m -XX:+UseSerialGC -cp "$APP_JAR" org.consentry.server.storage.StandaloneDatabase \
    "$CONSENTRY_HOME/pgdata" "$DB_PORT" >"$DB_LOG" 2>&1 </dev/null &
  echo $! >"$DB_PID_FILE"
  local start=$SECONDS
  until grep -q "PostgreSQL is ready" "$DB_LOG" 2>/dev/null; do
    pid_alive "$DB_PID_FILE" >/dev/null || { tail -n 20 "$DB_LOG" >&2; rm -f "$DB_PID_FILE"; fail_up "PostgreSQL stopped while starting"; }
    (( SECONDS - start > 120 )) && fail_up "PostgreSQL did not start within 120s; see $DB_LOG"
    sleep 0.5
  done
}

database_down() {
  local pid
  pid="$(pid_alive "$DB_PID_FILE")" || { rm -f "$DB_PID_FILE"; return 0; }
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$pid" 2>/dev/null || true
  rm -f "$DB_PID_FILE"
  echo "PostgreSQL stopped."
}

# Starts node i (in the background); its settings add to those of a single server.
node_start() {
  local i="$1" db_args=() cds
  # the class list of a first start is recorded by node 1 alone; the others use an archive if any
  if [ "$i" -eq 1 ]; then cds="$(cds_options)"
  elif [ "${CONSENTRY_CDS:-on}" != "off" ] && [ -f "$CDS_ARCHIVE" ]; then cds="-XX:SharedArchiveFile=$CDS_ARCHIVE"
  else cds=""; fi
  if [ -z "${CONSENTRY_DB_URL:-}" ]; then
    db_args=(--consentry.db.url="jdbc:postgresql://127.0.0.1:$DB_PORT/postgres" --consentry.db.username=postgres --consentry.db.password=)
  fi
  # shellcheck disable=SC2086,SC2046
  MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}" nohup java ${JAVA_OPTS:-$DEFAULT_JAVA_OPTS} $cds -jar "$APP_JAR" \
    --server.port="$((PORT + i - 1))" --server.address="$ADDRESS" "${db_args[@]}" \
    --consentry.fhir.terminology-index-dir="$CONSENTRY_HOME/nodes/$i/terminology-index" \
    --consentry.security.issuer="${CONSENTRY_KEYCLOAK_URL%/}/realms/$CONSENTRY_KEYCLOAK_REALM" ${CONSENTRY_SERVER_ARGS:-} \
    >"$(node_log "$i")" 2>&1 </dev/null &
  echo $! >"$(node_pid_file "$i")"
}

cmd_up_nodes() {
  local nodes="$1" i
  if pid="$(running_pid)"; then
    echo "Consentry is already running (pid $pid): ./consentry down first to change the number of nodes."
    return 0
  fi
  build_if_needed server
  app_prepare
  mkdir -p "$CONSENTRY_HOME/run" "$CONSENTRY_HOME/logs"
  if [ ! -f "$CONSENTRY_HOME/keys/master.bcfks" ]; then
    cli keys init || die "could not create the master keystore: run ./consentry keys init to see why"
  fi
  for i in $(seq 1 "$nodes"); do
    if curl -s -o /dev/null --max-time 2 "$(node_base "$i")/" 2>/dev/null; then
      die "something else already answers on $(node_base "$i"): stop it or set CONSENTRY_PORT"
    fi
  done
  SERVER_STARTED=yes
  [ -n "${CONSENTRY_DB_URL:-}" ] || database_start
  echo "Starting $nodes Consentry nodes on ports $PORT-$((PORT + nodes - 1)) (data in $CONSENTRY_HOME)..."
  local start=$SECONDS
  # the first node creates or migrates the schema alone; the others start once it is ready
  node_start 1
  keycloak_start
  keycloak_wait
  echo "Provisioning the $CONSENTRY_KEYCLOAK_REALM realm..."
  cli keycloak provision 2>/dev/null || fail_up "provisioning Keycloak failed: run ./consentry keycloak provision to see why"
  for i in $(seq 1 "$nodes"); do
    cli keycloak app-url "$(node_base "$i")" >/dev/null 2>&1 \
      || fail_up "letting the patient portal sign in at $(node_base "$i") failed: run ./consentry keycloak app-url $(node_base "$i") to see why"
  done
  node_wait 1 "$start"
  for i in $(seq 2 "$nodes"); do node_start "$i"; done
  for i in $(seq 2 "$nodes"); do node_wait "$i" "$start"; done
  echo "Consentry is up after $((SECONDS - start))s: $nodes nodes."
  cds_archive_later
  print_urls
  nodes_status
}

node_wait() {
  local i="$1" start="$2"
  until curl -sf -o /dev/null --max-time 2 "$(node_base "$i")/actuator/health/readiness"; do
    if ! pid_alive "$(node_pid_file "$i")" >/dev/null; then
      echo "consentry: node $i stopped while starting; the end of its log:" >&2
      tail -n 30 "$(node_log "$i")" >&2
      nodes_down
      fail_up "node $i did not start"
    fi
    (( SECONDS - start > READY_TIMEOUT * 2 )) && { nodes_down; fail_up "node $i did not answer in time; see $(node_log "$i")"; }
    sleep 1
  done
}

# Stops the nodes other than the first (cmd_down stops the first, then the database).
nodes_down() {
  local f pid
  for f in "$CONSENTRY_HOME"/run/server-*.pid; do
    [ -f "$f" ] || continue
    if pid="$(pid_alive "$f")"; then
      kill "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -9 "$pid" 2>/dev/null || true
      echo "Node $(basename "$f" .pid | sed 's/server-//') stopped."
    fi
    rm -f "$f"
  done
}

nodes_status() {
  local f pid i
  for f in "$CONSENTRY_HOME"/run/server-*.pid; do
    [ -f "$f" ] || continue
    i="$(basename "$f" .pid | sed 's/server-//')"
    if pid="$(pid_alive "$f")"; then
      echo "  node $i        $(node_base "$i")/fhir (pid $pid)"
    else
      echo "  node $i        not running (see $(node_log "$i"))"
    fi
  done
  if pid="$(pid_alive "$DB_PID_FILE")"; then
    echo "  PostgreSQL    127.0.0.1:$DB_PORT (pid $pid)"
  fi
}
