import { isIP } from 'node:net';

/**
 * Which Host headers this server answers: a defence against DNS rebinding, where a page
 * on attacker.example re-points its name at 127.0.0.1 and then reads the wall as a
 * same-origin page. Such a request carries `Host: attacker.example`. Allowed are: any IP
 * literal (a rebinding page cannot make the browser send one for its own name),
 * `localhost` and `*.localhost` (they resolve to loopback by definition), the name the
 * server binds to, the hosts of the allowed origins, and the names configured in
 * NORTHSTAR_ALLOWED_HOSTS (`*` there allows every name, e.g. behind a proxy that checks).
 */
export class HostPolicy {
  readonly #names: ReadonlySet<string>;
  readonly #any: boolean;

  constructor(opts: { bindHost: string; allowedHosts: readonly string[]; allowedOrigins: Iterable<string> }) {
    const names = new Set<string>(['localhost']);
    if (!isIP(opts.bindHost) && opts.bindHost !== '') names.add(opts.bindHost.toLowerCase());
    for (const h of opts.allowedHosts) names.add(h.toLowerCase());
    for (const o of opts.allowedOrigins) names.add(new URL(o).hostname.toLowerCase());
    this.#any = names.has('*');
    this.#names = names;
  }

  /** The host name of a Host header (`name:port`, `[v6]:port`), lower-cased; undefined when malformed. */
  static nameOf(host: string): string | undefined {
    const h = host.trim().toLowerCase();
    const m = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(:\d{1,5})?$/.exec(h);
    if (!m) return undefined;
    return m[1]!.startsWith('[') ? m[1]!.slice(1, -1) : m[1]!.replace(/\.$/, '');
  }

  allows(host: string | undefined): boolean {
    if (this.#any) return true;
    // HTTP/1.0 without Host cannot come from a browser page
    if (host === undefined || host === '') return true;
    const name = HostPolicy.nameOf(host);
    if (name === undefined) return false;
    return isIP(name) !== 0 || this.#names.has(name) || name.endsWith('.localhost');
  }
}
