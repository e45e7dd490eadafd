#!/usr/bin/env bash
# A replicated PostgreSQL cluster under Patroni plus kms nodes, all on loopback, no containers.
#
#   scripts/ha-cluster.sh start        etcd, PostgreSQL nodes under Patroni (synchronous_mode_strict),
#                                      a database for kms, and kms nodes on a multi-host JDBC URL
#   scripts/ha-cluster.sh status       Patroni's member list and each kms node's health
#   scripts/ha-cluster.sh stop         stops everything it started (data kept; start again resumes)
#   scripts/ha-cluster.sh destroy      kill everything it started and delete the base directory
#   scripts/ha-cluster.sh jdbc-url     the multi-host URL the kms nodes use
#   scripts/ha-cluster.sh leader       "NAME PG_PORT" of the current primary
#   scripts/ha-cluster.sh kill-leader  SIGKILL the primary's Patroni and postmaster together; prints NAME
#   scripts/ha-cluster.sh restart-member NAME  start a killed member's Patroni again (it rejoins, pg_rewind)
#   scripts/ha-cluster.sh wait-healthy [SECONDS]  until there is a primary, a synchronous standby and
#                                      every member is running
#
# Everything is chosen by environment variables, so a test can pick free ports and its own directory:
#   KMS_HA_DIR (/tmp/kms-ha)  KMS_HA_PG_PORTS ("5433 5434 5435": one PostgreSQL node per port)
#   KMS_HA_REST_PORTS ("8008 8009 8010")  KMS_HA_ETCD_PORT (2379)  KMS_HA_ETCD_PEER_PORT (2380)
#   KMS_HA_KMS_PORTS ("8443 8444": one kms node per port; empty for none)
#   KMS_HA_TTL / KMS_HA_LOOP_WAIT / KMS_HA_RETRY_TIMEOUT (10 / 2 / 4 seconds; keep loop_wait +
#     2 x retry_timeout <= ttl)   KMS_HA_SYNC (strict | on: synchronous_mode_strict or synchronous_mode)
# PostgreSQL refuses to run as root: as root, Patroni and PostgreSQL run as the `postgres` user.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

DIR=${KMS_HA_DIR:-/tmp/kms-ha}
read -r -a PG_PORTS <<< "${KMS_HA_PG_PORTS:-5433 5434 5435}"
read -r -a REST_PORTS <<< "${KMS_HA_REST_PORTS:-8008 8009 8010}"
read -r -a KMS_PORTS <<< "${KMS_HA_KMS_PORTS-8443 8444}"
ETCD_PORT=${KMS_HA_ETCD_PORT:-2379}
ETCD_PEER_PORT=${KMS_HA_ETCD_PEER_PORT:-2380}
TTL=${KMS_HA_TTL:-10}
LOOP_WAIT=${KMS_HA_LOOP_WAIT:-2}
RETRY_TIMEOUT=${KMS_HA_RETRY_TIMEOUT:-4}
SYNC=${KMS_HA_SYNC:-strict}
DB=kms
PG_BIN=${KMS_HA_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)}

log() { echo "ha-cluster: $*" >&2; }
die() { log "$*"; exit 1; }

if [[ $(id -u) -eq 0 ]]; then PG_USER=postgres; else PG_USER=$(id -un); fi
as_pg() {  # run a command as the user PostgreSQL runs as
  if [[ $(id -u) -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

member_count() { echo "${#PG_PORTS[@]}"; }
member_name() { echo "pg$(($1 + 1))"; }
member_index() { local n=${1#pg}; echo $((n - 1)); }

alive() {  # a zombie (exited, not yet reaped by init) counts as gone
  [[ -n "${1:-}" ]] && kill -0 "$1" 2>/dev/null && [[ $(ps -o stat= -p "$1" 2>/dev/null) != Z* ]]
}
pidof_file() { [[ -f "$1" ]] && head -1 "$1" || true; }
postmaster_pid() { pidof_file "$DIR/$1/data/postmaster.pid"; }

rest_code() {  # REST_PORT PATH -> HTTP status of Patroni's endpoint (000 when down)
  curl -s -o /dev/null -m 2 -w '%{http_code}' "http://127.0.0.1:$1$2" || true
}

jdbc_url() {
  local hosts=() p
  for p in "${PG_PORTS[@]}"; do hosts+=("127.0.0.1:$p"); done
  local IFS=,
  echo "jdbc:postgresql://${hosts[*]}/$DB?targetServerType=primary"
}

write_member_config() {  # INDEX
  local i=$1 name; name=$(member_name "$i")
  local d="$DIR/$name" strict=false
  [[ $SYNC == strict ]] && strict=true
  mkdir -p "$d"
  cat > "$DIR/$name.yml" <<EOF
scope: kms-pg
name: $name
restapi: {listen: 127.0.0.1:${REST_PORTS[$i]}, connect_address: 127.0.0.1:${REST_PORTS[$i]}}
etcd3: {hosts: 127.0.0.1:$ETCD_PORT}
bootstrap:
  dcs:
    ttl: $TTL
    loop_wait: $LOOP_WAIT
    retry_timeout: $RETRY_TIMEOUT
    maximum_lag_on_failover: 1048576
    # RPO 0: a commit returns only once the synchronous standby has flushed it; strict mode keeps
    # that promise when no standby is left (writes wait instead of going on unreplicated).
    synchronous_mode: true
    synchronous_mode_strict: $strict
    postgresql:
      use_pg_rewind: true
      use_slots: true
      # wal_retrieve_retry_interval: after a failover a standby's first attempt to stream from the new
      # primary fails until that primary has created its replication slot; the default 5 s retry
      # would hold every commit (strict mode) that long.
      parameters: {wal_log_hints: 'on', synchronous_commit: 'on', max_connections: 100, shared_buffers: 32MB,
                   wal_retrieve_retry_interval: 500ms}
  initdb: [{encoding: UTF8}, data-checksums]
postgresql:
  listen: 127.0.0.1:${PG_PORTS[$i]}
  connect_address: 127.0.0.1:${PG_PORTS[$i]}
  data_dir: $d/data
  bin_dir: $PG_BIN
  pgpass: $d/pgpass
  parameters: {unix_socket_directories: '$d'}
  pg_hba: [local all all trust, host replication all 127.0.0.1/32 trust, host all all 127.0.0.1/32 trust]
  authentication:
    superuser: {username: postgres, password: postgres}
    replication: {username: replicator, password: replicator}
    rewind: {username: rewinder, password: rewinder}
EOF
}

start_etcd() {
  alive "$(pidof_file "$DIR/etcd.pid")" && return 0
  mkdir -p "$DIR/etcd"
  nohup etcd --name e1 --data-dir "$DIR/etcd" \
    --listen-client-urls "http://127.0.0.1:$ETCD_PORT" --advertise-client-urls "http://127.0.0.1:$ETCD_PORT" \
    --listen-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" --initial-advertise-peer-urls "http://127.0.0.1:$ETCD_PEER_PORT" \
    --initial-cluster "e1=http://127.0.0.1:$ETCD_PEER_PORT" --initial-cluster-state new \
    > "$DIR/etcd.log" 2>&1 &
  echo $! > "$DIR/etcd.pid"
  local _
  for _ in $(seq 1 50); do
    curl -s -m 1 "http://127.0.0.1:$ETCD_PORT/health" | grep -q '"health":"true"' && return 0
    sleep 0.2
  done
  die "etcd did not become healthy (see $DIR/etcd.log)"
}

start_member() {  # INDEX
  local i=$1 name; name=$(member_name "$i")
  alive "$(pidof_file "$DIR/$name.patroni.pid")" && return 0
  [[ -f "$DIR/$name.yml" ]] || write_member_config "$i"
  if [[ $(id -u) -eq 0 ]]; then chown -R postgres:postgres "$DIR/$name" "$DIR/$name.yml"; fi
  chmod 700 "$DIR/$name"
  touch "$DIR/$name.log" "$DIR/$name.patroni.pid"
  if [[ $(id -u) -eq 0 ]]; then chown postgres "$DIR/$name.log" "$DIR/$name.patroni.pid"; fi
  as_pg bash -c "nohup patroni '$DIR/$name.yml' >> '$DIR/$name.log' 2>&1 & echo \$! > '$DIR/$name.patroni.pid'"
}

start_kms_node() {  # INDEX
  local i=$1 d="$DIR/kms$(($1 + 1))"
  alive "$(pidof_file "$d.pid")" && return 0
  mkdir -p "$d"
  if [[ $i -gt 0 && ! -f "$d/master.key" ]]; then
    cp "$DIR/kms1/master.key" "$d/master.key"  # every node of one database needs the same master key
    chmod 600 "$d/master.key"
  fi
  # ./kms builds the jar when it is missing or stale, then execs java (so $! is the JVM)
  KMS_DATABASE_PASSWORD=kms nohup "$here/kms" serve --data-dir "$d" --port "${KMS_PORTS[$i]}" \
    --database-url "$(jdbc_url)" --database-user kms > "$d.log" 2>&1 &
  echo $! > "$d.pid"
}

await_kms_node() {  # INDEX
  local d="$DIR/kms$(($1 + 1))" _
  for _ in $(seq 1 240); do
    grep -q 'kms: listening on' "$d.log" 2>/dev/null && return 0
    alive "$(pidof_file "$d.pid")" || die "kms node $(($1 + 1)) exited (see $d.log)"
    sleep 0.5
  done
  die "kms node $(($1 + 1)) did not start (see $d.log)"
}

leader() {  # prints "NAME PG_PORT" of the member whose REST API says it is the primary
  local i
  for i in "${!PG_PORTS[@]}"; do
    if [[ $(rest_code "${REST_PORTS[$i]}" /primary) == 200 ]]; then
      echo "$(member_name "$i") ${PG_PORTS[$i]}"
      return 0
    fi
  done
  return 1
}

healthy() {  # a primary, a synchronous standby, every member running
  local i sync=0
  leader > /dev/null || return 1
  for i in "${!PG_PORTS[@]}"; do
    [[ $(rest_code "${REST_PORTS[$i]}" /health) == 200 ]] || return 1
    [[ $(rest_code "${REST_PORTS[$i]}" /sync) == 200 ]] && sync=1
  done
  [[ $sync == 1 || $(member_count) == 1 ]]
}

wait_healthy() {  # [SECONDS]
  local deadline=$((SECONDS + ${1:-120}))
  until healthy; do
    ((SECONDS < deadline)) || die "cluster not healthy after ${1:-120} s; $(patronictl_list 2>&1 || true)"
    sleep 0.5
  done
}

patronictl_list() { as_pg patronictl -c "$DIR/pg1.yml" list; }

psql_leader() {  # SQL...
  local port; port=$(leader | cut -d' ' -f2)
  PGPASSWORD=postgres psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d postgres "$@"
}

create_database() {
  if [[ -z $(psql_leader -tAc "SELECT 1 FROM pg_database WHERE datname = '$DB'") ]]; then
    psql_leader -c "CREATE ROLE kms LOGIN PASSWORD 'kms'" -c "CREATE DATABASE $DB OWNER kms"
  fi
}

cmd_start() {
  command -v patroni > /dev/null && command -v etcd > /dev/null \
    || die "needs patroni and etcd: apt-get install -y patroni etcd-server etcd-client"
  mkdir -p "$DIR"
  chmod 711 "$DIR"  # PostgreSQL's user must reach its own directories below
  start_etcd
  local i
  # All at once: one wins the initialize key in etcd and bootstraps, the others clone it.
  for ((i = 0; i < $(member_count); i++)); do start_member "$i"; done
  wait_healthy 180
  create_database
  if ((${#KMS_PORTS[@]})); then
    start_kms_node 0
    await_kms_node 0
    for ((i = 1; i < ${#KMS_PORTS[@]}; i++)); do start_kms_node "$i"; done
    for ((i = 1; i < ${#KMS_PORTS[@]}; i++)); do await_kms_node "$i"; done
  fi
  cmd_status
}

stop_pid() {  # PID SIGNAL SECONDS: signal, wait, then SIGKILL
  local pid=$1 _
  alive "$pid" || return 0
  kill "-$2" "$pid" 2>/dev/null || true
  for _ in $(seq 1 $(($3 * 10))); do alive "$pid" || return 0; sleep 0.1; done
  kill -KILL "$pid" 2>/dev/null || true
}

cmd_stop() {
  [[ -d "$DIR" ]] || return 0
  local i f
  for f in "$DIR"/kms*.pid; do [[ -f $f ]] && stop_pid "$(pidof_file "$f")" TERM 20; done
  for i in "${!PG_PORTS[@]}"; do  # Patroni stops its PostgreSQL on SIGTERM
    stop_pid "$(pidof_file "$DIR/$(member_name "$i").patroni.pid")" TERM 30 &
  done
  wait
  for i in "${!PG_PORTS[@]}"; do  # a postmaster left behind (its Patroni was SIGKILLed)
    stop_pid "$(postmaster_pid "$(member_name "$i")")" QUIT 10
  done
  stop_pid "$(pidof_file "$DIR/etcd.pid")" TERM 10
  log "stopped"
}

cmd_destroy() {  # the data goes anyway: no orderly shutdown, just no process left behind
  [[ -d "$DIR" ]] || return 0
  local i f
  for i in "${!PG_PORTS[@]}"; do  # Patroni first, so that it restarts nothing
    kill -KILL "$(pidof_file "$DIR/$(member_name "$i").patroni.pid")" 2>/dev/null || true
  done
  for i in "${!PG_PORTS[@]}"; do  # immediate shutdown: children and shared memory go with it
    stop_pid "$(postmaster_pid "$(member_name "$i")")" QUIT 10 &
  done
  for f in "$DIR"/kms*.pid "$DIR/etcd.pid"; do [[ -f $f ]] && stop_pid "$(pidof_file "$f")" TERM 10 & done
  wait
  rm -rf "$DIR"
  log "destroyed $DIR"
}

cmd_status() {
  patronictl_list || true
  local i code
  for i in "${!KMS_PORTS[@]}"; do
    code=$(curl -sk -o /dev/null -m 3 -w '%{http_code}' "https://127.0.0.1:${KMS_PORTS[$i]}/kms/v1/health" || true)
    echo "kms$((i + 1)) https://127.0.0.1:${KMS_PORTS[$i]}/kms/v1 health HTTP $code (data dir $DIR/kms$((i + 1)))"
  done
  echo "JDBC URL: $(jdbc_url)"
}

cmd_kill_leader() {
  local name; name=$(leader | cut -d' ' -f1) || die "no primary to kill"
  local patroni postmaster
  patroni=$(pidof_file "$DIR/$name.patroni.pid")
  postmaster=$(postmaster_pid "$name")
  # Both at once: killing only the postmaster lets Patroni restart it and keep the leader lock;
  # killing only Patroni leaves the postmaster serving.
  kill -KILL "$patroni" "$postmaster"
  echo "$name"
}

case "${1:-}" in
  start) cmd_start ;;
  stop) cmd_stop ;;
  destroy) cmd_destroy ;;
  status) cmd_status ;;
  jdbc-url) jdbc_url ;;
  leader) leader || die "no primary" ;;
  kill-leader) cmd_kill_leader ;;
  restart-member) [[ -n "${2:-}" ]] || die "usage: $0 restart-member NAME"; start_member "$(member_index "$2")" ;;
  wait-healthy) wait_healthy "${2:-120}" ;;
  *) sed -n '2,/^set -euo/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
esac
