import { describe, expect, it } from 'vitest';
import { parseEvent } from '@northstar/shared';
import { DemoGenerator } from './generator.ts';
import { STREAMS, dailyFactor } from './scenario.ts';

const T0 = Date.UTC(2026, 10, 25, 0, 0, 0);

describe('DemoGenerator', () => {
  it('replays the same stream for the same seed, whatever the chunking', () => {
    const a = new DemoGenerator(7, T0);
    const b = new DemoGenerator(7, T0);
    const whole = a.generate(T0 + 600_000);
    const parts = [...b.generate(T0 + 200_000), ...b.generate(T0 + 600_000)];
    expect(parts.map((e) => [e.metric, e.ts, e.value])).toEqual(whole.map((e) => [e.metric, e.ts, e.value]));
  });

  it('produces valid events for every demo stream, with unique ids', () => {
    const events = new DemoGenerator(1, T0).generate(T0 + 3_600_000);
    for (const e of events) expect(parseEvent(e, T0 + 3_600_000).ok).toBe(true);
    expect(new Set(events.map((e) => e.id)).size).toBe(events.length);
    const frequent = STREAMS.filter((s) => s.peakPerSecond >= 0.01).map((s) => s.metric);
    expect(new Set(events.map((e) => e.metric))).toEqual(expect.objectContaining(new Set(frequent)));
  });

  it('follows the day: more traffic at 16:00 than at 04:00 UTC', () => {
    expect(dailyFactor(T0 + 16 * 3_600_000)).toBeGreaterThan(2 * dailyFactor(T0 + 4 * 3_600_000));
  });
});
