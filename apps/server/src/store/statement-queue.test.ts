import { describe, expect, it } from 'vitest';
import { oneStatementAtATime } from './statement-queue.ts';

/** A connection whose statements finish when the test says, logging when each starts. */
function fakeConnection(log: string[]) {
  const pending: Array<() => void> = [];
  const statement = (name: string, fail = false) =>
    new Promise<string>((resolve, reject) => {
      log.push(`${name} started`);
      pending.push(() => (fail ? reject(new Error(`${name} failed`)) : resolve(name)));
    });
  return {
    connection: {
      query: (p: { query: string }) => statement(p.query, p.query === 'bad'),
      close: () => {
        log.push('closed');
        return Promise.resolve();
      },
      chdb: { rawInsert: (p: { table: string }) => statement(`insert ${p.table}`) },
    },
    finishNext: async () => {
      await new Promise((r) => setImmediate(r));
      pending.shift()?.();
      await new Promise((r) => setImmediate(r));
    },
  };
}

describe('oneStatementAtATime', () => {
  it('sends a statement only once the one before on the connection has settled, in call order, raw inserts included', async () => {
    const log: string[] = [];
    const fake = fakeConnection(log);
    const conn = oneStatementAtATime(fake.connection);
    const a = conn.query({ query: 'a' });
    const b = conn.chdb.rawInsert({ table: 'events' });
    const c = conn.query({ query: 'c' });
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['a started']);
    await fake.finishNext();
    expect(log).toEqual(['a started', 'insert events started']);
    await fake.finishNext();
    await fake.finishNext();
    expect(await Promise.all([a, b, c])).toEqual(['a', 'insert events', 'c']);
    expect(log).toEqual(['a started', 'insert events started', 'c started']);
  });

  it('a failed statement rejects its caller and does not hold up the next', async () => {
    const log: string[] = [];
    const fake = fakeConnection(log);
    const conn = oneStatementAtATime(fake.connection);
    const bad = conn.query({ query: 'bad' });
    const next = conn.query({ query: 'next' });
    await fake.finishNext();
    await expect(bad).rejects.toThrow('bad failed');
    await fake.finishNext();
    expect(await next).toBe('next');
  });

  it('runs other methods on the connection itself, where its private fields are', async () => {
    class Connection {
      #open = true;
      query() {
        return Promise.resolve(this.#open ? 'rows' : 'closed');
      }
      close() {
        this.#open = false;
        return Promise.resolve();
      }
    }
    const conn = oneStatementAtATime(new Connection());
    expect(await conn.query()).toBe('rows');
    await conn.close();
    expect(await conn.query()).toBe('closed');
  });

  it('leaves close and other members alone', async () => {
    const log: string[] = [];
    const fake = fakeConnection(log);
    const conn = oneStatementAtATime(fake.connection);
    void conn.query({ query: 'running' });
    await new Promise((r) => setImmediate(r));
    await conn.close();
    expect(log).toEqual(['running started', 'closed']);
  });

  it('awaits beforeEach at the head of the queue, right before each statement, keeping the order', async () => {
    const log: string[] = [];
    const fake = fakeConnection(log);
    const gates: Array<() => void> = [];
    const conn = oneStatementAtATime(fake.connection, () => {
      log.push('gate');
      return new Promise<void>((resolve) => gates.push(resolve));
    });
    const a = conn.chdb.rawInsert({ table: 'a' });
    const b = conn.chdb.rawInsert({ table: 'b' });
    await new Promise((r) => setImmediate(r));
    // the second statement is not at the gate while the first waits there or runs
    expect(log).toEqual(['gate']);
    gates.shift()!();
    await new Promise((r) => setImmediate(r));
    expect(log).toEqual(['gate', 'insert a started']);
    await fake.finishNext();
    expect(log).toEqual(['gate', 'insert a started', 'gate']);
    gates.shift()!();
    await fake.finishNext();
    expect(await Promise.all([a, b])).toEqual(['insert a', 'insert b']);
    expect(log).toEqual(['gate', 'insert a started', 'gate', 'insert b started']);
  });
});
