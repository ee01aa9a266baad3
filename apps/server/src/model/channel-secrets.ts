import {
  ChannelSchema,
  SECRET_FIELDS,
  requiredSecretFields,
  type AppChannel,
  type ChannelConfig,
  type ChannelType,
  type FieldProblem,
  type SealedSecret,
  type StoredChannel,
} from '@northstar/shared';
import { SecretError, type SecretBox } from './secret-box.ts';

/**
 * The one place a channel's secrets cross between clear text and the store: sealed on the
 * way in (a secret left out keeps the stored one), shown as their last four characters on
 * the way out, opened only to build a notifier.
 */

const secretFieldsOf = (type: ChannelType): readonly string[] => SECRET_FIELDS[type];
/** Binds a box to its channel and field: copied onto another channel it does not open. */
const aadOf = (id: string, field: string) => `channel:${id}:${field}`;
const hint = (secret: string) => (secret.length > 8 ? secret.slice(-4) : '');

/** A channel's secret that cannot be opened, named so an admin knows which one to fix. */
export class ChannelSecretError extends Error {
  override readonly name = 'ChannelSecretError';
  constructor(
    readonly channel: string,
    readonly field: string,
    reason: string,
  ) {
    super(`channel "${channel}": its ${field} cannot be decrypted: ${reason}`);
  }
}

export type SealResult = { ok: true; channel: StoredChannel } | { ok: false; problems: FieldProblem[] };

/**
 * Seals an app channel's secrets. A secret field left out keeps the previous channel's
 * (same id and type); one given again unchanged keeps its box, so re-importing an export
 * or the same file does not make a new version.
 */
export function sealChannel(input: AppChannel, previous: StoredChannel | undefined, box: SecretBox): SealResult {
  const { secrets: _hints, ...rest } = input;
  const clear = rest as Record<string, unknown>;
  const kept = previous?.type === input.type ? previous.sealed : {};
  const sealed: Record<string, SealedSecret> = {};
  const problems: FieldProblem[] = [];
  const plain: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(clear)) if (!secretFieldsOf(input.type).includes(k)) plain[k] = v;
  // by mode: a Slack channel switched to the Web API drops its webhook URL, and back
  const required = requiredSecretFields(input);
  for (const field of secretFieldsOf(input.type)) {
    const value = clear[field];
    const old = kept[field];
    if (typeof value !== 'string') {
      if (!required.includes(field)) continue;
      if (old) sealed[field] = old;
      else problems.push({ field, message: `required: a new ${input.type} channel needs its ${field} (it is stored encrypted)` });
      continue;
    }
    sealed[field] =
      old && sameSecret(box, old, input.id, field, value) ? old : { box: box.seal(value, aadOf(input.id, field)), last4: hint(value) };
  }
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, channel: { ...plain, sealed } as StoredChannel };
}

function sameSecret(box: SecretBox, old: SealedSecret, id: string, field: string, value: string): boolean {
  try {
    return box.open(old.box, aadOf(id, field)) === value;
  } catch {
    // a box this key cannot open is replaced by the value given now: entering it again is the fix
    return false;
  }
}

/** What the API and an export show: which secrets are set and their last four characters, nothing more. */
export function channelHints(channel: StoredChannel): Record<string, string> {
  const hints: Record<string, string> = {};
  for (const field of secretFieldsOf(channel.type)) {
    const s = channel.sealed[field];
    if (s) hints[field] = s.last4 ? `set, ends …${s.last4}` : 'set';
  }
  return hints;
}

/** The channel as an export or the API shows it: valid input again (secrets left out are kept). */
export function publicChannel(channel: StoredChannel): AppChannel {
  const { sealed: _sealed, ...rest } = channel;
  return { ...rest, secrets: channelHints(channel) } as AppChannel;
}

/** The clear channel a notifier is built from; a secret that cannot be opened throws ChannelSecretError naming the channel. */
export function openChannel(channel: StoredChannel, box: SecretBox): ChannelConfig {
  const { sealed, name: _name, ...rest } = channel;
  const clear: Record<string, unknown> = { ...rest };
  const required = requiredSecretFields(channel);
  for (const field of secretFieldsOf(channel.type)) {
    const s = sealed[field];
    if (!s && !required.includes(field)) continue;
    if (!s) throw new ChannelSecretError(channel.id, field, 'it is not set');
    try {
      clear[field] = box.open(s.box, aadOf(channel.id, field));
    } catch (err) {
      throw new ChannelSecretError(channel.id, field, err instanceof SecretError ? err.message : String(err));
    }
  }
  return ChannelSchema.parse(clear);
}
