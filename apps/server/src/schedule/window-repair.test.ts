import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { KpiSchema, type KpiDefinition, type MetricEvent } from '@northstar/shared';
import { CountLedger } from '../evaluate/count-ledger.ts';
import { KpiEvaluator } from '../evaluate/evaluator.ts';
import { WindowRepair } from './window-repair.ts';

const n = KpiSchema.parse({ id: 'n', name: 'N', objective: 'o', metric: 'm', aggregation: 'count', window: '1h', target: 1 });
const event = (): MetricEvent => ({ metric: 'm', value: 1, ts: Date.now(), id: '', dims: {} });

function setup(rebuild: (kpis: readonly KpiDefinition[]) => Promise<void>) {
  const ledger = new CountLedger(new KpiEvaluator([n]));
  const repaired: string[][] = [];
  const counter = { count: 0, inc: () => void (counter.count += 1) };
  const repair = new WindowRepair({
    ledger,
    rebuild,
    log: pino({ level: 'silent' }),
    counter,
    retryMs: 1_000,
    onRepaired: (ids) => repaired.push([...ids]),
  });
  /** A counted HTTP event whose insert fails, then a write that succeeds. */
  const failThenStore = () => {
    const lost = event();
    ledger.taken([lost], Date.now(), 'grouped');
    ledger.insertFailed([lost]);
    const next = event();
    ledger.taken([next], Date.now(), 'batch');
    ledger.inserted([next]);
  };
  return { ledger, repair, repaired, counter, failThenStore };
}

describe('WindowRepair', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('rebuilds the KPIs a failed insert had counted once a write succeeds, and says so', async () => {
    const rebuilt: string[][] = [];
    const { ledger, repair, repaired, counter, failThenStore } = setup(async (kpis) => void rebuilt.push(kpis.map((k) => k.id)));
    failThenStore();
    expect(ledger.degraded).toBe(true);
    await vi.runAllTimersAsync();
    expect(rebuilt).toEqual([['n']]);
    expect(repaired).toEqual([['n']]);
    expect(counter.count).toBe(1);
    expect(repair.repairs).toBe(1);
    expect(ledger.degraded).toBe(false);
  });

  it('does not start while the store still refuses writes', async () => {
    const rebuild = vi.fn(async () => undefined);
    const { ledger } = setup(rebuild);
    const lost = event();
    ledger.taken([lost], Date.now(), 'grouped');
    ledger.insertFailed([lost]);
    await vi.runAllTimersAsync();
    expect(rebuild).not.toHaveBeenCalled();
    expect(ledger.degraded).toBe(true);
  });

  it('tries a failed rebuild again after retryMs, and stays degraded until one succeeds', async () => {
    let attempts = 0;
    const { ledger, repair, failThenStore } = setup(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('store read failed');
    });
    failThenStore();
    await vi.advanceTimersByTimeAsync(10);
    expect(attempts).toBe(1);
    expect(ledger.degraded).toBe(true);
    await vi.advanceTimersByTimeAsync(500);
    expect(attempts).toBe(1);
    await vi.advanceTimersByTimeAsync(600);
    expect(attempts).toBe(2);
    expect(ledger.degraded).toBe(false);
    expect(repair.repairs).toBe(1);
  });

  it('starts nothing once closed, and close waits for a rebuild in progress', async () => {
    let finish: () => void = () => undefined;
    const { ledger, repair, failThenStore } = setup(() => new Promise<void>((r) => (finish = r)));
    failThenStore();
    let closed = false;
    const closing = repair.close().then(() => (closed = true));
    await vi.advanceTimersByTimeAsync(10);
    expect(closed).toBe(false);
    finish();
    await closing;
    expect(ledger.degraded).toBe(false);
    failThenStore();
    await vi.runAllTimersAsync();
    expect(repair.repairs).toBe(1);
    expect(ledger.degraded).toBe(true);
  });
});
