import type { KpiDefinition, Measure, SeriesPoint } from '@northstar/shared';
import type { MeasureStatsRow } from '../store/window-reads.ts';

/** One measure's matching events over a range, per slot (or whole, with slotMs 0). */
export interface MeasureStatsQuery {
  fromMs: number;
  toMs: number;
  /** 0: one row for the whole range. */
  slotMs: number;
  /** Values sampled per row for a quantile sketch; 0: none. */
  samples: number;
  /** Distinct values per row, at most (the window's own bound). */
  distinctMax: number;
  /** Only events ingest took before this time (their `received_at`); all when omitted. */
  receivedBefore?: number;
}

/** One slot's aggregates as the store returns them (store/window-reads.ts owns the shape). */
export type { MeasureStatsRow } from '../store/window-reads.ts';

/**
 * What rebuilding and refreshing live windows reads from the store. Declared here, where
 * it is used, and implemented by store/window-reads.ts, so evaluate/ holds no client.
 */
export interface WindowReads {
  measureStats(m: Measure, q: MeasureStatsQuery): Promise<MeasureStatsRow[]>;
  /** The history query's points (the same numbers a chart shows). */
  series(kpi: KpiDefinition, range: { fromMs: number; toMs: number; stepMs: number }): Promise<SeriesPoint[]>;
  /** The exact number of distinct values of the measure's dimension among events in (fromMs, toMs]. */
  distinctCount(m: Measure, fromMs: number, toMs: number): Promise<number>;
}
