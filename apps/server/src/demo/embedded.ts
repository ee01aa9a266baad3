import type { Logger } from 'pino';
import { calendarSpan } from '@northstar/shared';
import { runProducer } from './producer.ts';
import { STREAMS } from './scenario.ts';
import { bearerHeader } from '../auth/secrets.ts';
import { httpSink } from './sinks.ts';

/**
 * On first start the demo fills history since midnight in the demo company's zone (at
 * least two hours), so rolling windows, "today" KPIs and charts are full at once.
 */
const DEMO_MIN_BACKFILL_MS = 2 * 3_600_000;
const DEMO_TIMEZONE = 'Europe/Berlin';
const DEMO_TICK_MS = 500;

/**
 * The demo producer beside `serve --demo`: it feeds the server through its own HTTP
 * ingest, the path a real producer takes. After a restart it continues from the newest
 * demo event the server has seen instead of duplicating history.
 */
export async function startDemoFor(serverUrl: string, log: Logger, token?: string) {
  const newest = await newestDemoEvent(serverUrl, token);
  const now = Date.now();
  const startOfDay = calendarSpan('today', DEMO_TIMEZONE, now).startMs;
  const backfillFromMs = Math.max(Math.min(now - DEMO_MIN_BACKFILL_MS, startOfDay), newest ?? 0);
  const producer = runProducer({
    sink: httpSink(serverUrl, token),
    seed: now % 2_147_483_647,
    backfillFromMs,
    tickMs: DEMO_TICK_MS,
    durationMs: undefined,
    onError: (err) => log.warn({ err: err.message }, 'demo producer: send failed'),
  });
  return producer;
}

async function newestDemoEvent(serverUrl: string, token: string | undefined): Promise<number | null> {
  const res = await fetch(new URL('/api/v1/kpis', serverUrl), { headers: bearerHeader(token) });
  const body = (await res.json()) as { kpis: Array<{ metric: string; state: { lastEventTs: number | null } }> };
  const demoMetrics = new Set(STREAMS.map((s) => s.metric));
  let newest: number | null = null;
  for (const k of body.kpis) {
    if (demoMetrics.has(k.metric) && k.state.lastEventTs !== null) newest = Math.max(newest ?? 0, k.state.lastEventTs);
  }
  return newest;
}
