import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { ClientMessage, ServerMessage } from '@northstar/shared';
import { postEvents, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

/** Two objectives, four KPIs, two boards that rotate as fast as allowed; `pulse` goes stale 3 s after its last event. */
const CONFIG = `
objectives:
  - { id: growth, name: Grow, owner: Ana, period: 2026-Q4 }
  - { id: ops, name: Run well, owner: Ben, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: growth, metric: tv.orders, aggregation: count, window: 1h, unit: orders, target: 100 }
  - { id: revenue, name: Revenue, objective: growth, metric: tv.revenue, aggregation: sum, window: 1h, unit: €, target: 1000 }
  - { id: pulse, name: Pulse, objective: ops, metric: tv.pulse, aggregation: count, window: 1h, target: 10, staleAfter: 3s }
  - { id: latency, name: Latency, objective: ops, metric: tv.latency, aggregation: p95, window: 1h, unit: ms, direction: lower_is_better, target: 300 }
boards:
  - { id: b1, name: Growth board, kpis: [orders, revenue, pulse], rotateSeconds: 5 }
  - { id: b2, name: Ops board, kpis: [latency], rotateSeconds: 5 }
`;

let server: TestServer;
let page: Page;

useWall((wall) => ({ server, page } = wall), { config: CONFIG });

const TILES = '[data-testid="tv"] [data-testid^="tile-"][data-status]';

/** The tiles on screen, by test id, in order. */
async function visibleTiles(): Promise<string[]> {
  const ids: string[] = [];
  for (const tile of await page.locator(TILES).all()) if (await tile.isVisible()) ids.push((await tile.getAttribute('data-testid')) ?? '');
  return ids;
}

describe('TV mode in Chromium', () => {
  it('shows the first board full screen, read-only, then rotates to the next', async () => {
    await page.goto(`${server.url}/#/tv?boards=b1,b2`);
    const tv = page.getByTestId('tv');
    await tv.waitFor();
    await expect.poll(() => tv.getAttribute('data-board'), { timeout: 10_000 }).toBe('b1');
    await expect.poll(visibleTiles, { timeout: 10_000 }).toEqual(['tile-orders', 'tile-revenue', 'tile-pulse']);
    // kiosk: no navigation, no edit controls, dark whatever the OS prefers
    expect(await page.getByTestId('nav-wall').count()).toBe(0);
    expect(await page.locator('[data-testid="tv"] a[href^="#/edit"], [data-testid="tv"] button:not([aria-label^="Dismiss"])').count()).toBe(
      0,
    );
    expect(await tv.evaluate((el) => el.ownerDocument.defaultView?.getComputedStyle(el).colorScheme)).toBe('dark');
    expect(await page.getByTestId('tv-board-name').innerText()).toBe('Growth board');
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    // every tile fits 1920×1080 without scrolling
    const scrolls = await page.evaluate(
      'document.documentElement.scrollHeight > document.documentElement.clientHeight || document.documentElement.scrollWidth > document.documentElement.clientWidth',
    );
    expect(scrolls).toBe(false);
    const boxes = await Promise.all((await page.locator(TILES).all()).map((t) => t.boundingBox()));
    expect(boxes).toHaveLength(3);
    const fits = boxes.every((b) => b !== null && b.x >= 0 && b.y >= 0 && b.x + b.width <= 1920 && b.y + b.height <= 1080);
    expect(fits).toBe(true);
    // readable from across a room: the value is far larger than desk text
    const valuePx = await page
      .getByTestId('tile-orders')
      .getByTestId('tile-value')
      .evaluate((el) => parseFloat(el.ownerDocument.defaultView?.getComputedStyle(el).fontSize ?? '0'));
    expect(valuePx).toBeGreaterThanOrEqual(80);

    // rotateSeconds 5: the next board within ~8 s
    await expect.poll(() => tv.getAttribute('data-board'), { timeout: 8_000, interval: 200 }).toBe('b2');
    await expect.poll(visibleTiles).toEqual(['tile-latency']);
    expect(await page.getByTestId('tv-board-name').innerText()).toBe('Ops board');
    // and back round the playlist
    await expect.poll(() => tv.getAttribute('data-board'), { timeout: 8_000, interval: 200 }).toBe('b1');
  });

  it('turns a tile stale on screen when its source stops', async () => {
    await page.goto(`${server.url}/#/tv?boards=b1`);
    const tile = page.getByTestId('tile-pulse');
    await tile.waitFor();
    expect(await page.getByTestId('tv').getAttribute('data-board')).toBe('b1');
    await postEvents(server, [{ metric: 'tv.pulse', value: 1 }]);
    // fresh: the value arrived and the tile says so
    await expect.poll(() => tile.getByTestId('tile-value').innerText(), { timeout: 10_000 }).toMatch(/^1\b/);
    await expect.poll(() => tile.getByTestId('tile-freshness').innerText()).toMatch(/^updated/);
    expect(await tile.getAttribute('data-stale')).toBe('false');
    // the source stops: past staleAfter (3 s) the tile turns stale on screen
    const stoppedAt = Date.now();
    await expect.poll(() => tile.getAttribute('data-stale'), { timeout: 6_000, interval: 200 }).toBe('true');
    expect(Date.now() - stoppedAt).toBeGreaterThan(500);
    expect(await tile.getByTestId('tile-freshness').innerText()).toMatch(/^stale since/);
    // a single board does not rotate
    expect(await page.getByTestId('tv').getAttribute('data-board')).toBe('b1');
  });

  it('subscribes to its boards only, hears nothing of other KPIs, and catches up when the wall takes everything again', async () => {
    // a second tab of the signed-in browser
    const tvPage = await page.context().newPage();
    const sent: ClientMessage[] = [];
    const received: Array<{ after: number; msg: ServerMessage }> = [];
    tvPage.on('websocket', (ws) => {
      ws.on('framesent', (f) => sent.push(JSON.parse(String(f.payload)) as ClientMessage));
      // each received frame remembers how many messages the page had sent by then
      ws.on('framereceived', (f) => received.push({ after: sent.length, msg: JSON.parse(String(f.payload)) as ServerMessage }));
    });
    try {
      await tvPage.goto(`${server.url}/#/tv?boards=b2`);
      await tvPage.getByTestId('tile-latency').waitFor();
      await expect.poll(() => sent.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(2);
      expect(sent.slice(0, 2)).toEqual([
        { type: 'subscribe', boards: [{ id: 'b2', kpis: ['latency'] }] },
        { type: 'unsubscribe', all: true },
      ]);
      const subscribed = sent.length;
      await postEvents(server, [
        { metric: 'tv.orders', value: 1 },
        { metric: 'tv.orders', value: 1 },
        { metric: 'tv.latency', value: 123 },
      ]);
      await expect
        .poll(() => tvPage.getByTestId('tile-latency').getByTestId('tile-value').innerText(), { timeout: 10_000 })
        .toMatch(/^123\b/);
      const updated = received
        .filter((r) => r.after >= subscribed)
        .flatMap((r) => (r.msg.type === 'delta' ? r.msg.kpis.map((k) => k.id) : []));
      expect(updated).toContain('latency');
      expect(updated).not.toContain('orders');

      // to the wall: everything again, and orders, which moved meanwhile, comes up to date
      const onWall = sent.length;
      // the same document, the same socket: only the view changes
      await tvPage.evaluate('location.hash = "#/"');
      await expect.poll(() => sent.slice(onWall), { timeout: 10_000 }).toContainEqual({ type: 'subscribe', all: true });
      expect(sent.slice(onWall)).toContainEqual({ type: 'unsubscribe', boards: [{ id: 'b2', kpis: [] }] });
      await expect
        .poll(() => tvPage.getByTestId('tile-orders').getByTestId('tile-value').innerText(), { timeout: 10_000 })
        .toMatch(/^2(?!\d)/);
      expect(received.filter((r) => r.msg.type === 'hello')).toHaveLength(1);
    } finally {
      await tvPage.close();
    }
  });
});
