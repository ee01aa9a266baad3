import type { MetricEvent } from '@northstar/shared';
import { linesBatch, PrebuiltEvent, type PrebuiltLines } from '../store/prebuilt-lines.ts';

/**
 * Checked events as columns, the form in which they cross from a decode worker to the
 * main thread: typed arrays for numbers (moved, not copied) and flat arrays of strings.
 * Receiving them costs the main thread less than half of receiving the same events as
 * objects (structured clone) or as JSON text (bench/decode-pool.ts: ~0.3 against ~0.7 µs
 * an event).
 */
export interface EventColumns {
  metric: string[];
  id: string[];
  value: Float64Array<ArrayBuffer>;
  ts: Float64Array<ArrayBuffer>;
  /** How many dims each event has; their keys and values follow one another in `dimKeys`/`dimValues`. */
  dimCount: Int32Array<ArrayBuffer>;
  dimKeys: string[];
  dimValues: string[];
}

export function toColumns(events: readonly MetricEvent[]): EventColumns {
  const n = events.length;
  const cols: EventColumns = {
    metric: new Array<string>(n),
    id: new Array<string>(n),
    value: new Float64Array(n),
    ts: new Float64Array(n),
    dimCount: new Int32Array(n),
    dimKeys: [],
    dimValues: [],
  };
  for (let i = 0; i < n; i++) {
    const e = events[i]!;
    cols.metric[i] = e.metric;
    cols.id[i] = e.id;
    cols.value[i] = e.value;
    cols.ts[i] = e.ts;
    let count = 0;
    for (const [k, v] of Object.entries(e.dims)) {
      cols.dimKeys.push(k);
      cols.dimValues.push(v);
      count++;
    }
    cols.dimCount[i] = count;
  }
  return cols;
}

/** The typed arrays' buffers, to move them instead of copying. */
export const columnBuffers = (c: EventColumns): ArrayBuffer[] => [c.value.buffer, c.ts.buffer, c.dimCount.buffer];

/** The events again; with the worker's `lines` (prebuilt-lines.ts), each linked to its insert line and id hash. */
export function fromColumns(cols: EventColumns, lines?: PrebuiltLines): MetricEvent[] {
  const n = cols.metric.length;
  const batch = lines && linesBatch(lines, n);
  const events = new Array<MetricEvent>(n);
  let d = 0;
  for (let i = 0; i < n; i++) {
    const dims: Record<string, string> = {};
    for (let k = cols.dimCount[i]!; k > 0; k--, d++) dims[cols.dimKeys[d]!] = cols.dimValues[d]!;
    events[i] = batch
      ? new PrebuiltEvent(cols.metric[i]!, cols.value[i]!, cols.ts[i]!, cols.id[i]!, dims, batch, i)
      : { metric: cols.metric[i]!, value: cols.value[i]!, ts: cols.ts[i]!, id: cols.id[i]!, dims };
  }
  return events;
}
