import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError, call, client, requestHeaders, setCsrfToken, toApiError } from './client.ts';

describe('toApiError', () => {
  it('reads the server error shape with its field details', () => {
    const err = toApiError(400, {
      error: { code: 'invalid', message: 'invalid kpi', details: [{ field: 'window', message: 'must be a rolling window' }, { bad: 1 }] },
    });
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid', message: 'invalid kpi' });
    expect(err.details).toEqual([{ field: 'window', message: 'must be a rolling window' }]);
  });

  it('describes bodies that are not an error document', () => {
    expect(toApiError(502, 'Bad gateway').message).toBe('The server answered HTTP 502');
    expect(toApiError(0, undefined).message).toBe('Cannot reach the Northstar server');
    expect(toApiError(409, { error: { code: 'in_use' } })).toMatchObject({ code: 'in_use', message: 'HTTP 409', details: [] });
  });
});

describe('requestHeaders', () => {
  it('sends the version, reason and author of a write', () => {
    expect(requestHeaders({ method: 'PUT', body: {}, ifMatch: 3, reason: ' raise target ' }, 'ana', { csrf: '', kiosk: '' })).toEqual({
      accept: 'application/json',
      'content-type': 'application/json',
      'if-match': '"3"',
      'x-northstar-reason': 'raise target',
      'x-northstar-user': 'ana',
    });
  });

  it('adds the CSRF token only to writes and drops characters a header cannot carry', () => {
    expect(requestHeaders({}, '', { csrf: 'c1', kiosk: '' })).toEqual({ accept: 'application/json' });
    expect(requestHeaders({ method: 'DELETE', reason: 'zurück 🎯' }, '', { csrf: 'c1', kiosk: '' })).toMatchObject({
      'x-csrf-token': 'c1',
      'x-northstar-reason': 'zurück ',
    });
  });

  it('sends a kiosk token as the bearer token on reads', () => {
    expect(requestHeaders({}, '', { csrf: '', kiosk: 'nsk_x' })).toEqual({ accept: 'application/json', authorization: 'Bearer nsk_x' });
  });
});

describe('call over the typed client', () => {
  const sent: Request[] = [];
  const answer = (status: number, body?: unknown) =>
    vi.fn((input: RequestInfo | URL, init?: RequestInit) => {
      sent.push(new Request(new URL(String(input), 'http://wall.test'), init));
      return Promise.resolve(new Response(body === undefined ? null : JSON.stringify(body), { status }));
    });
  afterEach(() => {
    vi.unstubAllGlobals();
    sent.length = 0;
    setCsrfToken('');
  });

  it('sends a write with the session CSRF token and answers the route body', async () => {
    setCsrfToken('c1');
    vi.stubGlobal('fetch', answer(201, { id: 's1' }));
    const silence = await call(
      client.api.v1.silences.$post({ json: { matchers: [{ field: 'kpi', value: 'orders' }], endsAt: 1, comment: 'deploy' } }),
    );
    expect(silence).toEqual({ id: 's1' });
    expect(sent[0]?.method).toBe('POST');
    expect(new URL(sent[0]!.url).pathname).toBe('/api/v1/silences');
    expect(sent[0]?.headers.get('x-csrf-token')).toBe('c1');
    expect(sent[0]?.headers.get('content-type')).toBe('application/json');
    expect(await sent[0]?.json()).toMatchObject({ comment: 'deploy' });
  });

  it('puts path parameters and the query into the URL and sends no CSRF token on a read', async () => {
    setCsrfToken('c1');
    vi.stubGlobal('fetch', answer(200, { kpi: 'a b' }));
    await call(
      client.api.v1.kpis[':id']['target-suggestion'].$get({ param: { id: encodeURIComponent('a b') }, query: { period: '2027-Q1' } }),
    );
    expect(sent[0]?.url).toBe('http://wall.test/api/v1/kpis/a%20b/target-suggestion?period=2027-Q1');
    expect(sent[0]?.headers.has('x-csrf-token')).toBe(false);
  });

  it('rejects with the server error and the fields it names; undefined for an answer without a body', async () => {
    vi.stubGlobal(
      'fetch',
      answer(400, {
        error: { code: 'invalid', message: 'invalid silence', details: [{ field: 'endsAt', message: 'must be after startsAt' }] },
      }),
    );
    const err = await call(client.api.v1.silences.$post({ json: { matchers: [], endsAt: 0, comment: '' } })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect(err).toMatchObject({ status: 400, code: 'invalid', details: [{ field: 'endsAt', message: 'must be after startsAt' }] });
    vi.stubGlobal('fetch', answer(204));
    expect(await call(client.api.v1.auth.logout.$post())).toBeUndefined();
  });

  it('says the server cannot be reached when the fetch itself fails, and lets an abort through', async () => {
    vi.stubGlobal('fetch', () => Promise.reject(new TypeError('fetch failed')));
    await expect(call(client.api.v1.lint.$get())).rejects.toMatchObject({ status: 0, message: 'Cannot reach the Northstar server' });
    vi.stubGlobal('fetch', () => Promise.reject(new DOMException('aborted', 'AbortError')));
    await expect(call(client.api.v1.lint.$get())).rejects.toMatchObject({ name: 'AbortError' });
  });
});
