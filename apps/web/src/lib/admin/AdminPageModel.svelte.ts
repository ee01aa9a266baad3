import { errorMessage } from '../api/client.ts';

/**
 * The load and write steps an admin page's model shares (users and tokens, notifications):
 * `load` reads what the page shows; a write says what it did (a notice) or why it failed (an
 * error), and reloads when it succeeded, so the page shows what the server holds.
 */
export abstract class AdminPageModel {
  error = $state<string | null>(null);
  notice = $state<string | null>(null);

  /** Reads what the page shows into the model; throws what the API threw. */
  protected abstract read(): Promise<void>;

  async load(): Promise<void> {
    try {
      await this.read();
      this.error = null;
    } catch (err) {
      this.error = errorMessage(err);
    }
  }

  /** One write: true when the server took it (the page is then reloaded). */
  protected async run(action: () => Promise<unknown>, notice: string): Promise<boolean> {
    try {
      await action();
      this.error = null;
      this.notice = notice;
      await this.load();
      return true;
    } catch (err) {
      this.error = errorMessage(err);
      this.notice = null;
      return false;
    }
  }
}
