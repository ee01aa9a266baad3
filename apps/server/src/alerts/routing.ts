import type { Alert, Silence } from '@northstar/shared';
import type { Route } from './config.ts';
import { batchIdempotencyKey } from './idempotency.ts';
import { batchStatus, type NotificationBatch, type NotificationEntry, type NotificationEvent, type RoutedState } from './notification.ts';
import { quietHoursEnd } from './quiet-hours.ts';
import { RETELL_MAX_AGE_DAYS } from './send-record.ts';
import { alertLabels, isSilenced, type AlertLabels } from './silences.ts';
import { isFiring } from './state-machine.ts';

/**
 * Routing and the Dispatcher: which channels hear about an alert, grouped how, and
 * when. Pure given a clock (every method takes `nowMs`); sending is the shell's job.
 *
 * Decisions:
 * - Every matching route gets the alert (no first-match-wins): "critical → pager" and
 *   "owner alice → her email" both apply. A channel on two matching routes hears twice;
 *   give such routes disjoint channels. No matching route: in-app only.
 * - One `firing` per episode: Recovering → Alerting, NoData and Error inside an episode
 *   do not notify. `resolved` only follows a firing that was queued; a firing and its
 *   resolved that meet in one unsent batch cancel out.
 * - A batch waits `groupWaitMs` from its first event so alerts of a group go together;
 *   repeats go at once (their group already heard).
 * - Repeat: a still-firing alert, unacknowledged and unsilenced, every `repeatIntervalMs`
 *   per route; 0 turns repeats off.
 * - Silenced alerts send nothing (a firing silenced before its batch left is dropped, and
 *   sent when the silence ends if the alert still fires); a resolved for a firing that
 *   went out is still sent, so receivers do not keep a stale "firing".
 * - Flapping: one `flapping` notice, then nothing until the alert is stable again, when
 *   its current state goes out (firing, or resolved).
 * - NoData and Error are routed on their own: a route whose `match.state` lists `nodata`
 *   (or `error`) hears `firing` when an alert enters that state and `resolved` when it
 *   leaves it, once per spell, never repeated; a route without `match.state` hears firing
 *   episodes only, as before. A spell and a firing episode are separate entries.
 * - Quiet hours (route's, in the KPI's time zone) hold non-critical entries until the
 *   window ends. Critical always goes out: a critical rule is by definition worth waking
 *   someone for; a rule that is not should not be critical.
 */

export function routeMatches(route: Pick<Route, 'match'>, labels: AlertLabels, about: RoutedState = 'alerting'): boolean {
  const { severity, objective, owner, state } = route.match;
  if (!(state ?? ['alerting']).includes(about)) return false;
  if (severity && !severity.includes(labels.severity)) return false;
  if (objective && !labels.objective.some((o) => objective.includes(o))) return false;
  if (owner && !labels.owner.some((o) => owner.includes(o))) return false;
  return true;
}

/** "routeIndex|label=value|…" (an app route: its key, which an edit of other routes does not shift); `objective` groups by the nearest objective on the path. */
export function groupKeyFor(routeIndex: number | string, route: Pick<Route, 'groupBy'>, labels: AlertLabels): string {
  const parts = route.groupBy.map((l) => `${l}=${l === 'objective' ? (labels.objective[0] ?? '') : labels[l]}`);
  return [String(routeIndex), ...parts].join('|');
}

export interface DispatcherOptions {
  /**
   * The routes in force; a function when they change while running (the app's routes are
   * edited by admins): read at every decision, so a change applies without a restart.
   */
  routes: readonly Route[] | (() => readonly Route[]);
  /** The silences in force; read at every decision, since they start and end by time. */
  silences?: () => readonly Silence[];
  /** The KPI's IANA time zone, for quiet hours; default UTC. */
  timezoneOf?: (kpiId: string) => string;
}

interface Tracked {
  alert: Alert;
  /** firingSince of the episode whose firing was queued; null when none is out. */
  notifiedEpisode: number | null;
  flapNoticed: boolean;
  /** Route key → when a firing or repeat of this alert last joined one of its batches. */
  lastQueuedAt: Map<string, number>;
  /** NoData and Error spells whose start was queued. */
  spells: Set<Spell>;
}

type Spell = Exclude<RoutedState, 'alerting'>;
const SPELLS: readonly Spell[] = ['nodata', 'error'];
const DAY_MS = 86_400_000;

interface PendingEntry {
  key: string;
  event: NotificationEvent;
  about: RoutedState;
}

interface PendingBatch {
  route: number;
  /** The route as it was when the batch was opened: an edit made meanwhile applies to the next batch. */
  routeDef: Route;
  groupKey: string;
  dueAt: number;
  /** Entry key (the alert's key, prefixed for a spell) → entry, in arrival order. */
  entries: Map<string, PendingEntry>;
}

export class Dispatcher {
  private readonly tracked = new Map<string, Tracked>();
  private readonly pending = new Map<string, PendingBatch>();

  constructor(private readonly options: DispatcherOptions) {}

  /** Call with the alert whenever it changes (state, flapping, ack, silence); returns batches due now. */
  onAlertChange(alert: Alert, nowMs: number): NotificationBatch[] {
    const t = this.tracked.get(alert.key) ?? {
      alert,
      notifiedEpisode: null,
      flapNoticed: false,
      lastQueuedAt: new Map(),
      spells: new Set(),
    };
    t.alert = alert;
    this.tracked.set(alert.key, t);
    this.reconcile(t, nowMs);
    this.reconcileSpells(t, nowMs);
    return this.flush(nowMs);
  }

  /**
   * An alert resumed from the store (a restart, or a rule taken over from another instance):
   * tracked as already told, so its resolve follows and its repeats count from now, without
   * queueing anything. `retell` queues its firing again later, for the case the teller never sent it.
   */
  resume(alert: Alert, nowMs: number): void {
    const firing = isFiring(alert.state) && alert.firingSince !== null;
    const spells = new Set<Spell>(SPELLS.filter((s) => s === alert.state));
    const lastQueuedAt = new Map<string, number>(firing ? this.routes().map((r, i) => [r.key ?? String(i), nowMs] as const) : []);
    this.tracked.set(alert.key, { alert, notifiedEpisode: firing ? alert.firingSince : null, flapNoticed: false, lastQueuedAt, spells });
  }

  /**
   * Queues a resumed alert's firing again (same episode, so the same idempotency key): the sent
   * record skips it if it went out. Not an episode older than the send record is kept
   * (RETELL_MAX_AGE_DAYS): its record may be gone, so it would page again for an old firing;
   * its repeats still go out.
   */
  retell(key: string, nowMs: number): NotificationBatch[] {
    const t = this.tracked.get(key);
    const a = t?.alert;
    if (!t || !a || !isFiring(a.state) || a.firingSince === null || t.notifiedEpisode !== a.firingSince || this.silenced(a, nowMs)) {
      return this.flush(nowMs);
    }
    if (nowMs - a.firingSince >= RETELL_MAX_AGE_DAYS * DAY_MS) return this.flush(nowMs);
    this.enqueue(t, 'firing', nowMs);
    return this.flush(nowMs);
  }

  /** Call periodically: repeats, silences ending, group waits and quiet hours elapsing. */
  tick(nowMs: number): NotificationBatch[] {
    for (const t of this.tracked.values()) {
      this.reconcile(t, nowMs);
      this.reconcileSpells(t, nowMs);
    }
    return this.flush(nowMs);
  }

  /** The alert is gone (rule deleted or disabled): forget it, and drop its unsent entries. */
  remove(key: string): void {
    this.tracked.delete(key);
    for (const [gk, b] of this.pending) {
      for (const [ek, e] of b.entries) if (e.key === key) b.entries.delete(ek);
      if (b.entries.size === 0) this.pending.delete(gk);
    }
  }

  /** When the next held batch is due, for the shell's timer; null when none waits. */
  nextDueAt(): number | null {
    let next: number | null = null;
    for (const b of this.pending.values()) next = next === null ? b.dueAt : Math.min(next, b.dueAt);
    return next;
  }

  private routes(): readonly Route[] {
    const r = this.options.routes;
    return typeof r === 'function' ? r() : r;
  }

  private silenced(alert: Alert, nowMs: number): boolean {
    if (alert.silencedBy !== null) return true;
    const silences = this.options.silences?.() ?? [];
    return silences.length > 0 && isSilenced(alertLabels(alert), silences, nowMs);
  }

  private reconcile(t: Tracked, nowMs: number): void {
    const a = t.alert;
    const firing = isFiring(a.state) && a.firingSince !== null;
    const silenced = this.silenced(a, nowMs);
    if (a.flapping) {
      if (!t.flapNoticed && !silenced) {
        t.flapNoticed = true;
        this.enqueue(t, 'flapping', nowMs);
      }
      return;
    }
    if (t.flapNoticed) {
      // Stable again: say where it settled, closing the flapping notice.
      t.flapNoticed = false;
      if (firing && !silenced) {
        t.notifiedEpisode = a.firingSince;
        this.enqueue(t, 'firing', nowMs);
      } else if (!firing) {
        t.notifiedEpisode = null;
        this.enqueue(t, 'resolved', nowMs);
      }
      return;
    }
    if (firing) {
      if (t.notifiedEpisode !== a.firingSince) {
        if (silenced) return;
        t.notifiedEpisode = a.firingSince;
        this.enqueue(t, 'firing', nowMs);
      } else if (!silenced && a.acknowledged === null) {
        this.enqueue(t, 'repeat', nowMs);
      }
      return;
    }
    if (a.state === 'normal' && t.notifiedEpisode !== null) {
      t.notifiedEpisode = null;
      this.enqueue(t, 'resolved', nowMs);
    }
  }

  /** NoData and Error: one notice when a spell starts, one when it ends (silenced spells start unheard). */
  private reconcileSpells(t: Tracked, nowMs: number): void {
    for (const spell of SPELLS) {
      const inSpell = t.alert.state === spell;
      if (inSpell && !t.spells.has(spell) && !this.silenced(t.alert, nowMs)) {
        t.spells.add(spell);
        this.enqueue(t, 'firing', nowMs, spell);
      } else if (!inSpell && t.spells.has(spell)) {
        t.spells.delete(spell);
        this.enqueue(t, 'resolved', nowMs, spell);
      }
    }
  }

  private enqueue(t: Tracked, event: NotificationEvent, nowMs: number, about: RoutedState = 'alerting'): void {
    const labels = alertLabels(t.alert);
    const entryKey = about === 'alerting' ? t.alert.key : `${about}|${t.alert.key}`;
    this.routes().forEach((route, i) => {
      if (!routeMatches(route, labels, about)) return;
      const routeKey = route.key ?? String(i);
      if (event === 'repeat') {
        const last = t.lastQueuedAt.get(routeKey);
        if (route.repeatIntervalMs <= 0 || last === undefined || nowMs - last < route.repeatIntervalMs) return;
      }
      const groupKey = groupKeyFor(route.key ?? i, route, labels);
      let batch = this.pending.get(groupKey);
      if (!batch) {
        batch = { route: i, routeDef: route, groupKey, dueAt: nowMs + (event === 'repeat' ? 0 : route.groupWaitMs), entries: new Map() };
        this.pending.set(groupKey, batch);
      }
      const before = batch.entries.get(entryKey)?.event;
      if (before === 'firing' && event === 'resolved') batch.entries.delete(entryKey);
      else if (!(before === 'firing' && event === 'repeat')) batch.entries.set(entryKey, { key: t.alert.key, event, about });
      if (event === 'firing' || event === 'repeat') t.lastQueuedAt.set(routeKey, nowMs);
      if (batch.entries.size === 0) this.pending.delete(groupKey);
    });
  }

  private flush(nowMs: number): NotificationBatch[] {
    const out: NotificationBatch[] = [];
    for (const [groupKey, batch] of this.pending) {
      if (batch.dueAt > nowMs) continue;
      const route = batch.routeDef;
      const send: NotificationEntry[] = [];
      let heldUntil = Number.POSITIVE_INFINITY;
      for (const [entryKey, { key, event, about }] of batch.entries) {
        const t = this.tracked.get(key);
        const a = t?.alert;
        if (!t || !a) {
          batch.entries.delete(entryKey);
          continue;
        }
        const silenced = this.silenced(a, nowMs);
        const stale =
          (event === 'repeat' && (silenced || a.acknowledged !== null || !isFiring(a.state))) || (event === 'firing' && silenced);
        if (stale) {
          // A firing silenced before it left: send it when the silence ends, if still firing (or still in the spell).
          if (about !== 'alerting') t.spells.delete(about);
          else if (event === 'firing' && t.notifiedEpisode === a.firingSince) t.notifiedEpisode = null;
          batch.entries.delete(entryKey);
          continue;
        }
        const quietEnd =
          route.quietHours && a.severity !== 'critical'
            ? quietHoursEnd(route.quietHours, this.options.timezoneOf?.(a.kpi) ?? 'UTC', nowMs)
            : null;
        if (quietEnd !== null) {
          heldUntil = Math.min(heldUntil, quietEnd);
          continue;
        }
        send.push(about === 'alerting' ? { event, alert: a } : { event, alert: a, about });
        batch.entries.delete(entryKey);
      }
      if (send.length > 0) out.push(this.release(batch, route.channels, send, nowMs));
      if (batch.entries.size === 0) this.pending.delete(groupKey);
      else batch.dueAt = heldUntil;
    }
    return out;
  }

  private release(batch: PendingBatch, channels: string[], entries: NotificationEntry[], nowMs: number): NotificationBatch {
    return {
      groupKey: batch.groupKey,
      route: batch.route,
      channels: [...channels],
      status: batchStatus(entries),
      entries,
      idempotencyKey: batchIdempotencyKey(batch.groupKey, entries, nowMs),
      at: nowMs,
    };
  }
}
