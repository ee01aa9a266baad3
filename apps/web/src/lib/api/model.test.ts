import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from './client.ts';
import { deleteDefinition, getDefinition, loadDefinition, mergePatch, saveDefinition, splitVersioned } from './model.ts';

describe('mergePatch', () => {
  it('merges objects, replaces values and arrays, removes keys set to null', () => {
    const def = { id: 'k', unit: 'ms', ratio: { numerator: { metric: 'a' }, scale: 1 }, tags: ['x'] };
    expect(mergePatch(def, { unit: null, owner: 'ana', ratio: { scale: 100 }, tags: ['y'] })).toEqual({
      id: 'k',
      owner: 'ana',
      ratio: { numerator: { metric: 'a' }, scale: 100 },
      tags: ['y'],
    });
    expect(def.unit).toBe('ms');
  });
});

describe('splitVersioned', () => {
  it('drops what the API adds and keeps the version apart', () => {
    expect(splitVersioned({ id: 'k', name: 'K', version: 4, state: {}, spark: [] })).toEqual({
      definition: { id: 'k', name: 'K' },
      version: 4,
    });
  });
});

describe('definitions over the typed client', () => {
  const sent: Request[] = [];
  const answers = (...replies: [number, unknown][]) =>
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Request(new URL(String(input), 'http://wall.test'), init));
      const [status, body] = replies[sent.length - 1] ?? [500, undefined];
      return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
    });
  afterEach(() => {
    vi.unstubAllGlobals();
    sent.length = 0;
  });

  it('reads each kind under its own path with the id encoded', async () => {
    vi.stubGlobal('fetch', answers([200, { id: 'a b', version: 2 }], [200, { id: 'g', version: 1 }]));
    expect(await getDefinition('objective', 'a b')).toEqual({ id: 'a b', version: 2 });
    await getDefinition('goal', 'g');
    expect(sent.map((r) => r.url)).toEqual(['http://wall.test/api/v1/objectives/a%20b', 'http://wall.test/api/v1/goals/g']);
  });

  it('creates with POST, replaces with PUT guarded by If-Match, and says why', async () => {
    vi.stubGlobal('fetch', answers([201, { id: 'r', version: 1 }], [200, { id: 'r', version: 4 }]));
    await saveDefinition('rule', null, { id: 'r' }, { reason: 'new rule' });
    const saved = await saveDefinition('board', 'b/1', { id: 'b/1' }, { ifMatch: 3, reason: 'tidy' });
    expect(saved.version).toBe(4);
    expect(sent.map((r) => [r.method, new URL(r.url).pathname])).toEqual([
      ['POST', '/api/v1/rules'],
      ['PUT', '/api/v1/boards/b%2F1'],
    ]);
    expect(sent[0]?.headers.has('if-match')).toBe(false);
    expect(sent[0]?.headers.get('x-northstar-reason')).toBe('new rule');
    expect(sent[1]?.headers.get('if-match')).toBe('"3"');
    expect(await sent[1]?.json()).toEqual({ id: 'b/1' });
  });

  it('deletes with the version edited; a conflict is an ApiError', async () => {
    vi.stubGlobal('fetch', answers([409, { error: { code: 'version_conflict', message: 'version 5 is current' } }]));
    const err = await deleteDefinition('kpi', 'k', { ifMatch: 4, reason: 'gone' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 409, code: 'version_conflict' });
    expect(sent[0]?.method).toBe('DELETE');
    expect(sent[0]?.headers.get('if-match')).toBe('"4"');
  });

  it('loads a KPI the evaluator has not picked up yet from its newest history entry', async () => {
    vi.stubGlobal(
      'fetch',
      answers(
        [404, { error: { code: 'not_found', message: 'no KPI' } }],
        [
          200,
          [
            { version: 1, definition: { id: 'k', name: 'old' } },
            { version: 2, definition: { id: 'k', name: 'new' } },
          ],
        ],
      ),
    );
    expect(await loadDefinition('kpi', 'k')).toEqual({ definition: { id: 'k', name: 'new' }, version: 2 });
    expect(new URL(sent[1]!.url).pathname).toBe('/api/v1/kpis/k/history');
  });
});
