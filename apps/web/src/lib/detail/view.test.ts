import { describe, expect, it } from 'vitest';
import {
  DEFAULT_VIEW,
  formatInstant,
  isValidDim,
  parseInstant,
  parseView,
  sameRange,
  serializeView,
  toggled,
  withView,
  zoomRange,
  type HistoryView,
} from './view.ts';

const T0 = Date.UTC(2026, 2, 1);
const T1 = Date.UTC(2026, 2, 8, 12, 30);

describe('parseView', () => {
  it('gives the default view for an empty query', () => {
    expect(parseView('')).toEqual(DEFAULT_VIEW);
    expect(parseView('?')).toEqual(DEFAULT_VIEW);
  });

  it('reads every part of the view', () => {
    expect(parseView('range=7d&compare=previous&dim=region&hide=anomalies,alerts')).toEqual({
      range: { kind: 'preset', preset: '7d' },
      compare: ['previous'],
      dim: 'region',
      hide: ['anomalies', 'alerts'],
    });
  });

  it('prefers a custom from/to over a preset and reads ISO or epoch ms', () => {
    expect(parseView(`range=7d&from=2026-03-01T00:00:00Z&to=2026-03-08T12:30:00.000Z`).range).toEqual({ kind: 'custom', from: T0, to: T1 });
    expect(parseView(`from=${T0}&to=${T1}`).range).toEqual({ kind: 'custom', from: T0, to: T1 });
    expect(parseView('from=2026-03-01T00:00:00%3A00Z&to=2026-03-08T12:30Z').range).toEqual(DEFAULT_VIEW.range);
  });

  it('drops what is wrong instead of failing', () => {
    expect(parseView('range=3y').range).toEqual(DEFAULT_VIEW.range);
    // only one end, the ends reversed, or less than a minute
    expect(parseView(`from=${T0}`).range).toEqual(DEFAULT_VIEW.range);
    expect(parseView(`from=${T1}&to=${T0}&range=30d`).range).toEqual({ kind: 'preset', preset: '30d' });
    expect(parseView(`from=${T0}&to=${T0 + 59_000}`).range).toEqual(DEFAULT_VIEW.range);
    expect(parseView('from=yesterday&to=today').range).toEqual(DEFAULT_VIEW.range);
    expect(parseView('compare=yesterday,last_year,previous,previous').compare).toEqual(['previous', 'last_year']);
    expect(parseView('dim=region;drop').dim).toBeNull();
    expect(parseView(`dim=${'x'.repeat(65)}`).dim).toBeNull();
    expect(parseView('hide=everything,notes,target').hide).toEqual(['target', 'notes']);
  });
});

describe('serializeView', () => {
  it('leaves the default view out', () => {
    expect(serializeView(DEFAULT_VIEW)).toBe('');
  });

  it('writes a readable query in a fixed order', () => {
    const view: HistoryView = {
      range: { kind: 'preset', preset: '7d' },
      compare: ['last_year', 'previous'],
      dim: 'region',
      hide: ['notes', 'anomalies'],
    };
    expect(serializeView(view)).toBe('range=7d&compare=previous,last_year&dim=region&hide=anomalies,notes');
    expect(serializeView(withView(DEFAULT_VIEW, { range: { kind: 'custom', from: T0, to: T1 + 5 } }))).toBe(
      'from=2026-03-01T00:00:00Z&to=2026-03-08T12:30:00.005Z',
    );
  });

  it('round-trips through parseView', () => {
    const views: HistoryView[] = [
      DEFAULT_VIEW,
      withView(DEFAULT_VIEW, { range: { kind: 'preset', preset: '1h' } }),
      withView(DEFAULT_VIEW, { range: { kind: 'preset', preset: 'qtd' }, compare: ['previous', 'last_year'] }),
      withView(DEFAULT_VIEW, { range: { kind: 'preset', preset: 'ytd' }, dim: 'a.b-c_d' }),
      {
        range: { kind: 'custom', from: T0, to: T1 },
        compare: ['last_year'],
        dim: 'country',
        hide: ['target', 'anomalies', 'alerts', 'notes'],
      },
      { range: { kind: 'custom', from: T0 + 123, to: T1 + 999 }, compare: [], dim: null, hide: ['alerts'] },
    ];
    for (const view of views) expect(parseView(serializeView(view))).toEqual(view);
  });

  it('round-trips a canonical query', () => {
    for (const query of ['range=30d&compare=last_year', 'from=2026-03-01T00:00:00Z&to=2026-03-08T12:30:00Z&dim=region&hide=target']) {
      expect(serializeView(parseView(query))).toBe(query);
    }
  });
});

describe('view helpers', () => {
  it('validates dimension names as the API does', () => {
    for (const ok of ['region', 'a.b', 'A-Z_0-9', 'x'.repeat(64)]) expect(isValidDim(ok)).toBe(true);
    for (const bad of ['', 'x'.repeat(65), 'a b', 'a;b', 'région', "a'b"]) expect(isValidDim(bad)).toBe(false);
  });

  it('reads and writes instants', () => {
    expect(formatInstant(T0)).toBe('2026-03-01T00:00:00Z');
    expect(parseInstant('2026-03-01T00:00Z')).toBe(T0);
    expect(parseInstant('2026-03-01')).toBeNull();
    expect(parseInstant('2026-03-01T00:00:00+01:00')).toBeNull();
    expect(parseInstant(null)).toBeNull();
  });

  it('toggles list members and compares ranges', () => {
    expect(toggled(['previous'], 'last_year', true)).toEqual(['previous', 'last_year']);
    expect(toggled(['previous', 'last_year'], 'previous', false)).toEqual(['last_year']);
    expect(toggled(['previous'], 'previous', true)).toEqual(['previous']);
    expect(sameRange({ kind: 'preset', preset: '7d' }, { kind: 'preset', preset: '7d' })).toBe(true);
    expect(sameRange({ kind: 'preset', preset: '7d' }, { kind: 'custom', from: 1, to: 2 })).toBe(false);
    expect(sameRange({ kind: 'custom', from: 1, to: 2 }, { kind: 'custom', from: 1, to: 3 })).toBe(false);
  });

  it('turns a zoom into a whole-second custom range of at least a minute', () => {
    expect(zoomRange(T0 + 400, T1 + 400)).toEqual({ kind: 'custom', from: T0, to: T1 + 1000 });
    expect(zoomRange(T0, T0 + 30_000)).toBeNull();
    expect(zoomRange(Number.NaN, T1)).toBeNull();
  });
});
