import type { Alert, WallKpi, WallObjective } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { OFFLINE_BANNER_MS, showOffline, stripItems, tileFrames } from './roomStrip.ts';

const kpi = (id: string, status: WallKpi['state']['status'] = 'on_track'): WallKpi =>
  ({ definition: { id, name: id }, state: { status }, spark: [] }) as unknown as WallKpi;
const alert = (kpiId: string, severity: Alert['severity'], state: Alert['state'] = 'alerting'): Alert =>
  ({ key: `r/${kpiId}/`, kpi: kpiId, kpiName: `KPI ${kpiId}`, ruleName: 'Spike', severity, state }) as Alert;
const objective = (id: string, status: WallObjective['state']['status'], troubled: string[]): WallObjective =>
  ({
    definition: { id, name: `Objective ${id}` },
    state: { id, status, troubled, attainment: 50, kpiCount: 1 },
  }) as unknown as WallObjective;

describe('stripItems', () => {
  const tiles = [kpi('a'), kpi('b'), kpi('c'), kpi('d')];

  it('lists firing alerts on the board, most severe first, then troubled objectives by status', () => {
    const items = stripItems(
      [alert('b', 'warning'), alert('a', 'critical'), alert('x', 'critical'), alert('c', 'critical', 'pending')],
      [objective('o1', 'at_risk', ['b']), objective('o2', 'off_track', ['a']), objective('o3', 'off_track', ['x'])],
      tiles,
    );
    expect(items.map((i) => i.text)).toEqual(['KPI a: Spike', 'KPI b: Spike', 'Off track: Objective o2', 'At risk: Objective o1']);
  });

  it('sums up alerts past the first two in one item, so the strip stays short', () => {
    const items = stripItems([alert('a', 'critical'), alert('b', 'critical'), alert('c', 'warning'), alert('d', 'info')], [], tiles);
    expect(items.map((i) => i.text)).toEqual(['KPI a: Spike', 'KPI b: Spike', '2 more: KPI c, KPI d']);
  });
});

describe('tileFrames', () => {
  it('frames a firing alert first, then off track or at risk, and leaves the rest plain', () => {
    const frames = tileFrames(new Set(['a']), [kpi('a', 'on_track'), kpi('b', 'off_track'), kpi('c', 'at_risk'), kpi('d')]);
    expect([...frames.entries()]).toEqual([
      ['a', 'alert'],
      ['b', 'off_track'],
      ['c', 'at_risk'],
      ['d', null],
    ]);
  });
});

describe('showOffline', () => {
  it('says OFFLINE only after a minute without the server', () => {
    expect(showOffline(null, 1e9)).toBe(false);
    expect(showOffline(1000, 1000 + OFFLINE_BANNER_MS - 1)).toBe(false);
    expect(showOffline(1000, 1000 + OFFLINE_BANNER_MS)).toBe(true);
  });
});
