import type { Annotation, Checkin } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { buildTimeline, formToAnnotation, newestTs } from './timeline.ts';
import { RANGE_MS, isRangePreset, rangeStart } from './range.ts';

const annotation: Annotation = { id: 'a1', kpi: 'orders', ts: 2_000, kind: 'deploy', text: 'v2', author: 'ana' };
const checkins: Checkin[] = [
  { id: 'c1', subject: { kind: 'kpi', id: 'orders' }, confidence: 'low', narrative: 'slow week', author: 'bo', at: 3_000 },
  { id: 'c0', subject: { kind: 'kpi', id: 'orders' }, confidence: 'high', narrative: 'fine', author: 'bo', at: 1_000 },
];

describe('buildTimeline', () => {
  it('merges annotations and check-ins, newest first', () => {
    const items = buildTimeline([annotation], checkins);
    expect(items.map((i) => [i.type, i.ts, i.text])).toEqual([
      ['checkin', 3_000, 'slow week'],
      ['annotation', 2_000, 'v2'],
      ['checkin', 1_000, 'fine'],
    ]);
    expect(items[0]).toMatchObject({ confidence: 'low', author: 'bo', key: 'c:c1' });
    expect(items[1]).toMatchObject({ kind: 'deploy', author: 'ana', key: 'a:a1' });
  });

  it('orders ties stably and is empty without input', () => {
    const tie = buildTimeline([{ ...annotation, ts: 3_000 }], [checkins[0] as Checkin]);
    expect(tie.map((i) => i.key)).toEqual(['a:a1', 'c:c1']);
    expect(buildTimeline([], [])).toEqual([]);
  });

  it('finds the newest time', () => {
    expect(newestTs(buildTimeline([annotation], checkins))).toBe(3_000);
    expect(newestTs([])).toBeNull();
  });
});

describe('formToAnnotation', () => {
  it('builds the body with trimmed text and no time (the server stamps now)', () => {
    expect(formToAnnotation('orders', 'campaign', '  Black Friday ')).toEqual({
      body: { kpi: 'orders', kind: 'campaign', text: 'Black Friday' },
      problems: [],
    });
  });

  it('names an empty text, a text too long and an unknown kind', () => {
    expect(formToAnnotation('orders', 'deploy', '   ').problems).toEqual([{ field: 'text', message: 'say what happened' }]);
    expect(formToAnnotation('orders', 'deploy', 'x'.repeat(1001)).problems.map((p) => p.field)).toEqual(['text']);
    expect(formToAnnotation('orders', 'party', 'x').problems.map((p) => p.field)).toEqual(['kind']);
  });
});

describe('range presets', () => {
  it('start their length before now', () => {
    expect(rangeStart('1h', 10_000_000)).toBe(10_000_000 - 3_600_000);
    expect(RANGE_MS['7d']).toBe(7 * RANGE_MS['24h']);
    expect(isRangePreset('7d')).toBe(true);
    expect(isRangePreset('30d')).toBe(true);
    expect(isRangePreset('90d')).toBe(false);
    expect(isRangePreset(null)).toBe(false);
  });
});
