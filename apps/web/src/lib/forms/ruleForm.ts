import {
  ALERT_SEVERITIES,
  COMPARISON_OPS,
  parseDurationMs,
  type AlertCondition,
  type AlertRule,
  type AlertSeverity,
  type ComparisonOp,
} from '@northstar/shared';
import type { FieldProblem } from '@northstar/shared';
import { Problems, numberText, optionalText } from './fields.ts';
import { defined } from './objectiveForm.ts';

export const SEVERITIES: readonly AlertSeverity[] = ALERT_SEVERITIES;

export const CONDITION_TYPES = ['threshold', 'status', 'anomaly', 'no_data', 'pacing'] as const;
export type ConditionType = (typeof CONDITION_TYPES)[number];

export const CONDITION_LABELS: Readonly<Record<ConditionType, string>> = {
  threshold: 'value crosses a threshold',
  status: 'status is one of',
  anomaly: 'anomaly score (n of m points)',
  no_data: 'no data for a while',
  pacing: 'end-of-period projection misses the target',
};

export const OPS = COMPARISON_OPS;
export type Op = ComparisonOp;

export const RULE_STATUSES = ['at_risk', 'off_track', 'no_data', 'no_target'] as const;
export type RuleStatus = (typeof RULE_STATUSES)[number];

/** The rule editor's inputs, all as typed. Input names follow the schema's paths ("condition.op"). */
export interface RuleFormValues {
  id: string;
  name: string;
  description: string;
  kpis: string[];
  objective: string;
  severity: AlertSeverity;
  conditionType: ConditionType;
  op: Op;
  value: string;
  statusIn: RuleStatus[];
  score: string;
  n: string;
  m: string;
  noDataFor: string;
  by: string;
  for: string;
  keepFiringFor: string;
  enabled: boolean;
  /** Definition fields the form does not show, written back unchanged. */
  extra: Record<string, unknown>;
}

/** Every input name the rule form shows, for placing the server's error details. */
export const RULE_FIELDS = [
  'id',
  'name',
  'description',
  'kpis',
  'objective',
  'severity',
  'condition',
  'condition.type',
  'condition.op',
  'condition.value',
  'condition.in',
  'condition.score',
  'condition.n',
  'condition.m',
  'condition.for',
  'condition.by',
  'for',
  'keepFiringFor',
  'enabled',
] as const;

const MANAGED = new Set(['id', 'name', 'description', 'kpis', 'objective', 'severity', 'condition', 'for', 'keepFiringFor', 'enabled']);

export function ruleToForm(rule: Partial<AlertRule> = {}, preset: Readonly<Record<string, string>> = {}): RuleFormValues {
  const c = rule.condition;
  const kpis = rule.kpis ?? (preset.kpi ? [preset.kpi] : []);
  return {
    id: rule.id ?? '',
    name: rule.name ?? '',
    description: rule.description ?? '',
    kpis: [...kpis],
    objective: rule.objective ?? preset.objective ?? '',
    severity: rule.severity ?? 'warning',
    conditionType: c?.type ?? 'threshold',
    op: c?.type === 'threshold' ? c.op : '>',
    value: c?.type === 'threshold' ? numberText(c.value) : '',
    statusIn: c?.type === 'status' ? [...c.in] : ['off_track'],
    score: c?.type === 'anomaly' ? numberText(c.score) : '',
    n: c?.type === 'anomaly' ? numberText(c.n) : '3',
    m: c?.type === 'anomaly' ? numberText(c.m) : '5',
    noDataFor: c?.type === 'no_data' ? c.for : '15m',
    by: c?.type === 'pacing' ? numberText(c.by) : '5',
    for: rule.for ?? '0s',
    keepFiringFor: rule.keepFiringFor ?? '0s',
    enabled: rule.enabled ?? true,
    extra: Object.fromEntries(Object.entries(rule).filter(([k]) => !MANAGED.has(k))),
  };
}

const DURATION_RULE = 'must be a duration like "30s", "5m" or "1h"';

function duration(p: Problems, field: string, text: string): string {
  const t = text.trim();
  if (parseDurationMs(t) === undefined) p.add(field, DURATION_RULE);
  return t;
}

function integer(p: Problems, field: string, text: string, min: number, max: number): number | undefined {
  const n = p.number(field, text);
  if (n === undefined) {
    if (text.trim() === '') p.add(field, 'is required');
    return undefined;
  }
  if (!Number.isInteger(n) || n < min || n > max) p.add(field, `must be a whole number from ${min} to ${max}`);
  return n;
}

function formToCondition(p: Problems, v: RuleFormValues): AlertCondition {
  switch (v.conditionType) {
    case 'threshold': {
      if (!(OPS as readonly string[]).includes(v.op)) p.add('condition.op', `must be one of ${OPS.join(' ')}`);
      const value = p.number('condition.value', v.value);
      if (value === undefined && v.value.trim() === '') p.add('condition.value', 'is required');
      return { type: 'threshold', op: v.op, value: value ?? 0 };
    }
    case 'status': {
      const inList = RULE_STATUSES.filter((s) => v.statusIn.includes(s));
      if (inList.length === 0) p.add('condition.in', 'choose at least one status');
      return { type: 'status', in: inList };
    }
    case 'anomaly': {
      const score = p.number('condition.score', v.score);
      if (score !== undefined && (score < 0 || score > 1)) p.add('condition.score', 'must be from 0 to 1');
      const n = integer(p, 'condition.n', v.n, 1, 100);
      const m = integer(p, 'condition.m', v.m, 1, 100);
      if (n !== undefined && m !== undefined && n > m) p.add('condition.n', 'must not be more than m');
      return { type: 'anomaly', ...defined({ score }), n: n ?? 3, m: m ?? 5 };
    }
    case 'no_data':
      return { type: 'no_data', for: duration(p, 'condition.for', v.noDataFor) };
    case 'pacing': {
      const by = p.number('condition.by', v.by);
      if (by !== undefined && (by < 0 || by > 100)) p.add('condition.by', 'must be a percentage from 0 to 100');
      return { type: 'pacing', by: by ?? 5 };
    }
  }
}

/** The definition to send, and what is obviously wrong with it (the server has the last word). */
export function formToRule(v: RuleFormValues): { definition: AlertRule; problems: FieldProblem[] } {
  const p = new Problems();
  const id = p.id('id', v.id) ?? '';
  const name = v.name.trim();
  if (name === '') p.add('name', 'is required');
  const kpis = [...new Set(v.kpis.map((k) => k.trim()).filter((k) => k !== ''))];
  const objective = p.id('objective', v.objective, false);
  if (!(SEVERITIES as readonly string[]).includes(v.severity)) p.add('severity', `must be one of ${SEVERITIES.join(', ')}`);
  if (!(CONDITION_TYPES as readonly string[]).includes(v.conditionType))
    p.add('condition.type', `must be one of ${CONDITION_TYPES.join(', ')}`);
  const condition = formToCondition(p, v);
  const definition = {
    ...v.extra,
    id,
    name,
    ...defined({ description: optionalText(v.description), kpis: kpis.length > 0 ? kpis : undefined, objective }),
    severity: v.severity,
    condition,
    for: duration(p, 'for', v.for),
    keepFiringFor: duration(p, 'keepFiringFor', v.keepFiringFor),
    enabled: v.enabled,
  } as AlertRule;
  return { definition, problems: p.list };
}

/** Which KPIs a rule watches, in words, for the rules list. */
export function ruleScope(rule: Pick<AlertRule, 'kpis' | 'objective'>, names: ReadonlyMap<string, string>): string {
  if (rule.kpis && rule.kpis.length > 0) return rule.kpis.map((k) => names.get(k) ?? k).join(', ');
  if (rule.objective) return `every KPI under ${names.get(rule.objective) ?? rule.objective}`;
  return 'every KPI';
}

/** The condition in words: "> 10", "status off track", "anomaly 3 of 5". */
export function conditionText(c: AlertCondition): string {
  switch (c.type) {
    case 'threshold':
      return `value ${c.op} ${c.value}`;
    case 'status':
      return `status ${c.in.map((s) => s.replace('_', ' ')).join(' or ')}`;
    case 'anomaly':
      return `anomaly in ${c.n} of ${c.m} points${c.score === undefined ? '' : ` (score ≥ ${c.score})`}`;
    case 'no_data':
      return `no data for ${c.for}`;
    case 'pacing':
      return `pacing misses the target by ${c.by} %`;
  }
}
