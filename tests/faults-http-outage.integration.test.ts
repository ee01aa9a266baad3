import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { shownValue, startTestServer, storedEvents, waitFor, type TestServer } from './support/harness.ts';
import { eventsTableDir, setWritable } from './support/store-fault.ts';

/**
 * Over HTTP, tiles count an event before its insert returns (they must not wait for it).
 * This is the case that costs: the store refuses the insert after the wall counted its
 * events, the producer retries. The wall must end where the store is, not above it.
 * The fault is the one of faults-store-outage: the events table's directory made unwritable.
 */
let server: TestServer;
let tableDir: string | undefined;

beforeAll(async () => {
  server = await startTestServer();
});
afterAll(async () => {
  if (tableDir) setWritable(tableDir, true);
  await server?.stop();
});

const post = (n: number) =>
  fetch(`${server.url}/api/v1/events`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-ndjson' },
    body: Array.from({ length: n }, () => JSON.stringify({ metric: 'test.orders', value: 1 })).join('\n'),
  });

const shown = () => shownValue(server, 'orders');
const stored = () => storedEvents(server, 'test.orders');

async function repairs(): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  return Number(/^northstar_live_repairs_total (\d+)/m.exec(text)?.[1] ?? NaN);
}

describe('HTTP ingest when an insert the wall already counted fails', () => {
  it('answers 503, and once the store takes writes again the KPI is rebuilt to what the store holds', async () => {
    expect((await post(5)).status).toBe(202);
    await waitFor(async () => ((await shown()) === 5 ? true : undefined), 'the first 5 events on the KPI');

    tableDir = eventsTableDir(server.dataDir);
    setWritable(tableDir, false);
    const refused = await post(3);
    expect(refused.status).toBe(503);
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(0);
    // while degraded, a new request is counted only once stored: refused again, not counted
    expect((await post(2)).status).toBe(503);
    const duringOutage = await shown();

    setWritable(tableDir, true);
    tableDir = undefined;
    // the producer retries the 3; the 2 are given up
    expect((await post(3)).status).toBe(202);
    await waitFor(async () => ((await repairs()) >= 1 ? true : undefined), 'the KPI to be rebuilt from the store');
    const after = await waitFor(async () => ((await shown()) === 8 ? 8 : undefined), 'the KPI at what the store holds');
    console.log(
      `faults-http-outage: KPI 5 before, ${duringOutage} during the outage (the refused 3 counted at once), ${after} after the rebuild`,
    );
    expect(await stored()).toBe(8);
    expect(duringOutage).toBe(8);
  });
});
