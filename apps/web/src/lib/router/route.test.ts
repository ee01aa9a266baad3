import { describe, expect, it } from 'vitest';
import { DEFAULT_VIEW, withView, type HistoryView } from '../detail/view.ts';
import type { RangePreset } from '../detail/range.ts';
import { parseRoute, routeHref } from './route.ts';

const preset = (p: RangePreset): HistoryView => withView(DEFAULT_VIEW, { range: { kind: 'preset', preset: p } });

describe('parseRoute', () => {
  it('makes the wall the default', () => {
    expect(parseRoute('')).toEqual({ page: 'wall' });
    expect(parseRoute('#')).toEqual({ page: 'wall' });
    expect(parseRoute('#/')).toEqual({ page: 'wall' });
  });

  it('parses the tree and the reviews', () => {
    expect(parseRoute('#/tree')).toEqual({ page: 'tree' });
    expect(parseRoute('#/reviews/')).toEqual({ page: 'reviews' });
    expect(parseRoute('#/rules')).toEqual({ page: 'rules' });
  });

  it('parses the rule editor', () => {
    expect(parseRoute('#/edit/rule/spike')).toEqual({ page: 'edit', kind: 'rule', id: 'spike', preset: {} });
    expect(parseRoute('#/edit/board/night-shift')).toEqual({ page: 'edit', kind: 'board', id: 'night-shift', preset: {} });
    expect(parseRoute('#/edit/board/new')).toEqual({ page: 'edit', kind: 'board', id: null, preset: {} });
    expect(routeHref({ page: 'edit', kind: 'board', id: null })).toBe('#/edit/board/new');
    expect(parseRoute('#/edit/rule/new?kpi=errors')).toEqual({ page: 'edit', kind: 'rule', id: null, preset: { kpi: 'errors' } });
  });

  it('parses editors for an existing or a new subject', () => {
    expect(parseRoute('#/edit/kpi/orders')).toEqual({ page: 'edit', kind: 'kpi', id: 'orders', preset: {} });
    expect(parseRoute('#/edit/objective/new')).toEqual({ page: 'edit', kind: 'objective', id: null, preset: {} });
    expect(parseRoute('#/edit/kpi/new?objective=grow')).toEqual({ page: 'edit', kind: 'kpi', id: null, preset: { objective: 'grow' } });
    expect(parseRoute('#/edit/kpi/a%2Eb')).toMatchObject({ id: 'a.b' });
  });

  it("parses an objective's digest page", () => {
    expect(parseRoute('#/digest/grow')).toEqual({ page: 'digest', id: 'grow' });
    expect(parseRoute('#/digest/a%2Fb')).toEqual({ page: 'digest', id: 'a/b' });
    expect(routeHref({ page: 'digest', id: 'a/b' })).toBe('#/digest/a%2Fb');
    expect(parseRoute('#/digest')).toEqual({ page: 'not_found', hash: '#/digest' });
    expect(parseRoute('#/digest/a/b')).toEqual({ page: 'not_found', hash: '#/digest/a/b' });
  });

  it('parses check-ins for objectives, KPIs and goals', () => {
    expect(parseRoute('#/checkin/goal/ana-q4')).toEqual({ page: 'checkin', kind: 'goal', id: 'ana-q4' });
    expect(parseRoute('#/checkin/kpi/orders')).toEqual({ page: 'checkin', kind: 'kpi', id: 'orders' });
  });

  it('parses a KPI detail page with its range, defaulting to 24 h', () => {
    expect(parseRoute('#/kpi/orders')).toEqual({ page: 'kpi', id: 'orders', view: preset('24h') });
    expect(parseRoute('#/kpi/orders/')).toEqual({ page: 'kpi', id: 'orders', view: preset('24h') });
    expect(parseRoute('#/kpi/orders?range=7d')).toEqual({ page: 'kpi', id: 'orders', view: preset('7d') });
    expect(parseRoute('#/kpi/orders?range=1h')).toEqual({ page: 'kpi', id: 'orders', view: preset('1h') });
    expect(parseRoute('#/kpi/orders?range=ytd')).toEqual({ page: 'kpi', id: 'orders', view: preset('ytd') });
    expect(parseRoute('#/kpi/orders?range=3y')).toEqual({ page: 'kpi', id: 'orders', view: preset('24h') });
    expect(parseRoute('#/kpi/a%2Eb')).toMatchObject({ page: 'kpi', id: 'a.b' });
  });

  it('parses the whole history view of a KPI', () => {
    expect(parseRoute('#/kpi/orders?range=7d&compare=previous&dim=region&hide=anomalies')).toEqual({
      page: 'kpi',
      id: 'orders',
      view: { range: { kind: 'preset', preset: '7d' }, compare: ['previous'], dim: 'region', hide: ['anomalies'] },
    });
    expect(parseRoute('#/kpi/orders?from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z')).toMatchObject({
      view: { range: { kind: 'custom', from: Date.UTC(2026, 2, 1), to: Date.UTC(2026, 2, 2) } },
    });
  });

  it('rejects what it does not know', () => {
    for (const hash of [
      '#/kpi',
      '#/kpi/a/b',
      '#/kpi/%E0%A4%A',
      '#/nope',
      '#/edit/goal/x',
      '#/edit/kpi',
      '#/checkin/team/x',
      '#/tree/x',
      '#/rules/x',
      '#/edit/kpi/a/b',
      '#/edit/kpi/%E0%A4%A',
    ]) {
      expect(parseRoute(hash)).toEqual({ page: 'not_found', hash });
    }
  });
});

describe('routeHref', () => {
  it('round-trips through parseRoute', () => {
    const routes = [
      { page: 'wall' },
      { page: 'tree' },
      { page: 'reviews' },
      { page: 'rules' },
      { page: 'edit', kind: 'rule', id: 'spike', preset: {} },
      { page: 'edit', kind: 'kpi', id: 'orders.eu', preset: {} },
      { page: 'edit', kind: 'objective', id: null, preset: { parent: 'grow' } },
      { page: 'checkin', kind: 'goal', id: 'g-1' },
      { page: 'kpi', id: 'orders.eu', view: preset('24h') },
      { page: 'kpi', id: 'a/b c', view: preset('7d') },
      {
        page: 'kpi',
        id: 'x',
        view: { range: { kind: 'custom', from: 1_000_000_000_000, to: 1_000_000_060_000 }, compare: ['last_year'], dim: 'a.b', hide: [] },
      },
    ] as const;
    for (const route of routes) expect(parseRoute(routeHref(route))).toEqual(route);
  });

  it('leaves the default range out of a KPI link', () => {
    expect(routeHref({ page: 'kpi', id: 'orders' })).toBe('#/kpi/orders');
    expect(routeHref({ page: 'kpi', id: 'orders', range: '24h' })).toBe('#/kpi/orders');
    expect(routeHref({ page: 'kpi', id: 'orders', range: '7d' })).toBe('#/kpi/orders?range=7d');
    expect(routeHref({ page: 'kpi', id: 'orders', view: preset('24h') })).toBe('#/kpi/orders');
    expect(routeHref({ page: 'kpi', id: 'orders', view: { ...preset('30d'), compare: ['previous'], dim: 'region' } })).toBe(
      '#/kpi/orders?range=30d&compare=previous&dim=region',
    );
  });
});

describe('TV mode and boards', () => {
  it('parses the playlist and the rotation override', () => {
    expect(parseRoute('#/boards')).toEqual({ page: 'boards' });
    expect(parseRoute('#/tv')).toEqual({ page: 'tv', boards: [], rotate: null });
    expect(parseRoute('#/tv?boards=b1,b2')).toEqual({ page: 'tv', boards: ['b1', 'b2'], rotate: null });
    expect(parseRoute('#/tv?boards=b1,,b1,%20b2&rotate=12')).toEqual({ page: 'tv', boards: ['b1', 'b2'], rotate: 12 });
  });

  it('keeps the rotation within bounds and ignores a bad one', () => {
    expect(parseRoute('#/tv?rotate=1')).toMatchObject({ rotate: 5 });
    expect(parseRoute('#/tv?rotate=99999')).toMatchObject({ rotate: 3600 });
    expect(parseRoute('#/tv?rotate=soon')).toMatchObject({ rotate: null });
    expect(parseRoute('#/tv?rotate=0')).toMatchObject({ rotate: null });
  });

  it('round-trips the TV link', () => {
    expect(routeHref({ page: 'boards' })).toBe('#/boards');
    expect(routeHref({ page: 'tv' })).toBe('#/tv');
    const href = routeHref({ page: 'tv', boards: ['ops', 'sales team'], rotate: 20 });
    expect(href).toBe('#/tv?boards=ops,sales%20team&rotate=20');
    expect(parseRoute(href)).toEqual({ page: 'tv', boards: ['ops', 'sales team'], rotate: 20 });
  });
});
