import { describe, expect, it } from 'vitest';
import { originAllowed } from './origin.ts';
import { authorize, requiredAccess } from './policy.ts';
import type { Principal } from './types.ts';

const user = (role: 'viewer' | 'editor' | 'admin'): Principal => ({ kind: 'user', name: 'u', role, csrf: 'c', sessionHash: 'h' });
const token = (...scopes: Array<'ingest' | 'read' | 'admin'>): Principal => ({ kind: 'token', id: 't', name: 't', scopes });
const kiosk: Principal = { kind: 'kiosk', id: 'k', board: 'ops-room' };

function ok(who: Principal | null, method: string, path: string): boolean | number {
  const v = authorize(who, requiredAccess(method, path), method, path);
  return v.ok ? true : v.status;
}

describe('route classes', () => {
  it('classifies requests', () => {
    expect(requiredAccess('GET', '/')).toBe('public');
    expect(requiredAccess('POST', '/api/v1/auth/login')).toBe('public');
    expect(requiredAccess('GET', '/api/v1/kpis')).toBe('read');
    expect(requiredAccess('GET', '/metrics')).toBe('read');
    expect(requiredAccess('POST', '/api/v1/detect/backtest')).toBe('read');
    expect(requiredAccess('POST', '/api/v1/events')).toBe('ingest');
    expect(requiredAccess('PUT', '/api/v1/kpis/x')).toBe('editor');
    expect(requiredAccess('GET', '/api/v1/auth/users')).toBe('admin');
    expect(requiredAccess('DELETE', '/api/v1/auth/kiosk-tokens/x')).toBe('editor');
  });

  it("opens a digest's unsubscribe link to anyone, and a person's own digests to a person only", () => {
    expect(requiredAccess('GET', '/api/v1/digests/unsubscribe')).toBe('public');
    expect(requiredAccess('POST', '/api/v1/digests/unsubscribe')).toBe('public');
    expect(requiredAccess('GET', '/api/v1/digests/objectives/grow/preview')).toBe('read');
    expect(ok(user('viewer'), 'POST', '/api/v1/digests/objectives/grow/send')).toBe(true);
    expect(ok(user('viewer'), 'PUT', '/api/v1/digests/subscriptions/grow')).toBe(true);
    expect(ok(token('admin'), 'POST', '/api/v1/digests/objectives/grow/send')).toBe(403);
    expect(ok(null, 'GET', '/api/v1/digests/subscriptions')).toBe(401);
    // a path that merely starts like the link is not public
    expect(requiredAccess('GET', '/api/v1/digests/unsubscribe/x')).toBe('read');
  });

  it('lets each role, scope and kiosk do what it may and no more', () => {
    expect(ok(null, 'GET', '/api/v1/kpis')).toBe(401);
    expect(ok(null, 'GET', '/index.html')).toBe(true);
    expect(ok(user('viewer'), 'GET', '/api/v1/kpis')).toBe(true);
    expect(ok(user('viewer'), 'POST', '/api/v1/objectives')).toBe(403);
    expect(ok(user('editor'), 'POST', '/api/v1/objectives')).toBe(true);
    expect(ok(user('editor'), 'GET', '/api/v1/auth/users')).toBe(403);
    expect(ok(user('admin'), 'POST', '/api/v1/auth/tokens')).toBe(true);
    expect(ok(user('admin'), 'POST', '/api/v1/events')).toBe(403);
    expect(ok(token('ingest'), 'POST', '/api/v1/events')).toBe(true);
    expect(ok(token('ingest'), 'GET', '/api/v1/kpis')).toBe(403);
    expect(ok(token('read'), 'GET', '/api/v1/kpis')).toBe(true);
    expect(ok(token('read'), 'PUT', '/api/v1/kpis/x')).toBe(403);
    expect(ok(token('admin'), 'POST', '/api/v1/events')).toBe(true);
    expect(ok(token('admin'), 'POST', '/api/v1/auth/logout')).toBe(403);
    expect(ok(kiosk, 'GET', '/api/v1/boards/ops-room')).toBe(true);
    expect(ok(kiosk, 'GET', '/api/v1/boards/finance')).toBe(403);
    expect(ok(kiosk, 'GET', '/api/v1/boards')).toBe(403);
    expect(ok(kiosk, 'GET', '/api/v1/kpis')).toBe(403);
    expect(ok({ kind: 'open' }, 'POST', '/api/v1/auth/users')).toBe(true);
  });
});

describe('originAllowed', () => {
  const allowed = new Set(['https://wall.example.com']);
  it('accepts its own origin, listed ones and none; refuses others', () => {
    expect(originAllowed(undefined, '127.0.0.1:8080', allowed)).toBe(true);
    expect(originAllowed('http://127.0.0.1:8080', '127.0.0.1:8080', allowed)).toBe(true);
    expect(originAllowed('https://wall.example.com', '127.0.0.1:8080', allowed)).toBe(true);
    expect(originAllowed('http://evil.example', '127.0.0.1:8080', allowed)).toBe(false);
    expect(originAllowed('http://127.0.0.1:8081', '127.0.0.1:8080', allowed)).toBe(false);
    expect(originAllowed('null', '127.0.0.1:8080', allowed)).toBe(false);
  });
});
