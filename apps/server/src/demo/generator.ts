import type { MetricEvent } from '@northstar/shared';
import {
  INCIDENT_EVERY_MS,
  INCIDENT_MAX_MS,
  INCIDENT_MIN_MS,
  STREAMS,
  dailyFactor,
  type Incident,
  type Rng,
  type StreamSpec,
} from './scenario.ts';

/** mulberry32: a small seeded generator, so a demo run (and a test) can be replayed. */
export function seededRng(seed: number): Rng {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const expGap = (rng: Rng, perSecond: number): number => (-Math.log(1 - rng()) / perSecond) * 1000;

/**
 * Generates the demo company's events for consecutive time ranges: Poisson arrivals
 * whose rate follows the time of day and incidents. Each stream and the incident
 * schedule draw from their own seeded generator, so the output does not depend on
 * how the time is cut into ranges.
 */
export class DemoGenerator {
  readonly #streams: Array<{ spec: StreamSpec; rng: Rng; next: number }>;
  readonly #incidentRng: Rng;
  /** Incidents in time order, extended lazily as far as asked. */
  readonly #incidents: Incident[] = [];
  #incidentsKnownUntil: number;
  #seq = 0;
  readonly #runId: string;

  constructor(seed: number, startMs: number) {
    this.#runId = `demo-${seed}-${startMs}`;
    this.#incidentRng = seededRng(seed);
    this.#incidentsKnownUntil = startMs;
    this.#streams = STREAMS.map((spec, i) => {
      const rng = seededRng(seed * 1000 + i + 1);
      return { spec, rng, next: startMs + expGap(rng, spec.peakPerSecond) };
    });
  }

  /** The incident in force at `ts`, if any. */
  incidentAt(ts: number): Incident | undefined {
    while (this.#incidentsKnownUntil <= ts) {
      const start = this.#incidentsKnownUntil + expGap(this.#incidentRng, 1000 / INCIDENT_EVERY_MS);
      const kinds: Incident['kind'][] = ['api', 'payments', 'support'];
      const kind = kinds[Math.floor(this.#incidentRng() * kinds.length)] as Incident['kind'];
      const end = start + INCIDENT_MIN_MS + this.#incidentRng() * (INCIDENT_MAX_MS - INCIDENT_MIN_MS);
      this.#incidents.push({ kind, startMs: start, endMs: end });
      this.#incidentsKnownUntil = end;
    }
    // drop incidents every stream has passed; the list stays a handful long
    const oldest = Math.min(...this.#streams.map((s) => s.next));
    while (this.#incidents.length > 1 && (this.#incidents[0] as Incident).endMs < oldest) this.#incidents.shift();
    return this.#incidents.find((i) => ts >= i.startMs && ts < i.endMs);
  }

  /** Events with timestamps up to `toMs` (exclusive) not generated before, sorted by time. */
  generate(toMs: number): MetricEvent[] {
    const out: MetricEvent[] = [];
    for (const stream of this.#streams) {
      const { spec, rng } = stream;
      while (stream.next < toMs) {
        const at = stream.next;
        const incident = this.incidentAt(at);
        out.push({ metric: spec.metric, value: spec.value(rng, incident), ts: Math.floor(at), id: '', dims: spec.dims(rng) });
        const boost = incident ? (spec.incidentRate?.[incident.kind] ?? 1) : 1;
        stream.next = at + expGap(rng, spec.peakPerSecond * dailyFactor(at) * boost);
      }
    }
    out.sort((a, b) => a.ts - b.ts);
    for (const e of out) e.id = `${this.#runId}-${++this.#seq}`;
    return out;
  }
}
