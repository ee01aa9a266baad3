import { classifyStoreError, storeErrorReason } from '../store/write-errors.ts';

/** A row the store can never take, with the store's reason. */
export interface RefusedRow<T> {
  row: T;
  reason: string;
}

/**
 * Writes `rows`; when the store refuses them for good (a permanent error: the data, not
 * the store's state), halves the batch and writes each half, down to the single rows
 * that fail, so one bad row cannot hold the rest. Each part carries a token derived from
 * the batch's (`token/from-to`): a batch retried after a retryable failure is split the
 * same way, so parts already stored are dropped by the store as repeats. A retryable
 * error is thrown as is: the caller holds the batch and tries it again.
 */
export async function writeIsolating<T>(
  rows: readonly T[],
  token: string,
  write: (part: readonly T[], partToken: string) => Promise<void>,
): Promise<Array<RefusedRow<T>>> {
  const refused: Array<RefusedRow<T>> = [];
  const attempt = async (from: number, to: number, partToken: string): Promise<void> => {
    const part = from === 0 && to === rows.length ? rows : rows.slice(from, to);
    try {
      await write(part, partToken);
    } catch (err) {
      if (classifyStoreError(err) === 'retryable') throw err;
      if (to - from === 1) {
        refused.push({ row: rows[from]!, reason: `the store refused this event: ${storeErrorReason(err)}` });
        return;
      }
      const mid = from + Math.ceil((to - from) / 2);
      await attempt(from, mid, `${token}/${from}-${mid}`);
      await attempt(mid, to, `${token}/${mid}-${to}`);
    }
  };
  if (rows.length > 0) await attempt(0, rows.length, token);
  return refused;
}
