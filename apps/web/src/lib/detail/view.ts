import { DEFAULT_RANGE, MIN_CUSTOM_MS, isRangePreset, type RangeSpec } from './range.ts';

/**
 * Everything a KPI's history page shows, as it lives in the URL hash, so a shared link (and the
 * back button) reproduces the view:
 *
 *   #/kpi/orders?range=7d&compare=previous,last_year&dim=region&hide=anomalies
 *   #/kpi/orders?from=2026-03-01T00:00:00Z&to=2026-03-08T12:30:00Z
 *
 * Defaults are left out (24 h, no comparison, no breakdown, every overlay shown), so the plain
 * `#/kpi/orders` is the default view. Values are written unencoded: each is plain ASCII that a
 * URL fragment carries as is.
 */

/** As the series endpoint's `compare` (apps/server/src/history/comparison.ts). */
export const COMPARE_KINDS = ['previous', 'last_year'] as const;
export type CompareKind = (typeof COMPARE_KINDS)[number];

/** What the main chart can draw besides the series; each can be hidden. */
export const OVERLAYS = ['target', 'anomalies', 'alerts', 'notes'] as const;
export type Overlay = (typeof OVERLAYS)[number];

export const OVERLAY_LABELS: Readonly<Record<Overlay, string>> = {
  target: 'Target',
  anomalies: 'Anomaly band',
  alerts: 'Alerts',
  notes: 'Annotations and check-ins',
};

export interface HistoryView {
  range: RangeSpec;
  /** In COMPARE_KINDS order, no repeats. */
  compare: readonly CompareKind[];
  /** The breakdown dimension, or null for none. */
  dim: string | null;
  /** Hidden overlays, in OVERLAYS order, no repeats. */
  hide: readonly Overlay[];
}

export const DEFAULT_VIEW: HistoryView = { range: { kind: 'preset', preset: DEFAULT_RANGE }, compare: [], dim: null, hide: [] };

/** A dimension name as events carry it (the breakdown endpoint's rule). */
export const DIM_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

export function isValidDim(dim: string): boolean {
  return DIM_PATTERN.test(dim);
}

/** Dimensions worth offering before anyone types; any other valid name works too. */
export const COMMON_DIMS = ['region', 'country', 'channel', 'platform', 'device', 'plan', 'source'] as const;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?Z$/;
/** Epoch ms within years 2000…2200 or so: digits only, no sign. */
const EPOCH_MS = /^\d{12,14}$/;

/** An instant in the URL: ISO 8601 in UTC (as written) or epoch ms; null for anything else. */
export function parseInstant(raw: string | null): number | null {
  if (raw === null) return null;
  if (EPOCH_MS.test(raw)) return Number(raw);
  if (!ISO_UTC.test(raw)) return null;
  const ms = Date.parse(raw);
  return Number.isFinite(ms) ? ms : null;
}

/** "2026-03-01T00:00:00Z" (milliseconds only when there are some). */
export function formatInstant(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}

/** Only the known values of a comma list, in the canonical order. */
function listOf<T extends string>(known: readonly T[], raw: string | null): T[] {
  const given = new Set((raw ?? '').split(','));
  return known.filter((k) => given.has(k));
}

/** The view a hash's query describes; what it does not say (or says wrongly) is the default. */
export function parseView(query: string | URLSearchParams): HistoryView {
  const q = typeof query === 'string' ? new URLSearchParams(query.replace(/^\?/, '')) : query;
  const from = parseInstant(q.get('from'));
  const to = parseInstant(q.get('to'));
  const preset = q.get('range');
  let range: RangeSpec = DEFAULT_VIEW.range;
  if (from !== null && to !== null && to - from >= MIN_CUSTOM_MS) range = { kind: 'custom', from, to };
  else if (isRangePreset(preset)) range = { kind: 'preset', preset };
  const dim = q.get('dim');
  return {
    range,
    compare: listOf(COMPARE_KINDS, q.get('compare')),
    dim: dim !== null && isValidDim(dim) ? dim : null,
    hide: listOf(OVERLAYS, q.get('hide')),
  };
}

/** The query (without "?") for a view; empty for the default view. The inverse of parseView. */
export function serializeView(view: HistoryView): string {
  const parts: string[] = [];
  if (view.range.kind === 'custom') parts.push(`from=${formatInstant(view.range.from)}`, `to=${formatInstant(view.range.to)}`);
  else if (view.range.preset !== DEFAULT_RANGE) parts.push(`range=${view.range.preset}`);
  const compare = COMPARE_KINDS.filter((k) => view.compare.includes(k));
  if (compare.length > 0) parts.push(`compare=${compare.join(',')}`);
  if (view.dim !== null && isValidDim(view.dim)) parts.push(`dim=${view.dim}`);
  const hide = OVERLAYS.filter((o) => view.hide.includes(o));
  if (hide.length > 0) parts.push(`hide=${hide.join(',')}`);
  return parts.join('&');
}

/** The same view with some parts changed (lists kept canonical). */
export function withView(view: HistoryView, change: Partial<HistoryView>): HistoryView {
  const next = { ...view, ...change };
  return {
    range: next.range,
    compare: COMPARE_KINDS.filter((k) => next.compare.includes(k)),
    dim: next.dim,
    hide: OVERLAYS.filter((o) => next.hide.includes(o)),
  };
}

/** Adds or removes one member of a list. */
export function toggled<T>(list: readonly T[], item: T, on: boolean): T[] {
  const rest = list.filter((x) => x !== item);
  return on ? [...rest, item] : rest;
}

/** Two views draw the same data (the overlays only change what is shown of it). */
export function sameRange(a: RangeSpec, b: RangeSpec): boolean {
  return a.kind === 'preset' ? b.kind === 'preset' && a.preset === b.preset : b.kind === 'custom' && a.from === b.from && a.to === b.to;
}

/**
 * The custom range a zoom or brush selected, rounded to whole seconds (tidy URLs); null when it
 * is too narrow to draw or not a range at all.
 */
export function zoomRange(from: number, to: number): RangeSpec | null {
  if (!Number.isFinite(from) || !Number.isFinite(to)) return null;
  const f = Math.floor(from / 1000) * 1000;
  const t = Math.ceil(to / 1000) * 1000;
  return t - f >= MIN_CUSTOM_MS ? { kind: 'custom', from: f, to: t } : null;
}
