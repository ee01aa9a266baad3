import { randomUUID } from 'node:crypto';
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { StoreCredentials } from './auth.ts';
import { decodeBody, encodeBody, responseCodec } from './compression.ts';
import type { StoreEngine } from './engine.ts';
import { errorBody, httpStatusFor, StoreServerError, toStoreError } from './errors.ts';
import { readStoreRequest, trailingFormat, type StoreRequest } from './request.ts';

export interface StoreAppOptions {
  engine: StoreEngine;
  credentials: StoreCredentials;
  /** The largest body taken, compressed or inflated (an insert's rows, or a statement). */
  maxBodyBytes: number;
  /** Requests past sign-in at once (each may hold a body in memory); more are refused, as max_concurrent_queries does. */
  maxConcurrentQueries: number;
  /** The engine's version, in error bodies as clickhouse-server puts its own. */
  version: string;
}

function contentType(format: string): string {
  const f = format.toLowerCase();
  if (f.includes('eachrow') || f === 'ndjson' || f === 'jsonlines') return 'application/x-ndjson; charset=UTF-8';
  if (f.startsWith('json')) return 'application/json; charset=UTF-8';
  if (f.startsWith('tsv') || f.startsWith('tabseparated')) return 'text/tab-separated-values; charset=UTF-8';
  if (f.startsWith('csv')) return 'text/csv; charset=UTF-8; header=absent';
  if (/^(rowbinary|native|parquet|arrow|arrowstream|orc|avro|msgpack|protobuf)/.test(f)) return 'application/octet-stream';
  return 'text/plain; charset=UTF-8';
}

/** The subset of ClickHouse's HTTP interface that @clickhouse/client uses, over the embedded engine. */
export function createStoreApp(opts: StoreAppOptions): Hono {
  const app = new Hono();
  let active = 0;
  const fail = (c: Context, err: unknown, queryId: string) => {
    const e = toStoreError(err);
    return c.body(errorBody(e, opts.version), httpStatusFor(e.code), {
      'Content-Type': 'text/plain; charset=UTF-8',
      'X-ClickHouse-Exception-Code': String(e.code),
      'X-ClickHouse-Query-Id': queryId,
    });
  };

  /** Reads the body, runs the statement, answers with the result and ClickHouse's headers. */
  const answer = async (c: Context, req: StoreRequest, queryId: string, isGet: boolean): Promise<Response> => {
    if (/^multipart\//i.test(c.req.header('content-type') ?? '')) {
      throw StoreServerError.of(
        'NOT_IMPLEMENTED',
        'multipart bodies (use_multipart_params) are not supported by northstar store: send parameters in the URL',
      );
    }
    const raw = isGet ? Buffer.alloc(0) : Buffer.from(await c.req.arrayBuffer());
    const body = await decodeBody(raw, c.req.header('content-encoding'), opts.maxBodyBytes);
    const sql = req.urlQuery ?? body.toString('utf8');
    if (sql.trim() === '') throw StoreServerError.of('SYNTAX_ERROR', 'Empty query');
    const rows = req.urlQuery !== undefined && body.length > 0 ? body : undefined;
    const result = await opts.engine.run(req, sql, rows, isGet);
    const format = rows ? req.defaultFormat : (trailingFormat(sql) ?? req.defaultFormat);
    const headers: Record<string, string> = {
      'Content-Type': contentType(format),
      'X-ClickHouse-Query-Id': queryId,
      'X-ClickHouse-Format': format,
      'X-ClickHouse-Timezone': 'UTC',
      'X-ClickHouse-Server-Display-Name': 'northstar-store',
      'X-ClickHouse-Summary': JSON.stringify({
        read_rows: String(result.readRows),
        read_bytes: String(result.readBytes),
        written_rows: String(rows ? result.readRows : 0),
        written_bytes: String(rows ? rows.length : 0),
        total_rows_to_read: '0',
        result_rows: String(rows ? 0 : result.readRows),
        result_bytes: String(result.body.length),
        elapsed_ns: String(result.elapsedNs),
      }),
    };
    const codec = req.compressResponse ? responseCodec(c.req.header('accept-encoding')) : undefined;
    if (codec && result.body.length > 0) {
      headers['Content-Encoding'] = codec;
      return c.body(new Uint8Array(await encodeBody(result.body, codec)), 200, headers);
    }
    return c.body(new Uint8Array(result.body), 200, headers);
  };

  // liveness without credentials, as clickhouse-server answers it
  app.on(['GET', 'HEAD'], '/ping', (c) => c.text('Ok.\n'));

  app.use(
    '*',
    bodyLimit({
      maxSize: opts.maxBodyBytes,
      onError: (c) =>
        fail(
          c,
          StoreServerError.of(
            'QUERY_IS_TOO_LARGE',
            `The request body is larger than ${opts.maxBodyBytes} bytes (northstar store --max-body-bytes): send smaller batches`,
          ),
          c.req.query('query_id') ?? randomUUID(),
        ),
    }),
  );

  app.on(['GET', 'POST'], '*', async (c) => {
    const url = new URL(c.req.url);
    let queryId = url.searchParams.get('query_id') || randomUUID();
    try {
      const req = readStoreRequest(url.searchParams, c.req.raw.headers);
      queryId = req.queryId ?? queryId;
      const isGet = c.req.method === 'GET';
      if (isGet && req.urlQuery === undefined) return c.text('Ok.\n');
      opts.credentials.check(req.user, req.password);
      if (active >= opts.maxConcurrentQueries) {
        throw StoreServerError.of(
          'TOO_MANY_SIMULTANEOUS_QUERIES',
          `Too many simultaneous queries. Maximum: ${opts.maxConcurrentQueries} (northstar store --max-concurrent-queries)`,
        );
      }
      active += 1;
      try {
        return await answer(c, req, queryId, isGet);
      } finally {
        active -= 1;
      }
    } catch (err) {
      return fail(c, err, queryId);
    }
  });

  app.all('*', (c) =>
    fail(
      c,
      StoreServerError.of('UNSUPPORTED_METHOD', `Method ${c.req.method.slice(0, 16)} is not supported: use GET or POST`),
      randomUUID(),
    ),
  );
  return app;
}
