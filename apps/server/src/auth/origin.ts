/**
 * Whether a browser request from `origin` may act on this server: its own origin (same
 * host as the Host header; a page cannot fake Origin) or one in the allow-list. A request
 * without Origin is not from a cross-site page (browsers send it on every cross-origin
 * request, WebSocket handshakes and POSTs), so it passes here and needs credentials anyway.
 */
export function originAllowed(origin: string | undefined, host: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  if (allowed.has(origin)) return true;
  try {
    const url = new URL(origin);
    return host !== undefined && (url.protocol === 'http:' || url.protocol === 'https:') && url.host === host.toLowerCase();
  } catch {
    return false;
  }
}
