import { describe, expect, it } from 'vitest';
import { openWall } from './support/browser.ts';

/** One board of three tiles; the server is stopped under it. */
const CONFIG = `
objectives:
  - { id: ops, name: Run well, owner: Ravi }
kpis:
  - { id: a, name: Orders, objective: ops, metric: off.a, aggregation: count, window: 1h, target: 5 }
  - { id: b, name: Refunds, objective: ops, metric: off.b, aggregation: count, window: 1h, direction: lower_is_better, target: 5 }
  - { id: c, name: Signups, objective: ops, metric: off.c, aggregation: count, window: 1h, target: 5 }
boards:
  - { id: room, name: Ops room, kpis: [a, b, c], rotateSeconds: 600 }
`;

const TILES = '[data-testid="tv"] [data-testid^="tile-"][data-status]';

describe('the TV when the server goes away', () => {
  it('after 60 s without the server: an OFFLINE banner with the time of its values, and every tile dimmed', async () => {
    const own = await openWall({ config: CONFIG });
    try {
      await own.page.clock.install();
      await own.page.goto(`${own.server.url}/#/tv?boards=room`);
      await own.page.locator(TILES).first().waitFor();
      await own.page.waitForTimeout(500);
      await expect.poll(() => own.page.getByTestId('connection').getAttribute('data-state'), { timeout: 10_000 }).toBe('live');
      const shownAt = await own.page.evaluate('new Date().toTimeString().slice(0, 5)');
      await own.server.stop();
      await expect.poll(() => own.page.getByTestId('connection').getAttribute('data-state'), { timeout: 15_000 }).not.toBe('live');
      // a blip is not news
      await own.page.clock.fastForward(20_000);
      expect(await own.page.getByTestId('tv-offline').count()).toBe(0);
      await own.page.clock.fastForward(45_000);
      const banner = own.page.getByTestId('tv-offline');
      await banner.waitFor({ timeout: 5_000 });
      expect(await banner.innerText()).toBe(`OFFLINE: values from ${String(shownAt)}`);
      const box = (await banner.boundingBox())!;
      expect(box.width).toBeGreaterThanOrEqual(1900);
      expect(box.height).toBeGreaterThanOrEqual(40);
      // the dimming fades in over 400 ms of real time (CSS transitions do not follow the page's fake clock)
      const opacities = () =>
        own.page
          .locator(TILES)
          .evaluateAll((tiles) => tiles.map((t) => Number(t.ownerDocument.defaultView!.getComputedStyle(t.parentElement!).opacity)));
      expect(await opacities()).toHaveLength(3);
      await expect.poll(async () => (await opacities()).every((o) => o <= 0.5), { timeout: 5_000 }).toBe(true);
    } finally {
      await own.browser.close();
      // the server was stopped above; stopping twice must not hide the test's own failure
      await own.server.stop().catch(() => undefined);
    }
  });
});
