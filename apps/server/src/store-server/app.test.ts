import { describe, expect, it } from 'vitest';
import { createStoreApp } from './app.ts';
import { StoreCredentials } from './auth.ts';
import type { EngineResult, StoreEngine } from './engine.ts';

/** An engine whose statements finish when the test says: what the admission bound sees. */
function heldEngine() {
  const waiting: Array<() => void> = [];
  const engine = {
    run: () =>
      new Promise<EngineResult>((resolve) => {
        waiting.push(() => resolve({ body: Buffer.from('1\n'), readRows: 1, readBytes: 1, elapsedNs: 1 }));
      }),
  } as unknown as StoreEngine;
  return { engine, releaseAll: () => waiting.splice(0).forEach((r) => r()), waiting };
}

const auth = { 'X-ClickHouse-User': 'default', 'X-ClickHouse-Key': 'a-long-password' };

describe('northstar store admission', () => {
  it('refuses statements over --max-concurrent-queries with ClickHouse TOO_MANY_SIMULTANEOUS_QUERIES, then takes them again', async () => {
    const { engine, releaseAll, waiting } = heldEngine();
    const app = createStoreApp({
      engine,
      credentials: new StoreCredentials('default', 'a-long-password'),
      maxBodyBytes: 1024,
      maxConcurrentQueries: 2,
      version: 'test',
    });
    const send = () => app.request('/', { method: 'POST', body: 'SELECT 1', headers: auth });
    const first = [send(), send()];
    await expect.poll(() => waiting.length).toBe(2);
    const third = await send();
    expect(third.status).toBe(500);
    expect(third.headers.get('x-clickhouse-exception-code')).toBe('202');
    expect(await third.text()).toMatch(
      /^Code: 202\. DB::Exception: Too many simultaneous queries\. Maximum: 2 .*--max-concurrent-queries.*\(TOO_MANY_SIMULTANEOUS_QUERIES\)/,
    );
    releaseAll();
    for (const r of await Promise.all(first)) expect(r.status).toBe(200);
    const again = send();
    await expect.poll(() => waiting.length).toBe(1);
    releaseAll();
    expect(await (await again).text()).toBe('1\n');
  });

  it('counts nothing for a request refused at sign-in', async () => {
    const { engine, waiting, releaseAll } = heldEngine();
    const app = createStoreApp({
      engine,
      credentials: new StoreCredentials('default', 'a-long-password'),
      maxBodyBytes: 1024,
      maxConcurrentQueries: 1,
      version: 'test',
    });
    for (let i = 0; i < 3; i++) {
      const r = await app.request('/', { method: 'POST', body: 'SELECT 1', headers: { ...auth, 'X-ClickHouse-Key': 'wrong' } });
      expect(r.headers.get('x-clickhouse-exception-code')).toBe('516');
    }
    // the one slot is free: a signed-in statement reaches the engine
    const ok = app.request('/', { method: 'POST', body: 'SELECT 1', headers: auth });
    await expect.poll(() => waiting.length).toBe(1);
    releaseAll();
    expect((await ok).status).toBe(200);
  });
});
