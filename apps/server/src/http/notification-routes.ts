import { Hono, type Context } from 'hono';
import type {
  AppChannelInput,
  AppRouteInput,
  ChannelView,
  DefinitionVersion,
  EmbedOriginsView,
  RouteView,
  StoredChannel,
} from '@northstar/shared';
import { EmbedOriginsSettingSchema } from '@northstar/shared';
import { ModelError, fieldProblems, invalid } from '../model/model-errors.ts';
import { EMBED_ORIGINS_SETTING } from '../model/model-kinds.ts';
import type { ModelService } from '../model/model-service.ts';
import { publicChannel } from '../model/channel-secrets.ts';
import { CONFIG_ROUTE_PREFIX, type NotificationRouting } from '../model/notification-routing.ts';
import { jsonError } from './errors.ts';
import { expectedVersion, modelErrorResponse, readJson } from './model-routes.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { changeMeta } from './write-guard.ts';

export interface NotificationRouteDeps {
  model: ModelService;
  /** The config file's and the app's channels and routes, as routing reads them. */
  notifications: NotificationRouting;
  /** Origins allowed to embed from NORTHSTAR_EMBED_ORIGINS: shown beside the app's, not editable here. */
  embedOrigins?: readonly string[];
}

const IF_MATCH = [{ name: 'If-Match', description: 'the version you edited; 409 when it changed since' }];

/** A write aimed at the config file's channel or route: it is changed in the file, not here. */
function fromConfig(c: Context, what: string, id: string) {
  return jsonError(c, 409, 'from_config', `${what} "${id.slice(0, 100)}" comes from the config file; change it there`);
}

/** What tells the config file's-and-the-app's kinds (channels, routes) apart in their shared routes. */
interface EditableKind<V> {
  kind: 'channel' | 'route';
  /** The config file's (read-only) then the app's, as answered. */
  views: () => V[];
  /** A definition of the config file: a write to it is refused (fromConfig). */
  isConfig: (id: string) => boolean;
  /** Refuses a new definition the kind does not allow, by throwing a ModelError (before anything is stored). */
  checkNew?: (body: unknown) => void;
  /** The body's schema in components.schemas. */
  body: string;
  summary: { list: string; get: string; create: string; replace: string; remove: string };
  /** What a 409 means, per write. */
  conflict: { replace: string; remove: string };
}

/**
 * List, get, create, replace and delete for one editable kind: the same auth (admins write:
 * auth/policy.ts), If-Match versions, config-file refusal and model-error mapping for both.
 * The answers are the views (a channel's secrets hidden), read back after the write.
 */
function editableRoutes<V extends { id: string; version?: number }, I>(model: ModelService, k: EditableKind<V>) {
  const find = (id: string) => k.views().find((v) => v.id === id);
  return new Hono()
    .get('/', doc({ tag: 'notifications', summary: k.summary.list, responses: { 200: 'OK' } }), (c) => c.json(k.views()))
    .get('/:id', doc({ tag: 'notifications', summary: k.summary.get, responses: { 200: 'OK', 404: 'Not found' } }), (c) => {
      const view = find(c.req.param('id'));
      if (!view) return jsonError(c, 404, 'not_found', `no ${k.kind} "${c.req.param('id').slice(0, 100)}"`);
      if (view.version !== undefined) c.header('ETag', `"${view.version}"`);
      return c.json(view);
    })
    .post(
      '/',
      doc({
        tag: 'notifications',
        summary: k.summary.create,
        body: k.body,
        recordsChange: true,
        responses: { 201: 'Created', 400: 'Invalid; details name each bad field', 409: 'Exists' },
      }),
      input<{ json: I }>(),
      async (c) => {
        try {
          const body = await readJson(c);
          k.checkNew?.(body);
          const r = await model.upsert(k.kind, body, changeMeta(c), { create: true });
          c.header('ETag', `"${r.version}"`);
          return c.json(find(r.definition.id) as V, 201);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .put(
      '/:id',
      doc({
        tag: 'notifications',
        summary: k.summary.replace,
        body: k.body,
        headers: IF_MATCH,
        recordsChange: true,
        responses: { 200: 'Stored as a new version', 400: 'Invalid', 409: k.conflict.replace },
      }),
      input<{ json: I }>(),
      async (c) => {
        const id = c.req.param('id');
        if (k.isConfig(id)) return fromConfig(c, k.kind, id);
        try {
          const r = await model.upsert(k.kind, await readJson(c), changeMeta(c), { id, expectedVersion: expectedVersion(c) });
          c.header('ETag', `"${r.version}"`);
          return c.json(find(id) as V, 200);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    )
    .delete(
      '/:id',
      doc({
        tag: 'notifications',
        summary: k.summary.remove,
        headers: IF_MATCH,
        recordsChange: true,
        responses: { 204: 'Deleted', 404: 'Not found', 409: k.conflict.remove },
      }),
      async (c) => {
        const id = c.req.param('id');
        if (k.isConfig(id)) return fromConfig(c, k.kind, id);
        try {
          await model.remove(k.kind, id, changeMeta(c), expectedVersion(c));
          return c.body(null, 204);
        } catch (err) {
          return modelErrorResponse(c, err);
        }
      },
    );
}

/**
 * Notification channels: listed with the config file's (read-only, `source: "config"`),
 * written by admins (auth/policy.ts). A secret sent is sealed and never shown again: the
 * answers carry only which secrets are set and their last four characters; a PUT without
 * a secret keeps the stored one.
 */
function channelRoutes(deps: NotificationRouteDeps) {
  const { model, notifications } = deps;
  return editableRoutes<ChannelView, AppChannelInput>(model, {
    kind: 'channel',
    views: () => notifications.channelViews(),
    isConfig: (id) => notifications.channelViews().some((v) => v.id === id && v.source === 'config'),
    body: 'AppChannel',
    summary: {
      list: "Channels: the config file's and the app's, secrets hidden",
      get: 'One channel, secrets hidden',
      create: 'Create a channel (admins); its secrets are stored encrypted',
      replace: 'Create or replace a channel (admins); a secret left out is kept',
      remove: 'Delete a channel (admins; history is kept)',
    },
    conflict: {
      replace: 'Version conflict, or a channel of the config file',
      remove: 'A route still names it, or it is from the config file',
    },
  })
    .get(
      '/:id/history',
      doc({ tag: 'notifications', summary: 'Every version of a channel, secrets hidden', responses: { 200: 'OK', 404: 'Never existed' } }),
      async (c) => {
        const rows = await model.history('channel', c.req.param('id'));
        if (rows.length === 0) return jsonError(c, 404, 'not_found', `no channel "${c.req.param('id').slice(0, 100)}" has ever existed`);
        const history: DefinitionVersion<ReturnType<typeof publicChannel>>[] = rows.map((r) => ({
          version: r.version,
          op: r.op,
          author: r.author,
          reason: r.reason,
          changedAt: r.changedAt,
          definition: r.body ? publicChannel(JSON.parse(r.body) as StoredChannel) : null,
        }));
        return c.json(history);
      },
    )
    .post(
      '/:id/test',
      doc({
        tag: 'notifications',
        summary: 'Send a test notification through a channel (admins)',
        responses: { 200: 'Sent or not: ok, attempts, status, error', 404: 'No such channel' },
      }),
      async (c) => {
        const id = c.req.param('id');
        const r = await notifications.testSend(id, changeMeta(c).author);
        if (!r) return jsonError(c, 404, 'not_found', `no channel "${id.slice(0, 100)}"`);
        return c.json(r);
      },
    );
}

/** Notification routes: the config file's (ids `config-1`…, read-only) then the app's, written by admins. */
function routeRoutes(deps: NotificationRouteDeps) {
  const { model, notifications } = deps;
  return editableRoutes<RouteView, AppRouteInput>(model, {
    kind: 'route',
    views: () => notifications.routeViews(),
    isConfig: (id) => id.startsWith(CONFIG_ROUTE_PREFIX),
    checkNew: (body) => {
      const id = (body as { id?: unknown } | null)?.id;
      if (typeof id === 'string' && id.startsWith(CONFIG_ROUTE_PREFIX))
        throw invalid('invalid route', [{ field: 'id', message: `ids starting "${CONFIG_ROUTE_PREFIX}" name the config file's routes` }]);
    },
    body: 'AppRoute',
    summary: {
      list: "Routes: the config file's, then the app's",
      get: 'One route',
      create: 'Create a route (admins)',
      replace: 'Create or replace a route (admins)',
      remove: 'Delete a route (admins; history is kept)',
    },
    conflict: { replace: 'Version conflict, or a route of the config file', remove: 'From the config file, or a version conflict' },
  });
}

/** The app's embed origins (the model's `embed-origins` setting), none when never set. */
export function appEmbedOrigins(model: ModelService): readonly string[] {
  return model.get('setting', EMBED_ORIGINS_SETTING)?.origins ?? [];
}

/** Origins an admin allows to frame boards and tiles: set here, applied to the next response (no restart). */
function settingRoutes(deps: NotificationRouteDeps) {
  const { model } = deps;
  const view = (): EmbedOriginsView => ({
    origins: [...appEmbedOrigins(model)],
    fromEnvironment: [...(deps.embedOrigins ?? [])],
    version: model.version('setting', EMBED_ORIGINS_SETTING),
  });
  return new Hono()
    .get(
      '/embed-origins',
      doc({ tag: 'settings', summary: 'Origins allowed to embed boards and tiles (frame-ancestors)', responses: { 200: 'OK' } }),
      (c) => c.json(view()),
    )
    .put(
      '/embed-origins',
      doc({
        tag: 'settings',
        summary: 'Set the origins allowed to embed (admins); applies to the next response',
        body: 'EmbedOriginsSetting',
        headers: IF_MATCH,
        recordsChange: true,
        responses: { 200: 'Stored as a new version', 400: 'An origin that is not one; details name it', 409: 'Version conflict' },
      }),
      input<{ json: { origins: string[] } }>(),
      async (c) => {
        try {
          const parsed = EmbedOriginsSettingSchema.safeParse(await readJson(c));
          if (!parsed.success) throw invalid('invalid embed origins', fieldProblems(parsed.error));
          await model.upsert('setting', { id: EMBED_ORIGINS_SETTING, origins: parsed.data.origins }, changeMeta(c), {
            expectedVersion: expectedVersion(c),
          });
          return c.json(view());
        } catch (err) {
          if (err instanceof ModelError) return modelErrorResponse(c, err);
          throw err;
        }
      },
    );
}

export function notificationRoutes(deps: NotificationRouteDeps) {
  return new Hono()
    .route('/api/v1/notifications/channels', channelRoutes(deps))
    .route('/api/v1/notifications/routes', routeRoutes(deps))
    .route('/api/v1/settings', settingRoutes(deps));
}
