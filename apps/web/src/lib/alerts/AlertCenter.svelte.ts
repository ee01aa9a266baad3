import type { Alert } from '@northstar/shared';
import { acknowledgeAlert, alertFeedback, createSilence } from '../api/alerts.ts';
import { currentUser, errorMessage, rememberUser } from '../api/client.ts';
import { announcement, isNewlyFiring, silenceFor } from './alertView.ts';
import { TOAST_MS, dismissToast, pushToast, type Toast } from './toasts.ts';

type RowStatus = { kind: 'busy' } | { kind: 'done'; text: string } | { kind: 'error'; text: string };

/**
 * What the wall does with alerts besides listing them: the panel's open state, toasts and the
 * screen-reader announcement for a newly firing alert, and the actions on a row (acknowledge,
 * silence, verdict). The alerts themselves live in the wall state; an action's answer is handed
 * back through `onAlert` so the row updates without waiting for the push.
 */
export class AlertCenter {
  /** null = automatic: open while something is firing, so a TV shows the column only then. */
  panelOpen = $state<boolean | null>(null);
  toasts = $state.raw<Toast[]>([]);
  /** The polite live region's text: the newest firing alert, in words. */
  announcement = $state('');
  /** Per alert key: an action in flight, or how the last one went. */
  rowStatus = $state.raw<Readonly<Record<string, RowStatus>>>({});
  author = $state(currentUser());

  #nextId = 1;
  /** Auto-hide timers by toast id; bookkeeping, not state. */
  readonly #timers: Record<number, ReturnType<typeof setTimeout>> = {};
  readonly #onAlert: (alert: Alert) => void;
  readonly #now: () => number;

  constructor(onAlert: (alert: Alert) => void, now: () => number = () => Date.now()) {
    this.#onAlert = onAlert;
    this.#now = now;
  }

  isOpen(firing: number): boolean {
    return this.panelOpen ?? firing > 0;
  }

  toggle(firing: number): void {
    this.panelOpen = !this.isOpen(firing);
  }

  /** Called with each alert message before it is applied: news gets a toast and is announced. */
  offer(before: Alert | undefined, after: Alert, unit: string): void {
    if (!isNewlyFiring(before, after)) return;
    const text = announcement(after, unit);
    this.announcement = text;
    const toast: Toast = { id: this.#nextId++, alertKey: after.key, severity: after.severity, text };
    const kept = pushToast(this.toasts, toast);
    for (const t of this.toasts) if (!kept.includes(t)) this.#clearTimer(t.id);
    this.toasts = kept;
    this.#timers[toast.id] = setTimeout(() => this.dismiss(toast.id), TOAST_MS);
  }

  dismiss = (id: number): void => {
    this.#clearTimer(id);
    this.toasts = dismissToast(this.toasts, id);
  };

  stop(): void {
    for (const id of Object.keys(this.#timers)) this.#clearTimer(Number(id));
  }

  acknowledge(key: string, comment: string): Promise<boolean> {
    return this.#act(key, 'Acknowledged.', () => acknowledgeAlert(key, comment.trim()));
  }

  silence(alert: Alert, hours: number): Promise<boolean> {
    return this.#act(alert.key, `Silenced for ${hours} h.`, async () => {
      await createSilence(silenceFor(alert, hours, this.#now(), this.author.trim()));
      return null;
    });
  }

  feedback(key: string, verdict: { real: boolean; note: string; expected: boolean }): Promise<boolean> {
    const text = verdict.real ? 'Marked as real. Thank you.' : 'Marked as not real. Thank you.';
    return this.#act(key, text, () => alertFeedback(key, { ...verdict, note: verdict.note.trim() }));
  }

  async #act(key: string, doneText: string, call: () => Promise<Alert | null>): Promise<boolean> {
    if (this.author.trim()) rememberUser(this.author);
    this.#setStatus(key, { kind: 'busy' });
    try {
      const alert = await call();
      if (alert) this.#onAlert(alert);
      this.#setStatus(key, { kind: 'done', text: doneText });
      return true;
    } catch (err) {
      this.#setStatus(key, { kind: 'error', text: errorMessage(err) });
      return false;
    }
  }

  #setStatus(key: string, status: RowStatus): void {
    this.rowStatus = { ...this.rowStatus, [key]: status };
  }

  #clearTimer(id: number): void {
    clearTimeout(this.#timers[id]);
    delete this.#timers[id];
  }
}
