import { describe, expect, it } from 'vitest';
import { errorBody, httpStatusFor, toStoreError } from './errors.ts';
import { insertWithRows, readStoreRequest, trailingFormat } from './request.ts';

const read = (qs: string, headers: Record<string, string> = {}) => readStoreRequest(new URLSearchParams(qs), new Headers(headers));

describe('readStoreRequest', () => {
  it('splits parameters, interface names and settings as clickhouse-server does', () => {
    const r = read(
      'query=SELECT+1&param_s=a%5C%27b&max_threads=2&database=db1&default_format=JSON&query_id=q1&enable_http_compression=1&wait_end_of_query=1',
    );
    expect(r.urlQuery).toBe('SELECT 1');
    // kept exactly as the client escaped it
    expect(r.params.get('s')).toBe("a\\'b");
    expect([...r.settings]).toEqual([['max_threads', '2']]);
    expect(r.database).toBe('db1');
    expect(r.defaultFormat).toBe('JSON');
    expect(r.queryId).toBe('q1');
    expect(r.compressResponse).toBe(true);
  });

  it('reads credentials from X-ClickHouse headers, basic auth, or user/password parameters', () => {
    expect(read('', { 'X-ClickHouse-User': 'u', 'X-ClickHouse-Key': 'k:1' })).toMatchObject({ user: 'u', password: 'k:1' });
    expect(read('', { Authorization: `Basic ${Buffer.from('u2:p:w').toString('base64')}` })).toMatchObject({ user: 'u2', password: 'p:w' });
    expect(read('user=u3&password=p3')).toMatchObject({ user: 'u3', password: 'p3' });
    expect(read('')).toMatchObject({ user: undefined, password: undefined });
  });

  it('refuses names that could reach the SQL, and what this subset does not serve', () => {
    expect(() => read('param_a%3Bb=1')).toThrow(/Query parameter name 'param_a;b'/);
    expect(() => read('max%20threads=1')).toThrow(/Setting name 'max threads'/);
    expect(() => read('database=a%60b')).toThrow(/Database name/);
    expect(() => read('default_format=JSON%3B')).toThrow(/default_format/);
    expect(() => read('session_id=abc')).toThrow(/sessions/);
  });
});

describe('statements', () => {
  it('finds an insert whose rows are the body, and a trailing FORMAT', () => {
    expect(insertWithRows('INSERT INTO events (a, b) FORMAT JSONEachRow')).toEqual({
      head: 'INSERT INTO events (a, b)',
      format: 'JSONEachRow',
    });
    expect(insertWithRows('insert into t settings x = 1 format RowBinary\n')).toEqual({
      head: 'insert into t settings x = 1',
      format: 'RowBinary',
    });
    expect(insertWithRows('INSERT INTO t VALUES')).toBeUndefined();
    expect(insertWithRows("INSERT INTO t FROM INFILE '/x' FORMAT CSV")).toBeUndefined();
    expect(trailingFormat('SELECT 1 \nFORMAT JSONEachRow')).toBe('JSONEachRow');
    expect(trailingFormat('SELECT 1')).toBeUndefined();
  });
});

describe('errors', () => {
  it("keeps the engine's code, name and message, and answers with ClickHouse's status", () => {
    const e = toStoreError(
      new Error("Code: 60. DB::Exception: Unknown table expression identifier 'x' in scope SELECT * FROM x. (UNKNOWN_TABLE)"),
    );
    expect(e).toMatchObject({
      code: 60,
      type: 'UNKNOWN_TABLE',
      message: "Unknown table expression identifier 'x' in scope SELECT * FROM x",
    });
    expect(errorBody(e, '26.7')).toBe(
      "Code: 60. DB::Exception: Unknown table expression identifier 'x' in scope SELECT * FROM x. (UNKNOWN_TABLE) (version 26.7)\n",
    );
    expect(httpStatusFor(60)).toBe(404);
    expect(httpStatusFor(62)).toBe(400);
    expect(httpStatusFor(516)).toBe(403);
    expect(httpStatusFor(229)).toBe(413);
    expect(httpStatusFor(241)).toBe(500);
    expect(toStoreError(new Error('boom'))).toMatchObject({ code: 1002, type: 'UNKNOWN_EXCEPTION', message: 'boom' });
  });
});
