import { afterAll, beforeAll } from 'vitest';
import { startTestServer, type TestServer, type TestServerOptions } from './harness.ts';
import { startOncallReceiver, type OncallReceiver } from './oncall.ts';

/**
 * What the notification tests share: a model whose one critical rule fires on more than 10
 * errors in an hour (`burst('m.errors', 12)` fires it), a real on-call receiver process, and
 * a real server whose channels deliver to it.
 */

/** The objective, the errors KPI and its rule; a file adds its own `notifications:` after it. */
export const ERRORS_RULE_MODEL = `
objectives:
  - { id: platform, name: Stay fast, owner: CTO }
kpis:
  - { id: errors, name: Errors, objective: platform, owner: Ravi, metric: m.errors, aggregation: count, window: 1h, direction: lower_is_better, target: 10 }
rules:
  - { id: too-many-errors, name: Too many errors, kpis: [errors], severity: critical, condition: { type: threshold, op: '>', value: 10 } }
`;

/** The PagerDuty incident the rule's firing on 12 errors opens, as the receiver records it. */
export const ERRORS_RULE_INCIDENT = {
  dedupKey: 'northstar/too-many-errors/errors/',
  status: 'triggered',
  triggers: 1,
  summary: 'Errors: Too many errors: 12 vs threshold 10',
  severity: 'critical',
};

export interface AlertingServer {
  readonly receiver: OncallReceiver;
  /** The running server; a test that restarts it puts the new one here, and afterAll stops that one. */
  server: TestServer;
}

/**
 * Registers beforeAll/afterAll in the calling file: the receiver (accepting these keys) starts
 * first, then the server, started with `options(receiver.base)`; afterAll stops both.
 */
export function alertingServer(keys: { routingKey: string; genieKey: string }, options: (receiverBase: string) => TestServerOptions) {
  let receiver: OncallReceiver | undefined;
  let server: TestServer | undefined;
  const ready = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`alertingServer().${what} used before beforeAll ran`);
    return value;
  };
  const fx: AlertingServer = {
    get receiver() {
      return ready(receiver, 'receiver');
    },
    get server() {
      return ready(server, 'server');
    },
    set server(next: TestServer) {
      server = next;
    },
  };

  beforeAll(async () => {
    receiver = await startOncallReceiver(keys.routingKey, keys.genieKey);
    server = await startTestServer(options(receiver.base));
  });
  afterAll(async () => {
    await server?.stop();
    receiver?.stop();
  });

  return fx;
}
