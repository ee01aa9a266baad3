import WebSocket from 'ws';
import { applyKpiUpdate, type ClientMessage, type KpiState, type SeriesPoint, type ServerMessage } from '@northstar/shared';

/**
 * A wall as the protocol means it: applies snapshots and deltas by sequence number,
 * drops any update it already has, and counts such duplicates and patches it cannot
 * apply (a correct server sends neither).
 */
export class LiveTestClient {
  readonly messages: ServerMessage[] = [];
  readonly states = new Map<string, KpiState>();
  readonly sparks = new Map<string, readonly SeriesPoint[]>();
  readonly seqs = new Map<string, number>();
  cursor = 0;
  token: string | undefined;
  instance: string | undefined;
  /** Updates that arrived with a sequence number at or below the one already applied. */
  duplicates = 0;
  /** Patches of an update this client did not hold (a correct server sends none). */
  gaps = 0;
  /** Ids of every KPI update received in a delta, in order. */
  readonly updatedIds: string[] = [];
  closed: { code: number; reason: string } | undefined;
  ws!: WebSocket;

  /**
   * `deflate: false` does not offer permessage-deflate (a browser always does, as this client does by default);
   * `query` adds parameters to /ws (a `token` or `kiosk` credential, as a browser passes them).
   */
  static async connect(
    baseUrl: string,
    opts: { resume?: boolean; into?: LiveTestClient; deflate?: boolean; query?: Record<string, string> } = {},
  ): Promise<LiveTestClient> {
    const client = opts.into ?? new LiveTestClient();
    client.closed = undefined;
    const params = new URLSearchParams({ ...(opts.resume ? { resume: '1' } : {}), ...opts.query }).toString();
    const ws = new WebSocket(`${baseUrl.replace('http', 'ws')}/ws${params ? `?${params}` : ''}`, {
      perMessageDeflate: opts.deflate ?? true,
    });
    client.ws = ws;
    ws.on('message', (data) => client.#receive(JSON.parse(String(data)) as ServerMessage));
    ws.on('close', (code, reason) => (client.closed = { code, reason: reason.toString() }));
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return client;
  }

  send(msg: ClientMessage | string): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Sends `resume` with what this client holds. */
  resume(): void {
    this.send({ type: 'resume', token: this.token!, seqs: Object.fromEntries(this.seqs), cursor: this.cursor });
  }

  close(): Promise<void> {
    if (this.ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }

  #receive(msg: ServerMessage): void {
    this.messages.push(msg);
    if (msg.type === 'hello') {
      // sequence numbers of another instance mean nothing here
      if (this.instance !== undefined && msg.instance !== this.instance) this.seqs.clear();
      this.instance = msg.instance;
      this.token = msg.resumeToken;
    } else if (msg.type === 'snapshot') {
      this.states.clear();
      this.seqs.clear();
      this.sparks.clear();
      for (const k of msg.kpis) {
        this.states.set(k.definition.id, k.state);
        this.sparks.set(k.definition.id, k.spark);
      }
      for (const [id, seq] of Object.entries(msg.seqs ?? {})) this.seqs.set(id, seq);
      this.cursor = msg.cursor ?? 0;
    } else if (msg.type === 'delta') {
      for (const u of msg.kpis) {
        this.updatedIds.push(u.id);
        const state = this.states.get(u.id);
        const held = state && { state, spark: this.sparks.get(u.id) ?? [], seq: this.seqs.get(u.id) ?? 0 };
        const outcome = applyKpiUpdate(held, u);
        if (outcome.kind === 'repeat') this.duplicates += 1;
        else if (outcome.kind === 'gap') this.gaps += 1;
        else {
          this.states.set(u.id, outcome.kpi.state);
          this.sparks.set(u.id, outcome.kpi.spark);
          this.seqs.set(u.id, outcome.kpi.seq);
        }
        this.cursor = Math.max(this.cursor, u.seq);
      }
    } else if (msg.type === 'alert' && msg.seq !== undefined) {
      this.cursor = Math.max(this.cursor, msg.seq);
    }
  }

  /** The KPI states (and sparklines) without the fields that change on every evaluation. */
  view(): Record<string, unknown> {
    return Object.fromEntries(
      [...this.states]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([id, s]) => [id, { ...s, evaluatedAt: undefined, seq: this.seqs.get(id), spark: this.sparks.get(id) }]),
    );
  }
}
