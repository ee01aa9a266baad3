import { PROTOCOL_VERSION, kpiHealthMap, type Alert, type LiveScope, type ServerMessage, type WallKpi } from '@northstar/shared';
import { AlertCenter } from '../alerts/AlertCenter.svelte.ts';
import { alertRows, alertingKpis, firingCount, objectivesAtRisk } from '../alerts/alertView.ts';
import { LiveConnection, liveUrl } from '../live/LiveConnection.svelte.ts';
import { EVERYTHING, scopeChange } from '../live/scope.ts';
import { Clock } from '../time/Clock.svelte.ts';
import { Celebration } from './Celebration.svelte.ts';
import { densityFor } from './density.ts';
import { groupByObjective } from './rollup.ts';
import { EMPTY_WALL, applyMessage, resumeMessage, type WallState } from './wallState.ts';

/** Clock differences below this are latency noise, not skew. */
const CLOCK_SKEW_TOLERANCE_MS = 1_000;

/**
 * The live model behind every page: server state, the one connection that feeds it, the
 * shared clock and the milestone banner. It runs on every page so the tree can follow model
 * changes and a milestone is never missed while someone edits.
 */
export class WallModel {
  /** Replaced whole by the reducer; raw so Svelte does not proxy a hundred KPI objects. */
  wall = $state.raw<WallState>(EMPTY_WALL);
  /** Server clock minus browser clock, so freshness is measured on the server's time line. */
  clockOffsetMs = $state(0);
  /** Browser time when the newest snapshot or delta arrived, for the "last update" banner. */
  lastDataAt = $state<number | null>(null);

  readonly clock = new Clock();
  readonly celebration = new Celebration();
  readonly alerts = new AlertCenter(
    (alert) => this.applyAlert(alert),
    () => this.serverNow,
  );
  readonly connection: LiveConnection;
  /** What the page on screen needs to hear about; a new connection starts with everything. */
  #scope: LiveScope = EVERYTHING;
  /** A resume was sent to catch up a missed update; not again until it is answered. */
  #catchingUp = false;

  /** Every KPI's shown status from the shared status model: its measured status and the alerts firing on it. */
  readonly health = $derived(
    kpiHealthMap(
      [...this.wall.kpis.values()].map((k) => [k.definition.id, k.state.status] as [string, WallKpi['state']['status']]),
      this.wall.alerts.values(),
    ),
  );
  readonly groups = $derived(
    groupByObjective(
      this.wall.objectives,
      this.wall.order.map((id) => this.wall.kpis.get(id)).filter((k): k is WallKpi => k !== undefined),
      this.health,
    ),
  );
  /** The alerts panel's rows, newest first, one per alert. */
  readonly alertRows = $derived(alertRows(this.wall.alerts.values()));
  readonly firingCount = $derived(firingCount(this.wall.alerts.values()));
  readonly alertingKpis = $derived(alertingKpis(this.wall.alerts.values()));
  readonly objectivesAtRisk = $derived(objectivesAtRisk(this.wall.alerts.values()));
  readonly panelOpen = $derived(this.alerts.isOpen(this.firingCount));
  readonly density = $derived(densityFor(this.wall.kpis.size, this.panelOpen));
  /** Current time on the server's clock, ticking once a second. */
  readonly serverNow = $derived(this.clock.now + this.clockOffsetMs);
  readonly protocolMismatch = $derived(this.wall.protocol !== null && this.wall.protocol !== PROTOCOL_VERSION);

  constructor(url: string = liveUrl(window.location)) {
    this.connection = new LiveConnection({
      url,
      onMessage: (msg) => this.apply(msg),
      resume: () => resumeMessage(this.wall, this.#scope),
      greeting: () => scopeChange(EVERYTHING, this.#scope),
    });
  }

  /**
   * Narrows (or widens) the updates to what the page shows. Sent at once on a live socket;
   * otherwise the next socket says it when it opens. KPIs outside the scope keep the state
   * they had; widening brings them up to date at once.
   */
  setScope(scope: LiveScope): void {
    const changes = scopeChange(this.#scope, scope);
    if (changes.length === 0) return;
    this.#scope = scope;
    for (const msg of changes) this.connection.send(msg);
  }

  get live(): boolean {
    return this.connection.state === 'live';
  }

  apply(msg: ServerMessage): void {
    const receivedAt = Date.now();
    const offset = msg.serverTime - receivedAt;
    // Network jitter moves the offset a little on every message; only a real skew is worth re-rendering every tile.
    if (Math.abs(offset - this.clockOffsetMs) > CLOCK_SKEW_TOLERANCE_MS) this.clockOffsetMs = offset;
    if (msg.type === 'snapshot' || msg.type === 'delta') this.lastDataAt = receivedAt;
    // Heartbeats change nothing on screen; skipping them keeps the tiles from re-rendering.
    if (msg.type === 'heartbeat') return;
    if (msg.type === 'milestone') this.celebration.offer(msg.milestone);
    if (msg.type === 'alert') {
      const unit = this.wall.kpis.get(msg.alert.kpi)?.definition.unit ?? '';
      this.alerts.offer(this.wall.alerts.get(msg.alert.key), msg.alert, unit);
    }
    this.wall = applyMessage(this.wall, msg);
    if (msg.type === 'snapshot' || msg.type === 'hello' || (msg.type === 'delta' && msg.replay)) this.#catchingUp = false;
    // a patch built on an update this tab missed: ask for what it missed on the same socket
    if (this.wall.outOfStep && !this.#catchingUp) {
      const resume = resumeMessage(this.wall, this.#scope);
      this.#catchingUp = resume !== null && this.connection.send(resume);
    }
  }

  /** An alert as an action's answer returned it; an older state never replaces a newer one already pushed. */
  applyAlert(alert: Alert): void {
    const current = this.wall.alerts.get(alert.key);
    if (current && current.since > alert.since) return;
    this.wall = applyMessage(this.wall, { type: 'alert', serverTime: this.wall.serverTime ?? this.serverNow, alert });
  }

  start(): void {
    this.clock.start();
    this.connection.start();
  }

  stop(): void {
    this.connection.stop();
    this.clock.stop();
    this.celebration.stop();
    this.alerts.stop();
  }
}
