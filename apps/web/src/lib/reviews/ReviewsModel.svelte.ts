import { call, client, errorMessage } from '../api/client.ts';
import { toReviewRows, type ReviewRow } from './reviewRow.ts';

/** The reviews page: what is due or overdue, soonest first. */
export class ReviewsModel {
  rows = $state.raw<ReviewRow[] | null>(null);
  error = $state<string | null>(null);

  async load(): Promise<void> {
    try {
      this.rows = toReviewRows(await call(client.api.v1.reviews.$get()), Date.now());
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }
}
