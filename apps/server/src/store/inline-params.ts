import { formatQueryParams } from '@clickhouse/client-common';

/**
 * The SQL with each `{name:Type}` placeholder replaced by its value as a typed literal,
 * `CAST(<literal> AS Type)` — what the engine's own substitution makes of a bound
 * parameter (it parses the value as the type and puts `_CAST(value, 'Type')` in its
 * place). Used where binding has a cost the SQL's values do not need: chdb-node runs every
 * bound query of the process in one chain, one at a time (its libchdb's parameter state is
 * not per connection), so a chart waited behind the wall's and evaluator's bound reads
 * (bench/history). Parameterised in spirit still:
 * - placeholders and their types come only from our SQL text; values never choose them,
 *   and the text is scanned once, so a value that looks like a placeholder stays a value;
 * - strings (also in arrays) are quoted and escaped by @clickhouse/client's own routine
 *   (`formatQueryParams`: backslash, quote, tab, newline and CR escaped), the one the
 *   client uses for array and map parameters;
 * - numbers must be finite, integers must be safe integers in their type's sign; a value
 *   of any other shape, a missing value or a type not listed here throws before any SQL
 *   runs. The CAST pins the type as binding did.
 */
const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*):([A-Za-z0-9_(), ]+)\}/g;

export class InlineParamError extends Error {
  override readonly name = 'InlineParamError';
}

function literal(name: string, type: string, value: unknown): string {
  const wrong = (what: string) => new InlineParamError(`parameter ${name} (${type}): ${what}, got ${typeof value} ${String(value)}`);
  if (/^U?Int(8|16|32|64)$/.test(type)) {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) throw wrong('expected a safe integer');
    if (type.startsWith('U') && value < 0) throw wrong('expected an integer ≥ 0');
    return String(value);
  }
  if (type === 'Float64' || type === 'Float32') {
    if (typeof value !== 'number' || !Number.isFinite(value)) throw wrong('expected a finite number');
    return String(value);
  }
  if (type === 'String') {
    if (typeof value !== 'string') throw wrong('expected a string');
    return formatQueryParams({ value, wrapStringInQuotes: true });
  }
  if (type === 'Array(String)') {
    if (!Array.isArray(value) || !value.every((v) => typeof v === 'string')) throw wrong('expected an array of strings');
    return formatQueryParams({ value });
  }
  throw wrong('no literal form for this type');
}

export function inlineParams(sql: string, params: Readonly<Record<string, unknown>>): string {
  return sql.replace(PLACEHOLDER, (_whole, name: string, type: string) => {
    if (!Object.hasOwn(params, name)) throw new InlineParamError(`parameter ${name} (${type}) has no value`);
    return `CAST(${literal(name, type, params[name])} AS ${type})`;
  });
}
