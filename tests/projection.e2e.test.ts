import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { postEvents, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

/**
 * Issue 18.4, "forecast where people look", in Chromium with sign-in on: a cumulative calendar
 * KPI's tile says its end-of-period projection with its band, and the KPI chart draws it.
 * The server's clock is real, so the window is one already well past a tenth of its period
 * (projections start there), whatever the moment: the month, else the quarter, else today, in
 * a time zone where it is now past noon (one of UTC-11…UTC+12 always is), so even in the first
 * hours of a year there is a period half gone.
 */
const HOUR = 3_600_000;
/** A whole-hour zone where the local time is now between 12:00 and 13:00, and its offset in hours. */
function zoneAtNoon(now: number): { timezone: string; offsetHours: number } {
  const offsetHours = 12 - new Date(now).getUTCHours();
  // the POSIX-style Etc zones count the other way: Etc/GMT-5 is UTC+5
  const timezone = offsetHours === 0 ? 'UTC' : `Etc/GMT${offsetHours > 0 ? '-' : '+'}${Math.abs(offsetHours)}`;
  return { timezone, offsetHours };
}
function pastATenth(now: number): { window: string; startMs: number; timezone: string } {
  const { timezone, offsetHours } = zoneAtNoon(now);
  const offsetMs = offsetHours * HOUR;
  // the local calendar, read off a UTC date shifted by the zone's offset
  const d = new Date(now + offsetMs);
  const month = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1) - offsetMs;
  const quarter = Date.UTC(d.getUTCFullYear(), Math.floor(d.getUTCMonth() / 3) * 3, 1) - offsetMs;
  const day = Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - offsetMs;
  if (now - month > 0.15 * 28 * 24 * HOUR) return { window: 'month_to_date', startMs: month, timezone };
  if (now - quarter > 0.15 * 90 * 24 * HOUR) return { window: 'quarter_to_date', startMs: quarter, timezone };
  return { window: 'today', startMs: day, timezone };
}
const { window, startMs, timezone } = pastATenth(Date.now());

const CONFIG = `
objectives:
  - { id: growth, name: Grow, owner: Dana }
kpis:
  - { id: signups, name: Sign-ups, objective: growth, metric: proj.signups, aggregation: sum, window: ${window}, timezone: ${timezone}, unit: sign-ups, target: 1000000 }
`;

let server: TestServer;
let page: Page;

useWall(
  async (wall) => {
    ({ server, page } = wall);
    // events every hour (every 15 minutes for today) since the period began, unevenly sized, so the pace has a spread
    const step = window === 'today' ? HOUR / 4 : HOUR;
    const events = [];
    for (let ts = startMs + 60_000, i = 0; ts < Date.now() - 60_000; ts += step, i++)
      events.push({ metric: 'proj.signups', value: 100 + (i % 5) * 40, ts, id: `s-${i}` });
    await postEvents(server, events);
  },
  { config: CONFIG },
);

describe('the projection in Chromium', () => {
  it('is on the calendar tile, with its band and the period’s last day, marked by its status', async () => {
    await page.goto(`${server.url}/#/`);
    const line = page.getByTestId('tile-signups').getByTestId('tile-projection');
    await line.waitFor({ timeout: 60_000 });
    expect(await line.innerText()).toMatch(
      /^Projected [\d.,]+[kM]? sign-ups \([\d.,]+[kM]?\S*–[\d.,]+[kM]? sign-ups\) by \d{1,2} [A-Z][a-z]{2}$/,
    );
    expect(['on_track', 'at_risk', 'off_track']).toContain(await line.getAttribute('data-status'));
    await page.screenshot({ path: 'test-results/projection-tile.png' });
  });

  it('is drawn on the KPI chart to the period’s end', async () => {
    await page.getByTestId('tile-signups').click();
    await page.waitForURL(/#\/kpi\/signups/);
    const chart = page.getByTestId('kpi-chart');
    await chart.waitFor({ timeout: 15_000 });
    await expect.poll(() => chart.getAttribute('data-legend'), { timeout: 15_000 }).toContain('Projection');
    await page.screenshot({ path: 'test-results/projection-chart.png' });
  });
});
