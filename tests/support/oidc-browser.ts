import { expect } from 'vitest';

/**
 * A browser at HTTP level for single sign-on: a cookie jar per host:port (no paths: each
 * site here uses distinct names) and redirects followed by hand, so a test sees every hop
 * and can send the provider's answer to whichever instance it likes.
 */
export class OidcBrowser {
  readonly jar = new Map<string, Map<string, string>>();

  async fetch(href: string, init: RequestInit = {}): Promise<Response> {
    const url = new URL(href);
    const headers = new Headers(init.headers);
    const cookie = [...(this.jar.get(url.host) ?? new Map<string, string>())].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) headers.set('cookie', cookie);
    const res = await fetch(url, { ...init, headers, redirect: 'manual' });
    const jar = this.jar.get(url.host) ?? new Map<string, string>();
    this.jar.set(url.host, jar);
    for (const set of res.headers.getSetCookie()) {
      const [pair = '', ...attrs] = set.split(';');
      const eq = pair.indexOf('=');
      const gone = attrs.some((a) => /^\s*max-age=0\s*$/i.test(a) || /^\s*expires=Thu, 01 Jan 1970/i.test(a));
      if (gone) jar.delete(pair.slice(0, eq).trim());
      else jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
    }
    return res;
  }

  cookie(host: string, name: string): string | undefined {
    return this.jar.get(host)?.get(name);
  }

  setCookie(host: string, name: string, value: string): void {
    const jar = this.jar.get(host) ?? new Map<string, string>();
    jar.set(name, value);
    this.jar.set(host, jar);
  }

  /**
   * From the provider's authorization URL through its login form to the redirect back:
   * returns the callback URL the provider sent the browser to (not fetched), which starts with `callbackPrefix`.
   */
  async throughProvider(authorizeUrl: string, login: string, password: string, callbackPrefix: string): Promise<string> {
    const toCallback = async (res: Response, from: string): Promise<{ res: Response; url: string }> => {
      let url = from;
      while (res.status >= 300 && res.status < 400) {
        url = new URL(res.headers.get('location') ?? '', url).href;
        if (url.startsWith(callbackPrefix)) return { res, url };
        res = await this.fetch(url);
      }
      return { res, url };
    };
    const form = await toCallback(await this.fetch(authorizeUrl), authorizeUrl);
    expect(form.res.status).toBe(200);
    const posted = await this.fetch(`${form.url}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ login, password }).toString(),
    });
    const back = await toCallback(posted, `${form.url}/login`);
    expect(back.url.startsWith(callbackPrefix)).toBe(true);
    return back.url;
  }
}
