import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { postEvents, type TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';

let server: TestServer;
let page: Page;

useWall((wall) => ({ server, page } = wall));

describe('the wall in Chromium', () => {
  it('groups tiles under their objective and shows the connection as live', async () => {
    await page.goto(server.url);
    const objective = page.getByTestId('objective-sales');
    await objective.waitFor();
    await expect.poll(() => objective.locator('[data-testid^="tile-"][data-status]').count()).toBe(server.model.kpis.length);
    await expect.poll(() => page.getByTestId('connection').getAttribute('data-state')).toBe('live');
    expect(await page.getByTestId('tile-orders').getAttribute('data-status')).toBe('no_data');
  });

  it('changes a tile on screen when an event is posted', async () => {
    const tile = page.getByTestId('tile-revenue');
    const value = tile.getByTestId('tile-value');
    const before = await value.innerText();
    await postEvents(server, [{ metric: 'test.revenue', value: 1234 }]);
    await expect.poll(() => value.innerText(), { timeout: 10_000 }).not.toBe(before);
    expect(await value.innerText()).toMatch(/1[.,]?2/);
    // 1234 of a 1000 target is on track
    await expect.poll(() => tile.getAttribute('data-status')).toBe('on_track');
    await postEvents(server, [{ metric: 'test.revenue', value: 1000 }]);
    await expect.poll(() => value.innerText(), { timeout: 10_000 }).toMatch(/2[.,]2/);
  });
});
