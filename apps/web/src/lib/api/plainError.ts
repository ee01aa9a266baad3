import type { ApiError } from './client.ts';

/**
 * What a person reads when a request fails: plain words and what to do next, never the API's own
 * text about headers, methods or endpoints. Messages the server writes for people (a wrong
 * password, "still referenced by …") are kept; the rest are said again by status and code.
 */
export function plainError(e: Pick<ApiError, 'status' | 'code' | 'message' | 'details'>): string {
  if (e.status === 0) return 'Cannot reach the Northstar server. Check that it is running and that you are online, then try again.';
  switch (e.code) {
    case 'bad_credentials':
    case 'in_use':
    case 'last_admin':
      return sentence(e.message);
    case 'csrf':
    case 'bad_origin':
      return 'Your sign-in on this page is out of date. Reload the page and try again.';
    case 'rate_limited':
      return 'Too many tries in a short time. Wait a minute, then try again.';
    case 'exists':
      return `${sentence(e.message.replace(/;.*$/, ''), '')}: choose another id, or open the existing one to change it.`;
    case 'version_conflict':
      return 'Someone changed this since you opened it. Reload to see their version, then make your change again.';
    case 'auth_off':
      return 'Sign-in is off on this server, so there is nothing to manage here.';
  }
  if (e.status === 401) return 'You are signed out. Sign in again to continue.';
  if (e.status === 403) return 'You are not allowed to do this. Ask an admin for the role it needs (editor or admin).';
  if (e.status === 404) return `Not found: ${e.message.replace(/^not found:?\s*/i, '')}. It may have been renamed or deleted.`;
  if (e.status === 413) return 'That is too large to send. Send less at once.';
  if (e.status === 503) return 'The server is busy. Try again in a minute.';
  if (e.status >= 500)
    return `The server ran into a problem (HTTP ${e.status}). Try again in a minute; if it keeps happening, tell whoever runs Northstar.`;
  if (e.details.length > 0) {
    return `Not accepted: ${e.details.map((d) => `${d.field} ${d.message}`).join('; ')}. Correct it and try again.`;
  }
  return 'The server did not accept this request. Check what you entered and try again.';
}

/** First letter up, a full stop at the end unless `end` says otherwise. */
function sentence(text: string, end = '.'): string {
  const t = text.trim();
  const capital = t.charAt(0).toUpperCase() + t.slice(1);
  return /[.!?]$/.test(capital) || end === '' ? capital : `${capital}${end}`;
}
