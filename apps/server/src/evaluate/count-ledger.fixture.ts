import { KpiSchema, type KpiDefinition, type MetricEvent } from '@northstar/shared';
import { CountLedger, type CountRoute, type CountSink, type Hold } from './count-ledger.ts';
import { seededRng } from '../demo/generator.ts';

/**
 * The ledger against a model of everything around it: ingest (HTTP groups, Kafka batches,
 * their write attempts, retries and halving), the store (id dedup, failures), rebuilds
 * (hold, drain, read up to the line, release, overtaken by a later one) and repairs. Each
 * event object carries a serial; a retry by a producer is a new object of the same logical
 * event. The wall must never count one object twice, and once everything has settled each
 * KPI must hold exactly what the store holds.
 */

const kpi = (id: string, metric: string): KpiDefinition =>
  KpiSchema.parse({ id, name: id, objective: 'o', metric, aggregation: 'count', window: '1h', target: 1 });
export const KPIS = [kpi('ka', 'a'), kpi('kb', 'b'), kpi('ka2', 'a')];

/** What the evaluator does with what the ledger hands it, per KPI: the serials its window holds. */
class ModelSink implements CountSink {
  readonly windows = new Map<string, { live: boolean; serials: number[] }>();
  readonly defs = new Map(KPIS.map((k) => [k.id, k]));
  constructor(readonly serial: (e: MetricEvent) => number) {
    for (const k of KPIS) this.windows.set(k.id, { live: true, serials: [] });
  }
  observe(events: readonly MetricEvent[]): void {
    for (const e of events)
      for (const k of KPIS) {
        const w = this.windows.get(k.id)!;
        if (w.live && k.metric === e.metric) this.#add(k.id, this.serial(e));
      }
  }
  upsert(def: KpiDefinition, opts: { live: boolean }): void {
    this.windows.set(def.id, { live: opts.live, serials: [] });
  }
  activate(kpiId: string, events: readonly MetricEvent[]): void {
    const w = this.windows.get(kpiId);
    if (!w || w.live) return;
    w.live = true;
    for (const e of events) if (this.defs.get(kpiId)!.metric === e.metric) this.#add(kpiId, this.serial(e));
  }
  kpisReading(metrics: ReadonlySet<string>): string[] {
    return KPIS.filter((k) => metrics.has(k.metric as string)).map((k) => k.id);
  }
  definition(id: string): KpiDefinition | undefined {
    return this.defs.get(id);
  }
  /** A rebuild's read: stored rows, by serial. */
  seed(kpiId: string, serials: readonly number[]): void {
    this.windows.get(kpiId)!.serials.push(...serials);
  }
  #add(kpiId: string, serial: number): void {
    const w = this.windows.get(kpiId)!;
    if (w.serials.includes(serial)) throw new Error(`event #${serial} counted twice on ${kpiId}`);
    w.serials.push(serial);
  }
}

interface Attempt {
  route: CountRoute;
  events: MetricEvent[];
  /** started: stamped and in flight (a drain waits for it); admitted: the store said which are new. */
  phase: 'queued' | 'started' | 'admitted';
  fresh: MetricEvent[];
}

interface Rebuild {
  hold: Hold;
  /** Attempts in flight or queued when it drained: it reads once these settled. */
  waitsFor: Set<Attempt>;
  read: boolean;
  repair?: KpiDefinition[];
}

interface Stored {
  serial: number;
  metric: string;
  id: string;
  receivedAt: number;
}

/** A small seeded generator (the demo's mulberry32), so a failing run can be replayed by its seed. */
export const rng = seededRng;

export class World {
  now = 1_000;
  readonly serials = new WeakMap<MetricEvent, number>();
  readonly logical = new Map<number, number>();
  readonly sink = new ModelSink((e) => this.serials.get(e)!);
  readonly ledger = new CountLedger(this.sink);
  readonly store: Stored[] = [];
  readonly attempts = new Set<Attempt>();
  readonly rebuilds = new Set<Rebuild>();
  /** Logical events a producer will send again after a failed HTTP write. */
  readonly toResend: Array<{ metric: string; id: string; logical: number }> = [];
  nextSerial = 1;
  storeDown = false;
  readonly log: string[] = [];

  constructor(readonly random: () => number) {}

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)]!;
  }

  newEvent(metric: string, id: string, logical?: number): MetricEvent {
    const e: MetricEvent = { metric, id, value: 1, ts: this.now, dims: {} };
    const serial = this.nextSerial++;
    this.serials.set(e, serial);
    this.logical.set(serial, logical ?? serial);
    return e;
  }

  take(route: CountRoute, events: MetricEvent[]): void {
    this.log.push(`take ${route} ${events.map((e) => `#${this.serials.get(e)}${e.metric}${e.id ? `:${e.id}` : ''}`).join(',')}`);
    this.ledger.taken(events, this.now, route);
    const a: Attempt = { route, events, phase: 'queued', fresh: [] };
    this.attempts.add(a);
    // a Kafka batch goes straight to its write; an HTTP row waits in its group
    if (route === 'batch') this.start(a);
  }

  start(a: Attempt): void {
    this.log.push(`start #${a.events.map((e) => this.serials.get(e)).join(',')}`);
    this.ledger.attempting(a.events, this.now);
    a.phase = 'started';
  }

  /** The id check: an id already stored, or in another admitted write, is a repeat (id-guard.ts waits for those). */
  admit(a: Attempt): boolean {
    const inFlight = new Set(
      [...this.attempts].filter((o) => o !== a && o.phase === 'admitted').flatMap((o) => o.fresh.map((e) => `${e.metric}/${e.id}`)),
    );
    if (a.events.some((e) => e.id !== '' && inFlight.has(`${e.metric}/${e.id}`))) return false;
    const stored = new Set(this.store.filter((s) => s.id !== '').map((s) => `${s.metric}/${s.id}`));
    const seen = new Set<string>();
    a.fresh = a.events.filter((e) => {
      if (e.id === '') return true;
      const key = `${e.metric}/${e.id}`;
      if (stored.has(key) || seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    a.phase = 'admitted';
    this.log.push(`admit #${a.fresh.map((e) => this.serials.get(e)).join(',')}`);
    this.ledger.admitted(a.fresh, a.route);
    return true;
  }

  settle(a: Attempt, ok: boolean): void {
    this.attempts.delete(a);
    this.log.push(`${ok ? 'insert' : 'fail'} #${a.fresh.map((e) => this.serials.get(e)).join(',')}`);
    if (ok) {
      for (const e of a.fresh)
        this.store.push({ serial: this.serials.get(e)!, metric: e.metric, id: e.id, receivedAt: this.ledger.takenAt(e) ?? this.now });
      this.ledger.inserted(a.fresh);
      this.#kickRepair();
      return;
    }
    this.ledger.insertFailed(a.fresh);
    const halve = a.events.length > 1 && this.random() < 0.3;
    if (halve) {
      // a permanent error: the same objects again, in halves (isolate-rows.ts), at once
      const mid = Math.floor(a.events.length / 2);
      for (const part of [a.events.slice(0, mid), a.events.slice(mid)]) {
        const p: Attempt = { route: a.route, events: part, phase: 'queued', fresh: [] };
        this.attempts.add(p);
        this.start(p);
      }
    } else if (a.route === 'batch') {
      // Kafka holds the batch and writes the same objects again later
      const p: Attempt = { route: 'batch', events: a.events, phase: 'queued', fresh: [] };
      this.attempts.add(p);
    } else {
      // the HTTP producer got a 503: it sends the same logical events again, as new requests, or gives up
      for (const e of a.events)
        if (this.random() < 0.7) this.toResend.push({ metric: e.metric, id: e.id, logical: this.logical.get(this.serials.get(e)!)! });
    }
  }

  startRebuild(defs: KpiDefinition[], repair?: KpiDefinition[]): void {
    for (const def of defs) {
      const hold = this.ledger.hold(def, this.now);
      this.log.push(`hold ${def.id} line ${this.now}`);
      // ingest.drain(): groups waiting to be written, and writes in flight
      this.rebuilds.add({ hold, waitsFor: new Set(this.attempts), read: false, repair });
    }
    if (defs.length === 0 && repair) this.ledger.repairEnded(repair, true);
  }

  readRebuild(r: Rebuild): void {
    r.read = true;
    if (!this.ledger.holding(r.hold)) return;
    const metric = this.sink.definition(r.hold.kpiId)!.metric;
    const rows = this.store.filter((s) => s.metric === metric && s.receivedAt < r.hold.line);
    this.log.push(`read ${r.hold.kpiId} ${rows.length} rows`);
    this.sink.seed(
      r.hold.kpiId,
      rows.map((s) => s.serial),
    );
  }

  releaseRebuild(r: Rebuild): void {
    this.rebuilds.delete(r);
    this.log.push(`release ${r.hold.kpiId}`);
    this.ledger.release(r.hold);
    if (r.repair && ![...this.rebuilds].some((o) => o.repair === r.repair)) {
      this.ledger.repairEnded(r.repair, true);
      this.#kickRepair();
    }
  }

  #kickRepair(): void {
    if ([...this.rebuilds].some((r) => r.repair)) return;
    const defs = this.ledger.startRepair();
    if (defs) this.startRebuild(defs, defs);
  }

  /** Logical events a KPI's window holds more than once (a lost attempt and its retry). */
  logicalRepeats(kpiId: string): number[] {
    const seen = new Set<number>();
    const repeats: number[] = [];
    for (const serial of this.sink.windows.get(kpiId)!.serials) {
      const logical = this.logical.get(serial)!;
      if (seen.has(logical)) repeats.push(logical);
      seen.add(logical);
    }
    return repeats;
  }

  /** One random step; false when there is nothing left to do but the generator chose to stop. */
  step(): void {
    this.now += 1 + Math.floor(this.random() * 3);
    const r = this.random();
    if (r < 0.2) {
      const route: CountRoute = this.random() < 0.6 ? 'grouped' : 'batch';
      const n = 1 + Math.floor(this.random() * 3);
      const events = Array.from({ length: n }, () =>
        this.newEvent(this.pick(['a', 'b']), this.random() < 0.5 ? '' : `i${Math.floor(this.random() * 6)}`),
      );
      this.take(route, events);
    } else if (r < 0.27 && this.toResend.length > 0) {
      const again = this.toResend.splice(0, 1 + Math.floor(this.random() * this.toResend.length));
      this.take(
        'grouped',
        again.map((x) => this.newEvent(x.metric, x.id, x.logical)),
      );
    } else if (r < 0.33) {
      this.storeDown = !this.storeDown;
    } else if (r < 0.4) {
      const def = this.pick(KPIS);
      this.startRebuild([def]);
    } else if (r < 0.55 && this.rebuilds.size > 0) {
      const rebuild = this.pick([...this.rebuilds]);
      const drained = [...rebuild.waitsFor].every((a) => !this.attempts.has(a));
      if (!drained) return;
      if (!rebuild.read) this.readRebuild(rebuild);
      else this.releaseRebuild(rebuild);
    } else if (this.attempts.size > 0) {
      const a = this.pick([...this.attempts]);
      if (a.phase === 'queued') this.start(a);
      else if (a.phase === 'started') this.admit(a);
      else this.settle(a, !this.storeDown || this.random() < 0.1);
    }
  }

  /** Everything settles: the store takes writes, producers stop resending, rebuilds and repairs finish. */
  settleAll(): void {
    this.storeDown = false;
    this.toResend.length = 0;
    for (let guard = 0; guard < 10_000; guard++) {
      const attempt = [...this.attempts][0];
      if (attempt) {
        if (attempt.phase === 'queued') this.start(attempt);
        else if (attempt.phase === 'started') {
          if (!this.admit(attempt))
            this.settle(
              [...this.attempts].find((o) => o.phase === 'admitted')!,
              true,
            );
        } else this.settle(attempt, true);
        continue;
      }
      const rebuild = [...this.rebuilds][0];
      if (rebuild) {
        if (!rebuild.read) this.readRebuild(rebuild);
        else this.releaseRebuild(rebuild);
        continue;
      }
      this.#kickRepair();
      if (this.rebuilds.size > 0) continue;
      if (!this.ledger.degraded) return;
      // degraded until a write succeeds again: the next event anyone sends
      this.take('batch', [this.newEvent('b', '')]);
    }
    throw new Error('did not settle');
  }
}
