import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Producer } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  FAULT_METRIC,
  createTopics,
  deleteTopics,
  eventMessage,
  kafkaClient,
  makeWorkspace,
  openStoreAfterExit,
  queryOne,
  sleep,
  startCliServer,
  waitForKpiCount,
  waitReady,
  type CliServer,
  type ServerWorkspace,
} from './support/server-process.ts';

/**
 * The Kafka broker goes away for 30 s and comes back. The shared broker on 9092 is never
 * touched: this file starts its own single-node broker (scripts/kafka.sh with another
 * port pair and run directory), stops and restarts that one, and removes it at the end.
 * The server process must resume consuming by itself, losing nothing.
 */

const execFileAsync = promisify(execFile);
const REPO_ROOT = path.resolve(import.meta.dirname, '..');
const PORT = Number(process.env.FAULT_KAFKA_PORT ?? 9192);
const BROKERS = `127.0.0.1:${PORT}`;
const OUTAGE_MS = 30_000;
const BEFORE = 5_000;
const AFTER = 5_000;

describe('Kafka broker down for 30 s', () => {
  const runDir = mkdtempSync(path.join(tmpdir(), 'northstar-kafka-fault-'));
  const kafkaSh = (command: 'start' | 'stop') =>
    execFileAsync('bash', ['scripts/kafka.sh', command], {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        KAFKA_PORT: String(PORT),
        KAFKA_CONTROLLER_PORT: String(PORT + 1),
        KAFKA_RUN_DIR: runDir,
        KAFKA_HEAP: '-Xms128m -Xmx384m',
      },
    });
  const kafka = kafkaClient(BROKERS);
  let ws: ServerWorkspace;
  let names: { topic: string; dlqTopic: string; group: string } | undefined;
  let producer: Producer | undefined;
  let server: CliServer | undefined;

  beforeAll(async () => {
    await kafkaSh('start');
    names = await createTopics(kafka, 'brokerout');
    ws = makeWorkspace();
    producer = kafka.producer({ allowAutoTopicCreation: false, retry: { retries: 20 } });
    await producer.connect();
  });

  afterAll(async () => {
    await server?.kill9();
    await producer?.disconnect().catch(() => undefined);
    if (names) await deleteTopics(kafka, [names.topic, names.dlqTopic]);
    await kafkaSh('stop').catch(() => undefined);
    rmSync(runDir, { recursive: true, force: true });
    ws?.remove();
  });

  async function produce(prefix: string, n: number): Promise<void> {
    const now = Date.now();
    const messages = Array.from({ length: n }, (_, i) => eventMessage(`${prefix}-${i}`, now));
    await producer!.send({ topic: names!.topic, acks: -1, messages });
  }

  it('resumes consuming without a server restart and loses nothing', { timeout: 200_000 }, async () => {
    server = await startCliServer(ws, {
      KAFKA_BROKERS: BROKERS,
      KAFKA_TOPIC: names!.topic,
      KAFKA_GROUP_ID: names!.group,
      KAFKA_SESSION_TIMEOUT_MS: '10000',
      LOG_LEVEL: 'warn',
    });
    const s = server;
    let exitedEarly = false;
    void s.exited.then(() => (exitedEarly = true));
    await waitReady(s);
    await produce('before', BEFORE);
    await waitForKpiCount(s, BEFORE);

    await kafkaSh('stop');
    const downAt = Date.now();
    await sleep(OUTAGE_MS / 2);
    // the server keeps serving what it has while its source is gone
    const health = await fetch(`${s.url}/healthz`);
    expect(health.status).toBe(200);
    const readyDuring = (await fetch(`${s.url}/readyz`)).status;
    await sleep(Math.max(0, downAt + OUTAGE_MS - Date.now()));
    await kafkaSh('start');
    const backAt = Date.now();

    await produce('after', AFTER);
    const count = await waitForKpiCount(s, BEFORE + AFTER, 150_000);
    const resumedAfterS = (Date.now() - backAt) / 1000;
    const stillSamePid = !exitedEarly;

    const exit = await s.terminate();
    server = undefined;
    expect(exit.code).toBe(0);
    const store = openStoreAfterExit(ws);
    const stored = await queryOne<{ rows: string; ids: string }>(
      store,
      'SELECT count() AS rows, uniqExact(id) AS ids FROM events WHERE metric = {metric:String}',
      { metric: FAULT_METRIC },
    );
    await store.close();

    console.log(
      `faults-broker-outage: broker down ${((backAt - downAt) / 1000).toFixed(0)} s (readyz ${readyDuring} meanwhile); ` +
        `all ${BEFORE + AFTER} counted ${resumedAfterS.toFixed(1)} s after it was back, same server process ${s.pid}; ` +
        `KPI ${count}, stored rows ${stored.rows}, distinct ids ${stored.ids}`,
    );
    expect(stillSamePid).toBe(true);
    expect(count).toBe(BEFORE + AFTER);
    expect(Number(stored.rows)).toBe(BEFORE + AFTER);
    expect(Number(stored.ids)).toBe(BEFORE + AFTER);
  });
});
