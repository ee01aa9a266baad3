import { BlockList, isIP } from 'node:net';

/**
 * The client's address: the socket's peer, unless that peer is a trusted reverse proxy
 * (NORTHSTAR_TRUSTED_PROXIES), in which case the right-most X-Forwarded-For entry that is
 * not itself a trusted proxy. Without trusted proxies the header is ignored: any client
 * could write it.
 */
export class ClientAddress {
  readonly #trusted = new BlockList();
  readonly #any: boolean;

  constructor(trustedProxies: readonly string[]) {
    for (const p of trustedProxies) {
      const [addr, bits] = p.split('/');
      const type = isIP(addr!) === 6 ? 'ipv6' : 'ipv4';
      if (bits === undefined) this.#trusted.addAddress(addr!, type);
      else this.#trusted.addSubnet(addr!, Number(bits), type);
    }
    this.#any = trustedProxies.length > 0;
  }

  #isTrusted(addr: string): boolean {
    const family = isIP(addr);
    if (family === 0) return false;
    return this.#trusted.check(addr, family === 6 ? 'ipv6' : 'ipv4');
  }

  resolve(peer: string | undefined, forwardedFor: string | undefined): string {
    const socket = normalise(peer ?? '') || 'unknown';
    if (!this.#any || forwardedFor === undefined || !this.#isTrusted(socket)) return socket;
    const hops = forwardedFor
      .split(',')
      .map((h) => normalise(h.trim()))
      .filter((h) => isIP(h) !== 0);
    for (let i = hops.length - 1; i >= 0; i--) if (!this.#isTrusted(hops[i]!)) return hops[i]!;
    return hops[0] ?? socket;
  }
}

/** `::ffff:10.0.0.1` is the IPv4 client 10.0.0.1. */
function normalise(addr: string): string {
  return addr.startsWith('::ffff:') && isIP(addr.slice(7)) === 4 ? addr.slice(7) : addr;
}
