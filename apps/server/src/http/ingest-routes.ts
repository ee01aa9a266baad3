import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import type { IngestRefusal, IngestResponse, MetricEvent } from '@northstar/shared';
import { ForwardError, VerdictTimeoutError, type Verdict } from '../ingest/verdicts.ts';
import { BackpressureError, type RefusedIndex } from '../ingest/batch-writer.ts';
import { BodyError, decodeBodyOffThread, formatFromContentType } from '../ingest/decode-body.ts';
import type { Ingestor } from '../ingest/ingestor.ts';
import type { Metrics } from '../observe/metrics.ts';
import { EncodingError, decodeContentEncoding } from './body-encoding.ts';
import { jsonError } from './errors.ts';
import { doc } from './route-doc.ts';

/** A response lists at most this many rejected lines; the rest are counted and kept in rejected_events. */
const MAX_REJECTED_IN_RESPONSE = 1000;
/** `<sha256 of the file>:<batch index>` from the importer, or any producer's own key of that shape. */
const IDEMPOTENCY_KEY_PATTERN = /^[A-Za-z0-9._:-]{1,200}$/;
/**
 * Keys stored by this process, newest last. ClickHouse drops a repeated block itself (the
 * events table keeps the last 10 000 tokens); this memory keeps the live wall from
 * observing a repeated batch a second time. After a restart the wall is rebuilt from the
 * store, which never held the repeat.
 */
const REMEMBERED_KEYS = 10_000;

class RecentKeys {
  readonly #keys = new Set<string>();

  has(key: string): boolean {
    return this.#keys.has(key);
  }

  add(key: string): void {
    this.#keys.add(key);
    if (this.#keys.size > REMEMBERED_KEYS) this.#keys.delete(this.#keys.values().next().value as string);
  }
}

export interface IngestRouteDeps {
  ingestor: Pick<Ingestor, 'reject' | 'writeGrouped' | 'writeBatchIsolating'>;
  /**
   * With Kafka (issue 17): events that carry an id go to the events topic keyed by their
   * identity, so one partition, hence one instance's id check, sees every copy of an event,
   * whichever instance it was posted to; resolves with each one's verdict from the instance
   * that owns its partition (kafka-verdicts.ts).
   */
  forwardIdentified?: (events: readonly MetricEvent[]) => Promise<Verdict[]>;
  metrics: Pick<Metrics, 'eventsReceived'>;
  bodyLimitBytes: number;
}

interface RequestWrite {
  duplicates: number;
  /** By index into the request's events. */
  refused: RefusedIndex[];
  /** Refusals the owner of the partition has already kept (rejected_events, DLQ). */
  keptElsewhere: ReadonlySet<number>;
}

/**
 * A request's events without an Idempotency-Key: with `forwardIdentified`, those with an id
 * through Kafka, waiting for their verdicts, then the rest grouped into a direct insert.
 * Forwarded first: if they fail (503), nothing without an id has been stored, so the
 * producer's retry stores nothing twice.
 */
async function writeRequest(deps: IngestRouteDeps, events: readonly MetricEvent[]): Promise<RequestWrite> {
  if (!deps.forwardIdentified) {
    const written = await deps.ingestor.writeGrouped(events);
    return { duplicates: written.duplicates, refused: written.refused, keptElsewhere: new Set() };
  }
  const identified: number[] = [];
  const direct: number[] = [];
  events.forEach((e, i) => (e.id !== '' ? identified : direct).push(i));
  const refused: RefusedIndex[] = [];
  const keptElsewhere = new Set<number>();
  let duplicates = 0;
  if (identified.length > 0) {
    const verdicts = await deps.forwardIdentified(identified.map((i) => events[i]!));
    verdicts.forEach((v, k) => {
      const index = identified[k]!;
      if (v.outcome === 'duplicate') duplicates++;
      else if (v.outcome === 'refused') {
        refused.push({ index, reason: v.reason });
        keptElsewhere.add(index);
      }
    });
  }
  if (direct.length > 0) {
    const written = await deps.ingestor.writeGrouped(direct.length === events.length ? events : direct.map((i) => events[i]!));
    duplicates += written.duplicates;
    for (const r of written.refused) refused.push({ index: direct[r.index]!, reason: r.reason });
  }
  return { duplicates, refused, keptElsewhere };
}

export function ingestRoutes(deps: IngestRouteDeps) {
  const stored = new RecentKeys();
  return new Hono().post(
    '/api/v1/events',
    doc({
      tag: 'ingest',
      summary:
        'Ingest metric events: a JSON array, or NDJSON with Content-Type application/x-ndjson; UTF-8, optionally Content-Encoding: gzip',
      headers: [{ name: 'Idempotency-Key', description: 'one idempotent batch: sending it again stores nothing twice' }],
      body: { media: 'application/x-ndjson', description: 'one event per line, or a JSON array of events (application/json)' },
      responses: {
        202: 'Accepted: {accepted, rejected: [{line, reason}], duplicates}',
        400: 'Nothing accepted, or a body that cannot be read',
        403: 'Origin or Host not allowed',
        413: 'Body over the limit (after gzip inflation too)',
        415: 'Content-Encoding other than gzip or identity',
        429: 'Too many requests for this token; retry after Retry-After',
        503: 'Store (or, with Kafka, the events topic) unavailable or busy, or no verdict on events with an id in time; retry after Retry-After',
      },
      schemas: { 202: 'IngestResponse' },
    }),
    bodyLimit({
      maxSize: deps.bodyLimitBytes,
      onError: (c) =>
        jsonError(c, 413, 'body_too_large', `request body is larger than ${deps.bodyLimitBytes} bytes; split it into smaller requests`),
    }),
    async (c) => {
      // with a key, the request is one idempotent batch: stored alone under that dedup token,
      // so sending it again (an import re-run, a retry) stores nothing twice
      const idempotencyKey = c.req.header('idempotency-key');
      if (idempotencyKey !== undefined && !IDEMPOTENCY_KEY_PATTERN.test(idempotencyKey)) {
        return jsonError(c, 400, 'bad_header', 'Idempotency-Key: must be 1-200 letters, digits, ".", "_", ":" or "-"');
      }
      const source = idempotencyKey === undefined ? 'http' : 'import';
      let bytes: Uint8Array;
      try {
        bytes = await decodeContentEncoding(
          new Uint8Array(await c.req.arrayBuffer()),
          c.req.header('content-encoding'),
          deps.bodyLimitBytes,
        );
      } catch (err) {
        if (!(err instanceof EncodingError)) throw err;
        return jsonError(c, err.status, err.code, err.message);
      }
      let decoded;
      try {
        decoded = await decodeBodyOffThread(bytes, formatFromContentType(c.req.header('content-type')), Date.now(), undefined, source);
      } catch (err) {
        if (!(err instanceof BodyError)) throw err;
        const raw = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 64 * 1024)).toString('utf8');
        const message =
          bytes[0] === 0x1f && bytes[1] === 0x8b ? `${err.message} (it looks gzip-compressed: say Content-Encoding: gzip)` : err.message;
        // nothing is dropped unkept: the body is recorded (truncated) with the reason
        await deps.ingestor.reject([{ source, location: 'body', reason: message, raw }]).catch(() => {
          // the store is down; the producer still gets the reason
        });
        return jsonError(c, 400, 'bad_body', message);
      }
      deps.metrics.eventsReceived.inc({ source }, decoded.events.length + decoded.rejected.length);
      const body: IngestResponse = { accepted: 0, rejected: [] };
      let refused: RefusedIndex[] = [];
      let keptElsewhere: ReadonlySet<number> = new Set();
      try {
        // Rejects are kept first: if the events then fail to store, the producer retries
        // the whole request and the rejects are merely recorded twice, never lost.
        if (idempotencyKey !== undefined && stored.has(idempotencyKey)) {
          body.duplicate = true;
        } else {
          await deps.ingestor.reject(decoded.rejected.map((r) => ({ source, location: `line ${r.line}`, reason: r.reason, raw: r.raw })));
          // events whose id is already stored are accepted but not stored or counted again
          if (idempotencyKey === undefined) {
            const written = await writeRequest(deps, decoded.events);
            body.duplicates = written.duplicates;
            refused = written.refused;
            keptElsewhere = written.keptElsewhere;
          } else if (decoded.events.length > 0) {
            const written = await deps.ingestor.writeBatchIsolating(decoded.events, 'import', idempotencyKey);
            body.duplicates = written.duplicates;
            refused = written.refused.map(({ row, reason }) => ({ index: decoded.events.indexOf(row), reason }));
            stored.add(idempotencyKey);
          }
        }
      } catch (err) {
        if (err instanceof BackpressureError) {
          c.header('Retry-After', '1');
          return jsonError(c, 503, 'busy', err.message);
        }
        if (err instanceof VerdictTimeoutError) {
          c.header('Retry-After', '5');
          return jsonError(c, 503, 'verdict_timeout', err.message);
        }
        if (err instanceof ForwardError) {
          c.header('Retry-After', '5');
          return jsonError(c, 503, 'kafka_unavailable', err.message);
        }
        c.header('Retry-After', '5');
        return jsonError(
          c,
          503,
          'store_unavailable',
          deps.forwardIdentified && idempotencyKey === undefined
            ? 'the event store did not accept the write; no event without an id from this request was stored (those with an id may be, and a retry counts them as duplicates), retry it'
            : 'the event store did not accept the write; nothing from this request was stored, retry it',
        );
      }
      // rows the store refused for good (isolated from the rest, which is stored) are rejects like any other
      const refusedLines = refused.map((r) => ({
        line: decoded.lines[r.index]!,
        reason: r.reason,
        raw: JSON.stringify(decoded.events[r.index]),
      }));
      const toKeep = refusedLines.filter((_, k) => !keptElsewhere.has(refused[k]!.index));
      if (toKeep.length > 0) {
        await deps.ingestor.reject(toKeep.map((r) => ({ source, location: `line ${r.line}`, reason: r.reason, raw: r.raw }))).catch(() => {
          // the store took the rest of the request just now; the producer still gets each reason below
        });
      }
      const rejected = [...decoded.rejected, ...refusedLines].map(({ line, reason }) => ({ line, reason })).sort((a, b) => a.line - b.line);
      const truncated = rejected.length > MAX_REJECTED_IN_RESPONSE;
      body.rejected = truncated ? rejected.slice(0, MAX_REJECTED_IN_RESPONSE) : rejected;
      if (truncated) body.rejectedTotal = rejected.length;
      body.accepted = decoded.events.length - refused.length;
      if (body.accepted === 0) {
        const refusal: IngestRefusal = {
          ...body,
          error: {
            code: 'nothing_accepted',
            message: rejected.length === 0 ? 'the body holds no events' : 'every event was rejected; see rejected',
          },
        };
        return c.json(refusal, 400);
      }
      return c.json(body, 202);
    },
  );
}
