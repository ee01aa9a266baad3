import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeBatch } from '../apps/server/src/alerts/batch.fixture.ts';
import type { Notifier } from '../apps/server/src/alerts/notifiers/notifier.ts';
import { SEND_RECORD_DAYS } from '../apps/server/src/alerts/send-record.ts';
import { capturingLog } from '../apps/server/src/observe/log-capture.fixture.ts';
import { createMetrics } from '../apps/server/src/observe/metrics.ts';
import { AlertRepo } from '../apps/server/src/store/alert-repo.ts';
import { openClickHouse, type ClickHouse } from '../apps/server/src/store/clickhouse.ts';
import { migrate } from '../apps/server/src/store/migrations.ts';
import { NotificationSender } from '../apps/server/src/watch/notification-sender.ts';

/**
 * The notification send record (notification_keys, notification_intents) on real chdb: kept
 * SEND_RECORD_DAYS after each row, then dropped by the engine's TTL, so it no longer grows
 * forever while a re-send of a batch inside that time is still recognised.
 */
let dataDir: string;
let store: ClickHouse;
let repo: AlertRepo;
const DAY = 86_400_000;

beforeAll(async () => {
  dataDir = mkdtempSync(path.join(tmpdir(), 'northstar-send-record-'));
  store = openClickHouse({ clickhouseUrl: undefined, dataDir });
  await migrate(store.client);
  repo = new AlertRepo(store.client);
});

afterAll(async () => {
  await store?.client.close();
  rmSync(dataDir, { recursive: true, force: true });
});

/** Expired rows go at merges: a final merge now, as the engine would do in its own time. */
async function mergeNow(): Promise<void> {
  for (const table of ['notification_keys', 'notification_intents']) await store.client.command({ query: `OPTIMIZE TABLE ${table} FINAL` });
}

const key = (name: string) => name.padEnd(32, '0');

describe('the notification send record', () => {
  it('declares the retention the code relies on, on both tables', async () => {
    const r = await store.client.query({
      query: `SELECT name, engine_full FROM system.tables WHERE database = currentDatabase() AND name IN ('notification_keys', 'notification_intents')`,
      format: 'JSONEachRow',
    });
    const engines = await r.json<{ name: string; engine_full: string }>();
    expect(engines).toHaveLength(2);
    for (const e of engines) expect(e.engine_full).toContain(`TTL toDateTime(at) + toIntervalDay(${SEND_RECORD_DAYS})`);
  });

  it('drops rows older than the retention and keeps the recent ones', async () => {
    const now = Date.now();
    const old = now - (SEND_RECORD_DAYS + 1) * DAY;
    const recent = now - (SEND_RECORD_DAYS - 1) * DAY;
    await repo.markIntent(key('old'), 'ops', 'sending', old);
    await repo.markSent(key('old'), 'ops', old + 1_000);
    await repo.markIntent(key('old-refused'), 'ops', 'sending', old);
    await repo.markIntent(key('old-refused'), 'ops', 'refused', old);
    await repo.markIntent(key('recent'), 'ops', 'sending', recent);
    await repo.markSent(key('recent'), 'ops', recent + 1_000);
    await repo.markIntent(key('recent-unanswered'), 'ops', 'sending', recent);
    await repo.markSent(key('today'), 'ops', now);
    await mergeNow();

    expect(await repo.sendRecord(key('old'), 'ops')).toEqual([]);
    expect(await repo.sendRecord(key('old-refused'), 'ops')).toEqual([]);
    expect((await repo.sendRecord(key('recent'), 'ops')).map((r) => r.state).sort()).toEqual(['sending', 'sent']);
    expect(await repo.sendRecord(key('recent-unanswered'), 'ops')).toEqual([{ state: 'sending', at: recent }]);
    expect(await repo.sendRecord(key('today'), 'ops')).toEqual([{ state: 'sent', at: now }]);
  });

  it('still recognises a re-send inside the retention as sent, and sends one whose record has gone', async () => {
    const now = Date.now();
    await repo.markSent(key('inside'), 'ops', now - (SEND_RECORD_DAYS - 1) * DAY);
    await repo.markSent(key('outside'), 'ops', now - (SEND_RECORD_DAYS + 1) * DAY);
    await mergeNow();
    const sent: string[] = [];
    const notifier: Notifier = {
      send: (b) => {
        sent.push(b.idempotencyKey);
        return Promise.resolve({ ok: true, attempts: 1 });
      },
    };
    const metrics = createMetrics();
    const sender = new NotificationSender({ notifiers: new Map([['ops', notifier]]), repo, metrics, log: capturingLog().log });
    await sender.send([
      { ...makeBatch(), idempotencyKey: key('inside') },
      { ...makeBatch(), idempotencyKey: key('outside') },
    ]);
    expect(sent).toEqual([key('outside')]);
    const counted = (await metrics.notifications.get()).values.map((v) => [v.labels.ok, v.value]);
    expect(counted).toEqual(expect.arrayContaining([['already-sent', 1]]));
  });
});
