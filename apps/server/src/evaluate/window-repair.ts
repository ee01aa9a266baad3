import type { Logger } from 'pino';
import type { KpiDefinition, MetricEvent } from '@northstar/shared';

/** What the repair needs of the evaluator. */
export interface RepairableEvaluator {
  /** Ids of the live KPIs that read any of these metrics. */
  kpisReading(metrics: ReadonlySet<string>): string[];
  definition(id: string): KpiDefinition | undefined;
}

export interface WindowRepairOptions {
  evaluator: RepairableEvaluator;
  /** Gives these KPIs fresh windows from what the store holds, counting each event once (live-rebuild.ts). */
  rebuild: (kpis: readonly KpiDefinition[]) => Promise<void>;
  log: Logger;
  /** Called after KPIs were rebuilt, so the wall shows the repaired values. */
  onRepaired?: (kpiIds: readonly string[]) => void;
  /** Counts the rebuilds that ran (a metric). */
  counter?: { inc(): void };
  /** Wait before trying a failed rebuild again. */
  retryMs?: number;
}

/**
 * Tiles must not wait for inserts, so KPIs count an event once it is admitted (valid,
 * not a repeat), before its insert returns. When an insert fails, the events it carried
 * are counted but not stored, and the producer will send them again: the KPIs they touch
 * are marked, and once a write succeeds again they are rebuilt from the store, which
 * holds exactly what was kept. Until then the ingest path is `degraded`: it counts an
 * event only after its insert returned, so retries during an outage are not counted on
 * top of the attempts that failed.
 */
export class WindowRepair {
  readonly #opts: WindowRepairOptions;
  readonly #dirty = new Set<string>();
  #failedSinceSuccess = false;
  #running: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** After a failed rebuild, none before this time (the timer kicks then). */
  #retryAt = 0;
  #closed = false;
  #repairs = 0;

  constructor(opts: WindowRepairOptions) {
    this.#opts = opts;
  }

  /** True from a failed insert until a later write succeeded and the KPIs it touched were rebuilt. */
  get degraded(): boolean {
    return this.#failedSinceSuccess || this.#dirty.size > 0 || this.#running !== undefined;
  }

  /** How many rebuilds ran: the operator's sign that the store refused writes the wall had shown. */
  get repairs(): number {
    return this.#repairs;
  }

  /** An insert failed; `shown` are the events of it the KPIs had already counted. */
  failed(shown: readonly MetricEvent[]): void {
    this.#failedSinceSuccess = true;
    if (shown.length === 0) return;
    const metrics = new Set<string>();
    for (const e of shown) metrics.add(e.metric);
    for (const id of this.#opts.evaluator.kpisReading(metrics)) this.#dirty.add(id);
  }

  /** An insert succeeded: the store takes writes again, so the marked KPIs can be rebuilt. */
  stored(): void {
    this.#failedSinceSuccess = false;
    this.#kick();
  }

  #kick(): void {
    if (this.#closed || this.#running || this.#failedSinceSuccess || this.#dirty.size === 0) return;
    if (Date.now() < this.#retryAt) return;
    this.#running = this.#repair().finally(() => {
      this.#running = undefined;
      this.#kick();
    });
  }

  async #repair(): Promise<void> {
    const { evaluator, rebuild, log } = this.#opts;
    const defs = [...this.#dirty].flatMap((id) => evaluator.definition(id) ?? []);
    const ids = defs.map((d) => d.id);
    this.#dirty.clear();
    if (ids.length === 0) return;
    try {
      await rebuild(defs);
      this.#repairs += 1;
      this.#opts.counter?.inc();
      log.warn({ kpis: ids }, 'KPIs rebuilt from the store after an insert they had counted failed');
    } catch (err) {
      log.error({ err: (err as Error).message, kpis: ids }, 'could not rebuild KPIs after a failed insert; trying again');
      for (const id of ids) this.#dirty.add(id);
      const retryMs = this.#opts.retryMs ?? 1_000;
      this.#retryAt = Date.now() + retryMs;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => this.#kick(), retryMs);
    } finally {
      this.#opts.onRepaired?.(ids);
    }
  }

  /** Waits for a rebuild in progress; no new ones start. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#retryTimer);
    await this.#running;
  }
}
