/** A TV link `#/tv?boards=ops-room&kiosk=<token>`: the kiosk token in it, or '' when there is none. */
export function kioskFromHash(hash: string): string {
  const raw = hash.replace(/^#/, '');
  const [path = '', query = ''] = raw.split('?', 2);
  if (path.replace(/\/+$/, '') !== '/tv') return '';
  return new URLSearchParams(query).get('kiosk')?.trim() ?? '';
}

/** The full link a TV opens for one board: read-only, never asks anyone to sign in. */
export function kioskLink(origin: string, board: string, token: string): string {
  return `${origin}/#/tv?boards=${encodeURIComponent(board)}&kiosk=${encodeURIComponent(token)}`;
}

/** `#/login?next=<where they were>`; never back to the login page itself. */
export function loginHref(currentHash: string): string {
  const next = currentHash.replace(/^#/, '');
  return next === '' || next.startsWith('/login') ? '#/login' : `#/login?next=${encodeURIComponent(next)}`;
}

/** Where to go after signing in: the `next` of the login route when it is a page of this app. */
export function afterLogin(next: string | null): string {
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/login') ? `#${next}` : '#/';
}
