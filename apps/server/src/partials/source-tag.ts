import type { MetricEvent } from '@northstar/shared';

/**
 * Where an event came from, for partials: a Kafka topic-partition and offset, set by the
 * consumer on the decoded event (a property under a symbol, as count-ledger.ts does: a
 * WeakMap costs more per event). Events without one (HTTP, import) belong to the
 * instance that took them.
 */
const SOURCE = Symbol('partials source');

export interface EventSourceTag {
  source: string;
  offset: string;
}

type Tagged = MetricEvent & { [SOURCE]?: EventSourceTag };

export function tagSource(e: MetricEvent, tag: EventSourceTag): void {
  (e as Tagged)[SOURCE] = tag;
}

export function sourceOf(e: MetricEvent): EventSourceTag | undefined {
  return (e as Tagged)[SOURCE];
}

/** The partials source of a Kafka partition. */
export function kafkaSource(topic: string, partition: number): string {
  return `${topic}/${partition}`;
}
