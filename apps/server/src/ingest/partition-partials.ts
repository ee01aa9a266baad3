import type { MetricEvent } from '@northstar/shared';

export interface RecoveryRange {
  after: bigint;
  upTo: bigint;
}

/**
 * What the owner of a partition does for the partials every instance merges (issue 17;
 * partials-count.ts, kafka-partials.ts). Without it, events count on this instance only.
 */
export interface PartitionPartials {
  /**
   * Before the first batch of a partition this instance did not own: read the partials topic
   * to its end, continue from it. Returns the offsets the previous owner may have stored
   * without publishing their partials.
   */
  adopt(source: string): Promise<RecoveryRange | undefined>;
  /** Before a batch is stored: its last offset (an intent), so a next owner knows what may be stored unpublished. */
  announce(source: string, lastOffset: string): Promise<void>;
  /** Events of a recovery range that did not count here (the store had them): they go into the partials. */
  recover(events: readonly MetricEvent[], range: RecoveryRange): number;
  /** After a batch is stored and counted, before its offsets are committed: its partials and watermark are published. */
  publish(source: string, lastOffset: string): Promise<void>;
  /** A partition no longer assigned here. */
  release(source: string): void;
}
