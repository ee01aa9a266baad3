import { describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import type { TestServer } from './support/harness.ts';
import { useWall } from './support/browser.ts';
import { KPI_BUDGET_CONFIG } from './support/kpi-budget-config.ts';

/** The objective tree shows each objective's directly linked KPIs against its level's budget, marked when over. */

const CONFIG = KPI_BUDGET_CONFIG;

let server: TestServer;
let page: Page;

useWall((wall) => ({ server, page } = wall), { config: CONFIG });

describe('KPI budget in the tree', () => {
  it('shows "n / budget" per objective, and marks the one over its level budget', async () => {
    await page.goto(`${server.url}/#/tree`);
    const org = page.getByTestId('tree-objective-org').getByTestId('tree-budget').first();
    const squad = page.getByTestId('tree-objective-squad').getByTestId('tree-budget');
    await expect.poll(() => squad.textContent()).toBe('3 / 2');
    expect(await org.textContent()).toBe('1 / 7');
    expect(await squad.getAttribute('class')).toContain('over');
    expect(await org.getAttribute('class')).not.toContain('over');
  });
});
