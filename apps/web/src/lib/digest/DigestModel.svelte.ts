import { digestPreview, digestSubscriptions, sendDigestToMe, setDigestSubscription, type DigestPreview } from '../api/digests.ts';
import { errorMessage } from '../api/client.ts';

type Status = { kind: 'idle' } | { kind: 'busy'; text: string } | { kind: 'ok'; text: string } | { kind: 'error'; text: string };

const CHANNEL_WORDS: Readonly<Record<string, string>> = { email: 'email', slack: 'Slack' };

/** One objective's digest page: the preview, sending it to oneself, and one's subscription to it. */
export class DigestModel {
  preview = $state<DigestPreview | null>(null);
  loadError = $state('');
  subscribed = $state<boolean | null>(null);
  status = $state<Status>({ kind: 'idle' });

  constructor(readonly objective: string) {}

  async load(): Promise<void> {
    try {
      this.preview = await digestPreview(this.objective);
    } catch (err) {
      this.loadError = errorMessage(err);
      return;
    }
    try {
      this.subscribed = (await digestSubscriptions()).find((s) => s.objective === this.objective)?.subscribed ?? null;
    } catch {
      // no person to ask about (a token, or auth off without a name): the toggle stays hidden
      this.subscribed = null;
    }
  }

  async sendToMe(): Promise<void> {
    this.status = { kind: 'busy', text: 'Sending…' };
    try {
      const { sent } = await sendDigestToMe(this.objective);
      const ok = sent.filter((s) => s.ok).map((s) => CHANNEL_WORDS[s.channel] ?? s.channel);
      const failed = sent.filter((s) => !s.ok).map((s) => `${CHANNEL_WORDS[s.channel] ?? s.channel} failed: ${s.error}`);
      this.status = { kind: failed.length > 0 ? 'error' : 'ok', text: [`Sent to your ${ok.join(' and ')}.`, ...failed].join(' ') };
    } catch (err) {
      this.status = { kind: 'error', text: errorMessage(err) };
    }
  }

  async toggleSubscription(): Promise<void> {
    const next = !this.subscribed;
    try {
      this.subscribed = (await setDigestSubscription(this.objective, next)).subscribed;
      this.status = {
        kind: 'ok',
        text: next ? 'Subscribed: you will get this digest.' : 'Unsubscribed: you will no longer get this digest.',
      };
    } catch (err) {
      this.status = { kind: 'error', text: errorMessage(err) };
    }
  }
}
