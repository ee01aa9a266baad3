import { describe, expect, it } from 'vitest';
import { createMetrics } from '../observe/metrics.ts';
import { Connections } from './connections.ts';
import { FakeSocket } from './fake-socket.fixture.ts';
import { Subscription } from './subscription.ts';

describe('Connections', () => {
  it('counts connections, keeps the scopes of the most recently closed for their resume, and forgets the oldest past the limit', async () => {
    const metrics = createMetrics();
    const connections = new Connections(metrics, { recentLimit: 2 });
    const clients = [0, 1, 2].map((i) => {
      const c = connections.add(new FakeSocket(), 0, undefined, []);
      c.sub = new Subscription();
      c.sub.add({ kpis: [`k${i}`] });
      return c;
    });
    expect((await metrics.wsClients.get()).values[0]?.value).toBe(3);
    for (const c of clients) expect(connections.forget(c)).toBe(true);
    expect(connections.forget(clients[0]!)).toBe(false);
    expect(connections.size).toBe(0);
    expect((await metrics.wsClients.get()).values[0]?.value).toBe(0);
    expect(connections.recentScope(clients[0]!.id)).toBeUndefined();
    expect(connections.recentScope(clients[1]!.id)?.kpis).toEqual(['k1']);
    expect(connections.recentScope(clients[2]!.id)?.kpis).toEqual(['k2']);
  });

  it('fixes a restricted connection to its KPIs from the start', () => {
    const connections = new Connections(createMetrics());
    const kiosk = connections.add(new FakeSocket(), 0, { kpis: new Set(['a', 'b']), objectives: new Set() }, ['token:t']);
    expect([...kiosk.sub!.ids!].sort()).toEqual(['a', 'b']);
    expect(kiosk.credentials).toEqual(['token:t']);
  });
});
