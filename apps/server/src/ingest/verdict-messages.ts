import type { IHeaders, KafkaMessage } from 'kafkajs';
import type { Verdict, VerdictReply } from './verdicts.ts';

/** Headers of an event an HTTP instance forwarded: where its verdict goes (kafka-verdicts.ts). */
export const REPLY_TO_HEADER = 'northstar-reply-to';
export const REQUEST_HEADER = 'northstar-request';
export const INDEX_HEADER = 'northstar-index';

/** Indexes per verdict message: a 10 MB request of small events stays well under Kafka's 1 MB message limit. */
const MAX_INDEXES_PER_MESSAGE = 10_000;
/** A refusal's reason as sent back; the whole reason is in rejected_events. */
const MAX_REASON_CHARS = 500;
const MAX_ADDRESS_CHARS = 100;

export interface ReplyAddress {
  instance: string;
  request: string;
  index: number;
}

export function replyHeaders(address: ReplyAddress): IHeaders {
  return { [REPLY_TO_HEADER]: address.instance, [REQUEST_HEADER]: address.request, [INDEX_HEADER]: String(address.index) };
}

function header(headers: IHeaders | undefined, name: string): string | undefined {
  const v = headers?.[name];
  const one = Array.isArray(v) ? v[0] : v;
  if (one === undefined) return undefined;
  const text = typeof one === 'string' ? one : one.toString('utf8');
  return text.length > 0 && text.length <= MAX_ADDRESS_CHARS ? text : undefined;
}

/** Where a message's verdict goes; undefined for an event not forwarded by an HTTP instance (or with headers we did not write). */
export function replyAddressOf(m: Pick<KafkaMessage, 'headers'>): ReplyAddress | undefined {
  const instance = header(m.headers, REPLY_TO_HEADER);
  const request = header(m.headers, REQUEST_HEADER);
  const index = Number(header(m.headers, INDEX_HEADER));
  if (instance === undefined || request === undefined || !Number.isSafeInteger(index) || index < 0) return undefined;
  return { instance, request, index };
}

/**
 * Pure step: the verdicts of one batch, per waiting request, from each message's verdict.
 * Messages without a reply address (produced straight to Kafka) have no one to answer.
 */
export function collectReplies(verdicts: Iterable<readonly [Pick<KafkaMessage, 'headers'>, Verdict]>): VerdictReply[] {
  const byRequest = new Map<string, VerdictReply>();
  for (const [m, verdict] of verdicts) {
    const a = replyAddressOf(m);
    if (!a) continue;
    const key = `${a.instance}\n${a.request}`;
    let reply = byRequest.get(key);
    if (!reply) {
      reply = { instance: a.instance, request: a.request, stored: [], duplicate: [], refused: [] };
      byRequest.set(key, reply);
    }
    if (verdict.outcome === 'refused') reply.refused.push({ index: a.index, reason: verdict.reason.slice(0, MAX_REASON_CHARS) });
    else reply[verdict.outcome].push(a.index);
  }
  return [...byRequest.values()].flatMap(split);
}

function split(reply: VerdictReply): VerdictReply[] {
  const size = reply.stored.length + reply.duplicate.length + reply.refused.length;
  if (size <= MAX_INDEXES_PER_MESSAGE) return [reply];
  const parts: VerdictReply[] = [];
  for (let from = 0; from < size; from += MAX_INDEXES_PER_MESSAGE) {
    // the three lists end to end, cut into windows of MAX_INDEXES_PER_MESSAGE
    const cut = <T>(list: readonly T[], offset: number) =>
      list.slice(Math.max(0, from - offset), Math.max(0, from + MAX_INDEXES_PER_MESSAGE - offset));
    const afterStored = reply.stored.length;
    const afterDuplicate = afterStored + reply.duplicate.length;
    parts.push({
      instance: reply.instance,
      request: reply.request,
      stored: cut(reply.stored, 0),
      duplicate: cut(reply.duplicate, afterStored),
      refused: cut(reply.refused, afterDuplicate),
    });
  }
  return parts;
}

export function encodeReply(reply: VerdictReply): string {
  return JSON.stringify({ request: reply.request, stored: reply.stored, duplicate: reply.duplicate, refused: reply.refused });
}

const isIndexList = (v: unknown): v is number[] => Array.isArray(v) && v.every((i) => Number.isSafeInteger(i));

/** A verdict message's value, checked; undefined for anything else on the topic (a probe, a message not ours). */
export function decodeReply(value: Buffer | null): Omit<VerdictReply, 'instance'> | undefined {
  if (!value) return undefined;
  let v: unknown;
  try {
    v = JSON.parse(value.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  if (typeof o.request !== 'string' || !isIndexList(o.stored) || !isIndexList(o.duplicate) || !Array.isArray(o.refused)) return undefined;
  const refused: Array<{ index: number; reason: string }> = [];
  for (const r of o.refused as unknown[]) {
    const x = r as { index?: unknown; reason?: unknown };
    if (typeof r !== 'object' || r === null || !Number.isSafeInteger(x.index) || typeof x.reason !== 'string') return undefined;
    refused.push({ index: x.index as number, reason: x.reason });
  }
  return { request: o.request, stored: o.stored, duplicate: o.duplicate, refused };
}
