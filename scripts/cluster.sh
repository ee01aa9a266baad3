#!/usr/bin/env bash
# A local Northstar cluster on loopback, in one command (issue 17):
#   scripts/cluster.sh up       3 Kafka brokers (KRaft, combined broker+controller, one 3-voter quorum),
#                               the topic northstar.events (6 partitions, replication factor 3),
#                               one `northstar store`, three `northstar serve` in one consumer group
#                               with sign-in on; prints their URLs and the admin credentials
#   scripts/cluster.sh status   what of it runs (exit 0 only when everything runs)
#   scripts/cluster.sh down     stop exactly the processes `up` started (by recorded pid)
# State (pids, logs, data, generated secrets) lives in $NORTHSTAR_CLUSTER_DIR (default ./.cluster);
# `down` keeps the data, so a second `up` finds the same events and users. rm -rf the dir to start over.
# Ports (all on 127.0.0.1): brokers 19092-19094, controllers 19192-19194, store 18123,
# instances 18080-18082. Override the bases with CLUSTER_BROKER_PORT, CLUSTER_CONTROLLER_PORT,
# CLUSTER_STORE_PORT, CLUSTER_SERVE_PORT. CLUSTER_TIMEOUT (s, default 180) bounds each wait.
# The shared broker on 127.0.0.1:9092 (scripts/kafka.sh) is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
CACHE_DIR="${NORTHSTAR_CACHE_DIR:-$HOME/.cache/northstar}"
LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
STATE="${NORTHSTAR_CLUSTER_DIR:-$ROOT/.cluster}"
BROKER_BASE="${CLUSTER_BROKER_PORT:-19092}"
CONTROLLER_BASE="${CLUSTER_CONTROLLER_PORT:-19192}"
STORE_PORT="${CLUSTER_STORE_PORT:-18123}"
SERVE_BASE="${CLUSTER_SERVE_PORT:-18080}"
TIMEOUT="${CLUSTER_TIMEOUT:-180}"
KAFKA_HEAP="${CLUSTER_KAFKA_HEAP:--Xms128m -Xmx384m}"
TOPIC=northstar.events
GROUP=northstar-cluster
NODES=(1 2 3)

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
broker_port() { echo $((BROKER_BASE + $1 - 1)); }
controller_port() { echo $((CONTROLLER_BASE + $1 - 1)); }
serve_port() { echo $((SERVE_BASE + $1 - 1)); }
brokers() { echo "127.0.0.1:$(broker_port 1),127.0.0.1:$(broker_port 2),127.0.0.1:$(broker_port 3)"; }

# every process we start: name → pid file; `down` and `status` know nothing else
ALL_NAMES=(kafka-1 kafka-2 kafka-3 store serve-1 serve-2 serve-3)
pid_of() { cat "$STATE/pids/$1.pid" 2>/dev/null || true; }
alive() { local pid; pid="$(pid_of "$1")"; [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null; }

# run a command in the background with its output in logs/<name>.log and record its pid
spawn() {
  local name="$1"; shift
  mkdir -p "$STATE/pids" "$STATE/logs"
  if alive "$name"; then die "$name already runs (pid $(pid_of "$name")); run \`$0 down\` first"; fi
  nohup "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  echo $! >"$STATE/pids/$name.pid"
}

# wait until a check passes, failing clearly after TIMEOUT seconds or when the process exits
await() {
  local name="$1" what="$2"; shift 2
  local deadline=$((SECONDS + TIMEOUT))
  until "$@"; do
    if ! alive "$name"; then
      log "$name exited before $what; last lines of $STATE/logs/$name.log:"
      tail -n 25 "$STATE/logs/$name.log" >&2 || true
      exit 1
    fi
    if [ "$SECONDS" -ge "$deadline" ]; then die "$name: no $what within ${TIMEOUT}s; see $STATE/logs/$name.log (\`$0 down\` stops what started)"; fi
    sleep 1
  done
}

# a secret generated once and kept (mode 600) in the state dir
secret() {
  local file="$STATE/secrets/$1"
  if [ ! -s "$file" ]; then
    mkdir -p "$STATE/secrets"; chmod 700 "$STATE/secrets"
    (umask 077; node -e 'process.stdout.write(require("crypto").randomBytes(24).toString("base64url"))' >"$file")
  fi
  cat "$file"
}

kafka_config() {
  local n="$1" dir="$STATE/kafka-$1"
  local voters="1@127.0.0.1:$(controller_port 1),2@127.0.0.1:$(controller_port 2),3@127.0.0.1:$(controller_port 3)"
  mkdir -p "$dir"
  cat >"$dir/server.properties" <<PROPS
process.roles=broker,controller
node.id=$n
controller.quorum.voters=$voters
listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n"),CONTROLLER://127.0.0.1:$(controller_port "$n")
advertised.listeners=PLAINTEXT://127.0.0.1:$(broker_port "$n")
controller.listener.names=CONTROLLER
inter.broker.listener.name=PLAINTEXT
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$dir/data
num.partitions=6
default.replication.factor=3
min.insync.replicas=2
offsets.topic.replication.factor=3
offsets.topic.num.partitions=6
transaction.state.log.replication.factor=3
transaction.state.log.min.isr=2
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS
  cat >"$dir/log4j2.properties" <<L4J2
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = $dir/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
logger.server.name = kafka.server
logger.server.level = INFO
L4J2
}

kafka_java() {
  local dir="$1"; shift
  # shellcheck disable=SC2086 # the heap flags are words
  java $KAFKA_HEAP -XX:+UseG1GC -XX:ActiveProcessorCount=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$dir/log4j2.properties" -cp "$LIBS/*" "$@"
}

# 6 partitions × 3 replicas; kafkajs (the server's own client) retries until the quorum has formed
create_topic() {
  (cd apps/server && BROKERS="$(brokers)" TOPIC="$TOPIC" TIMEOUT="$TIMEOUT" node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const admin = new Kafka({ clientId: "cluster-sh", brokers: process.env.BROKERS.split(","), logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 500, maxRetryTime: 3000 } }).admin();
    (async () => {
      await admin.connect();
      const deadline = Date.now() + Number(process.env.TIMEOUT) * 1000;
      for (;;) {
        try {
          await admin.createTopics({ waitForLeaders: true, topics: [{ topic: process.env.TOPIC, numPartitions: 6, replicationFactor: 3 }] });
          const meta = await admin.fetchTopicMetadata({ topics: [process.env.TOPIC] });
          const parts = meta.topics[0].partitions;
          if (parts.length === 6 && parts.every((p) => p.replicas.length === 3 && p.leader >= 0)) {
            console.log(`${process.env.TOPIC}: ${parts.length} partitions, replication factor 3`);
            break;
          }
        } catch (e) { if (Date.now() > deadline) throw e; }
        if (Date.now() > deadline) throw new Error("topic not ready in time");
        await new Promise((r) => setTimeout(r, 1000));
      }
      await admin.disconnect();
    })().catch((e) => { console.error("topic: " + e.message); process.exit(1); });
  ')
}

http_ok() { node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "$1"; }

up() {
  command -v java >/dev/null || die "java not found: install a JDK 17"
  for n in "${NODES[@]}"; do
    for p in "$(broker_port "$n")" "$(controller_port "$n")" "$(serve_port "$n")"; do
      port_open "$p" && die "port $p is taken (a cluster already up? \`$0 status\`)"
    done
  done
  port_open "$STORE_PORT" && die "port $STORE_PORT is taken"
  bash scripts/kafka.sh install # the broker jars, cached in $CACHE_DIR (shared with scripts/kafka.sh)
  mkdir -p "$STATE"
  log "state in $STATE"

  # Kafka: one cluster id for the three nodes, storage formatted once
  local cluster_id
  if [ ! -s "$STATE/kafka-cluster-id" ]; then
    kafka_java "$STATE" kafka.tools.StorageTool random-uuid | tail -n 1 >"$STATE/kafka-cluster-id"
  fi
  cluster_id="$(cat "$STATE/kafka-cluster-id")"
  for n in "${NODES[@]}"; do
    kafka_config "$n"
    if [ ! -f "$STATE/kafka-$n/data/meta.properties" ]; then
      kafka_java "$STATE/kafka-$n" kafka.tools.StorageTool format -t "$cluster_id" -c "$STATE/kafka-$n/server.properties" >/dev/null
    fi
  done
  for n in "${NODES[@]}"; do
    # java itself is the recorded pid (no wrapper), so `down` stops exactly the broker
    # shellcheck disable=SC2086 # the heap flags are words
    spawn "kafka-$n" java $KAFKA_HEAP -XX:+UseG1GC -XX:ActiveProcessorCount=1 -Djava.awt.headless=true \
      -Dlog4j2.configurationFile="$STATE/kafka-$n/log4j2.properties" -cp "$LIBS/*" kafka.Kafka "$STATE/kafka-$n/server.properties"
  done
  for n in "${NODES[@]}"; do
    await "kafka-$n" "listener on $(broker_port "$n")" port_open "$(broker_port "$n")"
    log "kafka-$n on 127.0.0.1:$(broker_port "$n") (pid $(pid_of "kafka-$n"))"
  done
  create_topic || die "could not create $TOPIC on $(brokers); see $STATE/kafka-*/server.log"

  # the store, with a password generated once and kept in the state dir
  local store_password api_token
  store_password="$(secret store-password)"
  api_token="$(secret api-token)"
  NORTHSTAR_STORE_PASSWORD="$store_password" spawn store \
    node --import tsx apps/server/src/cli.ts store --host 127.0.0.1 --port "$STORE_PORT" --data-dir "$STATE/store"
  await store "answer on /ping" http_ok "http://127.0.0.1:$STORE_PORT/ping"
  log "store on http://127.0.0.1:$STORE_PORT (pid $(pid_of store))"

  # instances one after the other: the first migrates the store and creates the admin
  for n in "${NODES[@]}"; do
    CLICKHOUSE_URL="http://127.0.0.1:$STORE_PORT" CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD="$store_password" \
      KAFKA_BROKERS="$(brokers)" KAFKA_TOPIC="$TOPIC" KAFKA_GROUP_ID="$GROUP" \
      NORTHSTAR_AUTH=on NORTHSTAR_API_TOKEN="$api_token" HOST=127.0.0.1 \
      spawn "serve-$n" node --import tsx apps/server/src/cli.ts serve --no-demo --host 127.0.0.1 \
      --port "$(serve_port "$n")" --data-dir "$STATE/serve-$n" --config "${NORTHSTAR_CONFIG:-northstar.yaml}"
    await "serve-$n" "ready on /readyz" http_ok "http://127.0.0.1:$(serve_port "$n")/readyz"
    log "serve-$n on http://127.0.0.1:$(serve_port "$n") (pid $(pid_of "serve-$n"))"
  done
  # the admin password is printed once, by the instance that created the admin: keep it
  local admin_file="$STATE/secrets/admin-password"
  local printed
  printed="$(sed -n 's/^  password: //p' "$STATE/logs/serve-1.log" | head -n 1)"
  if [ -n "$printed" ]; then (umask 077; printf '%s' "$printed" >"$admin_file"); fi

  echo
  echo "Northstar cluster is up (state in $STATE):"
  for n in "${NODES[@]}"; do echo "  instance $n  http://127.0.0.1:$(serve_port "$n")"; done
  echo "  store       http://127.0.0.1:$STORE_PORT  (user default, password in $STATE/secrets/store-password)"
  echo "  kafka       $(brokers)  topic $TOPIC (6 partitions, RF 3), group $GROUP"
  if [ -s "$admin_file" ]; then
    echo "  sign in     user admin, password $(cat "$admin_file")"
  else
    echo "  sign in     user admin; its password was not kept (run: $0 down; then NORTHSTAR_DATA_DIR=$STATE/store pnpm northstar reset-password admin — with the store down, against $STATE/store)"
  fi
  echo "  API token   $api_token  (admin scope: Authorization: Bearer …)"
}

stop_one() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || return 0
  if kill -0 "$pid" 2>/dev/null; then
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    if kill -0 "$pid" 2>/dev/null; then
      log "$name (pid $pid) still runs 30 s after TERM: KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 20); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$STATE/pids/$name.pid"
}

down() {
  # instances first (they flush and commit offsets), then the store, then the brokers
  local n
  for n in 3 2 1; do stop_one "serve-$n"; done
  stop_one store
  # brokers at once: stopped one by one, the last would wait for a controller quorum that is gone
  # (it still may; after 30 s it gets KILL, and its log is recovered at the next start)
  for n in "${NODES[@]}"; do stop_one "kafka-$n" & done
  wait
  log "down (data kept in $STATE)"
}

status() {
  local all=0 name pid
  for name in "${ALL_NAMES[@]}"; do
    pid="$(pid_of "$name")"
    if alive "$name"; then printf '  %-8s running  pid %s\n' "$name" "$pid"; else printf '  %-8s stopped\n' "$name"; all=1; fi
  done
  for n in "${NODES[@]}"; do
    if http_ok "http://127.0.0.1:$(serve_port "$n")/readyz"; then echo "  instance $n http://127.0.0.1:$(serve_port "$n") ready"; fi
  done
  return "$all"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  *) echo "usage: $0 up|down|status" >&2; exit 2 ;;
esac
