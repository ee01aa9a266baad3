import { SvelteMap } from 'svelte/reactivity';
import type { AppChannelInput, AppRouteInput, ChannelTestResult, ChannelView, EmbedOriginsView, RouteView } from '@northstar/shared';
import { errorMessage } from '../api/client.ts';
import {
  deleteChannel,
  deleteRoute,
  embedOrigins,
  listChannels,
  listRoutes,
  saveChannel,
  saveEmbedOrigins,
  saveRoute,
  testChannel,
} from '../api/notifications.ts';
import { AdminPageModel } from '../admin/AdminPageModel.svelte.ts';

/** Channels, routes and embed origins as an admin manages them; every write reloads what the server holds. */
export class NotificationsModel extends AdminPageModel {
  channels = $state.raw<ChannelView[]>([]);
  routes = $state.raw<RouteView[]>([]);
  embed = $state.raw<EmbedOriginsView | null>(null);
  /** Channel id → the last test-send's result. */
  readonly tests = new SvelteMap<string, ChannelTestResult | 'sending'>();

  protected async read(): Promise<void> {
    [this.channels, this.routes, this.embed] = await Promise.all([listChannels(), listRoutes(), embedOrigins()]);
  }

  saveChannel(input: AppChannelInput, version: number | null): Promise<boolean> {
    return this.run(() => saveChannel(input, version), `Channel ${input.id} saved.`);
  }

  deleteChannel(view: ChannelView): Promise<boolean> {
    return this.run(() => deleteChannel(view.id, view.version ?? 0), `Channel ${view.id} deleted.`);
  }

  saveRoute(input: AppRouteInput, version: number | null): Promise<boolean> {
    return this.run(() => saveRoute(input, version), `Route ${input.id} saved.`);
  }

  deleteRoute(view: RouteView): Promise<boolean> {
    return this.run(() => deleteRoute(view.id, view.version ?? 0), `Route ${view.id} deleted.`);
  }

  saveEmbedOrigins(origins: string[]): Promise<boolean> {
    return this.run(() => saveEmbedOrigins(origins, this.embed?.version ?? 0), 'Embed origins saved; they apply at once.');
  }

  async test(id: string): Promise<void> {
    this.tests.set(id, 'sending');
    try {
      this.tests.set(id, await testChannel(id));
    } catch (err) {
      this.tests.set(id, { ok: false, attempts: 0, error: errorMessage(err) });
    }
  }
}
