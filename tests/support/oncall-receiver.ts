import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for PagerDuty's Events API v2, Opsgenie's Alert API, a Microsoft Teams
 * webhook and a Slack incoming webhook, run as its own process by the on-call tests. It checks each payload the way the
 * service documents it (400 with the reason otherwise) and keeps what the service would keep:
 * incidents by dedup key, alerts by alias, cards posted. GET /_state returns all of it.
 * POST /_hold keeps the answers to Teams cards (the card is kept, as Teams would show it)
 * until POST /_release, so a test can kill the sender in between.
 *
 * Usage: node --import tsx tests/support/oncall-receiver.ts <pagerduty routing key> <opsgenie api key>
 * Prints `listening <port>` once ready.
 */

const [routingKey = '', genieKey = ''] = process.argv.slice(2);

interface Incident {
  dedupKey: string;
  status: 'triggered' | 'resolved';
  /** Trigger events folded into this incident. */
  triggers: number;
  summary: string;
  severity: string;
}
interface GenieAlert {
  alias: string;
  status: 'open' | 'closed';
  /** Opsgenie's de-duplication count. */
  count: number;
  message: string;
  priority: string;
}

const state = {
  pagerduty: { incidents: [] as Incident[], rejected: [] as string[] },
  opsgenie: { alerts: [] as GenieAlert[], rejected: [] as string[] },
  teams: { cards: [] as unknown[], rejected: [] as string[], held: 0 },
  slack: { messages: [] as unknown[], rejected: [] as string[] },
  webhook: { deliveries: [] as Array<{ header: string; bodyKey: string; status: number }>, accepted: [] as string[] },
};

let holding = false;
const heldAnswers: Array<() => void> = [];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown, max: number): v is string => typeof v === 'string' && v.length > 0 && v.length <= max;

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
}

/** https://developer.pagerduty.com/docs/events-api-v2/trigger-events/ */
function pagerDuty(body: unknown, res: ServerResponse): void {
  const bad = (why: string) => {
    state.pagerduty.rejected.push(why);
    reply(res, 400, { status: 'invalid event', message: 'Event object is invalid', errors: [why] });
  };
  if (!isObject(body)) return bad('body is not an object');
  // the real service says "invalid routing key"; this one echoes it, to prove the sender keeps it out of logs
  if (body.routing_key !== routingKey) return bad(`unknown routing key ${String(body.routing_key)}`);
  if (!str(body.dedup_key, 255)) return bad('dedup_key missing or longer than 255');
  const dedupKey = body.dedup_key;
  let incident = state.pagerduty.incidents.find((i) => i.dedupKey === dedupKey && i.status === 'triggered');
  if (body.event_action === 'trigger') {
    const p = body.payload;
    if (!isObject(p)) return bad('trigger without payload');
    if (!str(p.summary, 1024)) return bad('payload.summary missing or longer than 1024');
    if (!str(p.source, 255)) return bad('payload.source missing');
    if (!['critical', 'error', 'warning', 'info'].includes(String(p.severity))) return bad(`payload.severity "${String(p.severity)}"`);
    if (p.timestamp !== undefined && Number.isNaN(Date.parse(String(p.timestamp)))) return bad('payload.timestamp is not ISO 8601');
    if (incident) {
      incident.triggers += 1;
      incident.summary = p.summary;
    } else {
      incident = { dedupKey, status: 'triggered', triggers: 1, summary: p.summary, severity: String(p.severity) };
      state.pagerduty.incidents.push(incident);
    }
  } else if (body.event_action === 'resolve') {
    if (incident) incident.status = 'resolved';
  } else return bad(`event_action "${String(body.event_action)}"`);
  reply(res, 202, { status: 'success', message: 'Event processed', dedup_key: dedupKey });
}

/** https://docs.opsgenie.com/docs/alert-api */
function opsgenie(req: IncomingMessage, url: URL, body: unknown, res: ServerResponse): void {
  const bad = (status: number, why: string) => {
    state.opsgenie.rejected.push(why);
    reply(res, status, { message: why, took: 0, requestId: 'test' });
  };
  if (req.headers.authorization !== `GenieKey ${genieKey}`) return bad(401, 'Could not authenticate');
  if (!isObject(body)) return bad(422, 'body is not an object');
  const close = /^\/v2\/alerts\/([^/]+)\/close$/.exec(url.pathname);
  if (url.pathname === '/v2/alerts') {
    if (!str(body.message, 130)) return bad(422, 'message missing or longer than 130');
    if (!str(body.alias, 512)) return bad(422, 'alias missing or longer than 512');
    if (!['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(body.priority))) return bad(422, `priority "${String(body.priority)}"`);
    if (body.description !== undefined && !str(body.description, 15_000)) return bad(422, 'description longer than 15000');
    const open = state.opsgenie.alerts.find((a) => a.alias === body.alias && a.status === 'open');
    if (open) open.count += 1;
    else
      state.opsgenie.alerts.push({ alias: body.alias, status: 'open', count: 1, message: body.message, priority: String(body.priority) });
  } else if (close?.[1]) {
    if (url.searchParams.get('identifierType') !== 'alias') return bad(422, 'close by alias needs identifierType=alias');
    const alias = decodeURIComponent(close[1]);
    const open = state.opsgenie.alerts.find((a) => a.alias === alias && a.status === 'open');
    if (!open) return bad(404, `no open alert with alias ${alias}`);
    open.status = 'closed';
  } else return bad(404, `no route ${url.pathname}`);
  reply(res, 202, { result: 'Request will be processed', took: 0.01, requestId: 'test' });
}

/** An incoming webhook / Workflows trigger takes a message whose attachments are Adaptive Cards. */
function teams(body: unknown, res: ServerResponse): void {
  const bad = (why: string) => {
    state.teams.rejected.push(why);
    reply(res, 400, { error: why });
  };
  if (!isObject(body) || body.type !== 'message' || !Array.isArray(body.attachments)) return bad('not a message with attachments');
  for (const att of body.attachments) {
    if (!isObject(att) || att.contentType !== 'application/vnd.microsoft.card.adaptive') return bad('attachment is not an Adaptive Card');
    const card = att.content;
    if (!isObject(card) || card.type !== 'AdaptiveCard' || typeof card.version !== 'string' || !Array.isArray(card.body)) {
      return bad('content is not an AdaptiveCard with a version and a body');
    }
    for (const el of card.body) {
      if (!isObject(el) || !['TextBlock', 'FactSet'].includes(String(el.type))) return bad('card element is not a TextBlock or FactSet');
      if (el.type === 'TextBlock' && typeof el.text !== 'string') return bad('TextBlock without text');
    }
    state.teams.cards.push(card);
  }
  if (holding) {
    state.teams.held += 1;
    heldAnswers.push(() => res.writeHead(202).end());
    return;
  }
  res.writeHead(202).end();
}

/**
 * A generic webhook receiver that drops duplicates by `Idempotency-Key`, as the webhook
 * channel asks of its receivers. With `?failFirst=1` the first delivery of each key gets a
 * 503, so the sender's retry is seen. Every delivery is kept with the key in its header and
 * its body; `accepted` holds each key once.
 */
function webhook(req: IncomingMessage, url: URL, body: unknown, res: ServerResponse): void {
  const header = String(req.headers['idempotency-key'] ?? '');
  const bodyKey = isObject(body) ? String(body.idempotencyKey ?? '') : '';
  const seen = state.webhook.deliveries.some((d) => d.header === header);
  const status = url.searchParams.get('failFirst') === '1' && !seen ? 503 : 202;
  state.webhook.deliveries.push({ header, bodyKey, status });
  if (status === 202 && !state.webhook.accepted.includes(header)) state.webhook.accepted.push(header);
  res.writeHead(status).end();
}

/** https://api.slack.com/messaging/webhooks and the Block Kit limits Slack enforces. */
function slack(body: unknown, res: ServerResponse): void {
  const bad = (why: string) => {
    state.slack.rejected.push(why);
    res.writeHead(400, { 'content-type': 'text/plain' }).end(why);
  };
  if (!isObject(body) || !str(body.text, 40_000)) return bad('no_text');
  if (body.blocks !== undefined) {
    if (!Array.isArray(body.blocks) || body.blocks.length > 50) return bad('invalid_blocks: more than 50 blocks');
    for (const b of body.blocks) {
      if (!isObject(b)) return bad('invalid_blocks: a block is not an object');
      if (b.type === 'section') {
        if (!isObject(b.text) || !['mrkdwn', 'plain_text'].includes(String(b.text.type)) || !str(b.text.text, 3000)) {
          return bad('invalid_blocks: section text missing or longer than 3000');
        }
      } else if (b.type === 'context') {
        if (!Array.isArray(b.elements) || b.elements.length === 0 || b.elements.length > 10) return bad('invalid_blocks: context elements');
      } else if (b.type === 'image') {
        if (!str(b.image_url, 3000) || !/^https?:\/\//.test(b.image_url) || !str(b.alt_text, 2000)) return bad('invalid_blocks: image');
      } else if (b.type !== 'divider') return bad(`invalid_blocks: unknown block type ${String(b.type)}`);
    }
  }
  state.slack.messages.push(body);
  res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/_state') return reply(res, 200, state);
  if (req.method === 'POST' && (url.pathname === '/_hold' || url.pathname === '/_release')) {
    holding = url.pathname === '/_hold';
    // a killed sender's socket is gone: the answer goes nowhere, as it would at Teams
    if (!holding) for (const answer of heldAnswers.splice(0)) answer();
    return reply(res, 200, { holding });
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let body: unknown;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      return reply(res, 400, { error: 'body is not JSON' });
    }
    if (req.headers['content-type'] !== 'application/json') return reply(res, 415, { error: 'content-type must be application/json' });
    if (url.pathname === '/pagerduty/v2/enqueue') return pagerDuty(body, res);
    if (url.pathname.startsWith('/opsgenie/')) return opsgenie(req, new URL(url.href.replace('/opsgenie/', '/')), body, res);
    if (url.pathname === '/teams/webhook') return teams(body, res);
    if (url.pathname === '/slack/webhook') return slack(body, res);
    if (url.pathname === '/webhook') return webhook(req, url, body, res);
    reply(res, 404, { error: `no route ${url.pathname}` });
  });
});

server.on('clientError', (_err, socket) => socket.destroy());

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
