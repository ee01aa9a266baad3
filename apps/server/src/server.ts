import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { serve } from '@hono/node-server';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Logger } from 'pino';
import type { ServerMessage } from '@northstar/shared';
import type { Settings } from './config/settings.ts';
import type { KpiModel } from './config/kpi-file.ts';
import { KpiEvaluator } from './evaluate/evaluator.ts';
import { rebuildFromStore } from './evaluate/rebuild.ts';
import { createApp } from './http/app.ts';
import { Ingestor } from './ingest/ingestor.ts';
import { KafkaIngest } from './ingest/kafka-consumer.ts';
import { LiveHub } from './live/hub.ts';
import { createMetrics } from './observe/metrics.ts';
import { openClickHouse } from './store/clickhouse.ts';
import { EventStore } from './store/event-store.ts';
import { migrate } from './store/migrations.ts';
import { SERVER_VERSION } from './version.ts';

/** Rows waiting for the store beyond which HTTP ingest answers 503: memory stays bounded. */
const MAX_PENDING_ROWS = 500_000;
const KAFKA_PARTITIONS = 3;

export interface RunningServer {
  url: string;
  port: number;
  /** The store's client: chdb allows one per data path per process, so tests query through this one. */
  clickhouse: ClickHouseClient;
  close(): Promise<void>;
}

export async function startServer(settings: Settings, model: KpiModel, log: Logger): Promise<RunningServer> {
  const clickhouse = openClickHouse(settings);
  const applied = await migrate(clickhouse.client);
  log.info({ store: clickhouse.kind, where: clickhouse.where, applied }, 'store ready');

  const metrics = createMetrics();
  const store = new EventStore(clickhouse.client);
  const evaluator = new KpiEvaluator(model.kpis);
  await rebuildFromStore(clickhouse.client, evaluator, Date.now());
  evaluator.evaluate(Date.now());

  const ingestor = new Ingestor({
    store,
    evaluator,
    metrics,
    flushRows: settings.ingestFlushRows,
    flushIntervalMs: settings.ingestFlushIntervalMs,
    maxPendingRows: MAX_PENDING_ROWS,
  });

  const snapshot = (): Extract<ServerMessage, { type: 'snapshot' }> => ({
    type: 'snapshot',
    serverTime: Date.now(),
    objectives: model.config.objectives,
    kpis: model.config.kpis.map((definition) => ({
      definition,
      state: evaluator.state(definition.id)!,
      spark: evaluator.spark(definition.id),
    })),
  });
  const hub = new LiveHub({
    snapshot,
    serverVersion: SERVER_VERSION,
    frameIntervalMs: settings.wsFrameIntervalMs,
    heartbeatIntervalMs: settings.wsHeartbeatIntervalMs,
    maxBufferedBytes: settings.wsMaxBufferedBytes,
    metrics,
  });

  let kafka: KafkaIngest | undefined;
  if (settings.kafkaBrokers.length > 0) {
    kafka = new KafkaIngest({
      brokers: settings.kafkaBrokers,
      topic: settings.kafkaTopic,
      dlqTopic: settings.kafkaDlqTopic,
      groupId: settings.kafkaGroupId,
      partitions: KAFKA_PARTITIONS,
      ingestor,
      metrics,
      log: log.child({ component: 'kafka' }),
    });
    await kafka.start();
    log.info({ brokers: settings.kafkaBrokers, topic: settings.kafkaTopic, group: settings.kafkaGroupId }, 'kafka consumer started');
  }

  const app = createApp({
    ingestor,
    metrics,
    log,
    bodyLimitBytes: settings.httpBodyLimitBytes,
    objectives: model.config.objectives,
    kpis: model.kpis,
    evaluator,
    clickhouse: clickhouse.client,
    storeReachable: () => store.ping(),
    kafkaJoined: kafka ? () => kafka.joined : undefined,
    webDir: settings.webDir,
  });

  const server = await new Promise<Server>((resolve, reject) => {
    const s = serve({ fetch: app.fetch, port: settings.port, hostname: settings.host }, () => resolve(s as Server)) as Server;
    s.once('error', reject);
  });
  server.on('upgrade', (req, socket, head) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (path === '/ws') hub.handleUpgrade(req, socket, head);
    else socket.destroy();
  });

  const evaluateTimer = setInterval(() => {
    const result = evaluator.evaluate(Date.now());
    hub.publish(result.changed, result.sparks);
  }, settings.evaluateIntervalMs);

  const port = (server.address() as AddressInfo).port;
  const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
  let closing: Promise<void> | undefined;
  return {
    url,
    port,
    clickhouse: clickhouse.client,
    close: () =>
      (closing ??= (async () => {
        clearInterval(evaluateTimer);
        await kafka?.stop();
        await hub.close();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        await ingestor.close();
        await clickhouse.client.close();
      })()),
  };
}
