import type { MiddlewareHandler } from 'hono';
import { secureHeaders } from 'hono/secure-headers';

/**
 * Headers for every answer: the app loads only its own scripts, styles inline, images and
 * data: URLs; no <base> or form posts pointing elsewhere. Framing (clickjacking) is refused
 * (`frame-ancestors 'none'`, X-Frame-Options SAMEORIGIN for browsers without CSP 2) unless an
 * admin allows origins to embed boards and tiles (NORTHSTAR_EMBED_ORIGINS, or the setting an admin
 * changes in the app: PUT /api/v1/settings/embed-origins): then those origins
 * and only those may frame it, and X-Frame-Options, which cannot name an origin list, is left out
 * (browsers that know frame-ancestors ignore it anyway). Nothing else differs between the two.
 */
export function securityHeaders(embedOrigins: readonly string[] | (() => readonly string[])): MiddlewareHandler {
  if (typeof embedOrigins !== 'function') return headersFor(embedOrigins);
  // the list an admin sets in the app is read per request, so a change applies without a restart;
  // the middleware for one list is kept, since the list changes seldom and every request reads it
  let built: { key: string; middleware: MiddlewareHandler } | undefined;
  return (c, next) => {
    const origins = embedOrigins();
    const key = origins.join(' ');
    if (built?.key !== key) built = { key, middleware: headersFor(origins) };
    return built.middleware(c, next);
  };
}

function headersFor(embedOrigins: readonly string[]): MiddlewareHandler {
  const embedding = embedOrigins.length > 0;
  return secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'self'"],
      connectSrc: ["'self'"],
      imgSrc: ["'self'", 'data:'],
      styleSrc: ["'self'", "'unsafe-inline'"],
      scriptSrc: ["'self'"],
      frameAncestors: embedding ? [...embedOrigins] : ["'none'"],
      baseUri: ["'self'"],
      formAction: ["'self'"],
    },
    xFrameOptions: !embedding,
  });
}
