import { afterEach, describe, expect, it, vi } from 'vitest';
import { BackpressureError } from './batch-writer.ts';
import { PendingVerdicts, VerdictTimeoutError } from './verdicts.ts';

const noVerdicts = { stored: [], duplicate: [], refused: [] };

function pending(maxWaitingEvents = 100, timeoutMs = 1_000) {
  const timeouts = { n: 0 };
  const p = new PendingVerdicts({ maxWaitingEvents, timeoutMs, onTimeout: () => void timeouts.n++ });
  return { p, timeouts };
}

describe('PendingVerdicts', () => {
  afterEach(() => vi.useRealTimers());

  it('resolves a request once every index has a verdict, in index order, from several replies', async () => {
    const { p } = pending();
    const { request, verdicts } = p.open(4);
    p.settle({ request, ...noVerdicts, stored: [2], duplicate: [0] });
    expect(p.waitingEvents).toBe(4);
    p.settle({ request, ...noVerdicts, refused: [{ index: 3, reason: 'bad row' }], stored: [1] });
    expect(await verdicts).toEqual([
      { outcome: 'duplicate' },
      { outcome: 'stored' },
      { outcome: 'stored' },
      { outcome: 'refused', reason: 'bad row' },
    ]);
    expect(p.waitingEvents).toBe(0);
  });

  it('keeps the first verdict of an index (a redelivered batch answers again) and ignores unknown requests and indexes', async () => {
    const { p } = pending();
    const { request, verdicts } = p.open(2);
    p.settle({ request, ...noVerdicts, stored: [0, 7, -1] });
    p.settle({ request, ...noVerdicts, duplicate: [0] });
    p.settle({ request: 'not-ours', ...noVerdicts, stored: [1] });
    p.settle({ request, ...noVerdicts, duplicate: [1] });
    expect(await verdicts).toEqual([{ outcome: 'stored' }, { outcome: 'duplicate' }]);
  });

  it('answers busy past the bound on waiting events, but lets a large request in alone', () => {
    const { p } = pending(10);
    p.open(500);
    expect(() => p.open(1)).toThrow(BackpressureError);
    const { p: q } = pending(10);
    q.open(6);
    expect(() => q.open(5)).toThrow(BackpressureError);
    expect(q.open(4).request).toBeTypeOf('string');
  });

  it('times a request out, counts it, frees its room and ignores its late verdicts', async () => {
    vi.useFakeTimers();
    const { p, timeouts } = pending(100, 1_000);
    const { request, verdicts } = p.open(3);
    p.settle({ request, ...noVerdicts, stored: [0] });
    vi.advanceTimersByTime(1_000);
    await expect(verdicts).rejects.toThrow(VerdictTimeoutError);
    await expect(verdicts).rejects.toThrow(/within 1000 ms.*retrying the request is safe/);
    expect(timeouts.n).toBe(1);
    expect(p.waitingEvents).toBe(0);
    p.settle({ request, ...noVerdicts, stored: [1, 2] });
    expect(p.waitingEvents).toBe(0);
  });

  it('a timeout before anyone awaits the verdicts is not an unhandled rejection', async () => {
    vi.useFakeTimers();
    const { p } = pending(100, 10);
    const { verdicts } = p.open(1);
    vi.advanceTimersByTime(10);
    await Promise.resolve();
    await expect(verdicts).rejects.toThrow(VerdictTimeoutError);
  });

  it('ends every waiting request on close', async () => {
    const { p } = pending();
    const a = p.open(1).verdicts;
    const b = p.open(2).verdicts;
    p.close(new VerdictTimeoutError('stopping'));
    await expect(a).rejects.toThrow('stopping');
    await expect(b).rejects.toThrow('stopping');
    expect(p.waitingEvents).toBe(0);
  });
});
