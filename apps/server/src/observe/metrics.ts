import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Prometheus metrics, one registry per server so tests can run several in a process. */
export function createMetrics() {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'northstar_' });
  let pendingRows: () => number = () => 0;
  return {
    registry,
    /** The gauge below reads from here at each scrape; the server points it at its ingestor. */
    readPendingRowsFrom(source: () => number): void {
      pendingRows = source;
    },
    ingestPendingRows: new Gauge({
      name: 'northstar_ingest_pending_rows',
      help: "HTTP-ingested rows waiting for (or in) the group insert: the embedded default's queue",
      registers: [registry],
      collect() {
        this.set(pendingRows());
      },
    }),
    eventsReceived: new Counter({
      name: 'northstar_events_received_total',
      help: 'Events decoded from any source',
      labelNames: ['source'],
      registers: [registry],
    }),
    eventsStored: new Counter({
      name: 'northstar_events_stored_total',
      help: 'Events durably written',
      labelNames: ['source'],
      registers: [registry],
    }),
    eventsRejected: new Counter({
      name: 'northstar_events_rejected_total',
      help: 'Events refused by validation',
      labelNames: ['source'],
      registers: [registry],
    }),
    eventsDuplicate: new Counter({
      name: 'northstar_events_duplicate_total',
      help: 'Events dropped because their id was already stored (a retry or a redelivery)',
      labelNames: ['source'],
      registers: [registry],
    }),
    ingestVerdictTimeouts: new Counter({
      name: 'northstar_ingest_verdict_timeouts_total',
      help: 'HTTP requests answered 503 because the verdicts on their events, produced to Kafka, did not come back in time',
      registers: [registry],
    }),
    writeFailures: new Counter({
      name: 'northstar_ingest_write_failures_total',
      help: 'Write attempts the store refused (each is retried by Kafka ingest, answered 503 over HTTP)',
      labelNames: ['source'],
      registers: [registry],
    }),
    liveRepairs: new Counter({
      name: 'northstar_live_repairs_total',
      help: 'KPI windows rebuilt from the store because an insert whose events they had counted failed',
      registers: [registry],
    }),
    idCheckSeconds: new Histogram({
      name: 'northstar_ingest_id_check_seconds',
      help: 'Time to check a batch of event ids against the store before inserting it (with any read-first hold)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    kafkaWaitingForStore: new Gauge({
      name: 'northstar_kafka_waiting_for_store',
      help: '1 while the Kafka consumer holds a batch because the store refuses writes (consumption paused)',
      registers: [registry],
    }),
    kafkaCommitFailures: new Counter({
      name: 'northstar_kafka_commit_failures_total',
      help: 'Offset commits that failed after a durable write (the range is redelivered and dropped by id)',
      registers: [registry],
    }),
    dlqMessages: new Counter({
      name: 'northstar_dlq_messages_total',
      help: 'Rejects sent to the Kafka DLQ topic: whole, or as a bounded copy (kind="copy", the whole is in rejected_events)',
      labelNames: ['kind'],
      registers: [registry],
    }),
    dlqFailures: new Counter({
      name: 'northstar_dlq_failures_total',
      help: 'Rejects the DLQ did not take within its bounded retries: kept whole in rejected_events only',
      registers: [registry],
    }),
    dlqDegraded: new Gauge({
      name: 'northstar_dlq_degraded',
      help: '1 from a DLQ send that gave up until one succeeds (/readyz says degraded meanwhile)',
      registers: [registry],
    }),
    storeRefusedRows: new Counter({
      name: 'northstar_store_refused_rows_total',
      help: 'Events the store refused for good (a permanent error), isolated from their batch and kept as rejects',
      labelNames: ['source'],
      registers: [registry],
    }),
    readFirstHoldSeconds: new Histogram({
      name: 'northstar_store_read_first_hold_seconds',
      help: 'How long ingest statements waited for history reads in flight before starting (STORE_READ_FIRST_MAX_HOLD_MS)',
      labelNames: ['statement'],
      buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.2, 0.5, 1],
      registers: [registry],
    }),
    historyCacheLookups: new Counter({
      name: 'northstar_history_cache_lookups_total',
      help: 'History series looked up in the cache of closed points (HISTORY_CACHE_MAX_BYTES): hit (no store query), partial (the store answered the newer points), miss',
      labelNames: ['result'],
      registers: [registry],
    }),
    batchRows: new Histogram({
      name: 'northstar_insert_batch_rows',
      help: 'Rows per insert',
      buckets: [1, 10, 100, 1000, 5000, 10000, 20000, 50000],
      registers: [registry],
    }),
    writeSeconds: new Histogram({
      name: 'northstar_insert_seconds',
      help: 'Insert latency (with any read-first hold: northstar_store_read_first_hold_seconds)',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers: [registry],
    }),
    wsClients: new Gauge({ name: 'northstar_ws_clients', help: 'Connected WebSocket clients', registers: [registry] }),
    kafkaLag: new Gauge({
      name: 'northstar_kafka_consumer_lag',
      help: 'Messages behind the partition end, per partition',
      labelNames: ['partition'],
      registers: [registry],
    }),
    alertTransitions: new Counter({
      name: 'northstar_alert_transitions_total',
      help: 'Alert state changes',
      labelNames: ['to'],
      registers: [registry],
    }),
    alertOwnedPartitions: new Gauge({
      name: 'northstar_alert_owned_partitions',
      help: 'Partitions of the alert-owners topic whose rules this instance releases (all of them when alone)',
      registers: [registry],
    }),
    alertStoreFailures: new Counter({
      name: 'northstar_alert_store_failures_total',
      help: 'Alert records (transitions, notification outcomes) the store refused; the live alert still stands',
      labelNames: ['record'],
      registers: [registry],
    }),
    notifications: new Counter({
      name: 'northstar_notifications_total',
      help: 'Notification deliveries by outcome',
      labelNames: ['channel', 'ok'],
      registers: [registry],
    }),
    notificationsUncertain: new Counter({
      name: 'northstar_notifications_uncertain_total',
      help: 'Notifications sent after an earlier try had no outcome (its sender died after asking), by channel type and outcome: already-shown (read back, not sent), sent-again (marked as a possible repeat, or folded by key), not-delivered',
      labelNames: ['type', 'outcome'],
      registers: [registry],
    }),
    wsEvictions: new Counter({
      name: 'northstar_ws_evictions_total',
      help: 'WebSocket clients disconnected for not reading',
      registers: [registry],
    }),
    httpRequests: new Counter({
      name: 'northstar_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status',
      labelNames: ['route', 'method', 'status'],
      registers: [registry],
    }),
    httpSeconds: new Histogram({
      name: 'northstar_http_request_seconds',
      help: 'Time to answer an HTTP request (ingest included: it answers after the store write)',
      labelNames: ['route', 'method'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
      registers: [registry],
    }),
    wsFrames: new Counter({
      name: 'northstar_ws_frames_total',
      help: 'WebSocket frames sent',
      labelNames: ['type'],
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
