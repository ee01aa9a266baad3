import { describe, expect, it } from 'vitest';
import type { Alert } from '@northstar/shared';
import { alertingServer, ERRORS_RULE_INCIDENT, ERRORS_RULE_MODEL } from './support/alerting-server.ts';
import { burst, postEvents, waitFor } from './support/harness.ts';

/**
 * The on-call channels wired through a real server: a rule fires on real events, the alert
 * engine routes it by the config file's routes, and PagerDuty, Opsgenie and Teams payloads
 * reach the receiver process, which accepts them as the services would.
 */

const ROUTING_KEY = 'pd-routing-key-server-0123456789';
const GENIE_KEY = 'genie-api-key-server-0123456789';

const fx = alertingServer({ routingKey: ROUTING_KEY, genieKey: GENIE_KEY }, (base) => ({
  config: `${ERRORS_RULE_MODEL}notifications:
  channels:
    - { id: pager, type: pagerduty, routingKey: ${ROUTING_KEY}, url: '${base}/pagerduty' }
    - { id: genie, type: opsgenie, apiKey: ${GENIE_KEY}, url: '${base}/opsgenie' }
    - { id: room, type: teams, url: '${base}/teams/webhook?sig=abcdef0123456789' }
  routes:
    - { match: { severity: [critical] }, channels: [pager, genie, room], groupWait: 0s, repeatInterval: 1h }
`,
}));

describe('on-call channels on a real server', () => {
  it('a firing rule opens one PagerDuty incident, one Opsgenie alert and posts one Teams card', async () => {
    await postEvents(fx.server, burst('m.errors', 12));
    await waitFor(async () => {
      const alerts = (await (await fetch(`${fx.server.url}/api/v1/alerts`)).json()) as Alert[];
      return alerts.find((a) => a.state === 'alerting');
    }, 'an alerting alert');
    const s = await waitFor(async () => {
      const st = await fx.receiver.state();
      return st.pagerduty.incidents.length > 0 && st.opsgenie.alerts.length > 0 && st.teams.cards.length > 0 ? st : undefined;
    }, 'deliveries to all three');
    expect(s.pagerduty.rejected).toEqual([]);
    expect(s.pagerduty.incidents).toEqual([ERRORS_RULE_INCIDENT]);
    expect(s.opsgenie.rejected).toEqual([]);
    expect(s.opsgenie.alerts).toEqual([
      { alias: 'northstar/too-many-errors/errors/', status: 'open', count: 1, message: 'Errors: 12 vs threshold 10', priority: 'P1' },
    ]);
    expect(s.teams.rejected).toEqual([]);
    expect(s.teams.cards[0]?.body[0]).toMatchObject({ text: '\\[CRITICAL\\] Firing: Errors', color: 'Attention' });
  });
});
