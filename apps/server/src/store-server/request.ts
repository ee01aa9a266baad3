import { StoreServerError } from './errors.ts';

/**
 * What a request to ClickHouse's HTTP interface asks for, read from its URL parameters the
 * way clickhouse-server reads them: `param_<name>` are bound parameters (kept exactly as the
 * client escaped them, the engine parses them by the placeholder's type), a few names are the
 * interface's own, and every other parameter is a setting.
 */
export interface StoreRequest {
  /** The statement from the `query` parameter; undefined when the body is the statement. */
  urlQuery: string | undefined;
  params: Map<string, string>;
  settings: Map<string, string>;
  database: string | undefined;
  queryId: string | undefined;
  /** The output format when the statement names none (`default_format`, else TabSeparated). */
  defaultFormat: string;
  user: string | undefined;
  password: string | undefined;
  /** `enable_http_compression=1`: the response may be compressed as Accept-Encoding allows. */
  compressResponse: boolean;
}

/** Parameters with a meaning of their own in the HTTP interface (not settings). */
const INTERFACE_PARAMS = new Set([
  'query',
  'database',
  'default_format',
  'query_id',
  'user',
  'password',
  'quota_key',
  'role',
  'stacktrace',
]);
/** Settings of the HTTP layer: this server acts on or ignores them; the engine does not know them. */
const HTTP_LAYER_SETTINGS = new Set([
  'enable_http_compression',
  'http_zlib_compression_level',
  'wait_end_of_query',
  'send_progress_in_http_headers',
  'http_headers_progress_interval_ms',
  'http_response_buffer_size',
  'buffer_size',
  'http_wait_end_of_query',
]);
/** Parameters this subset does not serve: refused with a clear error rather than silently ignored. */
const UNSUPPORTED = new Map([
  ['session_id', 'HTTP sessions (session_id) are not supported by northstar store: each request runs on its own'],
  ['compress', 'compress=1 (ClickHouse native compression of the response) is not supported: use enable_http_compression=1'],
  ['decompress', 'decompress=1 (ClickHouse native compression of the body) is not supported: use Content-Encoding: gzip'],
]);

const NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const FORMAT_NAME = /^[A-Za-z0-9_]{1,64}$/;

export function readStoreRequest(search: URLSearchParams, headers: Headers): StoreRequest {
  const params = new Map<string, string>();
  const settings = new Map<string, string>();
  for (const [key, value] of search) {
    if (key.startsWith('param_')) {
      const name = key.slice('param_'.length);
      if (!NAME.test(name))
        throw StoreServerError.of('BAD_ARGUMENTS', `Query parameter name '${key.slice(0, 80)}' is not a valid identifier`);
      params.set(name, value);
      continue;
    }
    const unsupported = UNSUPPORTED.get(key);
    if (unsupported && value !== '' && value !== '0') throw StoreServerError.of('NOT_IMPLEMENTED', unsupported);
    if (INTERFACE_PARAMS.has(key) || unsupported) continue;
    if (!NAME.test(key)) throw StoreServerError.of('BAD_ARGUMENTS', `Setting name '${key.slice(0, 80)}' is not a valid identifier`);
    settings.set(key, value);
  }
  const defaultFormat = search.get('default_format') ?? headers.get('x-clickhouse-format') ?? 'TabSeparated';
  if (!FORMAT_NAME.test(defaultFormat))
    throw StoreServerError.of('BAD_ARGUMENTS', `default_format '${defaultFormat.slice(0, 80)}' is not a format name`);
  const compressResponse = settings.get('enable_http_compression') === '1';
  for (const key of HTTP_LAYER_SETTINGS) settings.delete(key);
  const database = search.get('database') ?? headers.get('x-clickhouse-database') ?? undefined;
  if (database !== undefined && !NAME.test(database))
    throw StoreServerError.of('BAD_ARGUMENTS', `Database name '${database.slice(0, 80)}' is not a valid identifier`);
  return {
    urlQuery: search.get('query') ?? undefined,
    params,
    settings,
    database: database === 'default' ? undefined : database,
    queryId: search.get('query_id') || headers.get('x-clickhouse-query-id') || undefined,
    defaultFormat,
    compressResponse,
    ...credentials(search, headers),
  };
}

/** Credentials as ClickHouse takes them: X-ClickHouse-User/Key headers, HTTP basic, or user/password parameters. */
function credentials(search: URLSearchParams, headers: Headers): { user: string | undefined; password: string | undefined } {
  const headerUser = headers.get('x-clickhouse-user');
  const headerKey = headers.get('x-clickhouse-key');
  if (headerUser !== null || headerKey !== null) return { user: headerUser ?? 'default', password: headerKey ?? '' };
  const auth = headers.get('authorization');
  if (auth && /^basic /i.test(auth)) {
    const decoded = Buffer.from(auth.slice(6).trim(), 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) throw StoreServerError.of('AUTHENTICATION_FAILED', 'Basic authorization header is not user:password');
    return { user: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (search.has('user') || search.has('password'))
    return { user: search.get('user') ?? 'default', password: search.get('password') ?? '' };
  return { user: undefined, password: undefined };
}

/** A statement's trailing `FORMAT <name>`, as the engine will read it; undefined when it names none. */
export function trailingFormat(sql: string): string | undefined {
  return /\bFORMAT\s+([A-Za-z0-9_]+)\s*;?\s*$/i.exec(sql)?.[1];
}

/**
 * An `INSERT ... FORMAT <name>` whose rows are the body: the statement before the FORMAT and
 * the format, so the rows can reach the engine as the bytes they are (`FROM INFILE`), binary
 * formats included. Undefined for any other statement.
 */
export function insertWithRows(sql: string): { head: string; format: string } | undefined {
  const m = /^(\s*INSERT\s+INTO\s[\s\S]*?)\s+FORMAT\s+([A-Za-z0-9_]+)\s*$/i.exec(sql);
  if (!m || /\bFROM\s+INFILE\b/i.test(m[1]!)) return undefined;
  return { head: m[1]!, format: m[2]! };
}
