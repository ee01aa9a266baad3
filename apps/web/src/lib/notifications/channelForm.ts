import { SECRET_FIELDS, type AppChannelInput, type ChannelType, type ChannelView } from '@northstar/shared';

/** One input of the channel form: which field of the channel it fills, and how. */
export interface ChannelField {
  name: string;
  label: string;
  /** Stored encrypted and never shown again: an empty input on an edit keeps the stored value. */
  secret: boolean;
  optional: boolean;
  /** A comma-separated list (email recipients). */
  list?: boolean;
  placeholder?: string;
}

const secret = (type: ChannelType, name: string) => (SECRET_FIELDS[type] as readonly string[]).includes(name);

/** The inputs of each type, in the order a person fills them in. */
export const CHANNEL_FIELDS: Record<ChannelType, ChannelField[]> = {
  webhook: [
    { name: 'url', label: 'Webhook URL', secret: true, optional: false, placeholder: 'https://hooks.example.com/northstar' },
    { name: 'secret', label: 'Signing secret (16+ characters)', secret: true, optional: false },
  ],
  // two modes, one of them filled in: an incoming webhook, or a bot token and a conversation id (the Web API, which can be read back)
  slack: [
    {
      name: 'url',
      label: 'Incoming-webhook URL (webhook mode)',
      secret: true,
      optional: true,
      placeholder: 'https://hooks.slack.com/services/… (or a bot token and conversation id below)',
    },
    { name: 'botToken', label: 'Bot token (Web API mode)', secret: true, optional: true, placeholder: 'xoxb-…' },
    { name: 'channelId', label: 'Conversation (Web API mode: its C… code)', secret: false, optional: true, placeholder: 'C0123456789' },
    { name: 'apiUrl', label: 'Web API base URL (optional)', secret: false, optional: true, placeholder: 'https://slack.com/api' },
  ],
  email: [
    { name: 'smtpUrl', label: 'SMTP URL', secret: true, optional: false, placeholder: 'smtp://user:password@mail.example.com:587' },
    { name: 'from', label: 'From', secret: false, optional: false, placeholder: 'northstar@example.com' },
    { name: 'to', label: 'To (comma-separated)', secret: false, optional: false, list: true },
  ],
  pagerduty: [
    { name: 'routingKey', label: 'Integration (routing) key', secret: true, optional: false },
    { name: 'url', label: 'Events API base URL (optional)', secret: false, optional: true, placeholder: 'https://events.pagerduty.com' },
  ],
  opsgenie: [
    { name: 'apiKey', label: 'API key', secret: true, optional: false },
    { name: 'url', label: 'API base URL (optional)', secret: false, optional: true, placeholder: 'https://api.opsgenie.com' },
  ],
  teams: [{ name: 'url', label: 'Workflows / incoming-webhook URL', secret: true, optional: false }],
};

// the table and the shared list of secrets must agree: a secret shown as a plain input would leak
for (const [type, fields] of Object.entries(CHANNEL_FIELDS) as Array<[ChannelType, ChannelField[]]>) {
  for (const f of fields) if (f.secret !== secret(type, f.name)) throw new Error(`channel form: ${type}.${f.name} secret flag is wrong`);
}

/** The form's values for an existing channel: plain fields filled in, secrets empty (they are never sent back). */
export function formValues(view: ChannelView): Record<string, string> {
  const values: Record<string, string> = {};
  const raw = view as unknown as Record<string, unknown>;
  for (const f of CHANNEL_FIELDS[view.type]) {
    if (f.secret) continue;
    const v = raw[f.name];
    values[f.name] = Array.isArray(v) ? v.join(', ') : typeof v === 'string' ? v : '';
  }
  return values;
}

/** The channel to send: empty optional fields and empty secrets (kept on the server) left out. */
export function channelInput(type: ChannelType, id: string, name: string, values: Record<string, string>): AppChannelInput {
  const out: Record<string, unknown> = { id: id.trim(), type };
  if (name.trim()) out.name = name.trim();
  for (const f of CHANNEL_FIELDS[type]) {
    const v = (values[f.name] ?? '').trim();
    if (v === '') continue;
    out[f.name] = f.list
      ? v
          .split(',')
          .map((s) => s.trim())
          .filter((s) => s !== '')
      : v;
  }
  return out as AppChannelInput;
}
