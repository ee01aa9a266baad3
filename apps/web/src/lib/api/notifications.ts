import type { AppChannelInput, AppRouteInput } from '@northstar/shared';
import { call, changeHeaders, client } from './client.ts';

/** Notification channels and routes, and the embed-origins setting (apps/server/src/http/notification-routes.ts). */

const channels = client.api.v1.notifications.channels;
const routes = client.api.v1.notifications.routes;
const id = (value: string) => ({ id: encodeURIComponent(value) });

export const listChannels = () => call(channels.$get());
/** `version` null: a new channel. A secret left out of `json` keeps the stored one. */
export const saveChannel = (json: AppChannelInput, version: number | null) =>
  version === null
    ? call(channels.$post({ json }))
    : call(channels[':id'].$put({ param: id(json.id), json }, { headers: changeHeaders({ ifMatch: version }) }));
export const deleteChannel = (channel: string, version: number) =>
  call(channels[':id'].$delete({ param: id(channel) }, { headers: changeHeaders({ ifMatch: version }) }));
export const testChannel = (channel: string) => call(channels[':id'].test.$post({ param: id(channel) }));

export const listRoutes = () => call(routes.$get());
export const saveRoute = (json: AppRouteInput, version: number | null) =>
  version === null
    ? call(routes.$post({ json }))
    : call(routes[':id'].$put({ param: id(json.id), json }, { headers: changeHeaders({ ifMatch: version }) }));
export const deleteRoute = (route: string, version: number) =>
  call(routes[':id'].$delete({ param: id(route) }, { headers: changeHeaders({ ifMatch: version }) }));

const settings = client.api.v1.settings['embed-origins'];
export const embedOrigins = () => call(settings.$get());
export const saveEmbedOrigins = (origins: string[], version: number) =>
  call(settings.$put({ json: { origins } }, { headers: changeHeaders({ ifMatch: version }) }));
