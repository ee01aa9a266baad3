import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  SECRET_FIELDS,
  type Alert,
  type ChannelConfig,
  type ChannelTestResult,
  type ChannelView,
  type RouteView,
  type StoredChannel,
} from '@northstar/shared';
import { resolveRoutes, type NotificationsConfig, type Route } from '../alerts/config.ts';
import type { NotificationBatch } from '../alerts/notification.ts';
import { createNotifier } from '../alerts/notifiers/channels.ts';
import type { Notifier, NotifyResult } from '../alerts/notifiers/notifier.ts';
import { ChannelSecretError, channelHints, openChannel } from './channel-secrets.ts';
import type { ModelService } from './model-service.ts';
import type { SecretBox } from './secret-box.ts';

/** The prefix of a config route's id in the API: config routes have no ids of their own. */
export const CONFIG_ROUTE_PREFIX = 'config-';

/** A channel whose secret cannot be opened: every send fails with the reason, naming the channel, so it shows in the log and the record. */
class UnopenableChannel implements Notifier {
  constructor(private readonly error: ChannelSecretError) {}
  send(): Promise<NotifyResult> {
    return Promise.resolve({ ok: false, attempts: 0, error: this.error.message });
  }
}

export interface NotificationRoutingDeps {
  /** The config file's `notifications:` section: read-only here. */
  config: NotificationsConfig;
  model: ModelService;
  box: SecretBox;
  log: Logger;
  /** Builds a channel's notifier (alerts/notifiers/channels.ts); a test may point it at a receiver. */
  notifierFor?: (channel: ChannelConfig) => Notifier;
}

/**
 * The one routing code path's inputs: the config file's channels and routes followed by
 * the app's (made by admins in the versioned model). Routes are read at every dispatcher
 * decision and notifiers looked up at every send, so an edit applies without a restart.
 * An app channel's notifier is built on first use from its opened secrets and dropped when
 * the channel changes.
 */
export class NotificationRouting {
  readonly #deps: NotificationRoutingDeps;
  readonly #configNotifiers = new Map<string, Notifier>();
  readonly #appNotifiers = new Map<string, Notifier>();
  readonly #configRoutes: Route[];
  #appRoutes: Route[] | null = null;
  /** Notifiers of changed channels: closed at shutdown, since a send may still be using one. */
  readonly #retired: Notifier[] = [];

  constructor(deps: NotificationRoutingDeps) {
    this.#deps = deps;
    const build = deps.notifierFor ?? ((ch: ChannelConfig) => createNotifier(ch));
    for (const ch of deps.config.channels) this.#configNotifiers.set(ch.id, build(ch));
    this.#configRoutes = resolveRoutes(deps.config);
    deps.model.onChange((changes) => {
      for (const c of changes) {
        if (c.kind === 'route') this.#appRoutes = null;
        if (c.kind === 'channel') this.#retire(c.id);
      }
    });
  }

  /** The routes in force: the config file's, then the app's in the order they were made. */
  routes = (): readonly Route[] => {
    this.#appRoutes ??= this.#deps.model.list('route').map((r) => ({ ...resolveRoutes({ routes: [r] })[0]!, key: `route:${r.id}` }));
    return this.#appRoutes.length === 0 ? this.#configRoutes : [...this.#configRoutes, ...this.#appRoutes];
  };

  /** A channel's notifier by id, config or app; undefined for none. */
  notifier(id: string): Notifier | undefined {
    const fromConfig = this.#configNotifiers.get(id);
    if (fromConfig) return fromConfig;
    const built = this.#appNotifiers.get(id);
    if (built) return built;
    const stored = this.#deps.model.get('channel', id);
    if (!stored) return undefined;
    const notifier = this.#build(stored);
    this.#appNotifiers.set(id, notifier);
    return notifier;
  }

  /** The notifiers as the sender reads them: a live view, looked up per send. */
  readonly notifiers: ReadonlyMap<string, Notifier> = new LiveNotifierMap(this);

  /** Every channel id, config first. */
  channelIds(): string[] {
    return [...this.#configNotifiers.keys(), ...this.#deps.model.list('channel').map((c) => c.id)];
  }

  channelViews(): ChannelView[] {
    const fromConfig: ChannelView[] = this.#deps.config.channels.map((ch) => configChannelView(ch));
    const fromApp: ChannelView[] = this.#deps.model
      .list('channel')
      .map((ch) => appChannelView(ch, this.#deps.model.version('channel', ch.id)));
    return [...fromConfig, ...fromApp];
  }

  routeViews(): RouteView[] {
    const fromConfig: RouteView[] = this.#deps.config.routes.map((r, i) => ({
      id: `${CONFIG_ROUTE_PREFIX}${i + 1}`,
      ...r,
      source: 'config',
    }));
    const fromApp: RouteView[] = this.#deps.model
      .list('route')
      .map((r) => ({ ...r, source: 'app', version: this.#deps.model.version('route', r.id) }));
    return [...fromConfig, ...fromApp];
  }

  /** Sends a test notification through a channel, as an alert would go; the result says whether it was accepted. */
  async testSend(id: string, by: string, nowMs = Date.now()): Promise<ChannelTestResult | undefined> {
    const notifier = this.notifier(id);
    if (!notifier) return undefined;
    const r = await notifier.send(testBatch(id, by, nowMs));
    this.#deps.log.info({ channel: id, ok: r.ok, by }, 'test notification sent');
    return {
      ok: r.ok,
      attempts: r.attempts,
      ...(r.status !== undefined ? { status: r.status } : {}),
      ...(r.error ? { error: r.error } : {}),
    };
  }

  async close(): Promise<void> {
    for (const n of [...this.#configNotifiers.values(), ...this.#appNotifiers.values(), ...this.#retired]) await n.close?.();
  }

  #build(stored: StoredChannel): Notifier {
    const build = this.#deps.notifierFor ?? ((ch: ChannelConfig) => createNotifier(ch));
    try {
      return build(openChannel(stored, this.#deps.box));
    } catch (err) {
      if (!(err instanceof ChannelSecretError)) throw err;
      this.#deps.log.error({ channel: stored.id, field: err.field }, err.message);
      return new UnopenableChannel(err);
    }
  }

  #retire(id: string): void {
    const old = this.#appNotifiers.get(id);
    if (!old) return;
    this.#appNotifiers.delete(id);
    this.#retired.push(old);
  }
}

/** A config channel as the API lists it: secrets hidden like an app channel's. */
function configChannelView(ch: ChannelConfig): ChannelView {
  const { id, type } = ch;
  const hidden: Record<string, string> = {};
  const plain: Record<string, unknown> = { id, type };
  for (const [k, v] of Object.entries(ch)) {
    if (k === 'id' || k === 'type') continue;
    if (isSecretField(type, k)) hidden[k] = 'set in the config file';
    else plain[k] = v;
  }
  return { ...plain, secrets: hidden, source: 'config' } as ChannelView;
}

function appChannelView(ch: StoredChannel, version: number): ChannelView {
  const { sealed: _sealed, ...rest } = ch;
  return { ...rest, secrets: channelHints(ch), source: 'app', version } as ChannelView;
}

const isSecretField = (type: ChannelConfig['type'], field: string) => (SECRET_FIELDS[type] as readonly string[]).includes(field);

/** A made-up, clearly labelled alert for "test-send": an info notice that resolves nothing. */
function testBatch(channel: string, by: string, nowMs: number): NotificationBatch {
  const alert: Alert = {
    key: `test/${channel}/${nowMs}`,
    rule: 'northstar-test',
    ruleName: 'Test notification',
    kpi: 'northstar-test',
    kpiName: `Test from Northstar (sent by ${by})`,
    series: '',
    severity: 'info',
    state: 'alerting',
    reason: `a test of channel "${channel}": if you read this, the channel works`,
    firingSince: nowMs,
    since: nowMs,
    value: null,
    threshold: null,
    path: [],
    flapping: false,
    acknowledged: null,
    silencedBy: null,
    feedback: null,
  };
  return {
    groupKey: `test|${channel}`,
    route: -1,
    channels: [channel],
    status: 'firing',
    entries: [{ event: 'firing', alert }],
    // each test is its own message: a receiver that drops duplicates must not drop the next test
    idempotencyKey: `test-${randomUUID()}`,
    at: nowMs,
  };
}

/** ReadonlyMap over the routing's channels, looked up live (the sender only asks `get`). */
class LiveNotifierMap implements ReadonlyMap<string, Notifier> {
  constructor(private readonly routing: NotificationRouting) {}
  get(id: string): Notifier | undefined {
    return this.routing.notifier(id);
  }
  has(id: string): boolean {
    return this.get(id) !== undefined;
  }
  get size(): number {
    return this.routing.channelIds().length;
  }
  #snapshot(): Map<string, Notifier> {
    const m = new Map<string, Notifier>();
    for (const id of this.routing.channelIds()) {
      const n = this.get(id);
      if (n) m.set(id, n);
    }
    return m;
  }
  forEach(fn: (value: Notifier, key: string, map: ReadonlyMap<string, Notifier>) => void): void {
    for (const [k, v] of this.#snapshot()) fn(v, k, this);
  }
  entries(): MapIterator<[string, Notifier]> {
    return this.#snapshot().entries();
  }
  keys(): MapIterator<string> {
    return this.#snapshot().keys();
  }
  values(): MapIterator<Notifier> {
    return this.#snapshot().values();
  }
  [Symbol.iterator](): MapIterator<[string, Notifier]> {
    return this.entries();
  }
}
