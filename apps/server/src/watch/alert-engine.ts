import { randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import {
  DEFAULT_SENSITIVITY,
  kpiLinks,
  parseDurationMs,
  type Alert,
  type AlertRule,
  type DetectionTuning,
  type KpiDefinition,
  type Silence,
} from '@northstar/shared';
import { evaluateCondition, pacingContext } from '../alerts/condition.ts';
import { updateFlapping, type FlapState } from '../alerts/flapping.ts';
import type { NotificationBatch } from '../alerts/notification.ts';
import type { Notifier } from '../alerts/notifiers/notifier.ts';
import type { RuleOwnership } from '../alerts/ownership.ts';
import type { Dispatcher } from '../alerts/routing.ts';
import { activeSilence, alertLabels } from '../alerts/silences.ts';
import { initialState, step, type AlertRuntimeState } from '../alerts/state-machine.ts';
import { scoreThreshold } from '../detect/index.ts';
import { MISSED, RESET, tuningFrom } from '../detect/tuning.ts';
import type { KpiEvaluator } from '../evaluate/evaluator.ts';
import type { ModelService } from '../model/model-service.ts';
import type { Metrics } from '../observe/metrics.ts';
import type { AlertRepo } from '../store/alert-repo.ts';
import { restoreAlerts, type RestoredAlert } from './alert-restore.ts';
import { alignmentPath } from './alignment-path.ts';
import type { DetectionRunner } from './detection-runner.ts';
import { NotificationSender } from './notification-sender.ts';
import { HANDOVER_GRACE_MS, RuleHandover } from './rule-handover.ts';
import { reportStoreFailure } from './store-failure.ts';

export interface AlertEngineDeps {
  model: ModelService;
  evaluator: KpiEvaluator;
  detection: DetectionRunner;
  repo: AlertRepo;
  /**
   * Builds the engine's dispatcher, given the silences in force (the engine keeps them): the
   * dispatcher reads them at every decision, so it is made by the engine rather than beside it.
   */
  dispatcher: (silences: () => readonly Silence[]) => Pick<Dispatcher, 'onAlertChange' | 'tick' | 'remove' | 'resume' | 'retell'>;
  notifiers: ReadonlyMap<string, Notifier>;
  /**
   * Which rules this instance releases (issue 17.2): every rule when alone, the rules of its
   * assigned partitions when several instances share a Kafka group. Default: every rule.
   */
  ownership?: RuleOwnership;
  metrics: Metrics;
  log: Logger;
}

interface Tracked {
  alert: Alert;
  /** When this engine began watching the pair: the no-data clock for a KPI never heard from. */
  watchingSince: number;
  runtime: AlertRuntimeState;
  episode: number;
  flap: FlapState | undefined;
  rule: AlertRule;
  /** When the live figures were last sent to the walls. */
  livePublishedAt: number;
}

/**
 * A pending or firing alert's value, projection and reason follow its KPI; the walls get
 * the live figures at most this often per alert (state changes go out at once).
 */
export const ALERT_LIVE_MIN_INTERVAL_MS = 2_000;

/** Resolved alerts stay listed this long, so the panel shows what just happened. */
const RESOLVED_VISIBLE_MS = 60 * 60_000;

const alertKey = (rule: string, kpi: string, series = '') => `${rule}/${kpi}/${series}`;

/** The KPIs a rule watches: listed ids, those linked to an objective, or all. */
export function ruleTargets(rule: AlertRule, kpis: readonly KpiDefinition[]): KpiDefinition[] {
  if (rule.kpis?.length) return kpis.filter((k) => rule.kpis?.includes(k.id));
  if (rule.objective) return kpis.filter((k) => kpiLinks(k).some((l) => l.id === rule.objective));
  return [...kpis];
}

/** Told of every alert change the walls should see (the wall service listens). */
export type AlertListener = (alert: Alert) => void;

/**
 * The alerting shell: each tick evaluates every enabled rule for every KPI it watches,
 * steps the pure state machine, stores every transition, tells its listeners (the wall
 * service, which brings changed alerts to the walls) and hands them to the dispatcher,
 * whose batches go to the notifiers.
 */
export class AlertEngine {
  readonly #deps: AlertEngineDeps;
  readonly #dispatcher: Pick<Dispatcher, 'onAlertChange' | 'tick' | 'remove' | 'resume' | 'retell'>;
  readonly #sender: NotificationSender;
  readonly #tracked = new Map<string, Tracked>();
  readonly #listeners: AlertListener[] = [];
  readonly #handover: RuleHandover;
  #silences: Silence[] = [];

  constructor(deps: AlertEngineDeps) {
    this.#deps = deps;
    this.#dispatcher = deps.dispatcher(() => this.#silences);
    this.#sender = new NotificationSender({
      ...deps,
      // checked again right before each send: a rule revoked meanwhile is not released
      releases: (batch) => batch.entries.every((e) => this.#owns(e.alert.rule, Date.now())),
    });
    this.#handover = new RuleHandover({
      ownership: deps.ownership,
      ruleIds: () => deps.model.rules.map((r) => r.id),
      adopt: (rules) => this.#adopt(rules),
      letGo: (rules) => {
        // nothing this instance had queued for those rules leaves it any more
        for (const [key, t] of this.#tracked) {
          if (!rules.has(t.rule.id)) continue;
          this.#dispatcher.remove(key);
          this.#handover.forget(key);
        }
      },
      log: deps.log,
    });
  }

  /** This instance releases the rule's transitions (issue 17.2): it owns the rule and has taken it over. */
  #owns(ruleId: string, nowMs: number): boolean {
    return this.#handover.releases(ruleId, nowMs);
  }

  /** Rebuilds taken-over rules' alerts from the store; they are released from the next tick. */
  async #adopt(ids: ReadonlySet<string>): Promise<void> {
    const restored = await restoreAlerts(this.#deps.repo, this.#deps.model, (id) => ids.has(id));
    const nowMs = Date.now();
    for (const [key, t] of this.#tracked) if (ids.has(t.rule.id)) this.#tracked.delete(key);
    for (const r of restored) this.#resume(r, nowMs, nowMs + HANDOVER_GRACE_MS);
    this.#deps.log.info({ rules: ids.size, alerts: restored.length }, 'alert rules taken over from the store');
  }

  /**
   * One restored alert tracked again. Where this instance owns the rule, its dispatcher takes
   * it as told (a resolve follows the firing), and at `retellAt` queues its firing again, which
   * the sent record skips unless the previous teller never sent it.
   */
  #resume(r: RestoredAlert, nowMs: number, retellAt: number): void {
    const tracked = this.#newTracked(r.rule, r.kpi, r.runtime, r.episode);
    tracked.watchingSince = nowMs;
    tracked.alert.acknowledged = r.acknowledged;
    tracked.alert.feedback = r.feedback;
    tracked.alert.silencedBy = activeSilence(alertLabels(tracked.alert), this.#silences, nowMs)?.id ?? null;
    this.#tracked.set(r.key, tracked);
    if (!this.#handover.owns(r.rule.id, nowMs)) return;
    this.#dispatcher.resume(tracked.alert, nowMs);
    this.#handover.retellAt(r.key, retellAt);
  }

  /** Stops the take-over timers (the server is closing). */
  close(): void {
    this.#handover.close();
  }

  onAlertChanged(listener: AlertListener): void {
    this.#listeners.push(listener);
  }

  #emit(alert: Alert): void {
    for (const l of this.#listeners) l(alert);
  }

  /** Each KPI's feedback-tuned anomaly threshold (who moved it, when). */
  get detectionTuning(): ReadonlyMap<string, DetectionTuning> {
    return this.#deps.detection.tuning;
  }

  get silences(): readonly Silence[] {
    return this.#silences;
  }

  /** Resumes from the stored history: states, episodes, acknowledgements, verdicts and silences. */
  async start(nowMs: number): Promise<void> {
    const { repo } = this.#deps;
    this.#silences = await repo.silences(nowMs);
    const verdicts = new Map((await repo.feedback()).map((f) => [`${f.key}#${f.episode}`, f]));
    for (const f of verdicts.values()) if (f.expected) this.#deps.detection.exclude(f.kpi, f.fromTs, f.toTs);
    this.#deps.detection.setTuning(tuningFrom([...verdicts.values()]));
    const restored = await restoreAlerts(repo, this.#deps.model, () => true, { acks: await repo.acks(), feedback: [...verdicts.values()] });
    // every alert is shown; the dispatcher hears again of those this instance releases (the sent record skips what went out)
    for (const r of restored) this.#resume(r, nowMs, nowMs);
  }

  #newTracked(rule: AlertRule, kpi: KpiDefinition, runtime: AlertRuntimeState, episode: number): Tracked {
    const objectives = new Map(this.#deps.model.objectives.map((o) => [o.id, o]));
    return {
      rule,
      runtime,
      episode,
      flap: undefined,
      livePublishedAt: 0,
      watchingSince: runtime.evaluatedAt,
      alert: {
        key: alertKey(rule.id, kpi.id),
        rule: rule.id,
        ruleName: rule.name,
        kpi: kpi.id,
        kpiName: kpi.name,
        series: '',
        severity: rule.severity,
        state: runtime.state,
        reason: runtime.reason,
        firingSince: runtime.firingSince,
        since: runtime.since,
        value: runtime.value,
        threshold: runtime.threshold,
        path: alignmentPath(kpi, objectives),
        flapping: false,
        acknowledged: null,
        silencedBy: null,
        feedback: null,
      },
    };
  }

  /** Alerts not in Normal, and those resolved within the last hour, newest change first. */
  list(nowMs: number, all = false): Alert[] {
    return [...this.#tracked.values()]
      .filter((t) => all || t.alert.state !== 'normal' || nowMs - t.alert.since < RESOLVED_VISIBLE_MS)
      .filter((t) => t.alert.state !== 'normal' || t.episode > 0)
      .map((t) => t.alert)
      .sort((a, b) => b.since - a.since);
  }

  get(key: string): Alert | undefined {
    return this.#tracked.get(key)?.alert;
  }

  episodeOf(key: string): number {
    return this.#tracked.get(key)?.episode ?? 0;
  }

  tick(nowMs: number): void {
    const { model, evaluator, detection } = this.#deps;
    const live = new Set<string>();
    for (const rule of model.rules) {
      if (!rule.enabled) continue;
      const forMs = parseDurationMs(rule.for) ?? 0;
      const keepFiringForMs = parseDurationMs(rule.keepFiringFor) ?? 0;
      for (const kpi of ruleTargets(rule, model.kpis)) {
        const state = evaluator.state(kpi.id);
        if (!state) continue;
        const key = alertKey(rule.id, kpi.id);
        live.add(key);
        let tracked = this.#tracked.get(key);
        if (!tracked || tracked.rule !== rule) {
          const keep = tracked;
          tracked = this.#newTracked(rule, kpi, keep?.runtime ?? initialState(nowMs), keep?.episode ?? 0);
          if (keep) tracked.alert = { ...tracked.alert, acknowledged: keep.alert.acknowledged, feedback: keep.alert.feedback };
          this.#tracked.set(key, tracked);
        }
        const m = rule.condition.type === 'anomaly' ? rule.condition.m : 0;
        const result = evaluateCondition(rule.condition, {
          state,
          // a point counts only when it deviates the watched way: the detector's flag says so
          anomalyScores: m > 0 ? detection.recentScores(kpi.id, m) : [],
          nowMs,
          watchingSinceMs: tracked.watchingSince,
          anomalyScoreThreshold:
            this.#deps.detection.threshold(kpi.id) ??
            scoreThreshold(kpi.detection?.sensitivity ?? DEFAULT_SENSITIVITY, this.#deps.detection.tuning.get(kpi.id)?.steps ?? 0),
          pacing: pacingContext(kpi, nowMs),
        });
        const { next, transition } = step(tracked.runtime, { ...result, nowMs }, { forMs, keepFiringForMs });
        const before = tracked.runtime;
        tracked.runtime = next;
        const projection = result.projection ?? null;
        if (transition) this.#onTransition(tracked, before, transition, projection, nowMs);
        else this.#followLive(tracked, projection, nowMs);
      }
    }
    // alerts whose rule or KPI is gone end quietly
    for (const key of this.#tracked.keys()) {
      if (!live.has(key)) {
        this.#tracked.delete(key);
        this.#dispatcher.remove(key);
        this.#handover.forget(key);
      }
    }
    for (const key of this.#handover.dueRetells(nowMs, (k) => this.#tracked.get(k)?.rule.id)) {
      this.#send(this.#dispatcher.retell(key, nowMs));
    }
    this.#send(this.#dispatcher.tick(nowMs));
  }

  /**
   * Pending, firing or recovering without a state change: the alert's value, projection,
   * threshold and reason still follow the KPI (issue 13: "3 views" shown while the KPI was
   * at 5). Sent to the walls only, at most every ALERT_LIVE_MIN_INTERVAL_MS; notifications
   * are about state changes and are not repeated for a moving figure.
   */
  #followLive(t: Tracked, projection: number | null, nowMs: number): void {
    const r = t.runtime;
    if (r.state !== 'pending' && r.state !== 'alerting' && r.state !== 'recovering') return;
    const a = t.alert;
    const same = a.value === r.value && (a.projection ?? null) === projection && a.threshold === r.threshold && a.reason === r.reason;
    if (same || nowMs - t.livePublishedAt < ALERT_LIVE_MIN_INTERVAL_MS) return;
    t.alert = { ...a, value: r.value, projection, threshold: r.threshold, reason: r.reason };
    t.livePublishedAt = nowMs;
    this.#emit(t.alert);
  }

  #onTransition(
    t: Tracked,
    before: AlertRuntimeState,
    transition: { from: Alert['state']; to: Alert['state']; reason: string; at: number; value: number | null },
    projection: number | null,
    nowMs: number,
  ): void {
    const startsEpisode = t.runtime.firingSince !== null && before.firingSince === null;
    if (startsEpisode) {
      t.episode += 1;
      t.alert.acknowledged = null;
      t.alert.feedback = null;
    }
    const flap = updateFlapping(t.flap, before, t.runtime, nowMs);
    t.flap = flap.next;
    t.alert = {
      ...t.alert,
      state: t.runtime.state,
      reason: t.runtime.reason,
      since: t.runtime.since,
      firingSince: t.runtime.firingSince,
      value: t.runtime.value,
      projection,
      threshold: t.runtime.threshold,
      flapping: flap.next.flapping,
    };
    t.livePublishedAt = nowMs;
    t.alert.silencedBy = activeSilence(alertLabels(t.alert), this.#silences, nowMs)?.id ?? null;
    // another instance owns the rule: it stores and tells the transition; this one only shows it
    if (!this.#owns(t.rule.id, nowMs)) {
      this.#emit(t.alert);
      return;
    }
    this.#deps.metrics.alertTransitions.inc({ to: transition.to });
    this.#deps.repo
      .addTransitions([
        {
          key: t.alert.key,
          rule: t.alert.rule,
          kpi: t.alert.kpi,
          series: t.alert.series,
          episode: t.episode,
          from: transition.from,
          to: transition.to,
          reason: transition.reason,
          value: transition.value,
          threshold: t.runtime.threshold,
          at: transition.at,
        },
      ])
      .catch(reportStoreFailure(this.#deps, 'transition', t.alert.key));
    this.#publish(t, nowMs);
  }

  #publish(t: Tracked, nowMs: number): void {
    this.#emit(t.alert);
    if (this.#owns(t.rule.id, nowMs)) this.#send(this.#dispatcher.onAlertChange(t.alert, nowMs));
  }

  #send(batches: readonly NotificationBatch[]): void {
    void this.#sender.send(batches);
  }

  async acknowledge(key: string, by: string, comment: string, nowMs: number): Promise<Alert | undefined> {
    const t = this.#tracked.get(key);
    if (!t) return undefined;
    await this.#deps.repo.addAck({ key, episode: t.episode, by, comment, at: nowMs });
    t.alert = { ...t.alert, acknowledged: { by, at: nowMs, comment } };
    this.#publish(t, nowMs);
    return t.alert;
  }

  async giveFeedback(
    key: string,
    input: { real: boolean; note: string; expected: boolean },
    by: string,
    nowMs: number,
  ): Promise<Alert | undefined> {
    const t = this.#tracked.get(key);
    if (!t) return undefined;
    const fromTs = t.alert.firingSince ?? t.alert.since;
    await this.#deps.repo.addFeedback({
      key,
      episode: t.episode,
      rule: t.alert.rule,
      kpi: t.alert.kpi,
      detector: t.rule.condition.type === 'anomaly' ? (this.#deps.detection.lastDetector(t.alert.kpi) ?? 'anomaly') : t.rule.condition.type,
      real: input.real,
      expected: input.expected,
      note: input.note,
      fromTs,
      toTs: nowMs,
      by,
      at: nowMs,
    });
    // "expected: campaign" — the baselines must not learn it as normal
    if (input.expected) this.#deps.detection.exclude(t.alert.kpi, fromTs, nowMs);
    // "not real" on an anomaly alert raises that KPI's threshold a step (a later "real" takes it back)
    await this.#retune();
    t.alert = { ...t.alert, feedback: { real: input.real, note: input.note, by, at: nowMs } };
    this.#publish(t, nowMs);
    return t.alert;
  }

  /** Recomputes every KPI's feedback-tuned threshold from the stored verdicts (the store is the one source). */
  async #retune(): Promise<void> {
    this.#deps.detection.setTuning(tuningFrom(await this.#deps.repo.feedback()));
  }

  /**
   * "Missed": the KPI had an anomaly nobody was alerted to, so its threshold drops a step;
   * "reset": back to the sensitivity's. Stored beside the alert verdicts, with who and when.
   */
  async tuneDetection(kpi: string, kind: 'missed' | 'reset', note: string, by: string, nowMs: number): Promise<DetectionTuning | null> {
    await this.#deps.repo.addFeedback({
      key: `${kind}/${kpi}`,
      episode: nowMs,
      rule: '',
      kpi,
      detector: kind === 'missed' ? MISSED : RESET,
      real: kind === 'missed',
      expected: false,
      note,
      fromTs: nowMs,
      toTs: nowMs,
      by,
      at: nowMs,
    });
    await this.#retune();
    return this.#deps.detection.tuning.get(kpi) ?? null;
  }

  async addSilence(input: Omit<Silence, 'id'>, nowMs: number): Promise<Silence> {
    const silence: Silence = { ...input, id: randomUUID() };
    await this.#deps.repo.saveSilence(silence, 1);
    this.#silences = [...this.#silences, silence];
    this.#refreshSilenced(nowMs);
    return silence;
  }

  /** Ends a silence now; it stays in the history. */
  async expireSilence(id: string, nowMs: number): Promise<Silence | undefined> {
    const s = this.#silences.find((x) => x.id === id);
    if (!s) return undefined;
    const ended: Silence = { ...s, endsAt: Math.min(s.endsAt, nowMs) };
    await this.#deps.repo.saveSilence(ended, 2);
    this.#silences = this.#silences.filter((x) => x.id !== id);
    this.#refreshSilenced(nowMs);
    return ended;
  }

  #refreshSilenced(nowMs: number): void {
    for (const t of this.#tracked.values()) {
      const silencedBy = activeSilence(alertLabels(t.alert), this.#silences, nowMs)?.id ?? null;
      if (silencedBy !== t.alert.silencedBy) {
        t.alert = { ...t.alert, silencedBy };
        this.#publish(t, nowMs);
      }
    }
  }
}
