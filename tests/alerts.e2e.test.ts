import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { Alert } from '@northstar/shared';
import { apiFetch, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

/** One objective under another, a KPI that must stay low, and a rule that fires the moment it is above 10. */
const CONFIG = `
objectives:
  - { id: company, name: Run a reliable platform, owner: Priya }
  - { id: platform, name: Keep the platform up, parent: company, owner: Ravi }
kpis:
  - { id: errors, name: Errors, objective: platform, owner: Sam, metric: e2e.errors, aggregation: count, window: 1h, unit: errors, direction: lower_is_better, target: 10 }
rules:
  - id: spike
    name: Error spike
    kpis: [errors]
    severity: critical
    for: 0s
    condition: { type: threshold, op: '>', value: 10 }
`;

const KEY = 'spike/errors/';
const COMMENT = 'Rolling back the deploy <b>now</b>';

let server: TestServer;
let page: Page;

useWall((wall) => ({ server, page } = wall), { config: CONFIG });

async function alerts(): Promise<Alert[]> {
  const res = await apiFetch(server, `/api/v1/alerts`);
  expect(res.status).toBe(200);
  return (await res.json()) as Alert[];
}

describe('alerts on the wall in Chromium', () => {
  it('starts quiet: no alert, no mark, no panel', async () => {
    await page.goto(server.url);
    const tile = page.getByTestId('tile-errors');
    await tile.waitFor();
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    expect(await tile.getAttribute('data-alerting')).toBe('false');
    expect(await page.getByTestId('alerts-count').innerText()).toBe('0');
    expect(await page.getByTestId('alerts-panel').count()).toBe(0);
    expect(await page.getByTestId('objective-company').getAttribute('data-alerting')).toBe('false');
  });

  it('turns the tile red and lists the alert with its objective path within seconds of an injected spike', async () => {
    const events = Array.from({ length: 15 }, (_, i) => JSON.stringify({ metric: 'e2e.errors', value: 1, id: `spike-${i}` })).join('\n');
    const ingest = await apiFetch(server, `/api/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-ndjson' },
      body: events,
    });
    expect(ingest.status).toBe(202);
    const postedAt = Date.now();

    const tile = page.getByTestId('tile-errors');
    await expect.poll(() => tile.getAttribute('data-alerting'), { timeout: 10_000 }).toBe('true');
    expect(Date.now() - postedAt).toBeLessThan(10_000);
    // the alert and the tile's new state may arrive in either order within a tick
    await expect.poll(() => tile.getAttribute('data-status'), { timeout: 5_000 }).toBe('off_track');
    expect(await tile.getByTestId('tile-alert').innerText()).toMatch(/alert/i);
    await expect.poll(() => tile.getByTestId('tile-value').innerText()).toMatch(/^15/);

    // the objective above the KPI is marked, with the word and not colour alone
    const objective = page.getByTestId('objective-company');
    expect(await objective.getAttribute('data-alerting')).toBe('true');
    expect(await objective.getByTestId('objective-alerting').innerText()).toMatch(/alert/i);

    // the panel opens by itself while something fires, and the header counts it
    const panel = page.getByTestId('alerts-panel');
    await panel.waitFor({ timeout: 10_000 });
    expect(await page.getByTestId('alerts-count').innerText()).toBe('1');
    const row = panel.locator(`[data-testid="alert-row"][data-key="${KEY}"]`);
    await row.waitFor();
    expect(await row.getAttribute('data-state')).toBe('alerting');
    expect(await row.getByTestId('alert-path').innerText()).toBe('Errors › Keep the platform up › Run a reliable platform');
    expect(await row.getByTestId('alert-severity').innerText()).toMatch(/critical/i);
    expect(await row.getByTestId('alert-state').innerText()).toBe('firing');
    expect(await row.getByTestId('alert-value').innerText()).toBe('value 15 errors · threshold 10 errors');
    expect(await row.getByTestId('alert-owners').innerText()).toContain('Sam, Ravi, Priya');
    expect(await row.getByTestId('alert-acknowledged').count()).toBe(0);

    // a toast says it, and the polite live region announces it to screen readers
    const toast = page.getByTestId('toast');
    await expect.poll(() => toast.count()).toBe(1);
    expect(await toast.innerText()).toMatch(/Critical alert: Errors value 15 errors/);
    expect(await page.getByTestId('alerts-live').getAttribute('aria-live')).toBe('polite');
    expect(await page.getByTestId('alerts-live').innerText()).toMatch(/Under objective: Keep the platform up/);
    await toast.getByTestId('toast-dismiss').click();
    await expect.poll(() => toast.count()).toBe(0);
  });

  it('records an acknowledgement made in the panel, with who (the signed-in user) and why', async () => {
    const row = page.locator(`[data-testid="alert-row"][data-key="${KEY}"]`);
    await row.getByTestId('ack').click();
    // signed in: the server knows who, so there is no name to type
    expect(await row.getByPlaceholder('Your name').count()).toBe(0);
    await row.getByTestId('ack-comment').fill(COMMENT);
    await row.getByTestId('ack-submit').click();

    await expect
      .poll(async () => (await alerts()).find((a) => a.key === KEY)?.acknowledged ?? null, { timeout: 10_000 })
      .toMatchObject({ by: 'admin', comment: COMMENT });
    const stored = (await alerts()).find((a) => a.key === KEY);
    expect(stored?.state).toBe('alerting');
    expect(stored?.acknowledged?.at).toBeGreaterThan(0);

    const ack = row.getByTestId('alert-acknowledged');
    await expect.poll(() => ack.count(), { timeout: 10_000 }).toBe(1);
    expect(await ack.innerText()).toMatch(/^Acknowledged by admin/);
    // the comment is shown as text, never as markup
    expect(await ack.innerText()).toContain(`“${COMMENT}”`);
    expect(await row.locator('b').count()).toBe(0);
    expect(await row.getByTestId('ack-comment').count()).toBe(0);
  });

  it('hides and shows the panel from the header', async () => {
    await page.getByTestId('alerts-toggle').click();
    await expect.poll(() => page.getByTestId('alerts-panel').count()).toBe(0);
    // the tile stays marked while the panel is hidden
    expect(await page.getByTestId('tile-errors').getAttribute('data-alerting')).toBe('true');
    await page.getByTestId('alerts-toggle').click();
    await expect.poll(() => page.getByTestId('alert-row').count()).toBe(1);
  });
});
