import { describe, expect, it } from 'vitest';
import { EVENT_LIMITS, parseEvent } from './event.ts';

const NOW = Date.UTC(2026, 10, 25, 12, 0, 0);

function reasonFor(raw: unknown): string {
  const r = parseEvent(raw, NOW);
  if (r.ok) throw new Error(`expected a rejection for ${JSON.stringify(raw)}`);
  return r.reason;
}

describe('parseEvent', () => {
  it('accepts a full event and normalises the timestamp to epoch ms', () => {
    const r = parseEvent(
      { metric: 'checkout.orders', value: 1, ts: '2026-11-25T01:02:03.456Z', id: 'e1', dims: { team: 'payments', region: 'eu' } },
      NOW,
    );
    expect(r).toEqual({
      ok: true,
      event: {
        metric: 'checkout.orders',
        value: 1,
        ts: Date.UTC(2026, 10, 25, 1, 2, 3, 456),
        id: 'e1',
        dims: { team: 'payments', region: 'eu' },
      },
    });
  });

  it('defaults ts to the receive time, id to empty and dims to none', () => {
    expect(parseEvent({ metric: 'a', value: -2.5 }, NOW)).toEqual({
      ok: true,
      event: { metric: 'a', value: -2.5, ts: NOW, id: '', dims: {} },
    });
  });

  it('accepts epoch milliseconds and ISO offsets', () => {
    const ms = NOW - 1000;
    expect(parseEvent({ metric: 'a', value: 1, ts: ms }, NOW)).toMatchObject({ ok: true, event: { ts: ms } });
    expect(parseEvent({ metric: 'a', value: 1, ts: '2026-11-25T13:00:00+01:00' }, NOW)).toMatchObject({ ok: true, event: { ts: NOW } });
  });

  it.each([
    ['a missing metric', { value: 1 }, /metric/],
    ['an upper-case metric', { metric: 'Checkout', value: 1 }, /metric may only contain/],
    ['a metric with spaces', { metric: 'a b', value: 1 }, /metric may only contain/],
    ['a metric over 128 characters', { metric: 'a'.repeat(129), value: 1 }, /longer than 128/],
    ['a missing value', { metric: 'a' }, /value/],
    ['a string value', { metric: 'a', value: '1' }, /value/],
    ['an infinite value', { metric: 'a', value: Infinity }, /finite/],
    ['a NaN value', { metric: 'a', value: NaN }, /value must be a finite number/],
    ['1e309 (Infinity after JSON.parse)', JSON.parse('{"metric":"a","value":1e309}'), /value must be a finite number/],
    ['a timestamp without zone', { metric: 'a', value: 1, ts: '2026-11-25T01:02:03' }, /ISO 8601/],
    ['a nonsense timestamp', { metric: 'a', value: 1, ts: 'yesterday' }, /ISO 8601/],
    ['an impossible date', { metric: 'a', value: 1, ts: '2026-13-45T00:00:00Z' }, /not a valid date/],
    ['a timestamp before 2000', { metric: 'a', value: 1, ts: '1999-12-31T23:59:59Z' }, /before 2000/],
    ['a timestamp over a day ahead', { metric: 'a', value: 1, ts: NOW + EVENT_LIMITS.maxFutureSkewMs + 1 }, /future/],
    ['non-string dimension values', { metric: 'a', value: 1, dims: { region: 1 } }, /dims\.region/],
    [
      'too many dimensions',
      { metric: 'a', value: 1, dims: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`k${i}`, 'v'])) },
      /more than 32 keys/,
    ],
    ['a long dimension value', { metric: 'a', value: 1, dims: { k: 'v'.repeat(257) } }, /longer than 256/],
    ['an unknown field', { metric: 'a', value: 1, colour: 'red' }, /unknown field\(s\) colour/],
    ['an array instead of an object', [1, 2], /JSON object/],
    ['null', null, /JSON object/],
    ['a lone surrogate in a dimension value', { metric: 'a', value: 1, dims: { k: 'a\uD800' } }, /^dims\.k: .*not valid Unicode/],
    ['NUL in the id', { metric: 'a', value: 1, id: 'x\u0000' }, /^id: .*control character \(U\+0000\)/],
    [
      'a 10 kB dimension name, clipped in the reason',
      { metric: 'a', value: 1, dims: { ['k'.repeat(10_000)]: 'v' } },
      /^dims\.k{40}…: .*longer than 64/,
    ],
    [
      'a ts that is neither text nor a number',
      { metric: 'a', value: 1, ts: [1] },
      /^ts: ts must be an ISO 8601 string or epoch milliseconds/,
    ],
  ])('rejects %s with a reason naming the problem', (_name, raw, pattern) => {
    expect(reasonFor(raw)).toMatch(pattern);
  });
});

describe('odd but valid text', () => {
  it('keeps RTL overrides, zero-width characters and emoji in dimension values as sent', () => {
    const dims = { a: 'abc\u202Edef', b: 'x\u200By', c: '👩‍👩‍👧‍👦🇪🇺' };
    const parsed = parseEvent({ metric: 'a', value: 1, dims }, NOW);
    expect(parsed.ok && parsed.event.dims).toEqual(dims);
  });
});
