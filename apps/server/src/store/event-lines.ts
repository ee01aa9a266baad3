import type { MetricEvent } from '@northstar/shared';

/** The columns of an events insert, in the order each line holds them. */
export const EVENT_COLUMNS = ['metric', 'ts', 'value', 'id', 'dims', 'source', 'received_at'] as const;

/**
 * The insert body for `events`: one JSONEachRow line per event, built once into bytes the
 * engine parses itself (chdb's multithreaded parser, or the ClickHouse server's). Strings
 * go through JSON.stringify (ids and dimension values are producers' text); the numbers
 * are written as they are, which is what JSON.stringify would write for a finite number
 * (a non-finite one becomes null, which the store refuses as it always did).
 */
export function eventLines(
  events: readonly MetricEvent[],
  source: string,
  now: number,
  receivedAt?: (e: MetricEvent) => number | undefined,
): Buffer {
  const src = JSON.stringify(source);
  let body = '';
  for (const e of events) {
    const value = Number.isFinite(e.value) ? e.value : 'null';
    body += `{"metric":${JSON.stringify(e.metric)},"ts":${e.ts},"value":${value},"id":${JSON.stringify(e.id)},"dims":${JSON.stringify(e.dims)},"source":${src},"received_at":${receivedAt?.(e) ?? now}}\n`;
  }
  return Buffer.from(body);
}
