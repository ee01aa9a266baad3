#!/usr/bin/env bash
# A local Northstar cluster on loopback, in one command (issue 17):
#   scripts/cluster.sh up       3 Kafka brokers (KRaft, combined broker+controller, one 3-voter quorum),
#                               the topic northstar.events (6 partitions, replication factor 3),
#                               one `northstar store`, three `northstar serve` in one consumer group
#                               with sign-in on; prints their URLs and the admin credentials
#   scripts/cluster.sh status   what of it runs (exit 0 only when everything runs)
#   scripts/cluster.sh down     stop exactly the processes `up` started (by recorded pid and start time),
#                               also after an `up` that failed half way
#   scripts/cluster.sh stop|start NAME   stop or start again one part (kafka-1..3, store, serve-1..3),
#                               for fault drills and tests; `start` waits until that part is ready
# State (pids, logs, data, generated secrets) lives in $NORTHSTAR_CLUSTER_DIR (default ./.cluster);
# `down` keeps the data, so a second `up` finds the same events and users. rm -rf the dir to start over.
# Ports (all on 127.0.0.1): brokers 19092-19094, controllers 19192-19194, store 18123,
# instances 18080-18082. Override the bases with CLUSTER_BROKER_PORT, CLUSTER_CONTROLLER_PORT,
# CLUSTER_STORE_PORT, CLUSTER_SERVE_PORT. CLUSTER_TIMEOUT (s, default 180) bounds each wait;
# CLUSTER_STOP_GRACE (s, default 30) is how long a part gets after TERM before KILL.
# The instances inherit the environment (KAFKA_SESSION_TIMEOUT_MS, LOG_LEVEL, …) except what
# the cluster sets for them (store, brokers, topic, group, sign-in).
# The shared broker on 127.0.0.1:9092 (scripts/kafka.sh) is never touched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"

# a variable of its own: KAFKA_VERSION may be set for scripts/kafka.sh's 3.x matrix, and these
# brokers log through log4j 2 (Kafka 4.x)
KAFKA_VERSION="${CLUSTER_KAFKA_VERSION:-4.1.1}"
CACHE_DIR="${NORTHSTAR_CACHE_DIR:-$HOME/.cache/northstar}"
LIBS="$CACHE_DIR/kafka-$KAFKA_VERSION/libs"
STATE="${NORTHSTAR_CLUSTER_DIR:-$ROOT/.cluster}"
BROKER_BASE="${CLUSTER_BROKER_PORT:-19092}"
CONTROLLER_BASE="${CLUSTER_CONTROLLER_PORT:-19192}"
STORE_PORT="${CLUSTER_STORE_PORT:-18123}"
SERVE_BASE="${CLUSTER_SERVE_PORT:-18080}"
TIMEOUT="${CLUSTER_TIMEOUT:-180}"
STOP_GRACE="${CLUSTER_STOP_GRACE:-30}"
KAFKA_HEAP="${CLUSTER_KAFKA_HEAP:--Xms128m -Xmx384m}"
TOPIC=northstar.events
# the server's own topics beside it (apps/server/src/config/settings.ts): made here with
# replication factor 3, since with min.insync.replicas=2 a topic the server would create
# (replication factor 1) refuses every acks=all write
DLQ_TOPIC="$TOPIC.dlq"
PARTIALS_TOPIC="$TOPIC.kpi-partials"
# nothing is written to it: its 12 partitions are what the group <group>.alert-owners hands out,
# one owner per alert rule (apps/server/src/ownership/kafka-rule-owners.ts)
OWNERS_TOPIC="$TOPIC.alert-owners"
GROUP=northstar-cluster
NODES=(1 2 3)

log() { printf '[cluster] %s\n' "$*" >&2; }
die() { log "$*"; exit 1; }
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
broker_port() { echo $((BROKER_BASE + $1 - 1)); }
controller_port() { echo $((CONTROLLER_BASE + $1 - 1)); }
serve_port() { echo $((SERVE_BASE + $1 - 1)); }
brokers() { echo "127.0.0.1:$(broker_port 1),127.0.0.1:$(broker_port 2),127.0.0.1:$(broker_port 3)"; }

# every process we start: name → pid file holding "<pid> <start time>"; `down` and `status`
# know nothing else, and a pid the system gave to another process since is not ours
ALL_NAMES=(kafka-1 kafka-2 kafka-3 store serve-1 serve-2 serve-3)
# field 22 of /proc/<pid>/stat (after the command name, which may hold spaces): clock ticks since boot
start_time() { local stat; stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 1; set -- ${stat##*) }; echo "${20}"; }
pid_of() { local pid _; read -r pid _ 2>/dev/null <"$STATE/pids/$1.pid" || true; echo "${pid:-}"; }
alive() {
  local pid started now
  read -r pid started 2>/dev/null <"$STATE/pids/$1.pid" || return 1
  [ -n "$pid" ] && now="$(start_time "$pid")" && [ "$now" = "${started:-}" ]
}

# run a command in the background with its output in logs/<name>.log and record its pid
spawn() {
  local name="$1"; shift
  mkdir -p "$STATE/pids" "$STATE/logs"
  if alive "$name"; then die "$name already runs (pid $(pid_of "$name")); run \`$0 down\` first"; fi
  nohup "$@" >"$STATE/logs/$name.log" 2>&1 </dev/null &
  local pid=$!
  echo "$pid $(start_time "$pid")" >"$STATE/pids/$name.pid"
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
    sleep 0.2
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

# the four topics, every partition with 3 replicas and a leader; kafkajs (the server's own
# client) retries until the quorum has formed. The partials topic is compacted, as the server
# makes it (apps/server/src/ingest/kafka-partials.ts), with its 3 partitions.
create_topics() {
  (cd apps/server && BROKERS="$(brokers)" TOPIC="$TOPIC" DLQ_TOPIC="$DLQ_TOPIC" PARTIALS_TOPIC="$PARTIALS_TOPIC" OWNERS_TOPIC="$OWNERS_TOPIC" TIMEOUT="$TIMEOUT" node -e '
    const { Kafka, logLevel } = require("kafkajs");
    const env = process.env;
    const admin = new Kafka({ clientId: "cluster-sh", brokers: env.BROKERS.split(","), logLevel: logLevel.NOTHING,
      retry: { retries: 30, initialRetryTime: 300, maxRetryTime: 2000 } }).admin();
    const topics = [
      { topic: env.TOPIC, numPartitions: 6, replicationFactor: 3 },
      { topic: env.DLQ_TOPIC, numPartitions: 3, replicationFactor: 3 },
      { topic: env.OWNERS_TOPIC, numPartitions: 12, replicationFactor: 3, configEntries: [{ name: "cleanup.policy", value: "compact" }] },
      { topic: env.PARTIALS_TOPIC, numPartitions: 3, replicationFactor: 3, configEntries: [
        { name: "cleanup.policy", value: "compact,delete" },
        { name: "retention.ms", value: "3600000" },
        { name: "segment.ms", value: "600000" },
      ] },
    ];
    (async () => {
      await admin.connect();
      const deadline = Date.now() + Number(env.TIMEOUT) * 1000;
      let problem = "";
      for (;;) {
        try {
          const existing = new Set(await admin.listTopics());
          const missing = topics.filter((t) => !existing.has(t.topic));
          if (missing.length > 0) await admin.createTopics({ waitForLeaders: true, topics: missing });
          const meta = await admin.fetchTopicMetadata({ topics: topics.map((t) => t.topic) });
          problem = "";
          for (const want of topics) {
            const parts = meta.topics.find((t) => t.name === want.topic)?.partitions ?? [];
            const ok = parts.length === want.numPartitions && parts.every((p) => p.replicas.length === 3 && p.leader >= 0);
            if (!ok) problem = `${want.topic}: ${parts.length} partitions, replicas ${parts.map((p) => p.replicas.length).join("/")} (want ${want.numPartitions} × 3)`;
          }
          if (!problem) {
            for (const t of topics) console.log(`${t.topic}: ${t.numPartitions} partitions, replication factor 3`);
            break;
          }
          // a topic kept from an older state dir with other replicas is not repaired here
          if (missing.length === 0 && meta.topics.every((t) => t.partitions.every((p) => p.leader >= 0))) throw new Error(problem);
        } catch (e) { if (Date.now() > deadline || /want/.test(e.message)) throw e; }
        if (Date.now() > deadline) throw new Error(problem || "topics not ready in time");
        await new Promise((r) => setTimeout(r, 300));
      }
      await admin.disconnect();
    })().catch((e) => { console.error("topics: " + e.message); process.exit(1); });
  ')
}

# 2xx on GET path, in bash: a poll every 0.2 s would otherwise start a node process each time
http_ok() (
  local port="$1" path="$2" line
  exec 3<>"/dev/tcp/127.0.0.1/$port" || exit 1
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1:%s\r\nConnection: close\r\n\r\n' "$path" "$port" >&3
  IFS= read -r -t 10 line <&3 || exit 1
  [[ "$line" == HTTP/1.?\ 2* ]]
) 2>/dev/null

# ---- the parts: how each starts and when it is ready ----

start_kafka() {
  local n="$1"
  # java itself is the recorded pid (no wrapper), so `down` stops exactly the broker
  # shellcheck disable=SC2086 # the heap flags are words
  spawn "kafka-$n" java $KAFKA_HEAP -XX:+UseG1GC -XX:ActiveProcessorCount=1 -Djava.awt.headless=true \
    -Dlog4j2.configurationFile="$STATE/kafka-$n/log4j2.properties" -cp "$LIBS/*" kafka.Kafka "$STATE/kafka-$n/server.properties"
}
await_kafka() {
  await "kafka-$1" "listener on $(broker_port "$1")" port_open "$(broker_port "$1")"
  log "kafka-$1 on 127.0.0.1:$(broker_port "$1") (pid $(pid_of "kafka-$1"))"
}

start_store() {
  NORTHSTAR_STORE_PASSWORD="$(secret store-password)" spawn store \
    node --import tsx apps/server/src/cli.ts store --host 127.0.0.1 --port "$STORE_PORT" --data-dir "$STATE/store"
}
await_store() {
  await store "answer on /ping" http_ok "$STORE_PORT" /ping
  log "store on http://127.0.0.1:$STORE_PORT (pid $(pid_of store))"
}

start_serve() {
  local n="$1"
  CLICKHOUSE_URL="http://127.0.0.1:$STORE_PORT" CLICKHOUSE_USER=default CLICKHOUSE_PASSWORD="$(secret store-password)" \
    KAFKA_BROKERS="$(brokers)" KAFKA_TOPIC="$TOPIC" KAFKA_GROUP_ID="$GROUP" \
    NORTHSTAR_AUTH=on NORTHSTAR_API_TOKEN="$(secret api-token)" HOST=127.0.0.1 \
    spawn "serve-$n" node --import tsx apps/server/src/cli.ts serve --no-demo --host 127.0.0.1 \
    --port "$(serve_port "$n")" --data-dir "$STATE/serve-$n" --config "${NORTHSTAR_CONFIG:-northstar.yaml}"
}
await_serve() {
  await "serve-$1" "ready on /readyz" http_ok "$(serve_port "$1")" /readyz
  log "serve-$1 on http://127.0.0.1:$(serve_port "$1") (pid $(pid_of "serve-$1"))"
}

start_part() {
  case "$1" in
    kafka-[123]) start_kafka "${1#kafka-}" ;;
    store) start_store ;;
    serve-[123]) start_serve "${1#serve-}" ;;
    *) die "no part named $1 (${ALL_NAMES[*]})" ;;
  esac
}
await_part() {
  case "$1" in
    kafka-[123]) await_kafka "${1#kafka-}" ;;
    store) await_store ;;
    serve-[123]) await_serve "${1#serve-}" ;;
  esac
}

up() {
  command -v java >/dev/null || die "java not found: install a JDK 17"
  for n in "${NODES[@]}"; do
    for p in "$(broker_port "$n")" "$(controller_port "$n")" "$(serve_port "$n")"; do
      port_open "$p" && die "port $p is taken (a cluster already up? \`$0 status\`)"
    done
  done
  port_open "$STORE_PORT" && die "port $STORE_PORT is taken"
  KAFKA_VERSION="$KAFKA_VERSION" bash scripts/kafka.sh install # the broker jars, cached in $CACHE_DIR (shared with scripts/kafka.sh)
  mkdir -p "$STATE"
  log "state in $STATE"

  # Kafka: one cluster id for the three nodes (16 random bytes, base64url, as Kafka's own
  # random-uuid prints it, without starting a JVM for it; like it, never one starting with "-",
  # which the storage tool would take for an option), storage formatted once, in parallel
  if [ ! -s "$STATE/kafka-cluster-id" ]; then
    node -e '
      const { randomBytes } = require("crypto");
      let id;
      do id = randomBytes(16).toString("base64url"); while (id.startsWith("-"));
      process.stdout.write(id);' >"$STATE/kafka-cluster-id"
  fi
  local cluster_id n formats=()
  cluster_id="$(cat "$STATE/kafka-cluster-id")"
  for n in "${NODES[@]}"; do
    kafka_config "$n"
    if [ ! -f "$STATE/kafka-$n/data/meta.properties" ]; then
      kafka_java "$STATE/kafka-$n" kafka.tools.StorageTool format -t "$cluster_id" -c "$STATE/kafka-$n/server.properties" \
        >"$STATE/kafka-$n/format.log" 2>&1 &
      formats+=("$!")
    fi
  done
  for pid in "${formats[@]}"; do wait "$pid" || die "formatting a broker's storage failed: $(cat "$STATE"/kafka-*/format.log)"; done

  # the brokers and the store start together; the store does not need Kafka
  secret store-password >/dev/null
  secret api-token >/dev/null
  for n in "${NODES[@]}"; do start_kafka "$n"; done
  start_store
  for n in "${NODES[@]}"; do await_kafka "$n"; done
  create_topics || die "could not create the topics on $(brokers); see $STATE/kafka-*/server.log"
  await_store

  # the first instance migrates the store and creates the admin; then the other two together
  start_serve 1
  await_serve 1
  start_serve 2
  start_serve 3
  await_serve 2
  await_serve 3
  # the admin password is printed once, by the instance that created the admin: keep it
  local admin_file="$STATE/secrets/admin-password"
  local printed
  printed="$(sed -n 's/^  password: //p' "$STATE/logs/serve-1.log" | head -n 1)"
  if [ -n "$printed" ]; then (umask 077; printf '%s' "$printed" >"$admin_file"); fi

  echo
  echo "Northstar cluster is up (state in $STATE):"
  for n in "${NODES[@]}"; do echo "  instance $n  http://127.0.0.1:$(serve_port "$n")"; done
  echo "  store       http://127.0.0.1:$STORE_PORT  (user default, password in $STATE/secrets/store-password)"
  echo "  kafka       $(brokers)  topic $TOPIC (6 partitions, RF 3, partials in $PARTIALS_TOPIC), group $GROUP"
  if [ -s "$admin_file" ]; then
    echo "  sign in     user admin, password $(cat "$admin_file")"
  else
    echo "  sign in     user admin; its password was not kept (run: $0 down; then NORTHSTAR_DATA_DIR=$STATE/store pnpm northstar reset-password admin — with the store down, against $STATE/store)"
  fi
  echo "  API token   $(secret api-token)  (admin scope: Authorization: Bearer …)"
}

stop_one() {
  local name="$1" pid
  pid="$(pid_of "$name")"
  [ -n "$pid" ] || return 0
  if alive "$name"; then
    kill -TERM "$pid" 2>/dev/null || true
    local deadline=$((SECONDS + STOP_GRACE))
    while alive "$name" && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.2; done
    if alive "$name"; then
      log "$name (pid $pid) still runs ${STOP_GRACE} s after TERM: KILL"
      kill -KILL "$pid" 2>/dev/null || true
      for _ in $(seq 1 50); do alive "$name" || break; sleep 0.2; done
    fi
    log "stopped $name (pid $pid)"
  fi
  rm -f "$STATE/pids/$name.pid"
}

down() {
  # instances first (they flush and commit offsets), then the store, then the brokers;
  # each group at once. A part never started or already gone is skipped.
  local n
  for n in "${NODES[@]}"; do stop_one "serve-$n" & done
  wait
  stop_one store
  # brokers at once: stopped one by one, the last would wait for a controller quorum that is gone
  # (it still may; after the grace it gets KILL, and its log is recovered at the next start)
  for n in "${NODES[@]}"; do stop_one "kafka-$n" & done
  wait
  log "down (data kept in $STATE)"
}

status() {
  local all=0 name n
  for name in "${ALL_NAMES[@]}"; do
    if alive "$name"; then printf '  %-8s running  pid %s\n' "$name" "$(pid_of "$name")"; else printf '  %-8s stopped\n' "$name"; all=1; fi
  done
  for n in "${NODES[@]}"; do
    if http_ok "$(serve_port "$n")" /readyz; then echo "  instance $n http://127.0.0.1:$(serve_port "$n") ready"; fi
  done
  return "$all"
}

part_name() {
  local name="${1:-}" known
  for known in "${ALL_NAMES[@]}"; do [ "$name" = "$known" ] && return 0; done
  die "name a part: ${ALL_NAMES[*]}"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  stop) part_name "${2:-}" && stop_one "$2" ;;
  start) part_name "${2:-}" && start_part "$2" && await_part "$2" ;;
  *) echo "usage: $0 up|down|status|stop NAME|start NAME" >&2; exit 2 ;;
esac
