import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFetch, postEvents, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

/**
 * The demo's "Revenue today" on the Revenue room TV at 1920×1080, signed in: a paced daily
 * target (expected by now, projection), a pacing alert pending, its objective's long name on two
 * lines. Its tile said more than its cell holds, and the cell cut its freshness in half (and at
 * 1366×768, under a room strip of two lines, the other tiles' too, their trend wrapped onto a
 * line of its own). A tile now lets its
 * least needed lines go and keeps its name, value, target and freshness whole inside it.
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
  - { id: delight, name: Delight every customer, owner: Luis Ortega (COO) }
kpis:
  - { id: takings, name: Revenue today, objective: grow, metric: tv.takings, aggregation: sum, window: today, timezone: ${timezone}, unit: €, targets: [{ period: '${month}', value: 65000000, pacing: linear }], target: 1700000, warning: 80%, critical: 60% }
  - { id: orders, name: Orders, objective: grow, metric: tv.orders, aggregation: sum, window: 1h, unit: orders, target: 1000 }
  - { id: conversion, name: Conversion, objective: delight, metric: tv.conversion, aggregation: avg, window: 1h, unit: '%', target: 3.3, warning: 3.2, critical: 3.1 }
  - { id: basket, name: Average basket, objective: grow, metric: tv.basket, aggregation: avg, window: 1h, unit: €, target: 52 }
  - { id: buyers, name: Customers buying, objective: grow, metric: tv.buyers, aggregation: sum, window: 1h, unit: customers, target: 950 }
  - { id: accounts, name: New accounts, objective: grow, metric: tv.accounts, aggregation: sum, window: 1h, unit: accounts, target: 260 }
  - { id: latency, name: API latency (p95), objective: delight, metric: tv.latency, aggregation: p95, window: 1h, unit: ms, direction: lower_is_better, target: 300 }
  - { id: errors, name: Checkout errors, objective: delight, metric: tv.errors, aggregation: sum, window: 1h, unit: errors, direction: lower_is_better, target: 40 }
  - { id: payments, name: Failed payments, objective: delight, metric: tv.payments, aggregation: sum, window: 1h, unit: payments, direction: lower_is_better, target: 8 }
rules:
  - { id: pacing, name: Revenue will miss today's target, kpis: [takings], severity: critical, condition: { type: pacing, by: 10 }, for: 30m }
boards:
  - { id: room, name: Revenue room, kpis: [takings, orders, conversion, basket, buyers, accounts], rotateSeconds: 600 }
  - { id: ops, name: Operations room, kpis: [latency, errors, payments], rotateSeconds: 600 }
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
    // the other tiles this hour and the hour before, so each says its trend as the demo's do
    for (const [metric, value, before] of [
      ['tv.orders', 1870, 2070],
      ['tv.conversion', 3.03, 3.3],
      ['tv.basket', 54.4, 54.1],
      ['tv.buyers', 1690, 1850],
      ['tv.accounts', 523, 521],
      ['tv.latency', 215, 210],
      ['tv.errors', 19, 17],
      ['tv.payments', 2, 3],
    ] as const)
      events.push({ metric, value }, { metric, value: before, ts: now - 1.5 * HOUR });
    await postEvents(server, events);
  },
  { config: CONFIG },
);

/** What of each tile lies outside it: name, value, target or freshness (plain strings, so a failure says which). */
const OUTSIDE = `(() => {
  const problems = [];
  for (const tile of document.querySelectorAll('[data-testid="tv"] [data-testid^="tile-"][data-measured]')) {
    const t = tile.getBoundingClientRect();
    for (const sel of ['.name', '.value', '.attainment', '.freshness']) {
      const el = tile.querySelector(sel);
      const what = tile.dataset.testid + ' ' + sel;
      if (!el) { problems.push(what + ' is missing'); continue; }
      const r = el.getBoundingClientRect();
      if (r.height === 0) problems.push(what + ' is hidden');
      if (r.top < t.top - 1 || r.bottom > t.bottom + 1) problems.push(what + ' "' + el.textContent.trim() + '" lies outside its tile');
    }
  }
  return problems;
})()`;

describe('a paced tile with a pending alert beside five others on the TV, signed in', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 1366, height: 768 },
  ])
    it(`keeps every name, value, target and freshness inside its cell at ${size.width}×${size.height}`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${server.url}/#/tv?boards=room`);
      const tile = page.locator('[data-testid="tv"] [data-testid="tile-takings"]');
      // the tile has everything the demo's has: expected by now, the projection and the pending alert
      await tile.getByTestId('tile-projection').waitFor({ state: 'attached', timeout: 15_000 });
      await tile.getByTestId('tile-expected').waitFor({ state: 'attached' });
      await tile.getByTestId('tile-pending').waitFor({ state: 'attached', timeout: 15_000 });
      await expect.poll(() => tile.getAttribute('data-status')).toBe('at_risk');
      // both objectives troubled: the room strip takes two lines at 1366, as the demo's did
      await expect.poll(() => page.getByTestId('tv-strip').locator('li').count()).toBe(2);
      await page.locator('[data-testid="tv"] [data-testid="tile-orders"] .trend').waitFor({ state: 'attached' });
      await expect.poll(() => tile.getByTestId('tile-freshness').innerText()).toMatch(/^updated/);
      await expect.poll(() => page.evaluate(OUTSIDE), { timeout: 5_000 }).toEqual([]);
      // at full HD what gave way is the least needed: the pending alert is still said
      if (size.width === 1920) expect(await tile.getByTestId('tile-pending').isVisible()).toBe(true);
      await page.screenshot({ path: `test-results/tv-tile-lines-${size.width}.png` });
    });
});

/**
 * Every "figure unit" pair in the tiles' target lines (target 300 ms, of 1k orders) lies on one line:
 * the Operations room at 1366×768 put "ms" of "target 300 ms" alone on the next line. Checked
 * per character (the digit before the space and the unit's first letter), whatever the markup.
 */
const SPLIT_UNITS = `(() => {
  const problems = [];
  for (const line of document.querySelectorAll('[data-testid="tv"] .tile .attainment')) {
    const walker = document.createTreeWalker(line, NodeFilter.SHOW_TEXT);
    const nodes = [];
    let text = '';
    for (let n = walker.nextNode(); n; n = walker.nextNode()) { nodes.push([n, text.length]); text += n.textContent; }
    const at = (i) => {
      for (let k = nodes.length - 1; k >= 0; k--) if (nodes[k][1] <= i) { const r = document.createRange(); r.setStart(nodes[k][0], i - nodes[k][1]); r.setEnd(nodes[k][0], i - nodes[k][1] + 1); return r.getBoundingClientRect(); }
      return null;
    };
    for (const m of text.matchAll(/(\\d[kMBT]?)[\\s\\u00a0]+(?=[^\\s\\d])/g)) {
      const digit = at(m.index + m[1].length - 1), unit = at(m.index + m[0].length);
      if (digit && unit && Math.abs(digit.top - unit.top) > digit.height / 2) problems.push(line.closest('[data-testid^="tile-"]').dataset.testid + ': "' + text.trim() + '" splits a figure from its unit');
    }
  }
  return problems;
})()`;

describe('units on the TV, signed in', () => {
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 1366, height: 768 },
  ])
    it(`never puts a unit on a line of its own at ${size.width}×${size.height}`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${server.url}/#/tv?boards=ops`);
      const tile = page.locator('[data-testid="tv"] [data-testid="tile-latency"]');
      await expect.poll(() => tile.getByTestId('tile-attainment').innerText(), { timeout: 15_000 }).toMatch(/target 300 ms$/);
      await expect.poll(() => page.evaluate(SPLIT_UNITS), { timeout: 5_000 }).toEqual([]);
      await page.screenshot({ path: `test-results/tv-units-${size.width}.png` });
    });
});

describe('the paced tile while its alert fires, signed in', () => {
  it('fires a pacing alert on the tile, on track by its thresholds (as the demo by afternoon)', async () => {
    // 86 % of the expected-by-now: on track (warning at 80 %), yet projected to miss the day by more than 10 %
    const kpis = (await (await apiFetch(server, '/api/v1/kpis')).json()) as {
      kpis: Array<{ id: string; state: { value: number | null; expected: number | null } }>;
    };
    const takings = kpis.kpis.find((k) => k.id === 'takings')!.state;
    expect(takings.expected).not.toBeNull();
    await postEvents(server, [
      { metric: 'tv.takings', value: Math.round(0.86 * takings.expected! - (takings.value ?? 0)), id: 't-catch-up' },
      // conversion back on track: the room strip says only the alert and its objective, two lines at 1366, so the board keeps two rows
      ...[1, 2, 3].map((i) => ({ metric: 'tv.conversion', value: 3.6, id: `c-${i}` })),
    ]);
    // the same pacing rule without its half hour: it fires at once, as the demo's does by afternoon
    const res = await apiFetch(server, '/api/v1/rules', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        id: 'pacing-now',
        name: "Revenue will miss today's target",
        kpis: ['takings'],
        severity: 'critical',
        condition: { type: 'pacing', by: 10 },
        for: '0s',
      }),
    });
    expect(res.status).toBe(201);
  });
  for (const size of [
    { width: 1920, height: 1080 },
    { width: 1366, height: 768 },
  ])
    it(`keeps its alert note, name, value, target and freshness inside the cell at ${size.width}×${size.height}`, async () => {
      await page.setViewportSize(size);
      await page.goto(`${server.url}/#/tv?boards=room`);
      const tile = page.locator('[data-testid="tv"] [data-testid="tile-takings"]');
      await expect.poll(() => tile.getAttribute('data-alerting'), { timeout: 20_000 }).toBe('true');
      // conversion's milestone banner is short-lived; close it so the board is laid out as it stays
      const banner = page.getByTestId('milestone-banner');
      if (await banner.isVisible()) await banner.getByRole('button').click();
      await banner.waitFor({ state: 'detached' });
      expect(await tile.getAttribute('data-measured')).toBe('on_track');
      await tile.getByTestId('tile-reason').waitFor({ state: 'attached' });
      await expect.poll(() => page.evaluate(OUTSIDE), { timeout: 5_000 }).toEqual([]);
      // what a room must read first about this tile: the alert, whole and inside the tile
      const note = await tile.getByTestId('tile-reason').evaluate((el) => {
        const r = el.getBoundingClientRect();
        const t = el.closest('.tile')!.getBoundingClientRect();
        return {
          shown: r.height > 0,
          inside: r.top >= t.top - 1 && r.bottom <= t.bottom + 1,
          text: el.textContent,
        };
      });
      expect(note).toEqual({ shown: true, inside: true, text: "alert firing: Revenue will miss today's target" });
      await page.screenshot({ path: `test-results/tv-tile-firing-${size.width}.png` });
    });
});
