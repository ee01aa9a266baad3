import { describe, expect, it } from 'vitest';
import { afterLogin, kioskFromHash, kioskLink, loginHref } from './kiosk.ts';

describe('kiosk links', () => {
  it('reads the token from a TV link only', () => {
    expect(kioskFromHash('#/tv?boards=ops-room&kiosk=nsk_abc')).toBe('nsk_abc');
    expect(kioskFromHash('#/tv?boards=ops-room')).toBe('');
    expect(kioskFromHash('#/boards?kiosk=nsk_abc')).toBe('');
  });

  it('builds a link that reads back to the same token and board', () => {
    const link = kioskLink('http://127.0.0.1:8080', 'ops room', 'nsk_a-b_c');
    expect(link).toBe('http://127.0.0.1:8080/#/tv?boards=ops%20room&kiosk=nsk_a-b_c');
    expect(kioskFromHash(new URL(link).hash)).toBe('nsk_a-b_c');
  });
});

describe('sign-in redirects', () => {
  it('comes back to the page it left, and only to a page of this app', () => {
    expect(loginHref('#/kpi/orders?range=7d')).toBe('#/login?next=%2Fkpi%2Forders%3Frange%3D7d');
    expect(loginHref('#/login?next=x')).toBe('#/login');
    expect(afterLogin('/kpi/orders?range=7d')).toBe('#/kpi/orders?range=7d');
    expect(afterLogin('//evil.example')).toBe('#/');
    expect(afterLogin(null)).toBe('#/');
  });
});

describe('auth routes', () => {
  it('parses the login page with where to go next, and the admin page', async () => {
    const { parseRoute, routeHref } = await import('../router/route.ts');
    expect(parseRoute('#/login?next=%2Fkpi%2Forders')).toEqual({ page: 'login', next: '/kpi/orders' });
    expect(parseRoute('#/login')).toEqual({ page: 'login', next: null });
    expect(parseRoute('#/admin')).toEqual({ page: 'admin' });
    expect(routeHref({ page: 'admin' })).toBe('#/admin');
  });
});
