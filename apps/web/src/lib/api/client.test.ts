import { describe, expect, it } from 'vitest';
import { ApiError, requestHeaders, toApiError } from './client.ts';

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
