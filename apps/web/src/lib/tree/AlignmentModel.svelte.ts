import { SvelteSet } from 'svelte/reactivity';
import { fetchAlignment } from '../api/alignment.ts';
import { errorMessage } from '../api/client.ts';
import { applyFix } from '../api/model.ts';
import type { AlignmentResponse, LintFinding } from '../api/types.ts';

/** The tree follows model changes (snapshot messages) and otherwise refreshes this often for roll-ups and check-ins. */
export const TREE_REFRESH_MS = 10_000;

/** The alignment page: the tree from the server, which nodes are folded, and one-click lint fixes. */
export class AlignmentModel {
  data = $state.raw<AlignmentResponse | null>(null);
  error = $state<string | null>(null);
  notice = $state<string | null>(null);
  /** Node keys ("objective:grow", "kpi:grow/orders") the viewer folded. */
  readonly collapsed = new SvelteSet<string>();
  #timer: ReturnType<typeof setInterval> | undefined;
  #inFlight = false;

  async load(): Promise<void> {
    if (this.#inFlight) return;
    this.#inFlight = true;
    try {
      this.data = await fetchAlignment();
      this.error = null;
    } catch (err) {
      // The last tree stays on screen; the message says it may be out of date.
      this.error = errorMessage(err);
    } finally {
      this.#inFlight = false;
    }
  }

  start(): void {
    void this.load();
    this.#timer = setInterval(() => void this.load(), TREE_REFRESH_MS);
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  toggle(key: string): void {
    if (this.collapsed.has(key)) this.collapsed.delete(key);
    else this.collapsed.add(key);
  }

  async fix(finding: LintFinding): Promise<void> {
    try {
      await applyFix(finding);
      this.notice = `Applied: ${finding.fix.text}`;
    } catch (err) {
      this.notice = `Could not apply the fix: ${errorMessage(err)}`;
    }
    await this.load();
  }
}
