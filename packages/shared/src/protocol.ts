import { z } from 'zod';
import type { Goal, KpiDefinition, Objective } from './kpi.ts';
import type { KpiState, ObjectiveState, SeriesPoint } from './status.ts';
import type { Milestone } from './feedback.ts';
import type { Alert } from './alerts.ts';

/**
 * Bumped on any incompatible change to the messages below. Additions that an older
 * client can ignore (optional fields, client → server messages) keep the number.
 * 5: a delta's objectives carry only the fields that changed (ObjectiveStatePatch).
 */
export const PROTOCOL_VERSION = 5;

/**
 * KPI id → sequence number of the newest update of that KPI (its state and/or its
 * sparkline). Numbers rise monotonically per KPI within one server instance; a client
 * keeps the highest it applied and drops any update whose number is not above it.
 */
export type KpiSeqs = Record<string, number>;

/**
 * An objective's id and the fields of its state that changed, each with its new value; a
 * field left out did not change, a `reason` that went away is null. A client merges it over
 * the state it holds (applyObjectivePatch); one sent whole (a catch-up, a replay) has every field.
 */
export type ObjectiveStatePatch = Pick<ObjectiveState, 'id'> & Partial<ObjectiveState>;

/** A KPI state's fields that changed, each with its new value; a field left out did not change. */
export type KpiStatePatch = Partial<Omit<KpiState, 'id'>>;

/**
 * A sparkline's change: of the points held, keep `keep` starting at index `drop`, then
 * append `add`. A new slot drops the oldest point and adds one; a late event rewrites the last few.
 */
export interface SparkPatch {
  drop: number;
  keep: number;
  add: SeriesPoint[];
}

/**
 * One KPI's update in a delta. Without `base` it carries whole values (`state`, `spark`).
 * With `base` it patches the update numbered `base` (`set`, `sparkPatch`, or a whole
 * `spark`): a client holding any other number for the KPI must not apply it, and asks for
 * what it missed with a `resume` instead. Either way, parts left out did not change.
 */
export interface KpiUpdate {
  id: string;
  /** This update's sequence number (see KpiSeqs). */
  seq: number;
  base?: number;
  state?: KpiState;
  set?: KpiStatePatch;
  spark?: SeriesPoint[];
  sparkPatch?: SparkPatch;
}

export interface WallKpi {
  definition: KpiDefinition;
  state: KpiState;
  /** The KPI at the end of each of the last 60 slots of its window (one window's length), oldest first. */
  spark: SeriesPoint[];
}

export interface WallObjective {
  definition: Objective;
  state: ObjectiveState;
}

export type ServerMessage =
  | {
      type: 'hello';
      protocol: typeof PROTOCOL_VERSION;
      serverVersion: string;
      serverTime: number;
      /** Identifies this server process: sequence numbers are only comparable within one instance. */
      instance?: string;
      /** Opaque; sent back in `resume` after a reconnect (the instance and this connection's id). */
      resumeToken?: string;
    }
  /** Everything, on connect and whenever the model (objectives, KPIs, goals) changes. */
  | {
      type: 'snapshot';
      serverTime: number;
      objectives: WallObjective[];
      kpis: WallKpi[];
      goals: Goal[];
      alerts: Alert[];
      /** The sequence number of each KPI's state in this snapshot. */
      seqs?: KpiSeqs;
      /** The newest sequence number (of any KPI or alert) this snapshot covers. */
      cursor?: number;
    }
  /**
   * What changed since the last frame: one entry per KPI that changed (most patch the
   * previous update, see KpiUpdate), and one per objective whose state changed, with the
   * fields that changed (see ObjectiveStatePatch).
   */
  | {
      type: 'delta';
      serverTime: number;
      kpis: KpiUpdate[];
      objectives: ObjectiveStatePatch[];
      /** True on the one frame that answers a `resume`: the updates the client missed, whole. */
      replay?: boolean;
    }
  /** A KPI reached its target, or an objective 100 %, for the first time in a period. */
  | { type: 'milestone'; serverTime: number; milestone: Milestone }
  /** An alert changed state, was acknowledged, silenced or given feedback; the whole alert, newest state. */
  | { type: 'alert'; serverTime: number; alert: Alert; seq?: number }
  | { type: 'heartbeat'; serverTime: number };

export type ServerMessageType = ServerMessage['type'];

export function isServerMessage(value: unknown): value is ServerMessage {
  if (typeof value !== 'object' || value === null) return false;
  const type = (value as { type?: unknown }).type;
  return type === 'hello' || type === 'snapshot' || type === 'delta' || type === 'milestone' || type === 'alert' || type === 'heartbeat';
}

// ---------------------------------------------------------------- client → server

/**
 * The largest client message the server reads; bigger ones are ignored and counted.
 * Sized for a `resume` carrying a sequence number for a few hundred KPIs.
 */
export const MAX_CLIENT_MESSAGE_BYTES = 16 * 1024;
/** Ids per list in one message; a larger board subscribes in several messages. */
export const MAX_SCOPE_IDS = 500;

const scopeId = z.string().min(1).max(128);
const idList = z.array(scopeId).max(MAX_SCOPE_IDS);

/** What a client wants to hear about; the union of the parts. Absent parts add nothing. */
export const LiveScopeSchema = z.strictObject({
  /** Every KPI, including ones added to the model later. */
  all: z.literal(true).optional(),
  /** KPIs by id. */
  kpis: idList.optional(),
  /** Objectives by id: the KPIs linked to each, or to any objective below it. */
  objectives: idList.optional(),
  /** Boards, for now each a list of KPI ids under a name. */
  boards: z
    .array(z.strictObject({ id: scopeId, kpis: idList }))
    .max(20)
    .optional(),
});
export type LiveScope = z.infer<typeof LiveScopeSchema>;

export const ClientMessageSchema = z.discriminatedUnion('type', [
  /**
   * Narrows the updates to a scope (adds to earlier subscriptions); a client that never
   * subscribes gets everything. KPIs new to the scope are sent whole at once.
   */
  z.strictObject({ type: z.literal('subscribe'), ...LiveScopeSchema.shape }),
  z.strictObject({ type: z.literal('unsubscribe'), ...LiveScopeSchema.shape }),
  /** After a reconnect: the token from the previous `hello` and the newest sequence number applied per KPI. */
  z.strictObject({
    type: z.literal('resume'),
    token: z.string().min(1).max(200),
    seqs: z.record(scopeId, z.number().int().nonnegative()).refine((r) => Object.keys(r).length <= 5_000, 'too many KPIs'),
    /** The newest sequence number the client saw on any message (snapshot cursor, delta seqs, alert seq). */
    cursor: z.number().int().nonnegative().optional(),
    /** What the client wants from now on, replacing the previous connection's subscriptions; absent: those are kept. */
    scope: LiveScopeSchema.optional(),
  }),
]);
export type ClientMessage = z.infer<typeof ClientMessageSchema>;
export type ClientMessageType = ClientMessage['type'];

export type ClientMessageParse = { ok: true; message: ClientMessage } | { ok: false; reason: 'oversized' | 'malformed' | 'invalid' };

/** Size, JSON and schema checks for one text frame from a client. */
export function parseClientMessage(text: string): ClientMessageParse {
  // UTF-16 length bounds the UTF-8 byte length from below; a cheap first check
  if (text.length > MAX_CLIENT_MESSAGE_BYTES) return { ok: false, reason: 'oversized' };
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  const parsed = ClientMessageSchema.safeParse(raw);
  return parsed.success ? { ok: true, message: parsed.data } : { ok: false, reason: 'invalid' };
}
