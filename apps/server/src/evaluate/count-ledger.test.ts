import { describe, expect, it } from 'vitest';
import type { MetricEvent } from '@northstar/shared';
import { KPIS, rng, World } from './count-ledger.fixture.ts';

function explore(seed: number, steps: number): World {
  const world = new World(rng(seed));
  try {
    for (let i = 0; i < steps; i++) {
      world.step();
      // a producer's retry may count beside its lost attempt only while degraded: the repair then rebuilds
      if (world.ledger.degraded) continue;
      for (const k of KPIS) {
        const repeats = world.logicalRepeats(k.id);
        if (repeats.length > 0) throw new Error(`${k.id} counts events ${repeats.join(', ')} twice while not degraded`);
      }
    }
    world.settleAll();
    expect(world.ledger.degraded).toBe(false);
    for (const k of KPIS) {
      const stored = world.store.filter((s) => s.metric === k.metric).map((s) => s.serial);
      expect(
        [...world.sink.windows.get(k.id)!.serials].sort((x, y) => x - y),
        k.id,
      ).toEqual(stored.sort((x, y) => x - y));
    }
  } catch (err) {
    throw new Error(`seed ${seed}: ${(err as Error).message}\n${world.log.join('\n')}`);
  }
  return world;
}

/** A world driven by hand: no halving, no resending unless a test does it. */
function hand() {
  const w = new World(() => 0.99);
  const shown = (kpiId: string) => [...w.sink.windows.get(kpiId)!.serials].sort((x, y) => x - y);
  const serial = (e: MetricEvent) => w.serials.get(e)!;
  const only = () => [...w.attempts][0]!;
  const rebuild = () => [...w.rebuilds].at(-1)!;
  return { w, shown, serial, only, rebuild };
}

describe('CountLedger: when an event counts', () => {
  it('HTTP: an event without an id when taken, one with an id once admitted as new; a batch once inserted; a repeat never', () => {
    const { w, shown, only } = hand();
    const [plain, withId] = [w.newEvent('a', ''), w.newEvent('a', 'x')];
    w.take('grouped', [plain, withId]);
    expect(shown('ka')).toEqual([1]);
    w.start(only());
    w.admit(only());
    expect(shown('ka')).toEqual([1, 2]);
    w.settle(only(), true);
    w.take('batch', [w.newEvent('a', 'k')]);
    w.admit(only());
    expect(shown('ka')).toEqual([1, 2]);
    w.settle(only(), true);
    expect(shown('ka')).toEqual([1, 2, 3]);
    // the same id again: admitted as a repeat, counted nowhere
    w.take('grouped', [w.newEvent('a', 'x')]);
    w.start(only());
    w.admit(only());
    w.settle(only(), true);
    expect(shown('ka')).toEqual([1, 2, 3]);
    expect(shown('kb')).toEqual([]);
  });

  it('a failed insert the wall had counted: degraded, retries count only once stored, and the repair ends at the store', () => {
    const { w, shown, only, rebuild } = hand();
    w.take('grouped', [w.newEvent('a', ''), w.newEvent('a', 'x')]);
    w.start(only());
    w.admit(only());
    expect(shown('ka')).toEqual([1, 2]);
    w.settle(only(), false);
    expect(w.ledger.degraded).toBe(true);
    // the producer retries: while degraded not counted when taken nor when admitted
    w.take('grouped', [w.newEvent('a', '', 1), w.newEvent('a', 'x', 2)]);
    w.start(only());
    w.admit(only());
    expect(shown('ka')).toEqual([1, 2]);
    w.settle(only(), true);
    // stored: the repair starts at once (ka and ka2 read metric a), rebuilding both from the store
    expect(w.rebuilds.size).toBe(2);
    while (w.rebuilds.size > 0) {
      const r = rebuild();
      w.readRebuild(r);
      w.releaseRebuild(r);
    }
    expect(shown('ka')).toEqual([3, 4]);
    expect(shown('ka2')).toEqual([3, 4]);
    expect(w.ledger.degraded).toBe(false);
    // healthy again: counted when taken
    w.take('grouped', [w.newEvent('a', '')]);
    expect(shown('ka')).toEqual([3, 4, 5]);
  });

  it('a failed insert of a batch marks no KPI (it counted nothing) but degrades the path until a write succeeds', () => {
    const { w, shown, only } = hand();
    w.take('batch', [w.newEvent('b', 'k')]);
    w.admit(only());
    w.settle(only(), false);
    expect(w.ledger.degraded).toBe(true);
    expect(w.ledger.startRepair()).toBeUndefined();
    w.start(only());
    w.admit(only());
    w.settle(only(), true);
    expect(w.ledger.degraded).toBe(false);
    expect(w.rebuilds.size).toBe(0);
    expect(shown('kb')).toEqual([1]);
  });

  it('during a rebuild: events taken before its line are read from the store, those after it are held and counted at release', () => {
    const { w, shown, only, rebuild } = hand();
    const before = w.newEvent('a', '');
    w.take('grouped', [before]);
    w.start(only());
    w.admit(only());
    w.now += 1;
    w.startRebuild([KPIS[0]!]);
    w.now += 1;
    w.take('grouped', [w.newEvent('a', '')]); // after the line: held
    expect(shown('ka')).toEqual([]);
    expect(shown('ka2')).toEqual([1, 2]);
    w.settle([...w.attempts][0]!, true);
    // the drain waited for the first write; the read sees it, the second is not stored yet
    w.readRebuild(rebuild());
    expect(shown('ka')).toEqual([1]);
    w.releaseRebuild(rebuild());
    expect(shown('ka')).toEqual([1, 2]);
    w.start(only());
    w.admit(only());
    w.settle(only(), true);
    expect(shown('ka')).toEqual([1, 2]);
  });

  it('176d65b: a rebuild overtaken by a later one of the same KPI neither seeds its window nor ends its hold', () => {
    const { w, shown, only } = hand();
    w.take('batch', [w.newEvent('a', '')]);
    w.admit(only());
    w.settle(only(), true);
    w.now += 1;
    w.startRebuild([KPIS[0]!]);
    const first = [...w.rebuilds][0]!;
    w.now += 1;
    w.take('grouped', [w.newEvent('a', '')]); // held by the first
    w.start(only());
    w.admit(only());
    w.settle(only(), true);
    w.now += 1;
    w.startRebuild([KPIS[0]!]); // the KPI changed again
    const second = [...w.rebuilds][1]!;
    w.now += 1;
    w.take('grouped', [w.newEvent('a', '')]); // held by the second
    // the first finishes last-but-one: it must not read into the new window nor release it
    w.readRebuild(first);
    w.releaseRebuild(first);
    expect(shown('ka')).toEqual([]);
    w.readRebuild(second);
    w.releaseRebuild(second);
    expect(shown('ka')).toEqual([1, 2, 3]);
  });

  it('a Kafka batch retried during a rebuild and stored after its read is counted (with its first stamp it was lost)', () => {
    const { w, shown, only, rebuild } = hand();
    w.take('batch', [w.newEvent('a', 'k')]);
    w.admit(only());
    w.settle(only(), false); // the store refused it; Kafka holds the batch
    w.now += 5;
    w.take('batch', [w.newEvent('b', '')]);
    w.admit([...w.attempts].find((a) => a.phase === 'started')!);
    w.settle(
      [...w.attempts].find((a) => a.phase === 'admitted')!,
      true,
    );
    w.now += 5;
    w.startRebuild([KPIS[0]!]);
    w.now += 5;
    w.start(only()); // the retry starts after the drain: the rebuild does not wait for it
    w.readRebuild(rebuild());
    w.admit(only());
    w.settle(only(), true);
    w.releaseRebuild(rebuild());
    expect(shown('ka')).toEqual([1]);
  });

  it('an event stamped in the same millisecond a rebuild starts is counted once (read, or held)', () => {
    const { w, shown, only, rebuild } = hand();
    w.take('batch', [w.newEvent('a', '')]);
    w.admit(only());
    w.settle(only(), true); // counted, stamped at now
    w.startRebuild([KPIS[0]!]); // same millisecond
    w.take('batch', [w.newEvent('a', '')]); // same millisecond, after the hold
    w.admit(only());
    w.settle(only(), true);
    w.readRebuild(rebuild());
    w.releaseRebuild(rebuild());
    expect(shown('ka')).toEqual([1, 2]);
  });
});

describe('CountLedger over random sequences of ingest, store failures, rebuilds and repairs', () => {
  it('never counts an event twice, and ends every KPI at exactly what the store holds', { timeout: 60_000 }, () => {
    let stored = 0;
    let rebuilt = 0;
    for (let seed = 1; seed <= 3_000; seed++) {
      const world = explore(seed, 80);
      stored += world.store.length;
      rebuilt += world.log.filter((l) => l.startsWith('hold')).length;
    }
    // the runs did exercise the paths: many events stored, many rebuilds under way
    expect(stored).toBeGreaterThan(20_000);
    expect(rebuilt).toBeGreaterThan(5_000);
  });
});
