import type { ClickHouseClient } from '@clickhouse/client';
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { afterAll, beforeAll } from 'vitest';
import { KAFKA_BROKERS } from './harness.ts';
import {
  FAULT_METRIC,
  createTopics,
  deleteTopics,
  kafkaClient,
  makeWorkspace,
  openStoreAfterExit,
  queryOne,
  startCliServer,
  type CliServer,
  type ServerExit,
  type ServerWorkspace,
} from './server-process.ts';

/**
 * What every fault test file shares: its own topics (and DLQ) on a broker, a producer,
 * a fresh workspace for the server process, and a cleanup that runs even when the test
 * failed half-way (a server still running is killed, so no process outlives the file).
 */

export interface TopicNames {
  topic: string;
  dlqTopic: string;
  group: string;
}

export interface FaultFixtureOptions {
  /** Defaults to the shared broker. */
  brokers?: string;
  /** Merged over `allowAutoTopicCreation: false`. */
  producer?: ProducerConfig;
  /** Runs first in beforeAll, e.g. to start a broker of the file's own. */
  setUp?: () => Promise<unknown>;
  /** Runs first in afterAll, before the server is killed, e.g. to give the store its disk back. */
  beforeCleanup?: () => unknown;
  /** Runs last in afterAll, after the topics are deleted, e.g. to stop the file's own broker. */
  afterCleanup?: () => unknown;
}

export interface FaultFixture {
  readonly kafka: Kafka;
  readonly brokers: string;
  readonly names: TopicNames;
  readonly ws: ServerWorkspace;
  readonly producer: Producer;
  /** The running server, if any; afterAll kills it. */
  server: CliServer | undefined;
  /** The env that points a server at this file's topic and group (log level warn), plus `extra`. */
  serverEnv(extra?: Record<string, string>): Record<string, string>;
  /** Starts a server on the workspace and remembers it for cleanup. */
  start(env: Record<string, string>): Promise<CliServer>;
  /** Stops the remembered server (SIGTERM unless told otherwise) and forgets it, so the store can be opened. */
  stop(signal?: 'SIGTERM' | 'SIGINT'): Promise<ServerExit>;
}

/** Registers beforeAll/afterAll in the calling describe block; the fields are there once beforeAll has run. */
export function faultFixture(prefix: string, options: FaultFixtureOptions = {}): FaultFixture {
  const brokers = options.brokers ?? KAFKA_BROKERS;
  const kafka = kafkaClient(brokers);
  let names: TopicNames | undefined;
  let ws: ServerWorkspace | undefined;
  let producer: Producer | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`faultFixture('${prefix}').${what} used before beforeAll ran`);
    return value;
  };

  const fx: FaultFixture = {
    kafka,
    brokers,
    get names() {
      return ready(names, 'names');
    },
    get ws() {
      return ready(ws, 'ws');
    },
    get producer() {
      return ready(producer, 'producer');
    },
    server: undefined,
    serverEnv: (extra = {}) => ({
      KAFKA_BROKERS: brokers,
      KAFKA_TOPIC: fx.names.topic,
      KAFKA_GROUP_ID: fx.names.group,
      LOG_LEVEL: 'warn',
      ...extra,
    }),
    async start(env) {
      fx.server = await startCliServer(fx.ws, env);
      return fx.server;
    },
    async stop(signal = 'SIGTERM') {
      const server = ready(fx.server, 'server');
      const exit = await server.terminate(signal);
      fx.server = undefined;
      return exit;
    },
  };

  beforeAll(async () => {
    await options.setUp?.();
    names = await createTopics(kafka, prefix);
    ws = makeWorkspace();
    producer = kafka.producer({ allowAutoTopicCreation: false, ...options.producer });
    await producer.connect();
  });

  afterAll(async () => {
    await options.beforeCleanup?.();
    await fx.server?.kill9();
    await producer?.disconnect().catch(() => undefined);
    if (names) await deleteTopics(kafka, [names.topic, names.dlqTopic, `${names.topic}.kpi-partials`, `${names.topic}.ingest-verdicts`]);
    await options.afterCleanup?.();
    ws?.remove();
  });

  return fx;
}

export interface StoredCounts {
  rows: number;
  ids: number;
}

/** Rows and distinct event ids the store holds for `metric`. */
export async function countStored(store: ClickHouseClient, metric = FAULT_METRIC): Promise<StoredCounts> {
  const r = await queryOne<{ rows: string; ids: string }>(
    store,
    'SELECT count() AS rows, uniqExact(id) AS ids FROM events WHERE metric = {metric:String}',
    { metric },
  );
  return { rows: Number(r.rows), ids: Number(r.ids) };
}

/** Opens the store the exited server wrote, runs `read` on it and closes it again. */
export async function readStoreAfterExit<T>(ws: ServerWorkspace, read: (store: ClickHouseClient) => Promise<T>): Promise<T> {
  const store = openStoreAfterExit(ws);
  try {
    return await read(store);
  } finally {
    await store.close();
  }
}

/** Rows and distinct ids stored for `metric`, read once the server has exited. */
export function storedCounts(ws: ServerWorkspace, metric = FAULT_METRIC): Promise<StoredCounts> {
  return readStoreAfterExit(ws, (store) => countStored(store, metric));
}
