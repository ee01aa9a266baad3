import { describe, expect, it } from 'vitest';
import { KpiSchema, type Measure, type MetricEvent } from '@northstar/shared';
import { CountLedger } from './count-ledger.ts';
import { KpiEvaluator } from './evaluator.ts';
import { rebuildLive } from './live-rebuild.ts';
import type { MeasureStatsQuery, WindowReads } from './window-reads.ts';

const orders = KpiSchema.parse({
  id: 'orders',
  name: 'Orders',
  objective: 'o',
  metric: 'm',
  aggregation: 'count',
  window: '1h',
  target: 1,
});

/** The store as rebuilds see it: rows with the `received_at` ingest stamped, aggregated per slot. */
class MemoryReads implements WindowReads {
  readonly rows: Array<{ e: MetricEvent; receivedAt: number }> = [];
  reads = 0;
  async measureStats(m: Measure, q: MeasureStatsQuery) {
    this.reads += 1;
    const slots = new Map<number, number[]>();
    for (const { e, receivedAt } of this.rows) {
      if (e.metric !== m.metric || e.ts < q.fromMs || e.ts > q.toMs) continue;
      if (q.receivedBefore !== undefined && receivedAt >= q.receivedBefore) continue;
      const slot = Math.floor(e.ts / q.slotMs);
      slots.set(slot, [...(slots.get(slot) ?? []), e.ts]);
    }
    return [...slots].map(([slot, ts]) => ({
      slot,
      n: ts.length,
      s: ts.length,
      lo: 1,
      hi: 1,
      sample: [],
      uniq: [],
      last: Math.max(...ts),
    }));
  }
  async series() {
    return [];
  }
  async distinctCount() {
    return 0;
  }
}

function setup() {
  const evaluator = new KpiEvaluator([orders]);
  const ledger = new CountLedger(evaluator);
  const reads = new MemoryReads();
  const drains: Array<() => void> = [];
  const drain = () => new Promise<void>((r) => drains.push(r));
  /** An event ingest takes and stores now (counted after its insert, like a Kafka batch). */
  const store = (e: MetricEvent) => {
    ledger.taken([e], Date.now(), 'batch');
    ledger.attempting([e], Date.now());
    ledger.admitted([e], 'batch');
    reads.rows.push({ e, receivedAt: ledger.takenAt(e)! });
    ledger.inserted([e]);
  };
  const shown = () => {
    evaluator.evaluate(Date.now());
    return evaluator.state('orders')?.value ?? null;
  };
  const drained = async () => {
    while (drains.length === 0) await new Promise((r) => setTimeout(r, 0));
    drains.shift()!();
  };
  return { evaluator, ledger, reads, drain, store, shown, drained };
}

const event = (): MetricEvent => ({ metric: 'm', value: 1, ts: Date.now() - 1_000, id: '', dims: {} });

describe('rebuildLive', () => {
  it('reads what was stored before its line and counts what arrives during it once, when it ends', async () => {
    const { evaluator, ledger, reads, drain, store, shown, drained } = setup();
    for (let i = 0; i < 3; i++) store(event());
    expect(shown()).toBe(3);
    const rebuilt = rebuildLive({ evaluator, ledger, reads, drain }, [orders]);
    await new Promise((r) => setTimeout(r, 2));
    store(event()); // after the line: held
    store(event());
    expect(shown()).toBeNull();
    await drained();
    await rebuilt;
    expect(reads.reads).toBe(1);
    expect(shown()).toBe(5);
    store(event());
    expect(shown()).toBe(6);
  });

  it('leaves a KPI to the later rebuild that overtook it: no second seeding, its hold not ended early', async () => {
    const { evaluator, ledger, reads, drain, store, shown, drained } = setup();
    store(event());
    const first = rebuildLive({ evaluator, ledger, reads, drain }, [orders]);
    await new Promise((r) => setTimeout(r, 2));
    store(event()); // held by the first, then read by the second
    await new Promise((r) => setTimeout(r, 2));
    const second = rebuildLive({ evaluator, ledger, reads, drain }, [orders]);
    await new Promise((r) => setTimeout(r, 2));
    store(event()); // held by the second
    await drained();
    await first;
    expect(reads.reads).toBe(0);
    expect(shown()).toBeNull(); // still held for the second
    await drained();
    await second;
    expect(reads.reads).toBe(1);
    expect(shown()).toBe(3);
  });

  it('ends the hold even when the store read fails, so the KPI counts again', async () => {
    const { evaluator, ledger, reads, store, shown } = setup();
    reads.measureStats = async () => {
      throw new Error('store down');
    };
    await expect(rebuildLive({ evaluator, ledger, reads, drain: async () => undefined }, [orders])).rejects.toThrow('store down');
    store(event());
    expect(shown()).toBe(1);
  });
});
