import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseKpiConfig } from '../apps/server/src/config/kpi-file.ts';
import { loadSettings } from '../apps/server/src/config/settings.ts';
import { startServer, type RunningServer } from '../apps/server/src/server.ts';
import { startSmtpReceiver, type SmtpReceiver } from './support/smtp-receiver.ts';

// The delivery log is in the store: a server restarted on the same data directory in the same
// period does not send the period's digests again. A real SMTP server counts what arrives.

let smtp: SmtpReceiver;
const received: string[] = [];
const dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-digest-restart-'));
let running: RunningServer | undefined;

function config(port: number): string {
  return `
objectives:
  - { id: grow, name: Grow, owner: dana }
kpis:
  - { id: orders, name: Orders, objective: grow, owner: omar, metric: r.orders, aggregation: count, window: 1h, target: 10 }
notifications:
  channels:
    - { id: mail, type: email, smtpUrl: "smtp://127.0.0.1:${port}", from: northstar@example.com, to: [ops@example.com] }
  digests:
    email: mail
    baseUrl: http://northstar.test
    checkEvery: 1s
    people:
      - { name: dana, email: dana@example.com }
      - { name: omar, email: omar@example.com }
`;
}

async function start(): Promise<RunningServer> {
  const settings = loadSettings({ port: '0', host: '127.0.0.1', dataDir }, { NORTHSTAR_AUTH: 'off' });
  const file = parseKpiConfig(config(smtp.port), 'restart.yaml');
  return startServer(settings, file, pino({ level: 'silent' }));
}

beforeAll(async () => {
  smtp = await startSmtpReceiver((mail) => received.push(...mail.to));
});

afterAll(async () => {
  await running?.close();
  await smtp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

async function until(what: string, ok: () => boolean, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(received)}`);
    await delay(200);
  }
}

describe('digests across a restart', () => {
  it('are sent once per person and period, and not again by a restarted server', async () => {
    running = await start();
    await until('the first digests', () => received.length >= 2);
    await delay(2_500);
    expect([...received].sort()).toEqual(['dana@example.com', 'omar@example.com']);
    await running.close();
    running = await start();
    // several runs of the schedule on the restarted server
    await delay(4_000);
    expect([...received].sort()).toEqual(['dana@example.com', 'omar@example.com']);
  }, 120_000);
});
