import { describe, expect, it } from 'vitest';
import { parseClientMessage } from '@northstar/shared';
import { parseRoute } from '../router/route.ts';
import { EVERYTHING, MAX_SCOPE_BOARDS, sameScope, scopeChange, scopeForBoards, scopeForRoute } from './scope.ts';

describe('scopeForRoute', () => {
  it('narrows the KPI detail page to its KPI, leaves TV mode to its playlist, and takes everything elsewhere', () => {
    expect(scopeForRoute(parseRoute('#/kpi/orders'))).toEqual({ kpis: ['orders'] });
    expect(scopeForRoute(parseRoute('#/tv?boards=b1'))).toBeNull();
    for (const hash of ['', '#/tree', '#/rules', '#/boards', '#/edit/kpi/orders', '#/nowhere']) {
      expect(scopeForRoute(parseRoute(hash))).toEqual(EVERYTHING);
    }
  });
});

describe('scopeForBoards', () => {
  it('names each board of the playlist with its KPIs', () => {
    expect(
      scopeForBoards([
        { id: 'b1', kpis: ['a', 'b'] },
        { id: 'b2', kpis: ['c'] },
      ]),
    ).toEqual({
      boards: [
        { id: 'b1', kpis: ['a', 'b'] },
        { id: 'b2', kpis: ['c'] },
      ],
    });
  });

  it('takes everything for a board of every KPI, or more boards than one message may name', () => {
    expect(scopeForBoards([{ id: 'all', kpis: [] }])).toEqual(EVERYTHING);
    expect(scopeForBoards([])).toEqual(EVERYTHING);
    const many = Array.from({ length: MAX_SCOPE_BOARDS + 1 }, (_, i) => ({ id: `b${i}`, kpis: ['a'] }));
    expect(scopeForBoards(many)).toEqual(EVERYTHING);
  });
});

describe('scopeChange', () => {
  it('subscribes to the new scope, then drops what the old one named and the new does not', () => {
    expect(scopeChange(EVERYTHING, { kpis: ['orders'] })).toEqual([
      { type: 'subscribe', kpis: ['orders'] },
      { type: 'unsubscribe', all: true },
    ]);
    expect(scopeChange({ boards: [{ id: 'b1', kpis: ['a'] }] }, { boards: [{ id: 'b2', kpis: ['b'] }] })).toEqual([
      { type: 'subscribe', boards: [{ id: 'b2', kpis: ['b'] }] },
      { type: 'unsubscribe', boards: [{ id: 'b1', kpis: [] }] },
    ]);
    expect(scopeChange({ kpis: ['orders'] }, EVERYTHING)).toEqual([
      { type: 'subscribe', all: true },
      { type: 'unsubscribe', kpis: ['orders'] },
    ]);
  });

  it('sends nothing when the scope is the same, and only a subscribe when it grows', () => {
    expect(scopeChange({ kpis: ['a', 'b'] }, { kpis: ['b', 'a'] })).toEqual([]);
    expect(sameScope({ kpis: ['a'] }, { kpis: ['a'], objectives: [] })).toBe(true);
    expect(scopeChange({ kpis: ['a'] }, { kpis: ['a', 'b'] })).toEqual([{ type: 'subscribe', kpis: ['a', 'b'] }]);
  });

  it('speaks the protocol: every message it builds passes the server’s schema', () => {
    const changes = [
      ...scopeChange(EVERYTHING, { boards: [{ id: 'b1', kpis: ['a'] }] }),
      ...scopeChange({ boards: [{ id: 'b1', kpis: ['a'] }] }, { kpis: ['x'] }),
    ];
    for (const m of changes) expect(parseClientMessage(JSON.stringify(m))).toEqual({ ok: true, message: m });
  });
});
