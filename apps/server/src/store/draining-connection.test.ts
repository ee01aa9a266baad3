import { describe, expect, it } from 'vitest';
import { drainingConnection, StoreClosingError } from './draining-connection.ts';

/** Records the order of events so the test can see whether close waited. */
function fakeConnection(log: string[]) {
  let release: () => void = () => undefined;
  return {
    connection: {
      query: () =>
        new Promise<string>((resolve) => {
          log.push('query started');
          release = () => {
            log.push('query finished');
            resolve('rows');
          };
        }),
      close: async () => {
        log.push('closed');
      },
      name: 'chdb',
      chdb: {
        rawInsert: () =>
          new Promise<string>((resolve) => {
            log.push('raw insert started');
            release = () => {
              log.push('raw insert finished');
              resolve('inserted');
            };
          }),
      },
    },
    finishQuery: () => release(),
  };
}

describe('drainingConnection', () => {
  it('closes only after the query in flight has finished', async () => {
    const log: string[] = [];
    const fake = fakeConnection(log);
    const conn = drainingConnection(fake.connection);
    const running = conn.query();
    const closed = conn.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['query started']);
    fake.finishQuery();
    await expect(running).resolves.toBe('rows');
    await closed;
    expect(log).toEqual(['query started', 'query finished', 'closed']);
  });

  it("waits for chdb's raw inserts too, and refuses them once closing started", async () => {
    const log: string[] = [];
    const fake = fakeConnection(log);
    const conn = drainingConnection(fake.connection);
    const running = conn.chdb.rawInsert();
    const closed = conn.close();
    await new Promise((r) => setTimeout(r, 20));
    expect(log).toEqual(['raw insert started']);
    fake.finishQuery();
    await expect(running).resolves.toBe('inserted');
    await closed;
    expect(log).toEqual(['raw insert started', 'raw insert finished', 'closed']);
    await expect(conn.chdb.rawInsert()).rejects.toBeInstanceOf(StoreClosingError);
  });

  it('refuses queries once closing started, and passes other members through', async () => {
    const log: string[] = [];
    const conn = drainingConnection(fakeConnection(log).connection);
    expect(conn.name).toBe('chdb');
    await conn.close();
    await expect(conn.query()).rejects.toBeInstanceOf(StoreClosingError);
    expect(log).toEqual(['closed']);
  });

  it('closes anyway after the longest wait, so a stuck query cannot hold shutdown forever', async () => {
    const log: string[] = [];
    const conn = drainingConnection(fakeConnection(log).connection, 30);
    void conn.query();
    await conn.close();
    expect(log).toEqual(['query started', 'closed']);
  });
});
