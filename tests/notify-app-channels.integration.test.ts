import { statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Alert, ChannelView, RouteView } from '@northstar/shared';
import { alertingServer, ERRORS_RULE_INCIDENT, ERRORS_RULE_MODEL } from './support/alerting-server.ts';
import { AUTH_ON_ENV, apiFetch, burst, postEvents, waitFor } from './support/harness.ts';

/**
 * Channels and routes made in the app (issue 18.7) on a real server with sign-in on: an admin
 * creates a PagerDuty channel and a route through the API, a rule fires on real events, and
 * the receiver process gets the incident with the routing key; the store, the API and the
 * YAML export never hold or show the key in the clear; a token without the admin scope
 * cannot write them, and an editor's model import cannot change them.
 */

const ROUTING_KEY = 'pd-app-routing-key-0123456789ABCD';
const GENIE_KEY = 'genie-unused-key-0123456789';

const json = (body: unknown, extra: Record<string, string> = {}) => ({
  headers: { 'content-type': 'application/json', ...extra },
  body: JSON.stringify(body),
});

const fx = alertingServer({ routingKey: ROUTING_KEY, genieKey: GENIE_KEY }, (base) => ({
  env: { ...AUTH_ON_ENV },
  config: `${ERRORS_RULE_MODEL}notifications:
  channels:
    - { id: room, type: teams, url: '${base}/teams/webhook?sig=abcdef0123456789' }
`,
}));

describe('notification channels and routes made in the app', () => {
  it('routes a real alert through a channel and route created over the API, and never shows or stores the key', async () => {
    // the key file is made on first start, readable by the server's user only
    expect(statSync(path.join(fx.server.dataDir, 'secret.key')).mode & 0o777).toBe(0o600);

    const created = await apiFetch(fx.server, '/api/v1/notifications/channels', {
      method: 'POST',
      ...json({ id: 'pager', type: 'pagerduty', name: 'On-call', routingKey: ROUTING_KEY, url: `${fx.receiver.base}/pagerduty` }),
    });
    expect(created.status).toBe(201);
    const view = (await created.json()) as ChannelView;
    expect(view).toMatchObject({ id: 'pager', source: 'app', version: 1, secrets: { routingKey: 'set, ends …ABCD' } });
    expect(JSON.stringify(view)).not.toContain(ROUTING_KEY);

    const route = await apiFetch(fx.server, '/api/v1/notifications/routes', {
      method: 'POST',
      ...json({ id: 'critical-to-pager', match: { severity: ['critical'] }, channels: ['pager'], groupWait: '0s' }),
    });
    expect(route.status).toBe(201);
    expect(((await route.json()) as RouteView).source).toBe('app');

    // a rename without the key keeps the key
    const renamed = await apiFetch(fx.server, '/api/v1/notifications/channels/pager', {
      method: 'PUT',
      ...json({ id: 'pager', type: 'pagerduty', name: 'Primary on-call', url: `${fx.receiver.base}/pagerduty` }, { 'if-match': '"1"' }),
    });
    expect(renamed.status).toBe(200);

    await postEvents(fx.server, burst('m.errors', 12));
    await waitFor(async () => {
      const alerts = (await (await apiFetch(fx.server, '/api/v1/alerts')).json()) as Alert[];
      return alerts.find((a) => a.state === 'alerting');
    }, 'an alerting alert');
    const s = await waitFor(async () => {
      const st = await fx.receiver.state();
      return st.pagerduty.incidents.length > 0 ? st : undefined;
    }, 'the incident at the receiver');
    // the receiver refuses a wrong routing key: the opened secret is the one entered
    expect(s.pagerduty.rejected).toEqual([]);
    expect(s.pagerduty.incidents).toEqual([ERRORS_RULE_INCIDENT]);

    // the stored rows hold the sealed box, never the key
    const rows = await fx.server.clickhouse.query({
      query: `SELECT body FROM model_versions WHERE kind = 'channel' AND id = 'pager' ORDER BY version`,
      format: 'JSONEachRow',
    });
    const bodies = (await rows.json<{ body: string }>()).map((r) => r.body);
    expect(bodies).toHaveLength(2);
    for (const body of bodies) {
      expect(body).not.toContain(ROUTING_KEY);
      expect(body).not.toContain('0123456789');
      expect(body).toMatch(/"box":"v1\./);
    }

    // nor does the YAML export, the list or the history
    const yaml = await (await apiFetch(fx.server, '/api/v1/model')).text();
    expect(yaml).toContain('id: pager');
    expect(yaml).toContain('routingKey: set, ends …ABCD');
    expect(yaml).not.toContain(ROUTING_KEY);
    const list = await (await apiFetch(fx.server, '/api/v1/notifications/channels')).text();
    expect(list).not.toContain(ROUTING_KEY);
    expect(JSON.parse(list)).toEqual([
      expect.objectContaining({ id: 'room', source: 'config', secrets: { url: 'set in the config file' } }),
      expect.objectContaining({ id: 'pager', source: 'app', name: 'Primary on-call', version: 2 }),
    ]);
    const history = await (await apiFetch(fx.server, '/api/v1/notifications/channels/pager/history')).text();
    expect(history).not.toContain(ROUTING_KEY);
  });

  it('test-sends through an app channel to the receiver', async () => {
    const before = (await fx.receiver.state()).pagerduty.incidents.length;
    const res = await apiFetch(fx.server, '/api/v1/notifications/channels/pager/test', { method: 'POST' });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ ok: true });
    const after = await fx.receiver.state();
    expect(after.pagerduty.rejected).toEqual([]);
    expect(after.pagerduty.incidents).toHaveLength(before + 1);
  });

  it('says what is wrong and where, and refuses config channels and writes without the admin scope', async () => {
    const bad = await apiFetch(fx.server, '/api/v1/notifications/channels', {
      method: 'POST',
      ...json({ id: 'hook', type: 'webhook', url: 'not a url' }),
    });
    expect(bad.status).toBe(400);
    const problems = ((await bad.json()) as { error: { details: { field: string; message: string }[] } }).error.details;
    expect(problems).toEqual([{ field: 'url', message: 'must be an http(s) URL' }]);

    const config = await apiFetch(fx.server, '/api/v1/notifications/channels/room', { method: 'DELETE' });
    expect(config.status).toBe(409);
    expect(await config.text()).toContain('comes from the config file');

    const token = await apiFetch(fx.server, '/api/v1/auth/tokens', { method: 'POST', ...json({ name: 'editor-bot', scopes: ['read'] }) });
    expect(token.status).toBe(201);
    const readOnly = ((await token.json()) as { token: string }).token;
    const denied = await fetch(`${fx.server.url}/api/v1/notifications/routes/critical-to-pager`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${readOnly}` },
    });
    expect(denied.status).toBe(403);
    // the route is still there and still names the channel
    const routes = (await (await apiFetch(fx.server, '/api/v1/notifications/routes')).json()) as RouteView[];
    expect(routes.map((r) => r.id)).toEqual(['critical-to-pager']);
  });
});
