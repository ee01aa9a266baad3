import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { BackpressureError, BatchWriter, type GroupResult, type GroupSink, type RefusedIndex } from './batch-writer.ts';

const ev = (value: number): MetricEvent => ({ metric: 'm', value, ts: 0, id: '', dims: {} });

/** A store whose inserts finish when the test says so. */
function manualStore() {
  const calls: Array<{ rows: MetricEvent[]; finish: (err?: Error, duplicates?: number[], refused?: RefusedIndex[]) => void }> = [];
  const store: GroupSink = {
    store: (rows) =>
      new Promise<GroupResult>((resolve, reject) =>
        calls.push({
          rows: [...rows],
          finish: (err, duplicates = [], refused = []) => (err ? reject(err) : resolve({ duplicates, refused })),
        }),
      ),
  };
  return { store, calls };
}

const settle = () => new Promise((r) => setTimeout(r, 0));

describe('BatchWriter', () => {
  it('groups writers into one insert when the row bound is reached, and settles each when it is stored', async () => {
    const { store, calls } = manualStore();
    const w = new BatchWriter({ store, flushRows: 3, flushIntervalMs: 10_000, maxPendingRows: 100 });
    let settled = 0;
    void w.write([ev(1), ev(2)]).then(() => settled++);
    void w.write([ev(3)]).then(() => settled++);
    await settle();
    expect(calls).toHaveLength(1);
    expect(calls[0]?.rows.map((r) => r.value)).toEqual([1, 2, 3]);
    expect(settled).toBe(0);
    calls[0]?.finish();
    await settle();
    expect(settled).toBe(2);
  });

  it('flushes a trickle after the interval and never runs more groups at once than allowed', async () => {
    const { store, calls } = manualStore();
    const w = new BatchWriter({ store, flushRows: 1000, flushIntervalMs: 5, maxPendingRows: 100, maxConcurrentFlushes: 2 });
    void w.write([ev(1)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(1);
    void w.write([ev(2)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(2); // a second group goes out while the first is in flight
    void w.write([ev(3)]);
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(2); // but not a third
    expect(w.pendingRows).toBe(3);
    calls[0]?.finish();
    await new Promise((r) => setTimeout(r, 20));
    expect(calls).toHaveLength(3);
    expect(calls[2]?.rows.map((r) => r.value)).toEqual([3]);
  });

  it('rejects every writer of a failed insert, and refuses writes past the pending bound', async () => {
    const { store, calls } = manualStore();
    const w = new BatchWriter({ store, flushRows: 2, flushIntervalMs: 10_000, maxPendingRows: 3 });
    const a = w.write([ev(1), ev(2)]);
    await expect(w.write([ev(3), ev(4)])).rejects.toBeInstanceOf(BackpressureError);
    calls[0]?.finish(new Error('store down'));
    await expect(a).rejects.toThrow('store down');
    expect(w.pendingRows).toBe(0);
  });

  it('tells each writer how many of its own rows were repeats of stored ids', async () => {
    const { store, calls } = manualStore();
    const w = new BatchWriter({ store, flushRows: 5, flushIntervalMs: 10_000, maxPendingRows: 100 });
    const a = w.write([ev(1), ev(2)]);
    const b = w.write([ev(3), ev(4), ev(5)]);
    await settle();
    calls[0]?.finish(undefined, [1, 2, 4]);
    expect((await a).duplicates).toBe(1);
    expect((await b).duplicates).toBe(2);
  });

  it('flushes what waits on close', async () => {
    const inserted: number[] = [];
    const w = new BatchWriter({
      store: {
        store: async (rows) => {
          inserted.push(...rows.map((r) => r.value));
          return { duplicates: [] };
        },
      },
      flushRows: 100,
      flushIntervalMs: 60_000,
      maxPendingRows: 100,
    });
    const p = w.write([ev(7)]);
    await w.close();
    await p;
    expect(inserted).toEqual([7]);
    await expect(w.write([ev(8)])).rejects.toThrow(/closed/);
  });

  it('hands each writer its own refused rows, by the index in what it wrote', async () => {
    const { store, calls } = manualStore();
    const w = new BatchWriter({ store, flushRows: 5, flushIntervalMs: 10_000, maxPendingRows: 100 });
    const a = w.write([ev(1), ev(2)]);
    const b = w.write([ev(3), ev(4), ev(5)]);
    await settle();
    calls[0]!.finish(
      undefined,
      [0],
      [
        { index: 1, reason: 'bad a' },
        { index: 3, reason: 'bad b' },
      ],
    );
    expect(await a).toEqual({ duplicates: 1, refused: [{ index: 1, reason: 'bad a' }] });
    expect(await b).toEqual({ duplicates: 0, refused: [{ index: 1, reason: 'bad b' }] });
  });
});
