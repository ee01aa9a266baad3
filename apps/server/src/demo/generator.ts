import type { MetricEvent } from '@northstar/shared';
import { INCIDENT_EVERY_MS, INCIDENT_MAX_MS, INCIDENT_MIN_MS, STREAMS, dailyFactor, type Incident, type Rng, type StreamSpec } from './scenario.ts';

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
 * whose rate follows the time of day and incidents. Stateful only in where each
 * stream's next event falls, so ranges can be asked for in any size.
 */
export class DemoGenerator {
  readonly #rng: Rng;
  readonly #next = new Map<StreamSpec, number>();
  #incident: Incident | undefined;
  #nextIncidentAt: number;
  #seq = 0;
  readonly #runId: string;

  constructor(seed: number, startMs: number) {
    this.#rng = seededRng(seed);
    this.#runId = `demo-${seed}-${startMs}`;
    this.#nextIncidentAt = startMs + expGap(this.#rng, 1000 / INCIDENT_EVERY_MS);
    for (const s of STREAMS) this.#next.set(s, startMs + expGap(this.#rng, s.peakPerSecond));
  }

  get incident(): Incident | undefined {
    return this.#incident;
  }

  #incidentAt(ts: number): Incident | undefined {
    if (this.#incident && ts >= this.#incident.endMs) this.#incident = undefined;
    if (!this.#incident && ts >= this.#nextIncidentAt) {
      const kinds: Incident['kind'][] = ['api', 'payments', 'support'];
      const kind = kinds[Math.floor(this.#rng() * kinds.length)] as Incident['kind'];
      const length = INCIDENT_MIN_MS + this.#rng() * (INCIDENT_MAX_MS - INCIDENT_MIN_MS);
      this.#incident = { kind, startMs: ts, endMs: ts + length };
      this.#nextIncidentAt = ts + length + expGap(this.#rng, 1000 / INCIDENT_EVERY_MS);
    }
    return this.#incident;
  }

  /** Events with timestamps in [fromMs, toMs), in time order per stream. */
  generate(toMs: number): MetricEvent[] {
    const out: MetricEvent[] = [];
    for (const stream of STREAMS) {
      let at = this.#next.get(stream) ?? toMs;
      while (at < toMs) {
        const incident = this.#incidentAt(at);
        out.push({ metric: stream.metric, value: stream.value(this.#rng, incident), ts: Math.floor(at), id: `${this.#runId}-${++this.#seq}`, dims: stream.dims(this.#rng) });
        const boost = incident ? (stream.incidentRate?.[incident.kind] ?? 1) : 1;
        at += expGap(this.#rng, stream.peakPerSecond * dailyFactor(at) * boost);
      }
      this.#next.set(stream, at);
    }
    out.sort((a, b) => a.ts - b.ts);
    return out;
  }
}
