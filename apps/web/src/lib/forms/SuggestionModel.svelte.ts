import { call, client, errorMessage } from '../api/client.ts';
import type { TargetSuggestion } from '../api/types.ts';
import { nextQuarter } from './suggestion.ts';

/** "Suggest from history": asks the server for maintain and stretch targets for one period. */
export class SuggestionModel {
  period = $state(nextQuarter(Date.now()));
  suggestion = $state.raw<TargetSuggestion | null>(null);
  /** The period the shown suggestion is for (the input may have changed since). */
  forPeriod = $state('');
  loading = $state(false);
  error = $state<string | null>(null);

  async fetch(kpiId: string): Promise<void> {
    this.loading = true;
    this.error = null;
    try {
      const period = this.period.trim();
      this.suggestion = await call(
        client.api.v1.kpis[':id']['target-suggestion'].$get({ param: { id: encodeURIComponent(kpiId) }, query: { period } }),
      );
      this.forPeriod = period;
    } catch (err) {
      this.suggestion = null;
      this.error = errorMessage(err);
    } finally {
      this.loading = false;
    }
  }
}
