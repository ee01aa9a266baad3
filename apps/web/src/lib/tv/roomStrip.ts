import type { Alert, KpiStatusName, WallKpi, WallObjective } from '@northstar/shared';
import { isFiring } from '../alerts/alertView.ts';

/** One line of the TV's strip: a firing alert, or an objective that is off track or at risk. */
export type StripItem =
  | { kind: 'alert'; key: string; severity: Alert['severity']; text: string }
  | { kind: 'objective'; key: string; status: 'off_track' | 'at_risk'; text: string };

/** How a tile on the TV is framed: by its firing alert first, else by a troubled status. */
export type TileFrame = 'alert' | 'off_track' | 'at_risk' | null;

const TROUBLED: ReadonlySet<KpiStatusName> = new Set<KpiStatusName>(['off_track', 'at_risk']);
const STATUS_WORDS = { off_track: 'Off track', at_risk: 'At risk' } as const;
/** Alerts the strip names one by one; more are summed up in one item. */
const MAX_ALERT_ITEMS = 2;

/**
 * What a room must see at a glance about the board on screen: its firing alerts (most severe
 * first) and the objectives its KPIs make troubled (off track before at risk). `tiles` are the
 * board's KPIs; alerts and objectives that touch none of them belong to another board.
 */
export function stripItems(alerts: Iterable<Alert>, objectives: readonly WallObjective[], tiles: readonly WallKpi[]): StripItem[] {
  const onBoard = new Set(tiles.map((k) => k.definition.id));
  const firing = [...alerts]
    .filter((a) => isFiring(a) && onBoard.has(a.kpi))
    .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || a.kpiName.localeCompare(b.kpiName));
  const items: StripItem[] = firing
    .slice(0, MAX_ALERT_ITEMS)
    .map((a) => ({ kind: 'alert', key: a.key, severity: a.severity, text: `${a.kpiName}: ${a.ruleName}` }));
  // the rest in one item, so the strip stays a strip and the board keeps its room
  const more = firing.slice(MAX_ALERT_ITEMS);
  if (more.length > 0)
    items.push({
      kind: 'alert',
      key: 'more',
      severity: more[0]!.severity,
      text: `${more.length} more: ${more.map((a) => a.kpiName).join(', ')}`,
    });
  const troubled = objectives.filter((o) => TROUBLED.has(o.state.status) && o.state.troubled.some((id) => onBoard.has(id)));
  // one item per status, naming its objectives: "Off track: A, B"
  for (const status of ['off_track', 'at_risk'] as const) {
    const names = troubled.filter((o) => o.state.status === status).map((o) => o.definition.name);
    if (names.length > 0) items.push({ kind: 'objective', key: status, status, text: `${STATUS_WORDS[status]}: ${names.join(', ')}` });
  }
  return items;
}

function severityRank(severity: Alert['severity']): number {
  return severity === 'critical' ? 0 : severity === 'warning' ? 1 : 2;
}

/** The frame of each board tile: a firing alert, else off track or at risk, else none. */
export function tileFrames(alerting: ReadonlySet<string>, tiles: readonly WallKpi[]): Map<string, TileFrame> {
  const frames = new Map<string, TileFrame>();
  for (const k of tiles) {
    const id = k.definition.id;
    const status = k.state.status;
    frames.set(id, alerting.has(id) ? 'alert' : status === 'off_track' || status === 'at_risk' ? status : null);
  }
  return frames;
}

/** How long without a live connection before the TV says OFFLINE: short blips are not news. */
export const OFFLINE_BANNER_MS = 60_000;

/** Whether the TV shows its OFFLINE banner: not live since `since` (browser ms) for a minute or more. */
export function showOffline(since: number | null, now: number): boolean {
  return since !== null && now - since >= OFFLINE_BANNER_MS;
}
