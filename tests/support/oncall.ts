import { spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';

/** What the on-call receiver process (oncall-receiver.ts) kept, as GET /_state returns it. */
export interface ReceiverState {
  pagerduty: { incidents: { dedupKey: string; status: string; triggers: number; summary: string; severity: string }[]; rejected: string[] };
  opsgenie: { alerts: { alias: string; status: string; count: number; message: string; priority: string }[]; rejected: string[] };
  teams: {
    cards: { body: { type: string; text?: string; color?: string; facts?: { title: string; value: string }[] }[] }[];
    rejected: string[];
    /** Cards whose answer is being held (POST /_hold). */
    held: number;
  };
  slack: { messages: { text: string; blocks: { type: string; text?: { text: string }; image_url?: string }[] }[]; rejected: string[] };
  webhook: { deliveries: { header: string; bodyKey: string; status: number }[]; accepted: string[] };
}

export interface OncallReceiver {
  /** http://127.0.0.1:<port>; PagerDuty under /pagerduty, Opsgenie under /opsgenie, Teams at /teams/webhook, Slack at /slack/webhook, a generic webhook at /webhook. */
  base: string;
  state(): Promise<ReceiverState>;
  /** Keep the answers to Teams cards until release(): the card is kept, its sender waits. */
  hold(): Promise<void>;
  release(): Promise<void>;
  stop(): void;
}

/** Starts the receiver as its own process on a free loopback port, knowing the keys it accepts. */
export async function startOncallReceiver(routingKey: string, genieKey: string): Promise<OncallReceiver> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(import.meta.dirname, 'oncall-receiver.ts'), routingKey, genieKey], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const port = /listening (\d+)/.exec(line.toString())?.[1];
  if (!port) {
    child.kill('SIGTERM');
    throw new Error(`on-call receiver did not start: ${line.toString()}`);
  }
  const base = `http://127.0.0.1:${port}`;
  return {
    base,
    state: async () => (await (await fetch(`${base}/_state`)).json()) as ReceiverState,
    hold: async () => {
      await fetch(`${base}/_hold`, { method: 'POST' });
    },
    release: async () => {
      await fetch(`${base}/_release`, { method: 'POST' });
    },
    stop: () => child.kill('SIGTERM'),
  };
}
