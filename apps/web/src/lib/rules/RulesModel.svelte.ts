import { detectorPrecision, listRules, type PrecisionRow, type VersionedRule } from '../api/alerts.ts';
import { errorMessage } from '../api/client.ts';

/** The rules page: every alert rule, and how often people found the alerts real. */
export class RulesModel {
  rules = $state.raw<VersionedRule[] | null>(null);
  precision = $state.raw<PrecisionRow[]>([]);
  error = $state<string | null>(null);
  precisionError = $state<string | null>(null);

  async load(): Promise<void> {
    await Promise.all([
      listRules().then(
        (rules) => {
          this.rules = [...rules].sort((a, b) => a.name.localeCompare(b.name));
          this.error = null;
        },
        (err: unknown) => {
          this.error = errorMessage(err);
        },
      ),
      detectorPrecision().then(
        (rows) => {
          this.precision = rows;
          this.precisionError = null;
        },
        (err: unknown) => {
          this.precisionError = errorMessage(err);
        },
      ),
    ]);
  }
}
