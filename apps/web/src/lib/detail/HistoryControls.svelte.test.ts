import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { HistoryControls, ZOOM_SETTLE_MS } from './HistoryControls.svelte.ts';
import { DEFAULT_VIEW, type HistoryView } from './view.ts';

const H = 3_600_000;
// 2026-03-02 10:00 UTC = 11:00 in Berlin
const T0 = Date.UTC(2026, 2, 2, 10);

function setup(view: HistoryView = DEFAULT_VIEW, zone = 'Europe/Berlin') {
  const asked: Partial<HistoryView>[] = [];
  const controls = new HistoryControls(view, {
    zone: () => zone,
    shown: () => ({ from: T0 - 24 * H, to: T0 }),
    navigate: (change) => asked.push(change),
  });
  return { controls, asked };
}

describe('the custom range', () => {
  it('opens pre-filled with the range the chart shows, in the KPI time zone, and closes again', () => {
    const { controls } = setup();
    expect(controls.showCustom).toBe(false);
    controls.toggleCustom();
    expect(controls.showCustom).toBe(true);
    expect(controls.customFrom).toBe('2026-03-01T11:00');
    expect(controls.customTo).toBe('2026-03-02T11:00');
    controls.toggleCustom();
    expect(controls.showCustom).toBe(false);
  });

  it('asks for the range typed, as instants in the KPI time zone', () => {
    const { controls, asked } = setup();
    controls.customFrom = '2026-03-02T09:00';
    controls.customTo = '2026-03-02T11:30';
    controls.applyCustom();
    expect(controls.customError).toBeNull();
    expect(asked).toEqual([{ range: { kind: 'custom', from: Date.UTC(2026, 2, 2, 8), to: Date.UTC(2026, 2, 2, 10, 30) } }]);
  });

  it('refuses a missing end or an end before the start, saying which, and asks for nothing', () => {
    const { controls, asked } = setup();
    controls.customFrom = '2026-03-02T09:00';
    controls.customTo = '';
    controls.applyCustom();
    expect(controls.customError).toBe('Give both a start and an end date and time.');
    controls.customTo = '2026-03-02T08:00';
    controls.applyCustom();
    expect(controls.customError).toBe('The end must be at least a minute after the start.');
    expect(asked).toEqual([]);
  });

  it('follows a custom view from the URL: shown, filled with it, the last error gone; a custom view stays open', () => {
    const { controls } = setup();
    controls.customError = 'old';
    controls.follow({ ...DEFAULT_VIEW, range: { kind: 'custom', from: T0 - 2 * H, to: T0 } });
    expect(controls.showCustom).toBe(true);
    expect(controls.customFrom).toBe('2026-03-02T09:00');
    expect(controls.customTo).toBe('2026-03-02T11:00');
    expect(controls.customError).toBeNull();
    controls.toggleCustom();
    expect(controls.showCustom).toBe(true);
  });
});

describe('the dimension field', () => {
  it('starts with the view dimension and follows the URL, dropping what was typed and its error', () => {
    const { controls } = setup({ ...DEFAULT_VIEW, dim: 'region' });
    expect(controls.dimText).toBe('region');
    controls.dimText = 'bad name!';
    controls.applyDim();
    expect(controls.dimError).toMatch(/1 to 64 letters/);
    controls.follow({ ...DEFAULT_VIEW, dim: 'country' });
    expect(controls.dimText).toBe('country');
    expect(controls.dimError).toBeNull();
  });

  it('asks for the trimmed dimension, or for none when the field is empty', () => {
    const { controls, asked } = setup();
    controls.dimText = '  channel ';
    controls.applyDim();
    controls.dimText = '   ';
    controls.applyDim();
    expect(asked).toEqual([{ dim: 'channel' }, { dim: null }]);
  });
});

describe('zooming', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('asks only for the last zoom of a burst, once it has settled, and nothing after stop', () => {
    const { controls, asked } = setup();
    controls.zoom(T0 - 4 * H, T0);
    vi.advanceTimersByTime(ZOOM_SETTLE_MS - 1);
    controls.zoom(T0 - 2 * H + 0.4, T0 - 0.4);
    vi.advanceTimersByTime(ZOOM_SETTLE_MS - 1);
    expect(asked).toEqual([]);
    vi.advanceTimersByTime(1);
    // whole seconds, widened outwards
    expect(asked).toEqual([{ range: { kind: 'custom', from: T0 - 2 * H, to: T0 } }]);
    controls.zoom(T0 - H, T0);
    controls.stop();
    vi.advanceTimersByTime(ZOOM_SETTLE_MS);
    expect(asked).toHaveLength(1);
  });

  it('ignores a zoom narrower than the shortest range', () => {
    const { controls, asked } = setup();
    controls.zoom(T0 - 1000, T0);
    vi.advanceTimersByTime(ZOOM_SETTLE_MS);
    expect(asked).toEqual([]);
  });
});
