import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { postEvents, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

/**
 * The demo's "Revenue today" on the Revenue room TV at 1920×1080, signed in: a paced daily
 * target (expected by now, projection), a pacing alert pending, its objective's long name on two
 * lines. Its tile said more than its cell holds, and the cell cut its freshness in half. The
 * tile now lets its least needed lines go (the objective, then the projection) and keeps its
 * name, value, target and freshness whole inside it.
 */
const HOUR = 3_600_000;
const now = Date.now();
/** A whole-hour zone where it is now between 14:00 and 15:00, so the day is well past the tenth projections need. */
const offsetHours = ((14 - new Date(now).getUTCHours() + 36) % 24) - 12;
const timezone = offsetHours === 0 ? 'UTC' : `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
const local = new Date(now + offsetHours * HOUR);
const dayStart = Date.UTC(local.getUTCFullYear(), local.getUTCMonth(), local.getUTCDate()) - offsetHours * HOUR;
const month = local.toISOString().slice(0, 7);

const CONFIG = `
objectives:
  - { id: grow, name: Grow online revenue 20 % year on year, owner: Dana Kim (CEO) }
kpis:
  - { id: takings, name: Revenue today, objective: grow, metric: tv.takings, aggregation: sum, window: today, timezone: ${timezone}, unit: €, targets: [{ period: '${month}', value: 65000000, pacing: linear }], target: 1700000, warning: 80%, critical: 60% }
  - { id: orders, name: Orders, objective: grow, metric: tv.orders, aggregation: sum, window: 1h, unit: orders, target: 1000 }
  - { id: conversion, name: Conversion, objective: grow, metric: tv.conversion, aggregation: avg, window: 1h, unit: '%', target: 3.3 }
  - { id: basket, name: Average basket, objective: grow, metric: tv.basket, aggregation: avg, window: 1h, unit: €, target: 52 }
  - { id: buyers, name: Customers buying, objective: grow, metric: tv.buyers, aggregation: sum, window: 1h, unit: customers, target: 950 }
  - { id: accounts, name: New accounts, objective: grow, metric: tv.accounts, aggregation: sum, window: 1h, unit: accounts, target: 260 }
rules:
  - { id: pacing, name: Revenue will miss today's target, kpis: [takings], severity: critical, condition: { type: pacing, by: 10 }, for: 30m }
boards:
  - { id: room, name: Revenue room, kpis: [takings, orders, conversion, basket, buyers, accounts], rotateSeconds: 600 }
`;

let server: TestServer;
let page: Page;

useWall(
  async (wall) => {
    ({ server, page } = wall);
    // a quarter-hourly trickle since the day began, unevenly sized (the projection needs a spread), at risk against the pace (so the room strip shows, as on the demo)
    const events: unknown[] = [];
    for (let ts = dayStart + 60_000, i = 0; ts < now - 60_000; ts += HOUR / 4, i++)
      events.push({ metric: 'tv.takings', value: 8_000 + (i % 5) * 3_500, ts, id: `t-${i}` });
    // and one just now, so the tile is live rather than stale
    events.push({ metric: 'tv.takings', value: 12_000, id: 't-now' });
    for (const [metric, value] of [
      ['tv.orders', 1870],
      ['tv.conversion', 3.03],
      ['tv.basket', 54.4],
      ['tv.buyers', 1690],
      ['tv.accounts', 523],
    ] as const)
      events.push({ metric, value });
    await postEvents(server, events);
  },
  { config: CONFIG },
);

/** What of the tile lies outside it: name, value, target or freshness (plain strings, so a failure says which). */
const OUTSIDE = `(() => {
  const tile = document.querySelector('[data-testid="tv"] [data-testid="tile-takings"]');
  const t = tile.getBoundingClientRect();
  const problems = [];
  for (const sel of ['.name', '.value', '.attainment', '.freshness']) {
    const el = tile.querySelector(sel);
    if (!el) { problems.push(sel + ' is missing'); continue; }
    const r = el.getBoundingClientRect();
    if (r.height === 0) problems.push(sel + ' is hidden');
    if (r.top < t.top - 1 || r.bottom > t.bottom + 1) problems.push(sel + ' "' + el.textContent.trim() + '" lies outside its tile');
  }
  return problems;
})()`;

describe('a paced tile with a pending alert on the TV at 1920×1080', () => {
  it('keeps its name, value, target and freshness inside its cell', async () => {
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.goto(`${server.url}/#/tv?boards=room`);
    const tile = page.locator('[data-testid="tv"] [data-testid="tile-takings"]');
    // the tile has everything the demo's has: expected by now, the projection and the pending alert
    await tile.getByTestId('tile-projection').waitFor({ state: 'attached', timeout: 15_000 });
    await tile.getByTestId('tile-expected').waitFor({ state: 'attached' });
    await tile.getByTestId('tile-pending').waitFor({ timeout: 15_000 });
    await expect.poll(() => tile.getAttribute('data-status')).toBe('at_risk');
    await page.getByTestId('tv-strip').waitFor();
    await expect.poll(() => tile.getByTestId('tile-freshness').innerText()).toMatch(/^updated/);
    await expect.poll(() => page.evaluate(OUTSIDE), { timeout: 5_000 }).toEqual([]);
    // what gave way is the least needed, and the pending alert is still said
    expect(await tile.getByTestId('tile-pending').isVisible()).toBe(true);
    await page.screenshot({ path: 'test-results/tv-tile-lines.png' });
  });
});
