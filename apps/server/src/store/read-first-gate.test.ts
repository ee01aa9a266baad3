import { describe, expect, it } from 'vitest';
import { ReadFirstGate, type GateClock } from './read-first-gate.ts';

/** A clock the test moves: timers fire only when `advance` passes them. */
class FakeClock implements GateClock {
  #now = 0;
  #timers = new Map<number, { at: number; run: () => void }>();
  #next = 0;
  now = () => this.#now;
  setTimeout = (run: () => void, ms: number) => {
    const id = this.#next++;
    this.#timers.set(id, { at: this.#now + ms, run });
    return id;
  };
  clearTimeout = (handle: unknown) => void this.#timers.delete(handle as number);
  advance(ms: number) {
    this.#now += ms;
    for (const [id, t] of [...this.#timers].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at > this.#now) break;
      this.#timers.delete(id);
      t.run();
    }
  }
}

/** A read the test ends when it wants. */
function openRead(gate: ReadFirstGate) {
  let end!: () => void;
  const done = gate.reading(() => new Promise<string>((resolve) => (end = () => resolve('rows'))));
  return { end: () => end(), done };
}

/** Marks when the promise settles, so the test can look between clock steps. */
function watch(p: Promise<void>) {
  const state = { released: false };
  void p.then(() => (state.released = true));
  return state;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('ReadFirstGate', () => {
  it('lets a statement start at once when no read is in flight', async () => {
    const gate = new ReadFirstGate({ maxHoldMs: 200, clock: new FakeClock() });
    const w = watch(gate.beforeWrite('insert'));
    await tick();
    expect(w.released).toBe(true);
  });

  it('holds a statement while a read is in flight, and lets it go when the read ends', async () => {
    const clock = new FakeClock();
    const gate = new ReadFirstGate({ maxHoldMs: 200, clock });
    const held: Array<[string, number]> = [];
    gate.onHold((statement, ms) => held.push([statement, ms]));
    const read = openRead(gate);
    const w = watch(gate.beforeWrite('insert'));
    clock.advance(150);
    await tick();
    expect(w.released).toBe(false);
    read.end();
    expect(await read.done).toBe('rows');
    await tick();
    expect(w.released).toBe(true);
    expect(held).toEqual([['insert', 150]]);
  });

  it('lets a statement go at the bound while reads go on, and holds each statement at most that long', async () => {
    const clock = new FakeClock();
    const gate = new ReadFirstGate({ maxHoldMs: 200, clock });
    const held: Array<[string, number]> = [];
    gate.onHold((statement, ms) => held.push([statement, ms]));
    openRead(gate);
    const a = watch(gate.beforeWrite('id_check'));
    clock.advance(199);
    await tick();
    expect(a.released).toBe(false);
    clock.advance(1);
    await tick();
    expect(a.released).toBe(true);
    const b = watch(gate.beforeWrite('insert'));
    clock.advance(200);
    await tick();
    expect(b.released).toBe(true);
    expect(held).toEqual([
      ['id_check', 200],
      ['insert', 200],
    ]);
  });

  it('waits for every read in flight, not only the first to end; a failed read counts as ended', async () => {
    const clock = new FakeClock();
    const gate = new ReadFirstGate({ maxHoldMs: 200, clock });
    const first = openRead(gate);
    const failing = gate.reading(() => Promise.reject(new Error('read failed')));
    const w = watch(gate.beforeWrite('insert'));
    await expect(failing).rejects.toThrow('read failed');
    first.end();
    await first.done;
    await tick();
    expect(w.released).toBe(true);
    expect(gate.readsInFlight).toBe(0);
  });

  it('with reads in flight, lets statements go in the order they were held', async () => {
    const clock = new FakeClock();
    const gate = new ReadFirstGate({ maxHoldMs: 200, clock });
    const read = openRead(gate);
    const order: string[] = [];
    const a = gate.beforeWrite('insert').then(() => order.push('insert'));
    clock.advance(50);
    const b = gate.beforeWrite('id_check').then(() => order.push('id_check'));
    read.end();
    await Promise.all([a, b]);
    expect(order).toEqual(['insert', 'id_check']);
  });

  it('off (0) holds nothing, and turning it off lets the held statements go', async () => {
    const clock = new FakeClock();
    const gate = new ReadFirstGate({ maxHoldMs: 0, clock });
    openRead(gate);
    const off = watch(gate.beforeWrite('insert'));
    await tick();
    expect(off.released).toBe(true);
    gate.setMaxHoldMs(200);
    const on = watch(gate.beforeWrite('insert'));
    await tick();
    expect(on.released).toBe(false);
    gate.setMaxHoldMs(0);
    await tick();
    expect(on.released).toBe(true);
  });

  it('refuses a bound that is not a number of ms ≥ 0', () => {
    expect(() => new ReadFirstGate({ maxHoldMs: -1 })).toThrow('read-first max hold must be a number of ms ≥ 0, got -1');
    expect(() => new ReadFirstGate({ maxHoldMs: Number.NaN })).toThrow('got NaN');
  });
});
