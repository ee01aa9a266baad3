/**
 * What makes two events the same event, defined once for every source and for both the
 * process's memory and the store (README, "Event identity"): the same `metric` and the
 * same `id`, with timestamps at most DEDUP_WINDOW_MS apart. The id is scoped by metric, so
 * two producers' "order-1" on different metrics are two events. The window is what a retry
 * can move the timestamp by: a Kafka redelivery and an event sent with `ts` repeat it
 * exactly, an HTTP retry without `ts` gets a new receive time. The same id on the same
 * metric further apart is a new event: the store can answer that in the batch's time range
 * (its primary key is metric, ts) instead of searching every stored id.
 */
export const DEDUP_WINDOW_MS = 10 * 60_000;

export function withinWindow(a: number, b: number): boolean {
  return Math.abs(a - b) <= DEDUP_WINDOW_MS;
}
