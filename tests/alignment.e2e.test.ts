import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { apiFetch, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

let server: TestServer;
let page: Page;

useWall((wall) => ({ server, page } = wall));

describe('defining the model in the UI', () => {
  it('creates an objective, names a bad field, and stores the fix', async () => {
    await page.goto(`${server.url}/#/edit/objective/new`);
    const form = page.getByTestId('objective-form');
    await form.locator('[name=id]').fill('ui-growth');
    await form.locator('[name=name]').fill('Grow from the UI');
    await form.locator('[name=period]').fill('next quarter');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('error-period').innerText()).toMatch(/period/i);
    await form.locator('[name=period]').fill('2026-Q4');
    await page.getByTestId('save').click();
    await page.waitForURL(/#\/edit\/objective\/ui-growth/);
    const stored = await (await apiFetch(server, `/api/v1/objectives/ui-growth`)).json();
    expect(stored).toMatchObject({ id: 'ui-growth', name: 'Grow from the UI', period: '2026-Q4', version: 1 });
  });

  it('creates a KPI under it, and the wall shows it there, moving with posted events', async () => {
    await page.goto(`${server.url}/#/edit/kpi/new?objective=ui-growth`);
    const form = page.getByTestId('kpi-form');
    await form.waitFor();
    await form.locator('[name=id]').fill('ui-signups');
    await form.locator('[name=name]').fill('Sign-ups from the UI');
    await form.locator('[name=metric]').fill('ui.signups');
    await form.locator('[name=aggregation]').selectOption('count');
    await form.locator('[name=window]').fill('1h');
    await form.locator('[name=target]').fill('3');
    await expect.poll(() => form.locator('[name=objective]').inputValue()).toBe('ui-growth');
    await page.getByTestId('save').click();
    await page.waitForURL(/#\/edit\/kpi\/ui-signups/);
    expect(await (await apiFetch(server, `/api/v1/kpis/ui-signups`)).json()).toMatchObject({ objective: 'ui-growth', target: 3 });

    const body = Array.from({ length: 4 }, (_, i) => JSON.stringify({ metric: 'ui.signups', value: 1, id: `ui-${i}` })).join('\n');
    const res = await apiFetch(server, `/api/v1/events`, { method: 'POST', headers: { 'content-type': 'application/x-ndjson' }, body });
    expect(res.status).toBe(202);

    await page.goto(`${server.url}/#/`);
    const tile = page.getByTestId('objective-ui-growth').getByTestId('tile-ui-signups');
    await tile.waitFor();
    await expect.poll(() => tile.getByTestId('tile-value').innerText(), { timeout: 10_000 }).toMatch(/^4/);
    expect(await tile.getAttribute('data-status')).toBe('on_track');
  });

  it('shows the KPI in the alignment tree under its objective', async () => {
    await page.goto(`${server.url}/#/tree`);
    const node = page.getByTestId('tree-objective-ui-growth');
    await node.waitFor();
    await expect.poll(() => node.getByTestId('tree-kpi-ui-signups').count()).toBe(1);
  });
});
