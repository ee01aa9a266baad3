import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KpiSchema, type MetricEvent } from '@northstar/shared';
import { CountLedger } from '../evaluate/count-ledger.ts';
import { KpiEvaluator } from '../evaluate/evaluator.ts';
import { WindowRepair } from '../schedule/window-repair.ts';
import { createMetrics } from '../observe/metrics.ts';
import type { EventStore } from '../store/event-store.ts';
import { Ingestor } from './ingestor.ts';

const count = KpiSchema.parse({ id: 'n', name: 'N', objective: 'o', metric: 'm', aggregation: 'count', window: '1h', target: 10 });

/** An in-memory store whose inserts wait for the test to let them through (or fail them). */
class HeldStore {
  readonly rows: MetricEvent[] = [];
  readonly held: Array<{ events: readonly MetricEvent[]; receivedAt: number[]; release: () => void; fail: () => void }> = [];

  insertEvents = (
    events: readonly MetricEvent[],
    _source?: string,
    _token?: string,
    receivedAt?: (e: MetricEvent) => number | undefined,
  ): Promise<void> =>
    new Promise((resolve, reject) => {
      this.held.push({
        events,
        receivedAt: events.map((e) => receivedAt?.(e) ?? NaN),
        release: () => {
          this.rows.push(...events);
          resolve();
        },
        fail: () => reject(new Error('store refuses writes')),
      });
    });

  storedIds = async (events: readonly MetricEvent[]): Promise<Set<MetricEvent>> => {
    const keys = new Set(this.rows.map((e) => `${e.metric}/${e.id}`));
    return new Set(events.filter((e) => keys.has(`${e.metric}/${e.id}`)));
  };

  insertRejected = async (): Promise<void> => undefined;
}

function setup() {
  const store = new HeldStore();
  const evaluator = new KpiEvaluator([count]);
  const metrics = createMetrics();
  const ledger = new CountLedger(evaluator);
  const repair = new WindowRepair({
    ledger,
    // what live-rebuild.ts does, from this store: a fresh window holding exactly the stored rows
    rebuild: async (kpis) => {
      for (const kpi of kpis) {
        const hold = ledger.hold(kpi, Date.now());
        for (const e of store.rows) evaluator.windowOf(kpi.id)!.add(0, e.ts, e.value, undefined);
        ledger.release(hold);
      }
    },
    log: pino({ level: 'silent' }),
    counter: metrics.liveRepairs,
  });
  const ingestor = new Ingestor({
    store: store as unknown as EventStore,
    ledger,
    metrics,
    flushRows: 1_000,
    flushIntervalMs: 5,
    maxPendingRows: 10_000,
  });
  const shown = () => {
    evaluator.evaluate(Date.now());
    return evaluator.state('n')?.value ?? 0;
  };
  const insertCalled = async (n: number) => {
    while (store.held.length < n) await new Promise((r) => setTimeout(r, 1));
    return store.held[n - 1]!;
  };
  return { store, ingestor, ledger, repair, shown, insertCalled };
}

const event = (id = ''): MetricEvent => ({ metric: 'm', value: 1, ts: Date.now(), id, dims: {} });

describe('Ingestor: tiles do not wait for inserts', () => {
  it('counts an event without an id the moment HTTP ingest takes it, before its group is flushed', async () => {
    const { ingestor, shown, store, insertCalled } = setup();
    const written = ingestor.writeGrouped([event(), event()]);
    expect(store.held).toHaveLength(0);
    expect(shown()).toBe(2);
    (await insertCalled(1)).release();
    await written;
    expect(shown()).toBe(2);
  });

  it('counts an event with an id once the store says it is new, before the insert returns, and a repeat not at all', async () => {
    const { ingestor, shown, insertCalled } = setup();
    const first = ingestor.writeGrouped([event('a')]);
    expect(shown()).toBe(0);
    const insert = await insertCalled(1);
    expect(shown()).toBe(1);
    insert.release();
    await first;
    await ingestor.writeGrouped([event('a')]);
    expect(shown()).toBe(1);
  });

  it('after a failed insert, counts retries only once stored and rebuilds the KPI from the store, so nothing counts twice', async () => {
    const { ingestor, ledger, repair, shown, store, insertCalled } = setup();
    const lost = ingestor.writeGrouped([event(), event('x')]);
    expect(shown()).toBe(1); // the event without an id, at once
    const failing = await insertCalled(1);
    expect(shown()).toBe(2);
    failing.fail();
    await expect(lost).rejects.toThrow('store refuses writes');
    expect(ledger.degraded).toBe(true);

    // the producer retries: not counted on top of the failed attempt while the insert is in flight
    const retry = ingestor.writeGrouped([event(), event('x')]);
    const retried = await insertCalled(2);
    expect(shown()).toBe(2);
    retried.release();
    await retry;
    // the repair rebuilds from the store: the two stored rows, once each
    while (ledger.degraded) await new Promise((r) => setTimeout(r, 1));
    expect(store.rows).toHaveLength(2);
    expect(shown()).toBe(2);
    expect(repair.repairs).toBe(1);

    // healthy again: counted at once
    const next = ingestor.writeGrouped([event()]);
    expect(shown()).toBe(3);
    (await insertCalled(3)).release();
    await next;
  });

  it('counts a Kafka batch only once it is stored (its budget is a second; a held batch is retried until it is)', async () => {
    const { ingestor, shown, insertCalled } = setup();
    const batch = ingestor.writeBatch([event('k1'), event('k2')], 'kafka', 'topic/0/0-1');
    const insert = await insertCalled(1);
    expect(shown()).toBe(0);
    insert.release();
    await batch;
    expect(shown()).toBe(2);
  });
});

describe('Ingestor: the stamp a rebuild draws its line against', () => {
  it('stores a Kafka batch retried after a failed insert with the time of the retry, not of its first attempt', async () => {
    const { ingestor, insertCalled } = setup();
    const batch = [event('k1'), event()];
    const first = ingestor.writeBatch(batch, 'kafka', 'topic/0/0-1');
    const failing = await insertCalled(1);
    failing.fail();
    await expect(first).rejects.toThrow('store refuses writes');
    await new Promise((r) => setTimeout(r, 20));
    // Kafka writes the same objects again: a rebuild that started meanwhile did not wait for
    // this attempt, so its rows must carry a time after that rebuild's line (count-ledger.ts)
    const retry = ingestor.writeBatch(batch, 'kafka', 'topic/0/0-1');
    const retried = await insertCalled(2);
    for (const [i, at] of retried.receivedAt.entries()) expect(at).toBeGreaterThanOrEqual(failing.receivedAt[i]! + 20);
    retried.release();
    await retry;
  });
});

describe('Ingestor: a row the store refuses for good', () => {
  it('is isolated from its HTTP group and handed back; the rest is stored and the wall ends at what the store holds', async () => {
    const { store, ingestor, shown } = setup();
    // inserts go through at once, and any holding the value 666 is refused as the engine refuses bad data (a permanent code)
    store.insertEvents = async (events) => {
      if (events.some((e) => e.value === 666)) throw Object.assign(new Error('Cannot parse input: expected a number'), { code: '27' });
      store.rows.push(...events);
    };
    const result = await ingestor.writeGrouped([event(), { ...event(), value: 666 }, event('with-id')]);
    expect(result).toEqual({
      duplicates: 0,
      refused: [{ index: 1, reason: 'the store refused this event: Cannot parse input: expected a number' }],
    });
    expect(store.rows.map((e) => e.value)).toEqual([1, 1]);
    for (let i = 0; i < 200 && shown() !== 2; i++) await new Promise((r) => setTimeout(r, 5));
    expect(shown()).toBe(2);
  });

  it('still fails the whole group on a retryable error (the store is down): the producer retries', async () => {
    const { store, ingestor } = setup();
    store.insertEvents = async () => {
      throw Object.assign(new Error('Cannot reserve 1.00 MiB, not enough space'), { code: '243' });
    };
    await expect(ingestor.writeGrouped([event(), event()])).rejects.toThrow(/not enough space/);
  });
});
