import { describe, expect, it } from 'vitest';
import { makeBatch } from '../alerts/batch.fixture.ts';
import type { NotificationBatch } from '../alerts/notification.ts';
import type { Notifier, NotifyResult, SendContext } from '../alerts/notifiers/notifier.ts';
import type { SendState } from '../alerts/send-record.ts';
import { capturingLog } from '../observe/log-capture.fixture.ts';
import { createMetrics } from '../observe/metrics.ts';
import { NotificationSender, type NotificationSenderDeps } from './notification-sender.ts';

/** The send record as the store keeps it (sent keys and intents), shared by every "instance" made over it. */
function sharedRecord(failReads = false) {
  const sent = new Set<string>();
  const intents: Array<{ key: string; channel: string; state: SendState; at: number }> = [];
  const repo: NotificationSenderDeps['repo'] = {
    addNotification: () => Promise.resolve(),
    markSent: (key, channel) => {
      sent.add(`${key}/${channel}`);
      return Promise.resolve();
    },
    markIntent: (key, channel, state, at) => {
      intents.push({ key, channel, state, at });
      return Promise.resolve();
    },
    sendRecord: (key, channel) =>
      failReads
        ? Promise.reject(new Error('store down'))
        : Promise.resolve([
            ...(sent.has(`${key}/${channel}`) ? [{ state: 'sent' as const, at: 0 }] : []),
            ...intents.filter((i) => i.key === key && i.channel === channel).map((i) => ({ state: i.state, at: i.at })),
          ]),
  };
  return { repo, sent, intents };
}

function countingNotifier(results: NotifyResult[] = []) {
  const seen: NotificationBatch[] = [];
  const contexts: SendContext[] = [];
  const notifier: Notifier = {
    channelType: 'teams',
    send: (b, context = {}) => {
      seen.push(b);
      contexts.push(context);
      return Promise.resolve(results.shift() ?? { ok: true, attempts: 1 });
    },
  };
  return { notifier, seen, contexts };
}

/** A clock that moves a millisecond at every reading, as sends a moment apart do. */
function ticking(start = 10_000): () => number {
  let t = start;
  return () => t++;
}

const instance = (repo: NotificationSenderDeps['repo'], notifier: Notifier, metrics = createMetrics()) =>
  new NotificationSender({ notifiers: new Map([['ops', notifier]]), repo, metrics, log: capturingLog().log, now: ticking() });

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

  it('records the intent before the channel is asked, and the sent record after it accepted', async () => {
    const { repo, sent, intents } = sharedRecord();
    const order: string[] = [];
    const notifier: Notifier = {
      send: () => {
        order.push(`send with ${intents.length} intent(s), ${sent.size} sent`);
        return Promise.resolve({ ok: true, attempts: 1 });
      },
    };
    await instance(repo, notifier).send([makeBatch()]);
    expect(order).toEqual(['send with 1 intent(s), 0 sent']);
    expect(intents.map((i) => i.state)).toEqual(['sending']);
    expect(sent.size).toBe(1);
  });

  it('a sender killed after asking (an intent, no outcome): the next sends it as uncertain, since that intent', async () => {
    const { repo, sent, intents } = sharedRecord();
    // the dead sender's trace: asked the channel, never recorded an answer
    await repo.markIntent('0123456789abcdef0123456789abcdef', 'ops', 'sending', 1_000);
    const { notifier, seen, contexts } = countingNotifier();
    const metrics = createMetrics();
    await instance(repo, notifier, metrics).send([makeBatch()]);
    expect(seen).toHaveLength(1);
    expect(contexts).toEqual([{ uncertainSinceMs: 1_000 }]);
    expect(sent.size).toBe(1);
    expect(intents).toHaveLength(2);
    const text = await metrics.registry.metrics();
    expect(text).toContain('northstar_notifications_uncertain_total{type="teams",outcome="sent-again"} 1');
  });

  it('a channel read back that already shows the batch: counted as already shown and recorded as sent', async () => {
    const { repo, sent } = sharedRecord();
    await repo.markIntent('0123456789abcdef0123456789abcdef', 'ops', 'sending', 1_000);
    const { notifier } = countingNotifier([{ ok: true, attempts: 0, alreadyShown: true }]);
    const metrics = createMetrics();
    await instance(repo, notifier, metrics).send([makeBatch()]);
    expect(sent.size).toBe(1);
    const text = await metrics.registry.metrics();
    expect(text).toContain('northstar_notifications_uncertain_total{type="teams",outcome="already-shown"} 1');
    expect(text).toContain('northstar_notifications_total{channel="ops",ok="already-shown"} 1');
  });

  it('a refusal the channel answered is recorded: the next try is a plain send, not an uncertain one', async () => {
    const { repo, intents } = sharedRecord();
    const { notifier, contexts } = countingNotifier([
      { ok: false, attempts: 1, status: 400, error: 'HTTP 400: invalid_blocks' },
      { ok: false, attempts: 5, error: 'gave up after 5 attempts: TimeoutError' },
    ]);
    const a = instance(repo, notifier);
    await a.send([makeBatch()]);
    expect(intents.map((i) => i.state)).toEqual(['sending', 'refused']);
    await a.send([makeBatch()]);
    // no answer at all (timeouts): it may have been shown, so the third try is uncertain
    await a.send([makeBatch()]);
    expect(contexts.map((c) => c.uncertainSinceMs !== undefined)).toEqual([false, false, true]);
  });
});
