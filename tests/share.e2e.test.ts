import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { CreatedShare, CreateShareInput } from '@northstar/shared';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFetch, postEvents, waitFor, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

const CONFIG = `
objectives:
  - { id: sales, name: Sell more, owner: Ana, period: 2026-Q4 }
  - { id: online, name: Sell online, owner: Bo, period: 2026-Q4, parent: sales }
  - { id: people, name: Hire well, owner: Cy, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: online, metric: test.orders, aggregation: count, window: 1h, unit: orders, target: 100 }
  - { id: revenue, name: Revenue, objective: sales, metric: test.revenue, aggregation: sum, window: 1h, unit: €, target: 1000 }
  - { id: hires, name: Hires, objective: people, metric: test.hires, aggregation: count, window: 1h, target: 5 }
boards:
  - { id: shop, name: Shop floor, kpis: [orders] }
`;

/** A page on another origin (another loopback port) with one iframe of `src()`: an intranet page embedding a view. */
async function embeddingPage(src: () => string): Promise<{ server: Server; origin: string }> {
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end(`<!doctype html><title>Intranet</title><h1>Intranet</h1><iframe src="${src()}" width="1000" height="600"></iframe>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

let server: TestServer;
let page: Page;
let browser: Browser;
let embedSrc = '';
const allowed = await embeddingPage(() => embedSrc);
const refused = await embeddingPage(() => embedSrc);

useWall(
  (wall) => {
    ({ server, page, browser } = wall);
  },
  { config: CONFIG, env: { NORTHSTAR_EMBED_ORIGINS: allowed.origin } },
  { width: 1400, height: 900 },
);

afterAll(async () => {
  allowed.server.close();
  refused.server.close();
});

/** A link made over the API by the test's admin token (the UI way is the first test). */
async function share(input: CreateShareInput): Promise<CreatedShare> {
  const res = await apiFetch(server, '/api/v1/shares', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(input),
  });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedShare;
}

/** A browser with no session: a new context has no cookies and no storage. */
async function freshPage(): Promise<Page> {
  return (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
}

const linkOf = (token: string) => `${server.url}/#/share?token=${encodeURIComponent(token)}`;

describe('share links in a browser (sign-in on)', () => {
  beforeAll(async () => {
    await postEvents(
      server,
      Array.from({ length: 7 }, (_, i) => ({ metric: 'test.orders', value: 1, id: `o${i}` })).concat([
        { metric: 'test.hires', value: 1, id: 'h1' },
      ]),
    );
  });

  it('an editor makes a KPI link on the sharing page; a fresh browser opens that KPI read-only and live, and nothing else', async () => {
    await page.goto(`${server.url}/#/shares`);
    await page.getByTestId('share-kind').selectOption('kpi');
    await page.getByTestId('share-target').selectOption('orders');
    await page.getByTestId('share-range').selectOption('7d');
    await page.getByTestId('share-expiry').selectOption('');
    await page.getByTestId('share-create').click();
    const link = await page.getByTestId('share-link').inputValue();
    expect(link).toMatch(/#\/share\?token=nss_/);
    const row = page.locator('[data-testid^="share-row-"]').first();
    await expect.poll(() => row.textContent()).toContain('admin');
    expect(await row.getAttribute('data-status')).toBe('active');
    await page.screenshot({ path: '/tmp/share-list.png' });

    const guest = await freshPage();
    await guest.goto(link);
    await guest.getByTestId('share-view').waitFor();
    expect(await guest.getByTestId('share-view').getAttribute('data-kind')).toBe('kpi');
    await guest.getByTestId('share-history').locator('canvas').first().waitFor();
    expect(await guest.getByTestId('share-history').getAttribute('data-range')).toBe('7d');
    const tile = guest.locator('[data-testid="tile-orders"]');
    await expect.poll(() => tile.textContent(), { timeout: 15_000 }).toContain('7');
    // live: a new event reaches the shared page without a reload
    await postEvents(server, [{ metric: 'test.orders', value: 1, id: 'o7' }]);
    await expect.poll(() => tile.textContent(), { timeout: 15_000 }).toContain('8');
    // nothing else: no menu, no other KPI, no sign-in, and the tile leads nowhere
    expect(await guest.getByTestId('nav-wall').count()).toBe(0);
    expect(await guest.locator('[data-testid="tile-revenue"], [data-testid="tile-hires"]').count()).toBe(0);
    await tile.click();
    expect(new URL(guest.url()).hash).toMatch(/^#\/share\?token=/);
    await guest.screenshot({ path: '/tmp/share-kpi.png' });
    // the token reads its KPI and nothing else, and writes nothing
    const token = decodeURIComponent(link.split('token=')[1] ?? '');
    const statuses = await guest.evaluate(async (t) => {
      const h = { authorization: `Bearer ${t}` };
      const get = async (p: string, init: RequestInit = {}) => (await fetch(p, { ...init, headers: h })).status;
      return [
        await get('/api/v1/kpis/orders'),
        await get('/api/v1/kpis/revenue'),
        await get('/api/v1/model'),
        await get('/api/v1/alerts'),
        await get('/api/v1/annotations', { method: 'POST' }),
      ];
    }, token);
    expect(statuses).toEqual([200, 403, 403, 403, 403]);
    await guest.context().close();
  });

  it("an objective link shows that objective's subtree and not a sibling's KPIs", async () => {
    const made = await share({ view: { kind: 'objective', objective: 'sales' } });
    const guest = await freshPage();
    await guest.goto(linkOf(made.token));
    await guest.getByTestId('objective-sales').waitFor({ timeout: 15_000 });
    await guest.locator('[data-testid="tile-orders"]').waitFor();
    await guest.locator('[data-testid="tile-revenue"]').waitFor();
    expect(await guest.getByTestId('objective-people').count()).toBe(0);
    expect(await guest.locator('[data-testid="tile-hires"]').count()).toBe(0);
    await guest.screenshot({ path: '/tmp/share-objective.png' });
    // a link to the sub-objective shows it at the top, with its KPI and not its parent's
    const sub = await share({ view: { kind: 'objective', objective: 'online' } });
    await guest.goto(linkOf(sub.token));
    await guest.reload();
    await guest.getByTestId('objective-online').waitFor({ timeout: 15_000 });
    await guest.locator('[data-testid="tile-orders"]').waitFor();
    expect(await guest.locator('[data-testid="tile-revenue"]').count()).toBe(0);
    expect(await guest.getByTestId('objective-sales').count()).toBe(0);
    await guest.context().close();
  });

  it('a revoked link gets a page that says so, and an open page of it loses its live connection', async () => {
    const made = await share({ view: { kind: 'board', board: 'shop' }, name: 'Shop for the lobby' });
    const guest = await freshPage();
    await guest.goto(linkOf(made.token));
    await guest.locator('[data-testid="tile-orders"]').waitFor({ timeout: 15_000 });
    await waitFor(async () => ((await guest.getByTestId('connection').getAttribute('data-state')) === 'live' ? true : undefined), 'live');

    await page.goto(`${server.url}/#/`);
    await page.goto(`${server.url}/#/shares`);
    page.once('dialog', (d) => void d.accept());
    await page.getByTestId(`share-revoke-${made.id}`).click();
    await expect.poll(() => page.getByTestId(`share-row-${made.id}`).getAttribute('data-status')).toBe('revoked');
    expect(await page.getByTestId(`share-row-${made.id}`).textContent()).toContain('revoked by admin');

    await waitFor(
      async () => ((await guest.getByTestId('connection').getAttribute('data-state')) !== 'live' ? true : undefined),
      'the revoked link’s live connection to end',
    );
    await guest.reload();
    await guest.getByTestId('share-gone').waitFor();
    expect(await guest.getByTestId('share-gone').getAttribute('data-code')).toBe('share_revoked');
    expect(await guest.getByTestId('share-gone').textContent()).toContain('This shared link was revoked');
    await guest.screenshot({ path: '/tmp/share-revoked.png' });
    await guest.context().close();
  });

  it('an expired link gets a page that says it expired', async () => {
    const made = await share({ view: { kind: 'board', board: 'shop' }, expiresInHours: 1 / 3600 });
    await new Promise((r) => setTimeout(r, 1_500));
    const guest = await freshPage();
    await guest.goto(linkOf(made.token));
    await guest.getByTestId('share-gone').waitFor();
    expect(await guest.getByTestId('share-gone').getAttribute('data-code')).toBe('share_expired');
    expect(await guest.getByTestId('share-gone').textContent()).toContain('This shared link has expired');
    expect(await guest.locator('[data-testid^="tile-"]').count()).toBe(0);
    await guest.context().close();
  });
});

describe('embedding a shared board in another origin’s page', () => {
  let token = '';
  beforeAll(async () => {
    token = (await share({ view: { kind: 'board', board: 'shop' } })).token;
    embedSrc = linkOf(token);
  });

  it('loads in a frame of an origin the admin allows', async () => {
    const res = await fetch(`${server.url}/`);
    expect(res.headers.get('content-security-policy')).toContain(`frame-ancestors ${allowed.origin}`);
    expect(res.headers.get('x-frame-options')).toBeNull();
    const guest = await freshPage();
    await guest.goto(allowed.origin);
    const frame = guest.frameLocator('iframe');
    await frame.locator('[data-testid="tile-orders"]').waitFor({ timeout: 15_000 });
    await guest.screenshot({ path: '/tmp/embed-allowed.png' });
    await guest.context().close();
  });

  it('is refused by Chromium in a frame of any other origin', async () => {
    const guest = await freshPage();
    const refusals: string[] = [];
    guest.on('console', (m) => refusals.push(m.text()));
    await guest.goto(refused.origin);
    await waitFor(() => (refusals.some((m) => m.includes('frame-ancestors')) ? true : undefined), 'Chromium to refuse the frame');
    const child = guest.frames().find((f) => f !== guest.mainFrame());
    expect(child?.url()).not.toContain(server.url);
    expect(await guest.frameLocator('iframe').locator('[data-testid^="tile-"]').count()).toBe(0);
    await guest.screenshot({ path: '/tmp/embed-refused.png' });
    await guest.context().close();
  });
});
