import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

/** What the Slack Web API stand-in (slack-api-receiver.ts) kept, as GET /_state returns it. */
export interface SlackApiState {
  messages: {
    ts: string;
    text: string;
    blocks: { type: string; text?: { text: string }; elements?: { text: string }[] }[];
    metadata?: { event_type: string; event_payload: { idempotency_key?: string } };
  }[];
  rejected: string[];
  posts: number;
  historyReads: number;
  held: number;
}

export interface SlackApiReceiver {
  /** The Web API base URL: http://127.0.0.1:<port>/api */
  apiUrl: string;
  state(): Promise<SlackApiState>;
  /** Keep every post's answer until release(): the message is kept, its sender waits. */
  hold(): Promise<void>;
  release(): Promise<void>;
  /** Refuse the next `times` posts with this Slack error code (HTTP 200, ok:false). */
  fail(error: string, times: number): Promise<void>;
  stop(): void;
}

/** Starts the stand-in as its own process on a free loopback port, knowing the token and conversation it accepts. */
export async function startSlackApiReceiver(token: string, conversation: string): Promise<SlackApiReceiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'slack-api-receiver.ts'), token, conversation], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = /listening (\d+)/.exec(line.toString())?.[1];
  if (!port) {
    child.kill('SIGTERM');
    throw new Error(`Slack API receiver did not start: ${line.toString()}`);
  }
  const base = `http://127.0.0.1:${port}`;
  const control = async (what: string) => {
    const res = await fetch(`${base}/${what}`, { method: 'POST' });
    if (!res.ok) throw new Error(`${what}: ${res.status}`);
  };
  return {
    apiUrl: `${base}/api`,
    state: async () => (await (await fetch(`${base}/_state`)).json()) as SlackApiState,
    hold: () => control('_hold'),
    release: () => control('_release'),
    fail: (error, times) => control(`_fail?error=${encodeURIComponent(error)}&times=${times}`),
    stop: () => child.kill('SIGTERM'),
  };
}
