import { z } from 'zod';
import { FORBIDDEN_KEY } from './forbidden-keys.ts';
import { textProblem } from './primitives.ts';

/** Limits on one event; each is a bound a producer can hit, so each has a readable reason. */
export const EVENT_LIMITS = {
  metricMaxChars: 128,
  idMaxChars: 128,
  dimsMaxKeys: 32,
  dimKeyMaxChars: 64,
  dimValueMaxChars: 256,
  /** Events older than this are refused: they would land in partitions nobody queries. */
  oldestTsMs: Date.UTC(2000, 0, 1),
  /** Producer clocks drift; a day ahead is a mistake, not drift. */
  maxFutureSkewMs: 24 * 60 * 60 * 1000,
} as const;

export const METRIC_PATTERN = /^[a-z0-9_.-]+$/;
const DIM_KEY_PATTERN = /^[A-Za-z0-9_.-]+$/;

/** An event as it is stored and evaluated: timestamp normalised to epoch ms. */
export interface MetricEvent {
  metric: string;
  value: number;
  ts: number;
  id: string;
  dims: Record<string, string>;
}

/** Checked further by parseTimestamp, which names what is wrong (zod's union would only say "Invalid input"). */
const tsInput = z.custom<string | number>(
  (v) => typeof v === 'string' || typeof v === 'number',
  'ts must be an ISO 8601 string or epoch milliseconds',
);

const eventInput = z.strictObject({
  metric: z
    .string({ error: (issue) => (issue.input === undefined ? 'metric is required' : 'metric must be a string') })
    .min(1, 'metric must not be empty')
    .max(EVENT_LIMITS.metricMaxChars, `metric is longer than ${EVENT_LIMITS.metricMaxChars} characters`)
    .regex(METRIC_PATTERN, 'metric may only contain a-z, 0-9, "_", "." and "-"'),
  value: z
    .number({
      error: (issue) =>
        issue.input === undefined
          ? 'value is required'
          : typeof issue.input === 'number'
            ? 'value must be a finite number'
            : `value must be a number, not ${typeof issue.input}`,
    })
    .refine(Number.isFinite, 'value must be a finite number'),
  ts: tsInput.optional(),
  id: z.string().min(1).max(EVENT_LIMITS.idMaxChars, `id is longer than ${EVENT_LIMITS.idMaxChars} characters`).optional(),
  dims: z
    .record(
      z
        .string()
        .max(EVENT_LIMITS.dimKeyMaxChars, `dimension name is longer than ${EVENT_LIMITS.dimKeyMaxChars} characters`)
        .regex(DIM_KEY_PATTERN, 'dimension name may only contain letters, digits, "_", "." and "-"'),
      z.string().max(EVENT_LIMITS.dimValueMaxChars, `dimension value is longer than ${EVENT_LIMITS.dimValueMaxChars} characters`),
    )
    .refine((d) => Object.keys(d).length <= EVENT_LIMITS.dimsMaxKeys, `dims has more than ${EVENT_LIMITS.dimsMaxKeys} keys`)
    .optional(),
});

export type EventParseResult = { ok: true; event: MetricEvent } | { ok: false; reason: string };

const clip = (text: string) => (text.length > 40 ? `${text.slice(0, 40)}…` : text);

/** A lone surrogate or a control character: one test per label on the hot path, the reason only on a hit. */
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const SUSPECT = /[\uD800-\uDFFF\u0000-\u001F\u007F]/u;

/**
 * Labels are stored as UTF-8 and shown on screens: valid Unicode, no control characters. A
 * lone surrogate also fails the whole insert it lands in, so it must not get that far.
 */
function labelProblem(id: string | undefined, dims: Record<string, string> | undefined): string | undefined {
  if (id !== undefined && SUSPECT.test(id)) return `id: ${textProblem(id)}`;
  if (dims === undefined) return undefined;
  for (const key in dims) {
    const value = dims[key] as string;
    if (SUSPECT.test(value)) return `dims.${clip(key)}: ${textProblem(value)}`;
  }
  return undefined;
}

function formatIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      // a path holds producer-chosen keys: a 10 kB dimension name must not come back in full
      const where = issue.path.length > 0 ? issue.path.map((p) => clip(String(p))).join('.') : 'event';
      if (issue.code === 'unrecognized_keys') return `${where}: unknown field(s) ${issue.keys.map(clip).join(', ')}`;
      if (issue.code === 'invalid_key') return `${where}: ${issue.issues[0]?.message ?? 'invalid name'}`;
      if (issue.code === 'invalid_type' && issue.path.length === 0) return 'event must be a JSON object';
      return `${where}: ${issue.message}`;
    })
    .join('; ');
}

/** Parses an ISO 8601 string or epoch milliseconds; returns a reason when it cannot. */
export function parseTimestamp(input: string | number, nowMs: number): { ok: true; ms: number } | { ok: false; reason: string } {
  let ms: number;
  if (typeof input === 'number') {
    if (!Number.isFinite(input)) return { ok: false, reason: 'ts: must be a finite number of epoch milliseconds' };
    ms = input;
  } else {
    if (input.length > 64) return { ok: false, reason: 'ts: is longer than 64 characters' };
    // Date.parse accepts many shapes; insist on ISO 8601 with a date part and an explicit zone when a time is given.
    if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2}))?$/.test(input)) {
      return {
        ok: false,
        reason: `ts: "${input.slice(0, 40)}" is not ISO 8601 with a time zone (e.g. 2026-11-25T01:02:03.456Z) or epoch ms`,
      };
    }
    ms = Date.parse(input);
    if (Number.isNaN(ms)) return { ok: false, reason: `ts: "${input.slice(0, 40)}" is not a valid date` };
  }
  if (ms < EVENT_LIMITS.oldestTsMs) return { ok: false, reason: 'ts: is before 2000-01-01' };
  if (ms > nowMs + EVENT_LIMITS.maxFutureSkewMs) return { ok: false, reason: 'ts: is more than 24 h in the future' };
  return { ok: true, ms: Math.floor(ms) };
}

/**
 * Validates one decoded event. `nowMs` is the receive time: the default timestamp
 * and the reference for the future-skew check.
 */
export function parseEvent(raw: unknown, nowMs: number): EventParseResult {
  // validation copies dims into a plain object, which would drop this key silently
  const dims = (raw as { dims?: unknown } | null)?.dims;
  if (typeof dims === 'object' && dims !== null && Object.hasOwn(dims, FORBIDDEN_KEY)) {
    return { ok: false, reason: `dims: "${FORBIDDEN_KEY}" is not allowed as a dimension name` };
  }
  const parsed = eventInput.safeParse(raw);
  if (!parsed.success) return { ok: false, reason: formatIssues(parsed.error) };
  const input = parsed.data;
  const labels = labelProblem(input.id, input.dims);
  if (labels !== undefined) return { ok: false, reason: labels };
  let ts = nowMs;
  if (input.ts !== undefined) {
    const t = parseTimestamp(input.ts, nowMs);
    if (!t.ok) return t;
    ts = t.ms;
  }
  return { ok: true, event: { metric: input.metric, value: input.value, ts, id: input.id ?? '', dims: input.dims ?? {} } };
}
