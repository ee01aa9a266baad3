import { describe, expect, it } from 'vitest';
import type { Board } from '@northstar/shared';
import type { Page } from 'playwright-core';
import { apiFetch, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

const CONFIG = `
objectives:
  - { id: growth, name: Grow, owner: Ana, period: 2026-Q4 }
kpis:
  - { id: orders, name: Orders, objective: growth, metric: be.orders, aggregation: count, window: 1h, target: 100 }
  - { id: revenue, name: Revenue, objective: growth, metric: be.revenue, aggregation: sum, window: 1h, target: 1000 }
  - { id: signups, name: Signups, objective: growth, metric: be.signups, aggregation: count, window: 1h, target: 10 }
  - { id: churn, name: Churn, objective: growth, metric: be.churn, aggregation: count, window: 1h, target: 5, direction: lower_is_better }
boards:
  - { id: existing, name: Existing board, kpis: [churn] }
`;

let server: TestServer;
let page: Page;

useWall((wall) => ({ server, page } = wall), { config: CONFIG }, { width: 1600, height: 1000 });

async function boardFromApi(id: string): Promise<Board & { version: number }> {
  const res = await apiFetch(server, `/api/v1/boards/${id}`);
  expect(res.status).toBe(200);
  return (await res.json()) as Board & { version: number };
}

async function addTile(kpiId: string): Promise<void> {
  await page.locator('select[name="add-kpi"]').selectOption(kpiId);
  await page.getByTestId('add-tile').click();
  await page.getByTestId(`tile-${kpiId}`).waitFor();
}

const TV_TILES = '[data-testid="tv"] [data-testid^="tile-"][data-status]';

describe('board editor in Chromium', () => {
  it('creates a board from the boards page, lists it, and its TV view shows exactly its tiles in order', async () => {
    await page.goto(`${server.url}/#/boards`);
    await page.getByTestId('board-existing').waitFor();
    await page.getByTestId('new-board').click();
    const form = page.getByTestId('board-form');
    await form.waitFor();
    expect(page.url()).toContain('#/edit/board/new');

    await form.locator('input[name="id"]').fill('night-shift');
    await form.locator('input[name="name"]').fill('Night shift');
    await form.locator('input[name="rotateSeconds"]').fill('15');
    // the picker lists the live wall's KPIs once it is connected
    await expect.poll(() => page.locator('select[name="add-kpi"] option[value="signups"]').count(), { timeout: 10_000 }).toBe(1);
    await addTile('revenue');
    await addTile('orders');
    await addTile('signups');
    // a tile already picked is no longer offered
    expect(await page.locator('select[name="add-kpi"] option[value="orders"]').count()).toBe(0);
    // put orders first
    await page.getByRole('button', { name: 'Move Orders up' }).click();
    const order = await page.locator('[data-testid="tile-list"] li').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));
    expect(order).toEqual(['tile-orders', 'tile-revenue', 'tile-signups']);
    await page.getByTestId('save').click();
    // a new board, once created, is reopened under its id at version 1
    await expect.poll(() => page.url()).toContain('#/edit/board/night-shift');
    await expect.poll(() => page.locator('main h2').innerText()).toBe('Board “Night shift” · version 1');

    const saved = await boardFromApi('night-shift');
    expect(saved).toMatchObject({ name: 'Night shift', kpis: ['orders', 'revenue', 'signups'], rotateSeconds: 15, version: 1 });

    // listed on the boards page with an Edit button and a TV link
    await page.goto(`${server.url}/#/boards`);
    const row = page.getByTestId('board-night-shift');
    await row.waitFor();
    expect(await row.locator('h3').innerText()).toBe('Night shift');
    expect(await row.innerText()).toContain('3 KPIs');
    expect(await page.getByTestId('edit-board-night-shift').getAttribute('href')).toBe('#/edit/board/night-shift');

    const tvHref = await page.getByTestId('tv-link-night-shift').getAttribute('href');
    expect(tvHref).toBe('#/tv?boards=night-shift');
    await page.goto(`${server.url}/${tvHref}`);
    const tv = page.getByTestId('tv');
    await tv.waitFor();
    await expect.poll(() => tv.getAttribute('data-board'), { timeout: 10_000 }).toBe('night-shift');
    await expect
      .poll(async () => page.locator(TV_TILES).evaluateAll((els) => els.map((e) => e.getAttribute('data-testid'))), { timeout: 10_000 })
      .toEqual(['tile-orders', 'tile-revenue', 'tile-signups']);
    expect(await page.getByTestId('tv-board-name').innerText()).toBe('Night shift');
  });

  it('edits with If-Match, shows the server’s refusal next to the field, and deletes', async () => {
    // a taken id: the server says so and nothing changes
    await page.goto(`${server.url}/#/boards`);
    await page.getByTestId('new-board').click();
    const form = page.getByTestId('board-form');
    await expect.poll(() => page.locator('main h2').innerText()).toBe('New board');
    await form.locator('input[name="id"]').fill('existing');
    await form.locator('input[name="name"]').fill('Copy');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('form-status').getAttribute('data-kind')).toBe('error');
    expect(await page.getByTestId('form-status').innerText()).toContain('already exists');
    expect((await boardFromApi('existing')).name).toBe('Existing board');

    // a rotation outside the schema's bounds is refused before sending, next to its field
    await page.goto(`${server.url}/#/boards`);
    await page.getByTestId('edit-board-existing').click();
    await expect.poll(() => form.locator('input[name="name"]').inputValue(), { timeout: 10_000 }).toBe('Existing board');
    await form.locator('input[name="rotateSeconds"]').fill('2');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('error-rotateSeconds').innerText()).toContain('from 5 to 3600');

    // someone else saves a new version meanwhile: our save is refused with a conflict, not lost over theirs
    const theirs = await apiFetch(server, `/api/v1/boards/existing`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json', 'if-match': '"1"' },
      body: JSON.stringify({ id: 'existing', name: 'Renamed elsewhere', kpis: ['churn'], rotateSeconds: 30 }),
    });
    expect(theirs.status).toBe(200);
    await form.locator('input[name="rotateSeconds"]').fill('20');
    await form.locator('input[name="name"]').fill('Mine');
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('form-status').getAttribute('data-kind')).toBe('conflict');
    expect((await boardFromApi('existing')).name).toBe('Renamed elsewhere');

    // reload, change, save: version 3
    await page.getByRole('button', { name: 'Reload' }).click();
    await expect.poll(() => form.locator('input[name="name"]').inputValue()).toBe('Renamed elsewhere');
    await page.getByRole('button', { name: 'Remove Churn' }).click();
    await page.getByTestId('tiles-empty').waitFor();
    await page.getByTestId('save').click();
    await expect.poll(() => page.getByTestId('form-status').getAttribute('data-kind')).toBe('saved');
    expect(await boardFromApi('existing')).toMatchObject({ version: 3, kpis: [] });

    await page.getByTestId('delete').click();
    await page.getByTestId('confirm-delete').click();
    await expect.poll(() => page.url()).toMatch(/#\/boards$/);
    await page.getByTestId('board-night-shift').waitFor();
    expect(await page.getByTestId('board-existing').count()).toBe(0);
    expect((await apiFetch(server, `/api/v1/boards/existing`)).status).toBe(404);
  });
});
