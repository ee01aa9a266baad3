import { randomBytes } from 'node:crypto';
import pino from 'pino';
import type { ChannelConfig } from '@northstar/shared';
import { describe, expect, it } from 'vitest';
import { memoryVersions } from '../http/routes.fixture.ts';
import { ModelError } from './model-errors.ts';
import { ModelService } from './model-service.ts';
import { NotificationRouting } from './notification-routing.ts';
import { SecretBox } from './secret-box.ts';

const SLACK_URL = 'https://hooks.slack.example/services/T1/B2/abcdefghSECRETwxyz';
const meta = { author: 'ada', reason: 'test' };
const silent = pino({ level: 'silent' });

async function setUp(box = new SecretBox(randomBytes(32)), versions = memoryVersions()) {
  const model = await ModelService.load(versions, { box, external: { channels: new Set(['from-file']) } });
  return { model, versions, box };
}

describe('channels in the versioned model', () => {
  it('stores a channel with its secret sealed: no row holds it, the export shows only its last four characters', async () => {
    const { model, versions } = await setUp();
    await model.upsert('channel', { id: 'ops-slack', type: 'slack', url: SLACK_URL, name: 'Ops' }, meta, { create: true });
    const rows = JSON.stringify(versions.rows);
    expect(rows).not.toContain('SECRET');
    expect(rows).not.toContain(SLACK_URL);
    const exported = model.exportDocument().channels;
    expect(exported).toEqual([{ id: 'ops-slack', type: 'slack', name: 'Ops', secrets: { url: 'set, ends …wxyz' } }]);
    expect(JSON.stringify(exported)).not.toContain('SECRET');
  });

  it('keeps the stored secret when an update leaves it out, and makes no new version for the same secret', async () => {
    const { model, box } = await setUp();
    await model.upsert('channel', { id: 'ops', type: 'slack', url: SLACK_URL }, meta, { create: true });
    const sealed = model.get('channel', 'ops')?.sealed.url?.box;
    const renamed = await model.upsert('channel', { id: 'ops', type: 'slack', name: 'Renamed' }, meta);
    expect(renamed.version).toBe(2);
    expect(model.get('channel', 'ops')?.sealed.url?.box).toBe(sealed);
    // the export's own text imported again changes nothing
    const again = await model.upsert('channel', { id: 'ops', type: 'slack', name: 'Renamed', url: SLACK_URL }, meta);
    expect(again.changed).toBe(false);
    const routing = new NotificationRouting({ config: { channels: [], routes: [] }, model, box, log: silent, notifierFor: capture });
    expect(opened(routing, 'ops')).toMatchObject({ type: 'slack', url: SLACK_URL });
  });

  it('says what is wrong and where: a missing secret, a bad URL, a config id, an unknown channel in a route', async () => {
    const { model } = await setUp();
    const problems = async (p: Promise<unknown>) => {
      const err = await p.then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(err).toBeInstanceOf(ModelError);
      return (err as ModelError).details;
    };
    expect(await problems(model.upsert('channel', { id: 'pd', type: 'pagerduty' }, meta))).toEqual([
      { field: 'routingKey', message: 'required: a new pagerduty channel needs its routingKey (it is stored encrypted)' },
    ]);
    expect(await problems(model.upsert('channel', { id: 'hook', type: 'webhook', url: 'ftp://x', secret: 'short' }, meta))).toEqual([
      { field: 'url', message: 'must be an http(s) URL' },
      { field: 'secret', message: 'must be at least 16 characters' },
    ]);
    expect(await problems(model.upsert('channel', { id: 'from-file', type: 'slack', url: SLACK_URL }, meta))).toEqual([
      { field: 'id', message: '"from-file" is a channel of the config file; choose another id' },
    ]);
    expect(await problems(model.upsert('route', { id: 'r', channels: ['from-file', 'nowhere'] }, meta))).toEqual([
      { field: 'channels[1]', message: 'no channel "nowhere"' },
    ]);
    // in a document, the field names the list entry
    expect(
      await problems(
        model.importDocument(
          {
            channels: [
              { id: 'ok', type: 'slack', url: SLACK_URL },
              { id: 'bad', type: 'teams' },
            ],
          },
          meta,
          'merge',
        ),
      ),
    ).toEqual([{ field: 'channels[1].url', message: 'required: a new teams channel needs its url (it is stored encrypted)' }]);
    expect(model.list('channel')).toEqual([]);
  });

  it('a Slack channel in Web API mode: the bot token sealed, the conversation id plain; switching modes drops the other secret', async () => {
    const { model, versions, box } = await setUp();
    const token = 'xoxb-1234-5678-abcdefTOKENwxyz';
    await model.upsert('channel', { id: 'ops', type: 'slack', url: SLACK_URL }, meta, { create: true });
    await model.upsert('channel', { id: 'ops', type: 'slack', botToken: token, channelId: 'C0123456789' }, meta);
    expect(JSON.stringify(versions.rows)).not.toContain('TOKEN');
    expect(model.exportDocument().channels).toEqual([
      { id: 'ops', type: 'slack', channelId: 'C0123456789', secrets: { botToken: 'set, ends …wxyz' } },
    ]);
    const routing = new NotificationRouting({ config: { channels: [], routes: [] }, model, box, log: silent, notifierFor: capture });
    expect(opened(routing, 'ops')).toEqual({ id: 'ops', type: 'slack', botToken: token, channelId: 'C0123456789' });
    // the token kept when left out, the API URL changed
    await model.upsert('channel', { id: 'ops', type: 'slack', channelId: 'C0123456789', apiUrl: 'http://127.0.0.1:9/api' }, meta);
    expect(model.get('channel', 'ops')?.sealed.botToken).toBeDefined();
  });

  it('says what is wrong with a Slack channel: both modes, a token without a conversation, a new API channel without its token', async () => {
    const { model } = await setUp();
    const problems = (input: Record<string, unknown>) =>
      model.upsert('channel', { id: 's', type: 'slack', ...input } as never, meta, { create: true }).then(
        () => [],
        (e: unknown) => (e as ModelError).details,
      );
    expect(await problems({ url: SLACK_URL, channelId: 'C0123456789' })).toEqual([
      { field: 'url', message: 'give either an incoming-webhook url (webhook mode) or botToken and channelId (Web API mode), not both' },
    ]);
    expect(await problems({ botToken: 'xoxb-1234-5678-abcdef' })).toEqual([
      { field: 'channelId', message: 'required with botToken: the conversation id to post to' },
    ]);
    expect(await problems({ channelId: 'C0123456789' })).toEqual([
      { field: 'botToken', message: 'required: a new slack channel needs its botToken (it is stored encrypted)' },
    ]);
    expect(await problems({ botToken: 'a-user-password', channelId: '#ops' })).toEqual([
      { field: 'botToken', message: 'must be a Slack bot token like "xoxb-…" (OAuth & Permissions of your Slack app)' },
      { field: 'channelId', message: 'must be a Slack conversation id like "C0123456789" (the bottom of the channel\'s details)' },
    ]);
    expect(await problems({ url: SLACK_URL, apiUrl: 'http://127.0.0.1:9/api' })).toEqual([
      { field: 'apiUrl', message: 'is for the Web API mode only: give channelId and botToken with it' },
    ]);
  });

  it('an import without the admin right keeps channels and routes: replace does not delete them, a change is refused', async () => {
    const { model } = await setUp();
    await model.upsert('channel', { id: 'ops', type: 'slack', url: SLACK_URL }, meta, { create: true });
    await model.importDocument({ objectives: [{ id: 'o', name: 'O' }] }, meta, 'replace', { notifications: false });
    expect(model.list('channel').map((c) => c.id)).toEqual(['ops']);
    await expect(
      model.importDocument({ channels: [{ id: 'ops', type: 'slack', url: 'https://evil.example/hook' }] }, meta, 'merge', {
        notifications: false,
      }),
    ).rejects.toThrow('changing notification channels and routes needs the admin role (channels[0]: channel "ops")');
  });

  it('refuses to delete a channel a route still names', async () => {
    const { model } = await setUp();
    await model.upsert('channel', { id: 'ops', type: 'slack', url: SLACK_URL }, meta, { create: true });
    await model.upsert('route', { id: 'crit', match: { severity: ['critical'] }, channels: ['ops'] }, meta, { create: true });
    await expect(model.remove('channel', 'ops', meta)).rejects.toThrow('still referenced by route crit');
  });

  it('a server with another key names the channel it cannot open, and sending through it fails with that reason', async () => {
    const versions = memoryVersions();
    const first = await setUp(undefined, versions);
    await first.model.upsert('channel', { id: 'ops', type: 'slack', url: SLACK_URL }, meta, { create: true });
    const other = new SecretBox(randomBytes(32));
    const { model } = await setUp(other, versions);
    const routing = new NotificationRouting({ config: { channels: [], routes: [] }, model, box: other, log: silent, notifierFor: capture });
    const r = await routing.testSend('ops', 'ada');
    expect(r?.ok).toBe(false);
    expect(r?.error).toMatch(/^channel "ops": its url cannot be decrypted: it was encrypted with another key/);
  });

  it('routes from the config file and the app in one list; an app route edited applies at once', async () => {
    const { model, box } = await setUp();
    const routing = new NotificationRouting({
      config: {
        channels: [{ id: 'from-file', type: 'slack', url: SLACK_URL }],
        routes: [{ match: {}, channels: ['from-file'], groupBy: ['rule'], groupWait: '30s', repeatInterval: '4h' }],
      },
      model,
      box,
      log: silent,
      notifierFor: capture,
    });
    expect(routing.routes()).toHaveLength(1);
    await model.upsert('channel', { id: 'pager', type: 'pagerduty', routingKey: 'pd-key-0123456789' }, meta, { create: true });
    await model.upsert(
      'route',
      { id: 'crit', match: { severity: ['critical'] }, channels: ['pager', 'from-file'], groupWait: '0s' },
      meta,
      {
        create: true,
      },
    );
    const routes = routing.routes();
    expect(routes.map((r) => r.key ?? null)).toEqual([null, 'route:crit']);
    expect(routes[1]).toMatchObject({ channels: ['pager', 'from-file'], groupWaitMs: 0, match: { severity: ['critical'] } });
    expect(routing.channelViews().map((v) => [v.id, v.source, v.secrets])).toEqual([
      ['from-file', 'config', { url: 'set in the config file' }],
      ['pager', 'app', { routingKey: 'set, ends …6789' }],
    ]);
    expect(opened(routing, 'pager')).toMatchObject({ routingKey: 'pd-key-0123456789' });
    await model.upsert('channel', { id: 'pager', type: 'pagerduty', routingKey: 'pd-key-NEW-987654' }, meta);
    expect(opened(routing, 'pager')).toMatchObject({ routingKey: 'pd-key-NEW-987654' });
  });
});

/** A notifier that remembers the clear channel it was built from. */
function capture(channel: ChannelConfig) {
  return { channel, send: () => Promise.resolve({ ok: true, attempts: 1 }) };
}
function opened(routing: NotificationRouting, id: string): ChannelConfig | undefined {
  return (routing.notifier(id) as ReturnType<typeof capture> | undefined)?.channel;
}
