import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { CreatedToken } from '@northstar/shared';
import { apiFetch, postEvents, type TestServer } from './support/harness.ts';
import { launchChromium, useWall } from './support/browser.ts';

/**
 * The TV as a room sees it from 4 m at 1920×1080, signed in: seven tiles with long names and
 * units, a rule that fires, a KPI that crosses its target, and a kiosk link to one board.
 */
const CONFIG = `
objectives:
  - { id: ops, name: Keep every payment flowing through the night, owner: Ravi }
  - { id: sales, name: Close the quarter strong, owner: Ana }
kpis:
  - { id: errors, name: Payment gateway errors in the last hour, objective: ops, metric: room.errors, aggregation: count, window: 1h, unit: errors, direction: lower_is_better, target: 10 }
  - { id: deals, name: Deals closed, objective: sales, metric: room.deals, aggregation: count, window: 1h, unit: deals, target: 3 }
  - { id: k3, name: Customers waiting for a first answer, objective: ops, metric: room.k3, aggregation: count, window: 1h, unit: customers, target: 5 }
  - { id: k4, name: Average basket, objective: sales, metric: room.k4, aggregation: avg, window: 1h, unit: €, target: 50 }
  - { id: k5, name: Refunds, objective: sales, metric: room.k5, aggregation: count, window: 1h, unit: refunds, direction: lower_is_better, target: 4 }
  - { id: k6, name: Signups, objective: sales, metric: room.k6, aggregation: count, window: 1h, unit: accounts, target: 8 }
  - { id: k7, name: Checkout latency p95, objective: ops, metric: room.k7, aggregation: p95, window: 1h, unit: ms, direction: lower_is_better, target: 300 }
rules:
  - { id: spike, name: Error spike, kpis: [errors], severity: critical, for: 0s, condition: { type: threshold, op: '>', value: 10 } }
boards:
  - { id: room, name: Ops room, kpis: [errors, deals, k3, k4, k5, k6, k7], rotateSeconds: 600 }
  - { id: other, name: Other board, kpis: [k4], rotateSeconds: 600 }
`;

let server: TestServer;
let page: Page;

useWall(
  async (wall) => {
    ({ server, page } = wall);
    await postEvents(server, [
      { metric: 'room.k3', value: 1 },
      { metric: 'room.k4', value: 42.5 },
      { metric: 'room.k5', value: 1 },
      { metric: 'room.k6', value: 1 },
      { metric: 'room.k7', value: 180 },
    ]);
  },
  { config: CONFIG },
);

const TILES = '[data-testid="tv"] [data-testid^="tile-"][data-status]';

async function openRoom(p: Page = page): Promise<void> {
  await p.goto(`${server.url}/#/tv?boards=room`);
  await p.locator(TILES).first().waitFor();
  await expect.poll(() => p.locator(TILES).count(), { timeout: 10_000 }).toBe(7);
}

/** Text a room cannot read: visible text under 28 px, or text its box cuts (ellipsis, or past its tile's edge). */
const ROOM_TEXT_PROBLEMS = `(() => {
  const small = [], cut = [];
  const tv = document.querySelector('[data-testid="tv"]');
  for (const el of tv.querySelectorAll('*')) {
    if (el.closest('svg, .visually-hidden, [aria-hidden="true"]')) continue;
    const text = [...el.childNodes].filter((n) => n.nodeType === 3).map((n) => n.textContent.trim()).join(' ').trim();
    if (!text) continue;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) continue;
    const cs = getComputedStyle(el);
    if (parseFloat(cs.fontSize) < 28) small.push(text.slice(0, 40) + ' @ ' + cs.fontSize);
    if (el.scrollWidth > el.clientWidth + 1 && cs.overflowX !== 'visible') cut.push(text.slice(0, 40) + ' (cut off at the side)');
    const tile = el.closest('[data-testid^="tile-"]');
    if (tile) {
      const t = tile.getBoundingClientRect();
      if (r.bottom > t.bottom + 1 || r.right > t.right + 1) cut.push(text.slice(0, 40) + ' (past its tile)');
    }
  }
  return { small, cut };
})()`;

describe('the TV in a room, in Chromium with sign-in on', () => {
  it('reads from across a room: every text at least 28 px, no name or unit cut, seven tiles as 4 + 3 (the 3 centred)', async () => {
    await openRoom();
    expect(await page.evaluate(ROOM_TEXT_PROBLEMS)).toEqual({ small: [], cut: [] });
    const boxes = (await Promise.all((await page.locator(TILES).all()).map((t) => t.boundingBox()))).filter((b) => b !== null);
    const rows = new Map<number, Array<{ x: number; width: number }>>();
    for (const b of boxes) rows.set(Math.round(b.y / 10), [...(rows.get(Math.round(b.y / 10)) ?? []), b]);
    expect([...rows.values()].map((r) => r.length)).toEqual([4, 3]);
    const short = [...rows.values()][1]!;
    const left = Math.min(...short.map((b) => b.x));
    const right = 1920 - Math.max(...short.map((b) => b.x + b.width));
    expect(Math.abs(left - right)).toBeLessThan(30);
  });

  it('on a smaller TV (1366×768) keeps the same room text, a page at a time', async () => {
    await page.setViewportSize({ width: 1366, height: 768 });
    try {
      await page.goto(`${server.url}/#/tv?boards=room`);
      await page.locator(TILES).first().waitFor();
      // seven tiles do not fit at room size: pages, said in the footer, every tile still whole
      await expect.poll(() => page.getByTestId('tv-page').innerText(), { timeout: 10_000 }).toMatch(/^page 1\/\d$/);
      expect(await page.evaluate(ROOM_TEXT_PROBLEMS)).toEqual({ small: [], cut: [] });
      const fits = (await Promise.all((await page.locator(TILES).all()).map((t) => t.boundingBox()))).every(
        (b) => b !== null && b.x >= 0 && b.y >= 0 && b.x + b.width <= 1366 && b.y + b.height <= 768,
      );
      expect(fits).toBe(true);
    } finally {
      await page.setViewportSize({ width: 1920, height: 1080 });
    }
  });

  it('puts firing alerts and troubled objectives in a full-width strip and frames the affected tile thickly', async () => {
    await openRoom();
    expect(await page.getByTestId('tv-strip').innerText()).not.toContain('Error spike');
    await postEvents(
      server,
      Array.from({ length: 15 }, (_, i) => ({ metric: 'room.errors', value: 1, id: `err-${i}` })),
    );
    const strip = page.getByTestId('tv-strip');
    await expect.poll(() => strip.count(), { timeout: 15_000 }).toBe(1);
    await expect.poll(() => strip.innerText(), { timeout: 10_000 }).toContain('Payment gateway errors in the last hour: Error spike');
    await expect.poll(() => strip.innerText(), { timeout: 10_000 }).toMatch(/Off track: .*Keep every payment flowing through the night/);
    const box = (await strip.boundingBox())!;
    expect(box.height).toBeGreaterThanOrEqual(40);
    expect(box.width).toBeGreaterThanOrEqual(1900);
    const fontPx = await strip.evaluate((el) => parseFloat(el.ownerDocument.defaultView!.getComputedStyle(el).fontSize));
    expect(fontPx).toBeGreaterThanOrEqual(28);
    // the tile's frame: at least 6 px of colour around it, and only around affected tiles
    const frame = (testid: string) =>
      page
        .getByTestId(testid)
        .locator('xpath=..')
        .evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).boxShadow);
    await expect.poll(() => frame('tile-errors'), { timeout: 10_000 }).toMatch(/0px 0px 0px ([6-9]|\d\d)px/);
    expect(await frame('tile-k7')).toBe('none');
    // the strip pushes the board down; the tiles still fit the screen
    const fits = (await Promise.all((await page.locator(TILES).all()).map((t) => t.boundingBox()))).every(
      (b) => b !== null && b.y >= box.y + box.height && b.y + b.height <= 1080,
    );
    expect(fits).toBe(true);
  });

  it('celebrates a real crossing in a banner above the tiles: a drawn icon, no emoji, confetti only inside it', async () => {
    await openRoom();
    await postEvents(server, [{ metric: 'room.deals', value: 1, id: 'deal-1' }]);
    await expect.poll(() => page.getByTestId('tile-deals').getByTestId('tile-value').innerText(), { timeout: 10_000 }).toMatch(/^1(?!\d)/);
    await postEvents(server, [
      { metric: 'room.deals', value: 1, id: 'deal-2' },
      { metric: 'room.deals', value: 1, id: 'deal-3' },
    ]);
    const banner = page.locator('[data-testid="milestone-banner"][data-kind="kpi"]');
    await banner.waitFor({ timeout: 15_000 });
    const text = await banner.innerText();
    expect(text).toContain('Deals closed reached its target');
    expect(text).not.toMatch(/\p{Extended_Pictographic}/u);
    expect(await banner.locator('svg').count()).toBeGreaterThan(0);
    const b = (await banner.boundingBox())!;
    // never over a tile
    for (const tile of await page.locator(TILES).all()) {
      const t = (await tile.boundingBox())!;
      const overlaps = t.x < b.x + b.width && b.x < t.x + t.width && t.y < b.y + b.height && b.y < t.y + t.height;
      expect(overlaps).toBe(false);
    }
    // the confetti is clipped to the banner
    expect(await banner.evaluate((el) => el.ownerDocument.defaultView!.getComputedStyle(el).overflow)).toBe('hidden');
    expect(
      await page.locator('[data-testid="milestone-confetti"]').evaluate((el) => el.closest('[data-testid="milestone-banner"]') !== null),
    ).toBe(true);
  });

  it('a kiosk link shows its own board only: never the menu, and names its board when the URL asks for another', async () => {
    const res = await apiFetch(server, '/api/v1/auth/kiosk-tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ board: 'room' }),
    });
    expect(res.status).toBe(201);
    const token = ((await res.json()) as CreatedToken).token;
    // a TV: a browser nobody signed in to
    const tvBrowser = await launchChromium();
    try {
      const tv = await (await tvBrowser.newContext({ viewport: { width: 1920, height: 1080 } })).newPage();
      await tv.goto(`${server.url}/#/tv?boards=room&kiosk=${encodeURIComponent(token)}`);
      await expect.poll(() => tv.locator(TILES).count(), { timeout: 15_000 }).toBe(7);
      // the address bar changed to the wall: still this TV, no menu
      await tv.evaluate('location.hash = "#/"');
      await tv.waitForTimeout(1_000);
      expect(await tv.getByTestId('nav-wall').count()).toBe(0);
      expect(await tv.getByTestId('tv').getAttribute('data-board')).toBe('room');
      // another board in the URL: the link says which board it is for
      await tv.goto(`${server.url}/#/tv?boards=other&kiosk=${encodeURIComponent(token)}`);
      await tv.reload();
      const foreign = tv.getByTestId('tv-foreign');
      await foreign.waitFor({ timeout: 15_000 });
      await expect.poll(() => foreign.innerText(), { timeout: 10_000 }).toMatch(/This link is for board “Ops room”/);
      expect(await tv.getByText(/No board/).count()).toBe(0);
      expect(await tv.locator(TILES).count()).toBe(0);
    } finally {
      await tvBrowser.close();
    }
  });
});
