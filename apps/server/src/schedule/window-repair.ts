import type { Logger } from 'pino';
import type { KpiDefinition } from '@northstar/shared';
import type { CountLedger } from '../evaluate/count-ledger.ts';

export interface WindowRepairOptions {
  /** Says when a repair can start and which KPIs it rebuilds (count-ledger.ts). */
  ledger: Pick<CountLedger, 'startRepair' | 'repairEnded' | 'onRepairDue'>;
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
 * Runs the repairs the ledger asks for: tiles count an event before its insert returns,
 * so when an insert fails the KPIs that counted it are marked (count-ledger.ts), and once
 * a write succeeds again this rebuilds them from the store, which holds exactly what was
 * kept; one at a time, a failed rebuild tried again after `retryMs`. Whether an event
 * counts meanwhile is the ledger's call, not this one's.
 */
export class WindowRepair {
  readonly #opts: WindowRepairOptions;
  #running: Promise<void> | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  /** After a failed rebuild, none before this time (the timer kicks then). */
  #retryAt = 0;
  #closed = false;
  #repairs = 0;

  constructor(opts: WindowRepairOptions) {
    this.#opts = opts;
    opts.ledger.onRepairDue(() => this.#kick());
  }

  /** How many rebuilds ran: the operator's sign that the store refused writes the wall had shown. */
  get repairs(): number {
    return this.#repairs;
  }

  #kick(): void {
    if (this.#closed || this.#running || Date.now() < this.#retryAt) return;
    const defs = this.#opts.ledger.startRepair();
    if (!defs) return;
    this.#running = this.#repair(defs).finally(() => {
      this.#running = undefined;
      this.#kick();
    });
  }

  async #repair(defs: readonly KpiDefinition[]): Promise<void> {
    const { ledger, rebuild, log } = this.#opts;
    const ids = defs.map((d) => d.id);
    let ok = true;
    try {
      if (ids.length === 0) return;
      await rebuild(defs);
      this.#repairs += 1;
      this.#opts.counter?.inc();
      log.warn({ kpis: ids }, 'KPIs rebuilt from the store after an insert they had counted failed');
    } catch (err) {
      ok = false;
      log.error({ err: (err as Error).message, kpis: ids }, 'could not rebuild KPIs after a failed insert; trying again');
      const retryMs = this.#opts.retryMs ?? 1_000;
      this.#retryAt = Date.now() + retryMs;
      clearTimeout(this.#retryTimer);
      this.#retryTimer = setTimeout(() => this.#kick(), retryMs);
    } finally {
      ledger.repairEnded(defs, ok);
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
