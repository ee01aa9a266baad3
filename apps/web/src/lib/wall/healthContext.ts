import { getContext, setContext } from 'svelte';
import type { KpiHealth } from '@northstar/shared';

const KEY = Symbol('kpi-health');

/**
 * Every KPI's health (the shared status model: measured status and alerts), for any tile
 * below the app, so a tile on the TV reads the same status as the same tile on the wall
 * without each page passing it down.
 */
export function provideKpiHealth(read: () => ReadonlyMap<string, KpiHealth>): void {
  setContext(KEY, read);
}

/** The health of one KPI from the app's status model; undefined outside the app (a component test). */
export function kpiHealthFromContext(): ((id: string) => KpiHealth | undefined) | undefined {
  const read = getContext<(() => ReadonlyMap<string, KpiHealth>) | undefined>(KEY);
  return read && ((id) => read().get(id));
}
