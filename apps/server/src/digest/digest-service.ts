import type { Logger } from 'pino';
import type { Objective } from '@northstar/shared';
import type { DigestsConfig } from '../alerts/digest-config.ts';
import { inQuietHours } from '../alerts/quiet-hours.ts';
import { chartSvg } from './charts.ts';
import { link, type Digest } from './content.ts';
import type { DigestRepo } from './digest-repo.ts';
import { deliveryKey } from './digest-repo.ts';
import type { DigestSender, Recipient, SendResult } from './delivery.ts';
import { digestHtml, digestSubject, digestText } from './render.ts';
import type { DigestSource } from './source.ts';
import { digestOwners } from './content.ts';
import { signChart, signUnsubscribe, verifyChart, verifyUnsubscribe } from './unsubscribe-token.ts';
import { STEP_MS } from './source.ts';
import type { SlackChannel } from './delivery.ts';
import type { ModelService } from '../model/model-service.ts';
import { digestCadence, digestPeriod } from './period.ts';

/** "Send me this now" for one person and objective at most this often: a double click sends one email, a script cannot flood the relay. */
export const SEND_NOW_INTERVAL_MS = 30_000;

/** How long a chart link in a Slack digest keeps drawing: long enough to scroll back a month. */
const CHART_LINK_MS = 31 * 86_400_000;

/** Why a request about digests cannot be served, in words for the person asking. */
export class DigestError extends Error {
  constructor(
    readonly status: 400 | 404 | 429,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export interface DigestPreview {
  objective: string;
  period: string;
  subject: string;
  /** The digest as the email shows it, charts inline as SVG data: URLs. */
  html: string;
  text: string;
  /** false when the model turned this objective's scheduled digest off (digest.enabled: false). */
  scheduled: boolean;
  /** Who gets it: each reader and the channels they are reached on. */
  recipients: Array<{ person: string; channels: Array<'email' | 'slack'> }>;
  /** The numbers in it, for a client (or a test) to compare with the API. */
  digest: Digest;
}

export interface SubscriptionView {
  objective: string;
  name: string;
  subscribed: boolean;
  /** owner: subscribed as an owner (until they unsubscribe); chosen: by their own choice; none. */
  why: 'owner' | 'chosen' | 'none';
}

export interface DigestServiceDeps {
  config: DigestsConfig;
  /** `slack` channels by id (the people's `slack` field names one). */
  slackChannels: ReadonlyMap<string, SlackChannel>;
  source: Pick<DigestSource, 'build' | 'chart'>;
  sender: Pick<DigestSender, 'channelsFor' | 'send'>;
  repo: Pick<DigestRepo, 'addDelivery' | 'delivered' | 'setSubscription' | 'subscriptions' | 'signingKey'>;
  model: Pick<ModelService, 'objectives' | 'kpis' | 'goals'>;
  log: Logger;
}

/**
 * Review digests: who gets which objective's digest, the preview, "send me this now",
 * subscriptions and unsubscribe links, and the scheduled run that sends each person each
 * objective's digest once per period (the delivery log is the memory, so a restart does
 * not resend), waiting out quiet hours.
 */
export class DigestService {
  /** When each person last asked for each objective's digest (`person\0objective`); pruned as it is read. */
  readonly #sentNow = new Map<string, number>();

  constructor(private readonly deps: DigestServiceDeps) {}

  #objective(id: string): Objective {
    const o = this.deps.model.objectives.find((x) => x.id === id);
    if (!o) throw new DigestError(404, 'not_found', `no objective "${id}"`);
    return o;
  }

  #recipient(person: string): Recipient | undefined {
    const p = this.deps.config.people.find((x) => x.name === person);
    if (!p) return undefined;
    const slack = p.slack ? this.deps.slackChannels.get(p.slack) : undefined;
    return { person, ...(p.email ? { email: p.email } : {}), ...(slack ? { slack } : {}) };
  }

  #owners(o: Objective): string[] {
    return digestOwners(o, this.deps.model.kpis, this.deps.model.goals);
  }

  /** The readers of each objective's digest: owners unless they opted out, plus whoever opted in. */
  async #readers(): Promise<Map<string, string[]>> {
    const choices = await this.deps.repo.subscriptions();
    const out = new Map<string, string[]>();
    for (const o of this.deps.model.objectives) {
      const chosen = new Map(choices.filter((c) => c.objective === o.id).map((c) => [c.person, c.subscribed]));
      // owners and the model's subscribers (objective.digest.subscribers) until they opt out; whoever opted in
      const named = [...this.#owners(o), ...(o.digest?.subscribers ?? [])];
      const readers = new Set(named.filter((p) => chosen.get(p) !== false));
      for (const [p, yes] of chosen) if (yes) readers.add(p);
      out.set(o.id, [...readers]);
    }
    return out;
  }

  async unsubscribeUrl(person: string, objective: string): Promise<string> {
    const token = signUnsubscribe(person, objective, await this.deps.repo.signingKey());
    return `${this.deps.config.baseUrl.replace(/\/+$/, '')}/api/v1/digests/unsubscribe?token=${encodeURIComponent(token)}`;
  }

  /**
   * Links to each KPI's chart that Slack can fetch, when the config says the server is
   * reachable (publicCharts); none otherwise, and Slack gets text.
   */
  async chartUrls(digest: Digest, nowMs: number): Promise<((kpiId: string) => string) | undefined> {
    const { config } = this.deps;
    if (!config.publicCharts) return undefined;
    const key = await this.deps.repo.signingKey();
    const base = config.baseUrl.replace(/\/+$/, '');
    return (kpi) => {
      const ref = { kpi, ...digest.span, stepMs: STEP_MS[digest.period.cadence], expiresMs: nowMs + CHART_LINK_MS };
      return `${base}/api/v1/digests/charts/${encodeURIComponent(signChart(ref, key))}`;
    };
  }

  /** The PNG a chart link names; a forged, expired or dangling link is a 404. */
  async chart(token: string, nowMs: number): Promise<Buffer> {
    const ref = verifyChart(token, await this.deps.repo.signingKey(), nowMs);
    const png = ref ? await this.deps.source.chart(ref) : null;
    if (!png) throw new DigestError(404, 'not_found', 'no such chart (the link is not valid or has expired)');
    return png;
  }

  async preview(objectiveId: string, person: string | null, nowMs: number): Promise<DigestPreview> {
    const o = this.#objective(objectiveId);
    const digest = await this.deps.source.build(o, nowMs);
    const readers = (await this.#readers()).get(o.id) ?? [];
    const opts = { timezone: this.deps.config.timezone, ...(person ? { unsubscribeUrl: await this.unsubscribeUrl(person, o.id) } : {}) };
    const svgs = new Map(digest.kpis.map((k) => [k.id, chartSvg({ series: k.series, target: k.target, status: k.status })]));
    return {
      objective: o.id,
      period: digest.period.key,
      scheduled: o.digest?.enabled !== false,
      subject: digestSubject(digest),
      html: digestHtml(digest, opts, (id) => {
        const svg = svgs.get(id);
        return svg ? `data:image/svg+xml;base64,${Buffer.from(svg).toString('base64')}` : null;
      }),
      text: digestText(digest, opts),
      recipients: readers.map((p) => {
        const r = this.#recipient(p);
        return { person: p, channels: r ? this.deps.sender.channelsFor(r) : [] };
      }),
      digest,
    };
  }

  /** "Send me this digest now": to the person asking, on their channels, whatever the schedule says. */
  async sendNow(objectiveId: string, person: string, nowMs: number): Promise<SendResult[]> {
    const o = this.#objective(objectiveId);
    const r = this.#recipient(person);
    if (!r || this.deps.sender.channelsFor(r).length === 0) {
      throw new DigestError(
        400,
        'no_address',
        `there is no email address or Slack channel for "${person}": add them to notifications.digests.people in the config file`,
      );
    }
    for (const [k, at] of this.#sentNow) if (nowMs - at >= SEND_NOW_INTERVAL_MS) this.#sentNow.delete(k);
    const key = `${person}\u0000${o.id}`;
    const last = this.#sentNow.get(key);
    if (last !== undefined) {
      const wait = Math.ceil((SEND_NOW_INTERVAL_MS - (nowMs - last)) / 1000);
      throw new DigestError(429, 'too_soon', `this digest was just sent to you; ask again in ${wait} s`);
    }
    this.#sentNow.set(key, nowMs);
    const digest = await this.deps.source.build(o, nowMs);
    return this.deps.sender.send(digest, r, await this.unsubscribeUrl(person, o.id), undefined, await this.chartUrls(digest, nowMs));
  }

  async subscriptions(person: string): Promise<SubscriptionView[]> {
    const readers = await this.#readers();
    const choices = new Map(
      (await this.deps.repo.subscriptions()).filter((c) => c.person === person).map((c) => [c.objective, c.subscribed]),
    );
    return this.deps.model.objectives.map((o) => {
      const subscribed = (readers.get(o.id) ?? []).includes(person);
      const why = !subscribed ? 'none' : choices.get(o.id) === true ? 'chosen' : 'owner';
      return { objective: o.id, name: o.name, subscribed, why };
    });
  }

  async setSubscription(person: string, objectiveId: string, subscribed: boolean, by: string, nowMs: number): Promise<SubscriptionView> {
    const o = this.#objective(objectiveId);
    await this.deps.repo.setSubscription({ person, objective: o.id, subscribed, by, at: nowMs });
    const view = (await this.subscriptions(person)).find((s) => s.objective === o.id);
    return view as SubscriptionView;
  }

  /** A one-click unsubscribe: the token says who and which objective. */
  async unsubscribe(token: string, nowMs: number): Promise<{ person: string; objective: string; name: string }> {
    const who = verifyUnsubscribe(token, await this.deps.repo.signingKey());
    if (!who)
      throw new DigestError(400, 'bad_token', 'this unsubscribe link is not valid (it may have been cut short by the mail program)');
    const o = this.deps.model.objectives.find((x) => x.id === who.objective);
    await this.deps.repo.setSubscription({
      person: who.person,
      objective: who.objective,
      subscribed: false,
      by: 'unsubscribe link',
      at: nowMs,
    });
    return { ...who, name: o?.name ?? who.objective };
  }

  /** The app's page for an objective, for answers that link back. */
  appUrl(): string {
    return link(this.deps.config.baseUrl, '/tree');
  }

  /**
   * The scheduled run: every reader of every objective gets its digest once per period on
   * each of their channels. In quiet hours nothing goes out; the next run after them sends.
   * A failed send is logged and tried again on the next run.
   */
  async tick(nowMs: number): Promise<{ sent: number; failed: number; quiet: boolean }> {
    const { config, source, sender, repo, log } = this.deps;
    if (config.quietHours && inQuietHours(config.quietHours, config.timezone, nowMs)) return { sent: 0, failed: 0, quiet: true };
    const readers = await this.#readers();
    // an objective whose digest the model turned off (digest.enabled: false) is not sent on the schedule
    const objectives = this.deps.model.objectives.filter((o) => o.digest?.enabled !== false && (readers.get(o.id) ?? []).length > 0);
    const periods = new Map(objectives.map((o) => [o.id, digestPeriod(digestCadence(o), nowMs, config.timezone).key]));
    const delivered = await repo.delivered([...new Set(periods.values())]);
    let sent = 0;
    let failed = 0;
    for (const o of objectives) {
      const period = periods.get(o.id) as string;
      // only objectives with someone still to reach are built (a digest reads the stores)
      let digest: Digest | undefined;
      for (const person of readers.get(o.id) ?? []) {
        const r = this.#recipient(person);
        if (!r) continue;
        const due = new Set(sender.channelsFor(r).filter((ch) => !delivered.has(deliveryKey(person, o.id, period, ch))));
        if (due.size === 0) continue;
        digest ??= await source.build(o, nowMs);
        const results = await sender.send(digest, r, await this.unsubscribeUrl(person, o.id), due, await this.chartUrls(digest, nowMs));
        for (const res of results) {
          await repo.addDelivery({ person, objective: o.id, period, channel: res.channel, ok: res.ok, error: res.error, at: nowMs });
          if (res.ok) sent++;
          else {
            failed++;
            log.warn(
              { person, objective: o.id, channel: res.channel, err: res.error },
              'a review digest could not be sent; trying again next run',
            );
          }
        }
      }
    }
    return { sent, failed, quiet: false };
  }
}
