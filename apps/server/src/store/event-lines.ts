import type { MetricEvent } from '@northstar/shared';
import { inLoopSlices } from './loop-slices.ts';

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
  return Buffer.from(eventLinesText(events, 0, events.length, JSON.stringify(source), now, receivedAt));
}

/** The same bytes, built a slice of events at a time with the event loop let run between slices (loop-slices.ts). */
export async function eventLinesSliced(
  events: readonly MetricEvent[],
  source: string,
  now: number,
  receivedAt?: (e: MetricEvent) => number | undefined,
): Promise<Buffer> {
  const src = JSON.stringify(source);
  const parts: Buffer[] = [];
  await inLoopSlices(events.length, (from, to) => parts.push(Buffer.from(eventLinesText(events, from, to, src, now, receivedAt))));
  return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
}

function eventLinesText(
  events: readonly MetricEvent[],
  from: number,
  to: number,
  src: string,
  now: number,
  receivedAt?: (e: MetricEvent) => number | undefined,
): string {
  let body = '';
  for (let i = from; i < to; i++) {
    const e = events[i]!;
    const value = Number.isFinite(e.value) ? e.value : 'null';
    body += `{"metric":${JSON.stringify(e.metric)},"ts":${e.ts},"value":${value},"id":${JSON.stringify(e.id)},"dims":${JSON.stringify(e.dims)},"source":${src},"received_at":${receivedAt?.(e) ?? now}}\n`;
  }
  return body;
}
