import { describe, expect, it } from 'vitest';
import { makeBatch } from '../alerts/batch.fixture.ts';
import type { NotificationBatch } from '../alerts/notification.ts';
import type { Notifier, NotifyResult } from '../alerts/notifiers/notifier.ts';
import { capturingLog } from '../observe/log-capture.fixture.ts';
import { createMetrics } from '../observe/metrics.ts';
import { NotificationSender, type NotificationSenderDeps } from './notification-sender.ts';

/** The sent record as the store keeps it, shared by every "instance" made over it. */
function sharedRecord(failReads = false) {
  const sent = new Set<string>();
  const repo: NotificationSenderDeps['repo'] = {
    addNotification: () => Promise.resolve(),
    markSent: (key, channel) => {
      sent.add(`${key}/${channel}`);
      return Promise.resolve();
    },
    wasSent: (key, channel) => (failReads ? Promise.reject(new Error('store down')) : Promise.resolve(sent.has(`${key}/${channel}`))),
  };
  return { repo, sent };
}

function countingNotifier(results: NotifyResult[] = []) {
  const seen: NotificationBatch[] = [];
  const notifier: Notifier = {
    send: (b) => {
      seen.push(b);
      return Promise.resolve(results.shift() ?? { ok: true, attempts: 1 });
    },
  };
  return { notifier, seen };
}

const instance = (repo: NotificationSenderDeps['repo'], notifier: Notifier) =>
  new NotificationSender({ notifiers: new Map([['ops', notifier]]), repo, metrics: createMetrics(), log: capturingLog().log });

describe('NotificationSender', () => {
  it('sends a key once per channel: again from this instance, from another or after a restart it is not sent', async () => {
    const { repo, sent } = sharedRecord();
    const { notifier, seen } = countingNotifier();
    const a = instance(repo, notifier);
    await Promise.all([a.send([makeBatch()]), a.send([makeBatch()])]);
    await instance(repo, notifier).send([makeBatch()]);
    expect(seen).toHaveLength(1);
    expect([...sent]).toEqual(['0123456789abcdef0123456789abcdef/ops']);
    await a.send([{ ...makeBatch(), idempotencyKey: 'another-transition' }]);
    expect(seen).toHaveLength(2);
  });

  it('a channel that did not accept the batch is tried again the next time it is released', async () => {
    const { repo, sent } = sharedRecord();
    const { notifier, seen } = countingNotifier([{ ok: false, attempts: 5, error: 'HTTP 503' }]);
    const a = instance(repo, notifier);
    await a.send([makeBatch()]);
    expect(sent.size).toBe(0);
    await a.send([makeBatch()]);
    expect(seen).toHaveLength(2);
    expect(sent.size).toBe(1);
  });

  it('sends when the sent record cannot be read: a duplicate the receiver drops by key beats a lost page', async () => {
    const { repo } = sharedRecord(true);
    const { notifier, seen } = countingNotifier();
    await instance(repo, notifier).send([makeBatch()]);
    expect(seen).toHaveLength(1);
  });
});
