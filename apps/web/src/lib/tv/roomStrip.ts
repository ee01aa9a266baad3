import type { Alert, KpiStatusName, WallKpi, WallObjective } from '@northstar/shared';
import { isFiring } from '../alerts/alertView.ts';

/** One line of the TV's strip: a firing alert, or an objective that is off track or at risk. */
export type StripItem =
  | { kind: 'alert'; key: string; severity: Alert['severity']; text: string }
  | { kind: 'objective'; key: string; status: 'off_track' | 'at_risk'; text: string };

/** How a tile on the TV is framed: by its firing alert first, else by a troubled status. */
export type TileFrame = 'alert' | 'off_track' | 'at_risk' | null;

const TROUBLED: ReadonlySet<KpiStatusName> = new Set<KpiStatusName>(['off_track', 'at_risk']);
const STATUS_WORDS = { off_track: 'off track', at_risk: 'at risk' } as const;

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
  const items: StripItem[] = firing.map((a) => ({ kind: 'alert', key: a.key, severity: a.severity, text: `${a.kpiName}: ${a.ruleName}` }));
  const troubled = objectives
    .filter((o) => TROUBLED.has(o.state.status) && o.state.troubled.some((id) => onBoard.has(id)))
    .sort((a, b) => (a.state.status === b.state.status ? 0 : a.state.status === 'off_track' ? -1 : 1));
  for (const o of troubled) {
    const status = o.state.status as 'off_track' | 'at_risk';
    items.push({ kind: 'objective', key: o.definition.id, status, text: `${o.definition.name} ${STATUS_WORDS[status]}` });
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
