import type { ClickHouseClient } from '@clickhouse/client';
import { kpiMeasures, type KpiDefinition } from '@northstar/shared';
import { rangeSegments, unionSql } from './breakdown-query.ts';
import { historyReadsFor } from './read-paths.ts';

/** A KPI page lists a handful; a dimension holding per-event ids would otherwise list thousands of names. */
const MAX_DIMENSIONS = 50;

/**
 * The dimension names the KPI's events carry over [from, to), each with how many events carry
 * it, most used first; and how many events there are. Read from the rollups (with the raw
 * edges), like the breakdown itself, so it holds after raw events are gone.
 */
export async function queryDimensions(
  client: ClickHouseClient,
  kpi: KpiDefinition,
  range: { fromMs: number; toMs: number },
): Promise<{ events: number; dimensions: Array<{ name: string; events: number }> }> {
  const segments = rangeSegments(range.fromMs, range.toMs);
  if (segments.length === 0) return { events: 0, dimensions: [] };
  const params: Record<string, unknown> = { metrics: [...new Set(kpiMeasures(kpi).map((m) => m.metric))], limit: MAX_DIMENSIONS };
  const from = `FROM (${unionSql(segments, params)})`;
  const total = await historyReadsFor(client).rows<{ events: string | number }>(`SELECT sum(n) AS events ${from}`, params);
  const events = Number(total[0]?.events ?? 0);
  const byName = await historyReadsFor(client).rows<{ name: string; events: string | number }>(
    `SELECT k AS name, sum(n) AS events ${from} ARRAY JOIN mapKeys(dims) AS k
            GROUP BY k ORDER BY events DESC, name ASC LIMIT {limit:UInt32}`,
    params,
  );
  const dimensions = byName.map((r) => ({
    name: r.name,
    events: Number(r.events),
  }));
  return { events, dimensions };
}
