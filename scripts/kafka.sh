#!/usr/bin/env bash
# Single-node Apache Kafka (KRaft) on loopback for development and tests.
#   scripts/kafka.sh install   resolve the broker jars from Maven Central (once)
#   scripts/kafka.sh start     install if needed, format storage once, start, wait until ready
#   scripts/kafka.sh stop      stop the broker started by this script
#   scripts/kafka.sh status    exit 0 when the broker answers on its port
# Idempotent: a second `start` with a live broker returns at once.
# A second broker beside the shared one (tests that stop their broker use this):
#   KAFKA_PORT=9192 KAFKA_CONTROLLER_PORT=9193 KAFKA_RUN_DIR=/tmp/some-dir scripts/kafka.sh start|stop
# KAFKA_HEAP overrides the JVM heap flags (default -Xms256m -Xmx768m).
# KAFKA_VERSION picks the broker (default 4.1.1; the test matrix also runs 3.9.1):
#   KAFKA_VERSION=3.9.1 KAFKA_PORT=9292 KAFKA_CONTROLLER_PORT=9293 scripts/kafka.sh start
set -euo pipefail

# 4.x: kafkajs 2.2.4 predates KIP-896 (Kafka 4.0 removed old protocol versions), but every
# request it makes still has a version 4.x accepts; the fault tests run on 4.1.1 and 3.9.1
# (scripts/test.sh), so both lines are known to work.
KAFKA_VERSION="${KAFKA_VERSION:-4.1.1}"
KAFKA_MAJOR="${KAFKA_VERSION%%.*}"
KAFKA_PORT="${KAFKA_PORT:-9092}"
KAFKA_HEAP="${KAFKA_HEAP:--Xms256m -Xmx768m}"
CONTROLLER_PORT="${KAFKA_CONTROLLER_PORT:-9093}"
CACHE_DIR="${NORTHSTAR_CACHE_DIR:-$HOME/.cache/northstar}"
HOME_DIR="$CACHE_DIR/kafka-$KAFKA_VERSION"
LIBS="$HOME_DIR/libs"
RUN_DIR="${KAFKA_RUN_DIR:-$CACHE_DIR/kafka-run-$KAFKA_PORT}"
PID_FILE="$RUN_DIR/kafka.pid"

log() { printf '[kafka] %s\n' "$*" >&2; }

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Kafka 3.x logs through log4j 1 (reload4j), 4.x through log4j 2
# (the install mark names the binding, so a 4.x install made with the wrong one is redone)
if [ "$KAFKA_MAJOR" -ge 4 ]; then
  SLF4J_BINDING='<groupId>org.apache.logging.log4j</groupId><artifactId>log4j-slf4j-impl</artifactId><version>2.24.3</version>'
  INSTALL_MARK="$HOME_DIR/.installed-log4j2"
else
  SLF4J_BINDING='<groupId>org.slf4j</groupId><artifactId>slf4j-reload4j</artifactId><version>1.7.36</version>'
  INSTALL_MARK="$HOME_DIR/.installed"
fi

install() {
  if [ -f "$INSTALL_MARK" ]; then return 0; fi
  command -v mvn >/dev/null || { log "mvn not found: install Maven (apt-get install -y maven)"; exit 1; }
  command -v java >/dev/null || { log "java not found: install a JDK 17"; exit 1; }
  log "resolving org.apache.kafka:kafka_2.13:$KAFKA_VERSION from Maven Central into $LIBS"
  local work; work="$(mktemp -d)"
  cat >"$work/pom.xml" <<POM
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>northstar</groupId><artifactId>kafka-runtime</artifactId><version>1</version>
  <dependencies>
    <dependency><groupId>org.apache.kafka</groupId><artifactId>kafka_2.13</artifactId><version>$KAFKA_VERSION</version></dependency>
    <dependency>$SLF4J_BINDING</dependency>
  </dependencies>
</project>
POM
  rm -rf "$LIBS"; mkdir -p "$LIBS"
  (cd "$work" && mvn -q -B dependency:copy-dependencies -DincludeScope=runtime -DoutputDirectory="$LIBS")
  rm -rf "$work"
  touch "$INSTALL_MARK"
  log "installed ($(ls "$LIBS" | wc -l) jars)"
}

write_config() {
  mkdir -p "$RUN_DIR/logs"
  cat >"$RUN_DIR/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@127.0.0.1:$CONTROLLER_PORT
listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT,CONTROLLER://127.0.0.1:$CONTROLLER_PORT
advertised.listeners=PLAINTEXT://127.0.0.1:$KAFKA_PORT
controller.listener.names=CONTROLLER
listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT
log.dirs=$RUN_DIR/data
num.partitions=3
offsets.topic.replication.factor=1
offsets.topic.num.partitions=3
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=true
PROPS
  cat >"$RUN_DIR/log4j2.properties" <<L4J2
rootLogger.level = WARN
rootLogger.appenderRef.file.ref = file
appender.file.type = File
appender.file.name = file
appender.file.fileName = $RUN_DIR/logs/server.log
appender.file.layout.type = PatternLayout
appender.file.layout.pattern = [%d] %p %m (%c)%n
logger.server.name = kafka.server
logger.server.level = INFO
L4J2
  cat >"$RUN_DIR/log4j.properties" <<L4J
log4j.rootLogger=WARN, file
log4j.appender.file=org.apache.log4j.FileAppender
log4j.appender.file.File=$RUN_DIR/logs/server.log
log4j.appender.file.layout=org.apache.log4j.PatternLayout
log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n
log4j.logger.kafka.server.KafkaServer=INFO
log4j.logger.kafka.server.BrokerServer=INFO
L4J
}

java_cmd() {
  # shellcheck disable=SC2086 # the heap flags are words
  java $KAFKA_HEAP -XX:+UseG1GC -Djava.awt.headless=true \
    -Dlog4j.configuration="file:$RUN_DIR/log4j.properties" -Dlog4j2.configurationFile="$RUN_DIR/log4j2.properties" \
    -cp "$LIBS/*" "$@"
}

running() { [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; }

start() {
  if running && port_open "$KAFKA_PORT"; then log "already running on 127.0.0.1:$KAFKA_PORT"; return 0; fi
  if port_open "$KAFKA_PORT"; then log "port $KAFKA_PORT is taken by another process"; exit 1; fi
  install
  write_config
  if [ ! -f "$RUN_DIR/data/meta.properties" ]; then
    local cluster_id
    cluster_id="$(java_cmd kafka.tools.StorageTool random-uuid | tail -n 1)"
    java_cmd kafka.tools.StorageTool format -t "$cluster_id" -c "$RUN_DIR/server.properties" >/dev/null
  fi
  nohup bash -c "$(declare -f java_cmd); RUN_DIR='$RUN_DIR' LIBS='$LIBS' KAFKA_HEAP='$KAFKA_HEAP' java_cmd kafka.Kafka '$RUN_DIR/server.properties'" \
    >"$RUN_DIR/logs/stdout.log" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 120); do
    if port_open "$KAFKA_PORT"; then log "ready on 127.0.0.1:$KAFKA_PORT (pid $(cat "$PID_FILE"))"; return 0; fi
    running || { log "broker exited; see $RUN_DIR/logs"; tail -n 30 "$RUN_DIR/logs/stdout.log" >&2; exit 1; }
    sleep 0.5
  done
  log "broker did not open port $KAFKA_PORT within 60 s; see $RUN_DIR/logs"; exit 1
}

stop() {
  if ! running; then log "not running"; rm -f "$PID_FILE"; return 0; fi
  local pid; pid="$(cat "$PID_FILE")"
  # kill the java child too: the pid file holds the bash wrapper
  pkill -TERM -P "$pid" 2>/dev/null || true; kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
  kill -KILL "$pid" 2>/dev/null || true
  rm -f "$PID_FILE"
  log "stopped"
}

case "${1:-}" in
  install) install ;;
  start) start ;;
  stop) stop ;;
  status) port_open "$KAFKA_PORT" ;;
  *) echo "usage: $0 install|start|stop|status" >&2; exit 2 ;;
esac
