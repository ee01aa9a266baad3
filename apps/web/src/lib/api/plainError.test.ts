import { describe, expect, it } from 'vitest';
import { toApiError } from './client.ts';
import { plainError } from './plainError.ts';

const said = (status: number, code: string, message: string, details: unknown[] = []) =>
  plainError(toApiError(status, { error: { code, message, details } }));

describe('plainError', () => {
  it('never passes on the API’s words about headers, methods or endpoints', () => {
    const raw = [
      said(403, 'csrf', 'a write with a session needs the X-CSRF-Token header from /api/v1/auth/me'),
      said(409, 'exists', 'board "ops" already exists; PUT to change it'),
      said(401, 'unauthorised', 'sign in, or send Authorization: Bearer <API token>'),
      said(400, 'invalid', 'invalid backtest request: from: the range holds more than 20000 steps of 60 s'),
      said(500, 'internal', 'ClickHouse exception: Code 241'),
      plainError(toApiError(502, 'Bad gateway')),
    ];
    for (const text of raw) expect(text).not.toMatch(/X-CSRF|\/api\/|PUT|Bearer|ClickHouse|invalid backtest/);
  });

  it('says what to do', () => {
    expect(said(403, 'csrf', '…')).toBe('Your sign-in on this page is out of date. Reload the page and try again.');
    expect(said(409, 'exists', 'board "ops" already exists; PUT to change it')).toBe(
      'Board "ops" already exists: choose another id, or open the existing one to change it.',
    );
    expect(said(404, 'not_found', 'no KPI with id "x"')).toBe('Not found: no KPI with id "x". It may have been renamed or deleted.');
    expect(plainError(toApiError(0, undefined))).toMatch(/^Cannot reach the Northstar server\. Check/);
    expect(said(400, 'invalid', 'invalid kpi', [{ field: 'window', message: 'must be a rolling window' }])).toBe(
      'Not accepted: window must be a rolling window. Correct it and try again.',
    );
  });

  it('keeps what the server writes for people', () => {
    expect(said(401, 'bad_credentials', 'wrong user name or password')).toBe('Wrong user name or password.');
    expect(said(409, 'in_use', 'kpi "a" is still referenced by rule r; change those first')).toBe(
      'Kpi "a" is still referenced by rule r; change those first.',
    );
  });
});
