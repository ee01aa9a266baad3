import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { faultFixture, storedCounts } from './support/fault-fixture.ts';
import { eventMessage, sleep, waitForKpiCount, waitReady } from './support/server-process.ts';

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
  const fx = faultFixture('brokerout', {
    brokers: BROKERS,
    producer: { retry: { retries: 20 } },
    setUp: () => kafkaSh('start'),
    afterCleanup: async () => {
      await kafkaSh('stop').catch(() => undefined);
      rmSync(runDir, { recursive: true, force: true });
    },
  });

  async function produce(prefix: string, n: number): Promise<void> {
    const now = Date.now();
    const messages = Array.from({ length: n }, (_, i) => eventMessage(`${prefix}-${i}`, now));
    await fx.producer.send({ topic: fx.names.topic, acks: -1, messages });
  }

  it('resumes consuming without a server restart and loses nothing', { timeout: 200_000 }, async () => {
    const s = await fx.start(fx.serverEnv({ KAFKA_SESSION_TIMEOUT_MS: '10000' }));
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

    expect((await fx.stop()).code).toBe(0);
    const stored = await storedCounts(fx.ws);

    console.log(
      `faults-broker-outage: broker down ${((backAt - downAt) / 1000).toFixed(0)} s (readyz ${readyDuring} meanwhile); ` +
        `all ${BEFORE + AFTER} counted ${resumedAfterS.toFixed(1)} s after it was back, same server process ${s.pid}; ` +
        `KPI ${count}, stored rows ${stored.rows}, distinct ids ${stored.ids}`,
    );
    expect(stillSamePid).toBe(true);
    expect(count).toBe(BEFORE + AFTER);
    expect(stored.rows).toBe(BEFORE + AFTER);
    expect(stored.ids).toBe(BEFORE + AFTER);
  });
});
