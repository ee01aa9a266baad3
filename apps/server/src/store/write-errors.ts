/**
 * Whether a failed insert can succeed if tried again. The store's own error codes
 * (ClickHouse `Code: N`) name the failures caused by the rows themselves: those never
 * succeed on retry, so retrying would hold the stream forever. Everything else (a disk
 * that is full or read-only, a lost connection, too many parts, memory) is the store's
 * state and passes: such errors are retried.
 */
export type StoreErrorKind = 'retryable' | 'permanent';

/** ClickHouse error codes that are about the data written, not about the store's state. */
const ROW_ERROR_CODES = new Set([
  6, // CANNOT_PARSE_TEXT
  25, // CANNOT_PARSE_ESCAPE_SEQUENCE (a lone surrogate in JSON input)
  26, // CANNOT_PARSE_QUOTED_STRING
  27, // CANNOT_PARSE_INPUT_ASSERTION_FAILED
  38, // CANNOT_PARSE_DATE
  41, // CANNOT_PARSE_DATETIME
  53, // TYPE_MISMATCH
  69, // ARGUMENT_OUT_OF_BOUND
  70, // CANNOT_CONVERT_TYPE
  72, // CANNOT_PARSE_NUMBER
  117, // INCORRECT_DATA
  130, // CANNOT_READ_ARRAY_FROM_TEXT
  131, // TOO_LARGE_STRING_SIZE
  321, // VALUE_IS_OUT_OF_RANGE_OF_DATA_TYPE
  349, // CANNOT_INSERT_NULL_IN_ORDINARY_COLUMN
  395, // FUNCTION_THROW_IF_VALUE_IS_NON_ZERO
  469, // VIOLATED_CONSTRAINT
]);

/** The ClickHouse error code of `err`, from the HTTP client's field or chdb's "Code: N." message. */
export function storeErrorCode(err: unknown): number | undefined {
  if (!(err instanceof Error)) return undefined;
  const field = (err as { code?: unknown }).code;
  if (typeof field === 'string' && /^\d+$/.test(field)) return Number(field);
  if (typeof field === 'number') return field;
  const m = /\bCode: (\d+)\b/.exec(err.message);
  return m ? Number(m[1]) : undefined;
}

export function classifyStoreError(err: unknown): StoreErrorKind {
  const code = storeErrorCode(err);
  return code !== undefined && ROW_ERROR_CODES.has(code) ? 'permanent' : 'retryable';
}

/** The first line of the store's message, without its stack: what a reject's reason says. */
export function storeErrorReason(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]!.slice(0, 300);
}
