import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A local stand-in for the part of Slack's Web API that the Slack channel's API mode uses,
 * run as its own process: `chat.postMessage` (JSON body, message metadata) and
 * `conversations.history` (read arguments in the URL, `oldest`, `include_all_metadata`,
 * cursor paging, newest first). It checks the bearer token and the conversation, and answers
 * as Slack does: HTTP 200 with `{ ok: false, error }` for a refusal.
 *
 * Test controls: POST /_hold keeps every post's answer (the message is kept, as Slack would
 * show it) until POST /_release, so a test can kill the sender in between; POST
 * /_fail?error=ratelimited&times=N refuses the next N posts with that error (Retry-After: 1
 * for ratelimited). GET /_state returns what it keeps.
 *
 * Usage: node --import tsx tests/support/slack-api-receiver.ts <bot token> <conversation id>
 * Prints `listening <port>` once ready.
 */

const [token = '', conversation = ''] = process.argv.slice(2);

interface Message {
  ts: string;
  text: string;
  blocks: unknown[];
  metadata?: { event_type: string; event_payload: Record<string, unknown> };
}

const state = {
  messages: [] as Message[],
  /** Refusals: the error code and why. */
  rejected: [] as string[],
  posts: 0,
  historyReads: 0,
  held: 0,
};
let holding = false;
const heldAnswers: Array<() => void> = [];
let failing = { error: '', times: 0 };
let lastTs = 0;

const MAX_BODY_BYTES = 1 << 20;
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function reply(res: ServerResponse, body: unknown, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers }).end(JSON.stringify(body));
}

function refuse(res: ServerResponse, error: string, why = error): void {
  state.rejected.push(why);
  reply(res, { ok: false, error }, 200, error === 'ratelimited' ? { 'retry-after': '1' } : {});
}

/** Slack's timestamps: seconds with six decimals, unique and increasing within a conversation. */
function nextTs(): string {
  lastTs = Math.max(lastTs + 1, Date.now() * 1000);
  return (lastTs / 1_000_000).toFixed(6);
}

/** https://api.slack.com/methods/chat.postMessage */
function postMessage(body: unknown, res: ServerResponse): void {
  state.posts += 1;
  if (failing.times > 0) {
    failing.times -= 1;
    return refuse(res, failing.error);
  }
  if (!isObject(body)) return refuse(res, 'invalid_arguments', 'body is not an object');
  if (body.channel !== conversation) return refuse(res, 'channel_not_found', `unknown channel ${String(body.channel)}`);
  if (typeof body.text !== 'string' || body.text.length === 0 || body.text.length > 40_000) return refuse(res, 'no_text');
  if (body.blocks !== undefined && (!Array.isArray(body.blocks) || body.blocks.length > 50)) return refuse(res, 'invalid_blocks');
  let metadata: Message['metadata'];
  if (body.metadata !== undefined) {
    const m = body.metadata;
    if (!isObject(m) || typeof m.event_type !== 'string' || !/^[a-z0-9_]{1,255}$/.test(m.event_type) || !isObject(m.event_payload)) {
      return refuse(res, 'invalid_metadata_format', 'metadata needs an event_type (a-z, 0-9, _) and an event_payload object');
    }
    metadata = { event_type: m.event_type, event_payload: m.event_payload };
  }
  const message: Message = {
    ts: nextTs(),
    text: body.text,
    blocks: (body.blocks as unknown[] | undefined) ?? [],
    ...(metadata ? { metadata } : {}),
  };
  state.messages.push(message);
  const answer = () => reply(res, { ok: true, channel: conversation, ts: message.ts, message });
  if (!holding) return answer();
  state.held += 1;
  heldAnswers.push(answer);
}

/** https://api.slack.com/methods/conversations.history: newest first, metadata only when asked for. */
function history(url: URL, res: ServerResponse): void {
  state.historyReads += 1;
  if (url.searchParams.get('channel') !== conversation) return refuse(res, 'channel_not_found');
  const oldest = Number(url.searchParams.get('oldest') ?? '0');
  const limit = Math.min(Math.max(Number(url.searchParams.get('limit') ?? '100') || 100, 1), 999);
  const offset = Number(url.searchParams.get('cursor') ?? '0') || 0;
  const withMetadata = url.searchParams.get('include_all_metadata') === 'true';
  const all = state.messages.filter((m) => Number(m.ts) > oldest).reverse();
  const page = all.slice(offset, offset + limit).map(({ metadata, ...rest }) => (withMetadata && metadata ? { ...rest, metadata } : rest));
  const more = offset + limit < all.length;
  reply(res, { ok: true, messages: page, has_more: more, response_metadata: { next_cursor: more ? String(offset + limit) : '' } });
}

function route(req: IncomingMessage, url: URL, raw: string, res: ServerResponse): void {
  if (req.headers.authorization !== `Bearer ${token}`) return refuse(res, 'invalid_auth', 'wrong or missing bearer token');
  if (url.pathname === '/api/conversations.history') return history(url, res);
  if (url.pathname !== '/api/chat.postMessage') return refuse(res, 'unknown_method', `no method ${url.pathname}`);
  if (req.method !== 'POST' || !String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    return refuse(res, 'invalid_form_data', 'chat.postMessage takes a JSON body here');
  }
  let body: unknown;
  try {
    body = JSON.parse(raw);
  } catch {
    return refuse(res, 'invalid_json');
  }
  postMessage(body, res);
}

const server = createServer((req, res) => {
  const url = new URL(req.url ?? '/', 'http://127.0.0.1');
  if (req.method === 'GET' && url.pathname === '/_state') return reply(res, state);
  if (req.method === 'POST' && url.pathname === '/_hold') {
    holding = true;
    return reply(res, { holding });
  }
  if (req.method === 'POST' && url.pathname === '/_release') {
    holding = false;
    // the sender may be dead: its socket is gone and the answer goes nowhere, as it would at Slack
    for (const answer of heldAnswers.splice(0)) answer();
    return reply(res, { holding });
  }
  if (req.method === 'POST' && url.pathname === '/_fail') {
    failing = { error: url.searchParams.get('error') ?? 'internal_error', times: Number(url.searchParams.get('times') ?? '1') };
    return reply(res, failing);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY_BYTES) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => route(req, url, Buffer.concat(chunks).toString('utf8'), res));
});
// a held answer's socket may be reset by the killed sender: not this process's failure
server.on('clientError', (_err, socket) => socket.destroy());

server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening ${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
