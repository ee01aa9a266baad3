/**
 * ClickHouse's error shape over HTTP: the body `Code: N. DB::Exception: <message>. (NAME)`,
 * the code in `X-ClickHouse-Exception-Code` and the status ClickHouse picks for that code
 * (src/Server/HTTP/exceptionCodeToHTTPStatus.cpp), so @clickhouse/client raises its usual
 * ClickHouseError with `.code` and `.type` from `northstar store` as from a real server.
 */

/** The codes this server raises itself (the engine's own errors carry theirs in their text). */
export const CODES = {
  SYNTAX_ERROR: 62,
  BAD_ARGUMENTS: 36,
  NOT_IMPLEMENTED: 48,
  UNKNOWN_COMPRESSION_METHOD: 89,
  QUERY_IS_TOO_LARGE: 229,
  CANNOT_DECOMPRESS: 271,
  AUTHENTICATION_FAILED: 516,
  TOO_MANY_SIMULTANEOUS_QUERIES: 202,
  UNSUPPORTED_METHOD: 1,
  UNKNOWN_EXCEPTION: 1002,
} as const;

type CodeName = keyof typeof CODES;

export class StoreServerError extends Error {
  override readonly name = 'StoreServerError';
  constructor(
    readonly code: number,
    readonly type: string,
    message: string,
  ) {
    super(message);
  }

  static of(type: CodeName, message: string): StoreServerError {
    return new StoreServerError(CODES[type], type, message);
  }
}

const ENGINE_ERROR = /Code: (\d+)\. DB::Exception: ([\s\S]*?)(?:\. )?\(([A-Z0-9_]+)\)(?: \(version [^)]*\))?\s*$/;

/** An error from the engine (chdb keeps ClickHouse's text) or from this server, as ClickHouse's code, name and message. */
export function toStoreError(err: unknown): StoreServerError {
  if (err instanceof StoreServerError) return err;
  const text = err instanceof Error ? err.message : String(err);
  const m = ENGINE_ERROR.exec(text.trim());
  if (m) return new StoreServerError(Number(m[1]), m[3]!, m[2]!.replace(/\.$/, ''));
  return new StoreServerError(CODES.UNKNOWN_EXCEPTION, 'UNKNOWN_EXCEPTION', text);
}

/** The body ClickHouse answers an error with (one line, a trailing newline). */
export function errorBody(e: StoreServerError, version: string): string {
  return `Code: ${e.code}. DB::Exception: ${e.message}. (${e.type}) (version ${version})\n`;
}

const BAD_REQUEST = new Set([36, 427, 6, 25, 26, 38, 41, 72, 441, 675, 676, 27, 376, 15, 44, 37, 123, 8, 167, 168, 223, 62, 117, 53, 321]);
const NOT_FOUND = new Set([60, 46, 47, 50, 56, 81, 115, 152, 63, 73, 336, 78, 511]);

/** ClickHouse's exceptionCodeToHTTPStatus, for the codes it names; anything else is 500 there too. */
export function httpStatusFor(code: number): 400 | 401 | 403 | 404 | 408 | 411 | 413 | 415 | 500 | 501 | 503 {
  if (code === 194) return 401;
  if ([192, 193, 516, 512, 497].includes(code)) return 403;
  if (BAD_REQUEST.has(code)) return 400;
  if (NOT_FOUND.has(code)) return 404;
  if (code === 229) return 413;
  if (code === 48) return 501;
  if (code === 209 || code === 76 || code === 439) return 503;
  if (code === 381) return 411;
  if (code === 159) return 408;
  if (code === 779) return 415;
  return 500;
}
