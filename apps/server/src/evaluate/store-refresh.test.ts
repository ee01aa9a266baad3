import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { KpiSchema } from '@northstar/shared';
import { DistinctRefresh } from './distinct-refresh.ts';
import { KpiEvaluator } from './evaluator.ts';
import { DISTINCT_VALUES_PER_SLOT_MAX } from './stats.ts';
import { StoreRefresh } from './store-refresh.ts';

/** Items are names; each redo waits for the test to let it finish. */
class Recorder extends StoreRefresh<string> {
  items: string[] = [];
  readonly done: string[] = [];
  readonly waiting: Array<() => void> = [];
  protected due(): string[] {
    return this.items;
  }
  protected async redo(item: string): Promise<void> {
    await new Promise<void>((r) => this.waiting.push(r));
    this.done.push(item);
  }
}

const tick = () => new Promise((r) => setTimeout(r, 0));

describe('StoreRefresh', () => {
  it('drains ingest before reading, runs one refresh at a time and does not drain when nothing is due', async () => {
    let drains = 0;
    const r = new Recorder({ drain: async () => void (drains += 1) });
    await r.refresh();
    expect(drains).toBe(0);
    r.items = ['a', 'b'];
    const first = r.refresh();
    expect(r.refresh()).toBe(first);
    await tick();
    expect(drains).toBe(1);
    r.waiting.shift()!();
    await tick();
    r.waiting.shift()!();
    await first;
    expect(r.done).toEqual(['a', 'b']);
  });

  it('stops between items once stopped, and refreshes no more', async () => {
    const r = new Recorder({ drain: async () => undefined });
    r.items = ['a', 'b'];
    const run = r.refresh();
    await tick();
    r.stop();
    r.waiting.shift()!();
    await run;
    expect(r.done).toEqual(['a']);
    await r.refresh();
    expect(r.waiting).toHaveLength(0);
  });
});

describe('DistinctRefresh', () => {
  it("hands a capped distinct KPI the store's exact count, read after ingest drained", async () => {
    const kpi = KpiSchema.parse({
      id: 'k',
      name: 'K',
      objective: 'o',
      metric: 'm',
      aggregation: 'distinct_count',
      distinctBy: 'c',
      window: '1h',
      target: 1,
    });
    const evaluator = new KpiEvaluator([kpi]);
    const now = Date.now();
    const n = DISTINCT_VALUES_PER_SLOT_MAX + 7;
    evaluator.observe(Array.from({ length: n }, (_, i) => ({ metric: 'm', value: 1, ts: now - 1000, id: '', dims: { c: `v${i}` } })));
    evaluator.evaluate(now);
    expect(evaluator.state('k')).toMatchObject({ value: DISTINCT_VALUES_PER_SLOT_MAX, lowerBound: true });
    const order: string[] = [];
    const refresh = new DistinctRefresh({
      evaluator,
      reads: {
        distinctCount: async (m, fromMs, toMs) => {
          order.push(`read ${m.distinctBy} over ${toMs - fromMs} ms`);
          return n;
        },
      },
      drain: async () => void order.push('drain'),
      log: pino({ level: 'silent' }),
    });
    await refresh.refresh();
    expect(order).toEqual(['drain', 'read c over 3600000 ms']);
    evaluator.evaluate(Date.now());
    expect(evaluator.state('k')?.value).toBe(n);
    expect(evaluator.state('k')?.lowerBound).toBeUndefined();
  });
});
