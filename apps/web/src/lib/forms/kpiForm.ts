import {
  AGGREGATIONS,
  CALENDAR_WINDOWS,
  DIRECTIONS,
  METRIC_PATTERN,
  PERIOD_PATTERN,
  REVIEW_CADENCES,
  WINDOW_MAX_MS,
  WINDOW_MIN_MS,
  isCalendarWindow,
  kpiLinks,
  negativeCountProblems,
  parseDurationMs,
  type Aggregation,
  type CalendarWindow,
  type Direction,
  type KpiDefinition,
  type Measure,
  type PeriodTarget,
} from '@northstar/shared';
import type { FieldProblem } from '@northstar/shared';
import { Problems, numberText, optionalText } from './fields.ts';
import { defined } from './objectiveForm.ts';

export interface MeasureForm {
  metric: string;
  aggregation: Aggregation | '';
  /** One "dimension=value" per line. */
  filter: string;
  distinctBy: string;
}

export interface LinkForm {
  id: string;
  weight: string;
}

export interface PeriodTargetForm {
  period: string;
  value: string;
  low: string;
  high: string;
  pacing: 'none' | 'linear';
  /** Month-by-month phasing is kept as it was; the form does not edit it. */
  monthly?: Record<string, number>;
}

/** The KPI editor's inputs, all as typed. */
export interface KpiFormValues {
  id: string;
  name: string;
  description: string;
  unit: string;
  owner: string;
  team: string;
  links: LinkForm[];
  formula: 'simple' | 'ratio';
  simple: MeasureForm;
  numerator: MeasureForm;
  denominator: MeasureForm;
  scale: string;
  windowKind: 'rolling' | 'calendar';
  rollingWindow: string;
  calendarWindow: CalendarWindow;
  timezone: string;
  direction: Direction;
  target: string;
  low: string;
  high: string;
  warning: string;
  critical: string;
  targets: PeriodTargetForm[];
  review: string;
  /** Definition fields the form does not show (tags, staleAfter), written back unchanged. */
  extra: Record<string, unknown>;
}

/** The name of each measure input; simple ones use the KPI's own field names, ratio ones the server's paths. */
export function measureFieldName(which: 'simple' | 'numerator' | 'denominator', field: keyof MeasureForm): string {
  return which === 'simple' ? field : `ratio.${which}.${field}`;
}

export function linkFieldName(index: number, field: 'id' | 'weight'): string {
  // The first link's objective is the one the wall shows the KPI under: plain "objective".
  return index === 0 && field === 'id' ? 'objective' : `objectives[${index}].${field}`;
}

export function targetFieldName(index: number, field: 'period' | 'value' | 'low' | 'high' | 'pacing'): string {
  return `targets[${index}].${field}`;
}

/** Every input name the KPI form can show, for placing the server's error details. */
export function kpiFieldNames(v: Pick<KpiFormValues, 'links' | 'targets'>): string[] {
  const measureFields: Array<keyof MeasureForm> = ['metric', 'aggregation', 'filter', 'distinctBy'];
  return [
    ...['id', 'name', 'description', 'unit', 'owner', 'team', 'formula', 'window', 'timezone', 'direction'],
    ...['target', 'low', 'high', 'warning', 'critical', 'targets', 'review', 'objectives', 'ratio', 'ratio.scale'],
    ...measureFields.flatMap((f) => [measureFieldName('simple', f), measureFieldName('numerator', f), measureFieldName('denominator', f)]),
    ...v.links.flatMap((_, i) => [linkFieldName(i, 'id'), linkFieldName(i, 'weight')]),
    ...v.targets.flatMap((_, i) => (['period', 'value', 'low', 'high', 'pacing'] as const).map((f) => targetFieldName(i, f))),
  ];
}

/** Server paths the form shows under another name. */
export const KPI_FIELD_ALIASES: Readonly<Record<string, string>> = { 'objectives[0].id': 'objective', staleAfter: 'window' };

export function formatFilter(filter: Readonly<Record<string, string>> | undefined): string {
  return Object.entries(filter ?? {})
    .map(([k, v]) => `${k}=${v}`)
    .join('\n');
}

/** "region=eu" lines → { region: 'eu' }; blank lines are skipped. */
export function parseFilter(text: string): { filter: Record<string, string> | undefined; problems: string[] } {
  const filter: Record<string, string> = {};
  const problems: string[] = [];
  text.split('\n').forEach((line, i) => {
    const t = line.trim();
    if (t === '') return;
    const eq = t.indexOf('=');
    const key = eq < 0 ? '' : t.slice(0, eq).trim();
    if (eq < 0 || !/^[A-Za-z0-9_.-]{1,64}$/.test(key)) problems.push(`line ${i + 1}: write dimension=value, e.g. region=eu`);
    else filter[key] = t.slice(eq + 1).trim();
  });
  return { filter: Object.keys(filter).length > 0 ? filter : undefined, problems };
}

function measureToForm(m: Partial<Measure> | undefined): MeasureForm {
  return { metric: m?.metric ?? '', aggregation: m?.aggregation ?? '', filter: formatFilter(m?.filter), distinctBy: m?.distinctBy ?? '' };
}

const MANAGED = new Set([
  ...['id', 'name', 'description', 'unit', 'owner', 'team', 'objective', 'objectives', 'metric', 'aggregation', 'filter', 'distinctBy'],
  ...['ratio', 'window', 'timezone', 'direction', 'target', 'low', 'high', 'targets', 'warning', 'critical', 'review'],
]);

export function kpiToForm(def: Partial<KpiDefinition> = {}, preset: Readonly<Record<string, string>> = {}): KpiFormValues {
  const links = kpiLinks(def).map((l) => ({ id: l.id, weight: String(l.weight) }));
  if (links.length === 0) links.push({ id: preset.objective ?? '', weight: '1' });
  const window = def.window ?? '5m';
  const calendar = isCalendarWindow(window);
  return {
    id: def.id ?? '',
    name: def.name ?? '',
    description: def.description ?? '',
    unit: def.unit ?? '',
    owner: def.owner ?? '',
    team: def.team ?? '',
    links,
    formula: def.ratio ? 'ratio' : 'simple',
    simple: measureToForm(
      def.ratio ? undefined : { metric: def.metric, aggregation: def.aggregation, filter: def.filter, distinctBy: def.distinctBy },
    ),
    numerator: measureToForm(def.ratio?.numerator),
    denominator: measureToForm(def.ratio?.denominator),
    scale: numberText(def.ratio?.scale ?? 1),
    windowKind: calendar ? 'calendar' : 'rolling',
    rollingWindow: calendar ? '5m' : window,
    calendarWindow: calendar ? window : 'month_to_date',
    timezone: def.timezone ?? 'UTC',
    direction: def.direction ?? 'higher_is_better',
    target: numberText(def.target),
    low: numberText(def.low),
    high: numberText(def.high),
    warning: numberText(def.warning as number | undefined),
    critical: numberText(def.critical as number | undefined),
    targets: (def.targets ?? []).map((t) => ({
      period: t.period,
      value: numberText(t.value),
      low: numberText(t.low),
      high: numberText(t.high),
      pacing: t.pacing ?? 'none',
      ...(t.monthly ? { monthly: t.monthly } : {}),
    })),
    review: def.review ?? '',
    extra: Object.fromEntries(Object.entries(def).filter(([k]) => !MANAGED.has(k))),
  };
}

function formToMeasure(p: Problems, which: 'simple' | 'numerator' | 'denominator', m: MeasureForm): Partial<Measure> {
  const name = (f: keyof MeasureForm) => measureFieldName(which, f);
  const metric = m.metric.trim();
  if (metric === '') p.add(name('metric'), 'is required');
  else if (!METRIC_PATTERN.test(metric)) p.add(name('metric'), 'must be a metric name of a-z, 0-9, "_", "." and "-"');
  if (m.aggregation === '') p.add(name('aggregation'), 'is required');
  const { filter, problems } = parseFilter(m.filter);
  for (const problem of problems) p.add(name('filter'), problem);
  const distinctBy = optionalText(m.distinctBy);
  if (m.aggregation === 'distinct_count' && distinctBy === undefined)
    p.add(name('distinctBy'), 'is required for distinct_count: the dimension whose values are counted');
  return defined({ metric, aggregation: m.aggregation === '' ? undefined : m.aggregation, filter, distinctBy });
}

/** "90" → 90, "90%" → "90%": thresholds are absolute or a share of the target. */
function threshold(p: Problems, field: string, text: string): number | string | undefined {
  const t = text.trim().replace(/\s+%$/, '%');
  if (t === '') return undefined;
  if (/^\d+(\.\d+)?%$/.test(t)) return t;
  return p.number(field, t);
}

function formToLinks(p: Problems, links: readonly LinkForm[]): Pick<KpiDefinition, 'objective' | 'objectives'> {
  const out: Array<{ id: string; weight: number }> = [];
  links.forEach((l, i) => {
    const id = p.id(linkFieldName(i, 'id'), l.id, false);
    if (id === undefined) return;
    if (out.some((o) => o.id === id)) p.add(linkFieldName(i, 'id'), `"${id}" is linked twice`);
    const weight = p.number(linkFieldName(i, 'weight'), l.weight) ?? 1;
    if (weight <= 0 || weight > 1000) p.add(linkFieldName(i, 'weight'), 'must be more than 0 and at most 1000');
    out.push({ id, weight });
  });
  if (out.length === 0) return {};
  // One link at the default weight is written the short way, as most hand-written models do.
  if (out.length === 1 && out[0]?.weight === 1) return { objective: out[0].id };
  return { objectives: out };
}

function formToTargets(p: Problems, rows: readonly PeriodTargetForm[]): PeriodTarget[] | undefined {
  const seen = new Set<string>();
  const targets = rows.map((r, i) => {
    const period = r.period.trim();
    if (!PERIOD_PATTERN.test(period)) p.add(targetFieldName(i, 'period'), 'must be a period like "2026", "2026-Q4" or "2026-11"');
    else if (seen.has(period)) p.add(targetFieldName(i, 'period'), `duplicate period "${period}"`);
    seen.add(period);
    const value = p.number(targetFieldName(i, 'value'), r.value);
    const low = p.number(targetFieldName(i, 'low'), r.low);
    const high = p.number(targetFieldName(i, 'high'), r.high);
    if (value === undefined && (low === undefined || high === undefined))
      p.add(targetFieldName(i, 'value'), 'give a value, or low and high');
    if (low !== undefined && high !== undefined && low > high) p.add(targetFieldName(i, 'low'), 'must not be above high');
    return { period, ...defined({ value, low, high, monthly: r.monthly }), pacing: r.pacing };
  });
  return targets.length > 0 ? targets : undefined;
}

function formToWindow(p: Problems, v: KpiFormValues): string {
  if (v.windowKind === 'calendar') {
    if (!(CALENDAR_WINDOWS as readonly string[]).includes(v.calendarWindow))
      p.add('window', `must be one of ${CALENDAR_WINDOWS.join(', ')}`);
    return v.calendarWindow;
  }
  const w = v.rollingWindow.trim();
  const ms = parseDurationMs(w);
  if (ms === undefined || ms < WINDOW_MIN_MS || ms > WINDOW_MAX_MS)
    p.add('window', 'must be a rolling window like "30s", "5m", "1h" or "7d" (10s to 31d)');
  return w;
}

/** The definition to send, and what is obviously wrong with it (the server has the last word). */
export function formToKpi(v: KpiFormValues): { definition: KpiDefinition; problems: FieldProblem[] } {
  const p = new Problems();
  const id = p.id('id', v.id) ?? '';
  const name = v.name.trim();
  if (name === '') p.add('name', 'is required');
  const formula =
    v.formula === 'ratio'
      ? {
          ratio: {
            numerator: formToMeasure(p, 'numerator', v.numerator) as Measure,
            denominator: formToMeasure(p, 'denominator', v.denominator) as Measure,
            scale: p.number('ratio.scale', v.scale) ?? 1,
          },
        }
      : formToMeasure(p, 'simple', v.simple);
  const low = p.number('low', v.low);
  const high = p.number('high', v.high);
  if (low !== undefined && high !== undefined && low > high) p.add('low', 'must not be above high');
  const targets = formToTargets(p, v.targets);
  if (v.direction === 'within_range') {
    const ranged = (low !== undefined && high !== undefined) || (targets ?? []).some((t) => t.low !== undefined && t.high !== undefined);
    if (!ranged) p.add('low', 'within_range needs low and high (here or on a period target)');
  }
  if (!(DIRECTIONS as readonly string[]).includes(v.direction)) p.add('direction', `must be one of ${DIRECTIONS.join(', ')}`);
  if (!(AGGREGATIONS as readonly string[]).includes(v.simple.aggregation) && v.formula === 'simple' && v.simple.aggregation !== '') {
    p.add('aggregation', `must be one of ${AGGREGATIONS.join(', ')}`);
  }
  const review = optionalText(v.review);
  if (review !== undefined && !(REVIEW_CADENCES as readonly string[]).includes(review))
    p.add('review', `must be one of ${REVIEW_CADENCES.join(', ')}`);
  const definition = {
    ...v.extra,
    id,
    name,
    ...defined({
      description: optionalText(v.description),
      unit: optionalText(v.unit),
      owner: optionalText(v.owner),
      team: optionalText(v.team),
    }),
    ...formToLinks(p, v.links),
    ...formula,
    window: formToWindow(p, v),
    timezone: v.timezone.trim() || 'UTC',
    direction: v.direction,
    ...defined({
      target: p.number('target', v.target),
      low,
      high,
      targets,
      warning: threshold(p, 'warning', v.warning),
      critical: threshold(p, 'critical', v.critical),
      review,
    }),
  } as KpiDefinition;
  for (const problem of negativeCountProblems(definition)) p.add(problem.path.join('.'), problem.message);
  return { definition, problems: p.list };
}
