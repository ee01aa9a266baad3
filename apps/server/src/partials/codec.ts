import type { DDSketch } from '@datadog/sketches-js';
import { z } from 'zod';
import { EVENT_LIMITS } from '@northstar/shared';
import { HLL_REGISTERS, HyperLogLog } from './hll.ts';
import { newSketch, PARTIAL_VALUES_MAX, type Partial } from './partial.ts';

/** A partial message larger than this is refused (Kafka's default message limit is 1 MiB; a HyperLogLog is 22 KiB in base64, a sketch at most ~40 KiB). */
export const PARTIAL_MESSAGE_MAX_BYTES = 256 * 1024;
/** Bins a sketch store may span: DDSketch at 1 % covers 1e-9..1e12 in about 2 400. */
const SKETCH_BINS_MAX = 4_096;
const MEASURE_KEY_MAX_CHARS = 8_192;
const SOURCE_MAX_CHARS = 256;
/** Seconds since the epoch, up to the year 9999. */
const SECOND_MAX = 253_402_300_799;

/** One cumulative partial: a measure's events in one second from one source. */
export interface PartialMessage {
  kind: 'partial';
  measure: string;
  second: number;
  source: string;
  partial: Partial;
}

/** Every event of `source` up to and including this Kafka offset is in the partials published before it. */
export interface WatermarkMessage {
  kind: 'watermark';
  source: string;
  offset: string;
}

/**
 * The owner of a source is about to store its events up to this offset: written before the
 * insert, so if the owner dies after storing and before publishing their partials, the next
 * owner knows which stored events (after the watermark, up to here) no partial holds.
 */
export interface IntentMessage {
  kind: 'intent';
  source: string;
  offset: string;
}

export type PartialsMessage = PartialMessage | WatermarkMessage | IntentMessage;

export class PartialMessageError extends Error {}

const finite = z.number().refine(Number.isFinite, 'must be a finite number');
const base64 = (maxBytes: number) =>
  z
    .string()
    .max(Math.ceil(maxBytes / 3) * 4, `is longer than ${maxBytes} bytes`)
    .regex(/^[A-Za-z0-9+/]*={0,2}$/, 'is not base64');

const partialSchema = z.strictObject({
  v: z.literal(1, 'version must be 1'),
  m: z.string().min(1).max(MEASURE_KEY_MAX_CHARS),
  sec: z.number().int().min(0).max(SECOND_MAX),
  src: z.string().min(1).max(SOURCE_MAX_CHARS),
  n: z.number().int().positive('must be a positive count'),
  s: finite,
  lo: finite,
  hi: finite,
  t: finite,
  q: z
    .strictObject({
      p: z.array(finite).max(SKETCH_BINS_MAX + 1),
      g: z.array(finite).max(SKETCH_BINS_MAX + 1),
      z: finite.refine((v) => v >= 0, 'must not be negative'),
    })
    .optional(),
  d: z.array(z.string().max(EVENT_LIMITS.dimValueMaxChars)).max(PARTIAL_VALUES_MAX).optional(),
  h: base64(HLL_REGISTERS).optional(),
});

const watermarkSchema = z.strictObject({
  v: z.literal(1, 'version must be 1'),
  src: z.string().min(1).max(SOURCE_MAX_CHARS),
  wm: z.string().regex(/^\d{1,19}$/, 'must be a Kafka offset'),
});

const intentSchema = z.strictObject({
  v: z.literal(1, 'version must be 1'),
  src: z.string().min(1).max(SOURCE_MAX_CHARS),
  upto: z.string().regex(/^\d{1,19}$/, 'must be a Kafka offset'),
});

/** The compaction key: a later value for the same measure, second and source replaces the earlier one. */
export function partialKey(measure: string, second: number, source: string): string {
  return `p\u0000${measure}\u0000${second}\u0000${source}`;
}

export function intentKey(source: string): string {
  return `i\u0000${source}`;
}

export function encodeIntent(m: Omit<IntentMessage, 'kind'>): { key: string; value: string } {
  return { key: intentKey(m.source), value: JSON.stringify({ v: 1, src: m.source, upto: m.offset }) };
}

export function watermarkKey(source: string): string {
  return `w\u0000${source}`;
}

export function encodePartial(m: Omit<PartialMessage, 'kind'>): { key: string; value: string } {
  const p = m.partial;
  if (p.count <= 0) throw new PartialMessageError('an empty partial is not published');
  const value = JSON.stringify({
    v: 1,
    m: m.measure,
    sec: m.second,
    src: m.source,
    n: p.count,
    s: p.sum,
    lo: p.min,
    hi: p.max,
    t: p.lastTs,
    ...(p.sketch ? { q: sketchToJson(p.sketch) } : {}),
    ...(p.values ? { d: [...p.values] } : {}),
    ...(p.hll ? { h: Buffer.from(p.hll.registers).toString('base64') } : {}),
  });
  if (Buffer.byteLength(value) > PARTIAL_MESSAGE_MAX_BYTES) {
    throw new PartialMessageError(`a partial of ${m.measure} at ${m.second} is over ${PARTIAL_MESSAGE_MAX_BYTES} bytes`);
  }
  return { key: partialKey(m.measure, m.second, m.source), value };
}

export function encodeWatermark(m: Omit<WatermarkMessage, 'kind'>): { key: string; value: string } {
  return { key: watermarkKey(m.source), value: JSON.stringify({ v: 1, src: m.source, wm: m.offset }) };
}

function issues(err: z.ZodError): string {
  return err.issues.map((i) => `${i.path.join('.') || 'value'} ${i.message}`).join('; ');
}

type Store = DDSketch['store'];

/** A store as [first key, count per key…]; the sketch's own protobuf form needs protobufjs, which it does not declare. */
function storeToJson(store: Store): number[] {
  if (store.count === 0) return [];
  const out = [store.minKey];
  for (let key = store.minKey; key <= store.maxKey; key++) out.push(store.bins[key - store.offset] ?? 0);
  return out;
}

function sketchToJson(sketch: DDSketch): { p: number[]; g: number[]; z: number } {
  return { p: storeToJson(sketch.store), g: storeToJson(sketch.negativeStore), z: sketch.zeroCount };
}

function storeFromJson(bins: readonly number[], store: Store, field: string, where: string): void {
  if (bins.length === 0) return;
  const first = bins[0]!;
  if (!Number.isInteger(first) || Math.abs(first) > 1e6)
    throw new PartialMessageError(`${where}: field ${field} starts with a bad key ${first}`);
  for (let i = 1; i < bins.length; i++) {
    const w = bins[i]!;
    if (w < 0) throw new PartialMessageError(`${where}: field ${field} has a negative count`);
    if (w > 0) store.add(first + i - 1, w);
  }
}

function sketchFrom(
  q: { p: number[]; g: number[]; z: number },
  p: { n: number; s: number; lo: number; hi: number },
  where: string,
): DDSketch {
  const sketch = newSketch();
  storeFromJson(q.p, sketch.store, 'q.p', where);
  storeFromJson(q.g, sketch.negativeStore, 'q.g', where);
  sketch.zeroCount = q.z;
  const count = sketch.store.count + sketch.negativeStore.count + sketch.zeroCount;
  if (Math.abs(count - p.n) > 1e-6 * p.n) throw new PartialMessageError(`${where}: field q holds ${count} values, n says ${p.n}`);
  sketch.count = count;
  sketch.sum = p.s;
  sketch.min = p.lo;
  sketch.max = p.hi;
  return sketch;
}

/**
 * A message of the partials topic, checked: `where` (topic/partition@offset) starts every
 * error, which says what was wrong. Bad messages are refused whole, never half-merged.
 */
export function decodePartials(key: Buffer | string | null, value: Buffer | string | null, where: string): PartialsMessage {
  if (value === null) throw new PartialMessageError(`${where}: empty value (a tombstone)`);
  const bytes = typeof value === 'string' ? Buffer.byteLength(value) : value.length;
  if (bytes > PARTIAL_MESSAGE_MAX_BYTES) throw new PartialMessageError(`${where}: ${bytes} bytes, over ${PARTIAL_MESSAGE_MAX_BYTES}`);
  let raw: unknown;
  try {
    raw = JSON.parse(value.toString());
  } catch (err) {
    throw new PartialMessageError(`${where}: not JSON (${(err as Error).message})`);
  }
  const k = key?.toString();
  if (k?.startsWith('i\u0000')) {
    const i = intentSchema.safeParse(raw);
    if (!i.success) throw new PartialMessageError(`${where}: bad intent: ${issues(i.error)}`);
    if (k !== intentKey(i.data.src)) throw new PartialMessageError(`${where}: key does not match the intent's source`);
    return { kind: 'intent', source: i.data.src, offset: i.data.upto };
  }
  if (k?.startsWith('w\u0000')) {
    const w = watermarkSchema.safeParse(raw);
    if (!w.success) throw new PartialMessageError(`${where}: bad watermark: ${issues(w.error)}`);
    if (k !== watermarkKey(w.data.src)) throw new PartialMessageError(`${where}: key does not match the watermark's source`);
    return { kind: 'watermark', source: w.data.src, offset: w.data.wm };
  }
  const r = partialSchema.safeParse(raw);
  if (!r.success) throw new PartialMessageError(`${where}: bad partial: ${issues(r.error)}`);
  const p = r.data;
  if (k !== partialKey(p.m, p.sec, p.src))
    throw new PartialMessageError(`${where}: key does not match the partial's measure, second and source`);
  if (p.lo > p.hi) throw new PartialMessageError(`${where}: min ${p.lo} is above max ${p.hi}`);
  if (p.d && p.h) throw new PartialMessageError(`${where}: both distinct values and a HyperLogLog`);
  const partial: Partial = { count: p.n, sum: p.s, min: p.lo, max: p.hi, lastTs: p.t };
  if (p.q !== undefined) partial.sketch = sketchFrom(p.q, p, where);
  if (p.d) partial.values = new Set(p.d);
  if (p.h !== undefined) {
    const regs = Buffer.from(p.h, 'base64');
    if (regs.length !== HLL_REGISTERS)
      throw new PartialMessageError(`${where}: field h has ${regs.length} registers, not ${HLL_REGISTERS}`);
    if (regs.some((v) => v > 33)) throw new PartialMessageError(`${where}: field h has a register above 33`);
    partial.hll = new HyperLogLog(new Uint8Array(regs));
  }
  return { kind: 'partial', measure: p.m, second: p.sec, source: p.src, partial };
}
