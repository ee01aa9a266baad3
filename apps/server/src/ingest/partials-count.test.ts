import { describe, expect, it } from 'vitest';
import { KpiSchema, type MetricEvent } from '@northstar/shared';
import { KpiEvaluator } from '../evaluate/evaluator.ts';
import { capturingLog } from '../observe/log-capture.fixture.ts';
import { decodePartials } from '../partials/codec.ts';
import { kafkaSource, tagSource } from '../partials/source-tag.ts';
import { PartialsCount } from './partials-count.ts';

const kpis = [
  KpiSchema.parse({ id: 'n', name: 'N', objective: 'o', metric: 'm', aggregation: 'count', window: '1h', target: 1 }),
  KpiSchema.parse({ id: 'p95', name: 'P', objective: 'o', metric: 'm', aggregation: 'p95', window: '1h', target: 1 }),
];

/** Two instances on one in-memory topic: every message crosses the wire to both, in order. */
function twoInstances() {
  const make = (name: string) => {
    const evaluator = new KpiEvaluator(kpis);
    const count = new PartialsCount({ evaluator, localSource: `node-${name}`, log: capturingLog().log });
    return { evaluator, count };
  };
  const a = make('a');
  const b = make('b');
  let offset = 0;
  const publisher = {
    publish: async (messages: Array<{ key: string; value: string }>) => {
      const decoded = messages.map((m) => decodePartials(m.key, m.value, `topic@${offset++}`));
      for (const x of [a, b]) x.count.receive(decoded);
    },
  };
  a.count.connect(publisher);
  b.count.connect(publisher);
  return { a, b };
}

const event = (i: number, now: number): MetricEvent => ({
  metric: 'm',
  value: 1 + (i % 97),
  ts: now - (i % 50) * 1000,
  id: `e${i}`,
  dims: {},
});

function valueOf(evaluator: KpiEvaluator, id: string, now: number): number | null {
  evaluator.evaluate(now);
  return evaluator.state(id)?.value ?? null;
}

describe('counting through partials', () => {
  it('every instance shows events counted by either, HTTP and Kafka alike, and a rebuilt window counts each once', async () => {
    const { a, b } = twoInstances();
    const now = Date.now();
    const source = kafkaSource('t', 0);
    const kafkaEvents = Array.from({ length: 600 }, (_, i) => event(i, now));
    kafkaEvents.forEach((e, i) => tagSource(e, { source, offset: String(i) }));
    await a.count.adopt(source);
    a.count.observe(kafkaEvents.slice(0, 300));
    await a.count.publishSource(source, '299');
    a.count.observe(kafkaEvents.slice(300));
    await a.count.publishSource(source, '599');
    b.count.observe(Array.from({ length: 200 }, (_, i) => event(1000 + i, now)));
    await b.count.flushLocal();
    for (const x of [a, b]) expect(valueOf(x.evaluator, 'n', now)).toBe(800);
    const p95 = valueOf(a.evaluator, 'p95', now);
    expect(valueOf(b.evaluator, 'p95', now)).toBe(p95);
    // a model change: the KPI gets a fresh window (held), then takes the kept partials again
    a.count.upsert(kpis[0]!, { live: false });
    expect(valueOf(a.evaluator, 'n', now)).toBeNull();
    a.count.activate('n', []);
    expect(valueOf(a.evaluator, 'n', now)).toBe(800);
    // and keeps counting after it
    b.count.observe([event(5000, now)]);
    await b.count.flushLocal();
    expect(valueOf(a.evaluator, 'n', now)).toBe(801);
    for (const x of [a, b]) x.count.close();
  });

  it('a new owner continues from what the old one published and counts what it stored without publishing, once', async () => {
    const { a, b } = twoInstances();
    const now = Date.now();
    const source = kafkaSource('t', 1);
    const all = Array.from({ length: 400 }, (_, i) => event(i, now));
    all.forEach((e, i) => tagSource(e, { source, offset: String(i) }));
    // A: 0..199 published; announces 200..299, stores them, dies before publishing
    expect(await a.count.adopt(source)).toBeUndefined();
    a.count.observe(all.slice(0, 200));
    await a.count.publishSource(source, '199');
    await a.count.announce(source, '299');
    a.count.observe(all.slice(200, 300));
    // B takes over, committed offset 150: re-reads 150..399; the store had 150..299, so they do not count
    const range = b.count.adopt(source);
    expect(range).toEqual({ after: 199n, upTo: 299n });
    const reread = all.slice(150);
    const counted = new Set(all.slice(300));
    b.count.countedBy((e) => counted.has(e));
    b.count.observe(reread.filter((e) => counted.has(e)));
    expect(b.count.recover(reread, range!)).toBe(100);
    await b.count.publishSource(source, '399');
    for (const x of [a, b]) expect(valueOf(x.evaluator, 'n', now)).toBe(400);
    for (const x of [a, b]) x.count.close();
  });
});
