import { z } from 'zod';

export const ID_PATTERN = /^[a-z0-9][a-z0-9_.-]{0,63}$/;
export const idField = z
  .string()
  .regex(ID_PATTERN, 'must be 1-64 characters of a-z, 0-9, "_", "." or "-", starting with a letter or digit');

const DURATION_UNITS_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const DURATION_PATTERN = /^(\d+)(s|m|h|d)$/;

/** "5m" → 300000. Returns undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  const m = DURATION_PATTERN.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * DURATION_UNITS_MS[m[2] as keyof typeof DURATION_UNITS_MS];
}
