import { Hono, type Context } from 'hono';
import { DigestError, type DigestService } from '../digest/digest-service.ts';
import { escapeHtml } from '../digest/format.ts';
import { MAX_TOKEN_LENGTH } from '../digest/unsubscribe-token.ts';
import { jsonError } from './errors.ts';
import { modelErrorResponse, readJson } from './model-routes.ts';
import { doc } from './route-doc.ts';
import { input } from './typed-input.ts';
import { changeMeta } from './write-guard.ts';

export interface DigestRouteDeps {
  /** null: the config file has no `notifications.digests` section. */
  digests?: DigestService | null;
}

const NOT_CONFIGURED = 'review digests are not configured: add notifications.digests to the config file (docs/digests.md)';

/** Who "me" is: the signed-in person, or with auth off the X-Northstar-User header. */
function me(c: Context): string | null {
  const who = c.get('principal');
  if (who?.kind === 'user') return who.name;
  const named = changeMeta(c).author;
  return who?.kind === 'open' && named !== 'anonymous' ? named : null;
}

function failure(c: Context, err: unknown) {
  if (err instanceof DigestError) return jsonError(c, err.status, err.code, err.message);
  return modelErrorResponse(c, err);
}

/** A small page for a person who clicked a link in an email: it says what happened and links back. */
function page(title: string, body: string, status: 200 | 400 | 404 | 429 | 503, c: Context) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${escapeHtml(title)}</title></head>
<body style="font-family:system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#111827"><h1 style="font-size:1.4rem">${escapeHtml(title)}</h1>${body}</body></html>`;
  return c.html(html, status);
}

/** Review digests: the preview and "send me this now", a person's subscriptions, and the one-click unsubscribe link. */
export function digestRoutes(deps: DigestRouteDeps) {
  const unsubscribe = async (c: Context, token: string) => {
    if (!deps.digests) return page('Digests are off', `<p>${escapeHtml(NOT_CONFIGURED)}</p>`, 503, c);
    try {
      const done = await deps.digests.unsubscribe(token, Date.now());
      return page(
        'You are unsubscribed',
        `<p data-testid="unsubscribed">${escapeHtml(done.person)} will no longer get the review digest of <strong>${escapeHtml(done.name)}</strong>.</p>
<p>Changed your mind? Subscribe again from the objective in <a href="${escapeHtml(deps.digests.appUrl())}">Northstar</a>.</p>`,
        200,
        c,
      );
    } catch (err) {
      if (err instanceof DigestError) return page('This link does not work', `<p>${escapeHtml(err.message)}.</p>`, err.status, c);
      throw err;
    }
  };

  return new Hono()
    .get(
      '/api/v1/digests/objectives/:id/preview',
      doc({
        tag: 'digests',
        summary: "An objective's review digest as it would be sent now: subject, HTML (charts inline), text, readers and the figures",
        responses: {
          200: '{objective, period, subject, html, text, recipients, digest}',
          404: 'No such objective',
          503: 'Digests are not configured',
        },
      }),
      async (c) => {
        if (!deps.digests) return jsonError(c, 503, 'not_configured', NOT_CONFIGURED);
        try {
          return c.json(await deps.digests.preview(c.req.param('id'), me(c), Date.now()));
        } catch (err) {
          return failure(c, err);
        }
      },
    )
    .post(
      '/api/v1/digests/objectives/:id/send',
      doc({
        tag: 'digests',
        summary: "Send me this digest now: to the signed-in person's email and Slack, outside the schedule",
        responses: {
          200: '{sent: [{channel, ok, error}]}',
          400: 'No address for this person',
          429: 'Sent to this person moments ago',
          401: 'Not signed in',
          404: 'No such objective',
          503: 'Digests are not configured',
        },
      }),
      async (c) => {
        if (!deps.digests) return jsonError(c, 503, 'not_configured', NOT_CONFIGURED);
        const person = me(c);
        if (!person)
          return jsonError(c, 400, 'no_person', 'sign in (or, with auth off, name yourself in X-Northstar-User) to be sent a digest');
        try {
          const sent = await deps.digests.sendNow(c.req.param('id'), person, Date.now());
          const failed = sent.filter((s) => !s.ok);
          if (failed.length === sent.length) {
            return jsonError(
              c,
              502,
              'not_sent',
              `the digest could not be sent: ${failed.map((f) => `${f.channel}: ${f.error}`).join('; ')}`,
            );
          }
          return c.json({ sent });
        } catch (err) {
          return failure(c, err);
        }
      },
    )
    .get(
      '/api/v1/digests/subscriptions',
      doc({
        tag: 'digests',
        summary: "The signed-in person's digest subscriptions, one per objective",
        responses: { 200: '[{objective, name, subscribed, why}]', 400: 'No person', 503: 'Digests are not configured' },
      }),
      async (c) => {
        if (!deps.digests) return jsonError(c, 503, 'not_configured', NOT_CONFIGURED);
        const person = me(c);
        if (!person) return jsonError(c, 400, 'no_person', 'sign in (or, with auth off, name yourself in X-Northstar-User)');
        return c.json(await deps.digests.subscriptions(person));
      },
    )
    .put(
      '/api/v1/digests/subscriptions/:objective',
      doc({
        tag: 'digests',
        summary: "Subscribe to (or unsubscribe from) an objective's digest: body {subscribed: true|false}",
        body: { media: 'application/json', description: '{"subscribed": true} or {"subscribed": false}' },
        responses: {
          200: '{objective, name, subscribed, why}',
          400: 'Invalid body',
          404: 'No such objective',
          503: 'Digests are not configured',
        },
      }),
      input<{ json: { subscribed: boolean } }>(),
      async (c) => {
        if (!deps.digests) return jsonError(c, 503, 'not_configured', NOT_CONFIGURED);
        const person = me(c);
        if (!person) return jsonError(c, 400, 'no_person', 'sign in (or, with auth off, name yourself in X-Northstar-User)');
        try {
          const body = (await readJson(c, 1024)) as { subscribed?: unknown } | null;
          if (typeof body !== 'object' || body === null || typeof body.subscribed !== 'boolean') {
            return jsonError(c, 400, 'invalid', 'subscribed: must be true or false', [
              { field: 'subscribed', message: 'must be true or false' },
            ]);
          }
          return c.json(await deps.digests.setSubscription(person, c.req.param('objective'), body.subscribed, person, Date.now()));
        } catch (err) {
          return failure(c, err);
        }
      },
    )
    .get(
      '/api/v1/digests/charts/:token',
      doc({
        tag: 'digests',
        summary: "A KPI's chart in a Slack digest (PNG; a signed link, no sign-in; only with publicCharts)",
        responses: { 200: 'image/png', 404: 'The link is not valid or has expired', 503: 'Digests are not configured' },
      }),
      async (c) => {
        if (!deps.digests) return jsonError(c, 503, 'not_configured', NOT_CONFIGURED);
        try {
          const png = await deps.digests.chart(c.req.param('token').slice(0, MAX_TOKEN_LENGTH + 1), Date.now());
          return c.body(new Uint8Array(png), 200, { 'content-type': 'image/png', 'cache-control': 'private, max-age=3600' });
        } catch (err) {
          return failure(c, err);
        }
      },
    )
    .get(
      '/api/v1/digests/unsubscribe',
      doc({
        tag: 'digests',
        summary: "One-click unsubscribe from an objective's digest (the link in every digest; no sign-in): a page saying what it did",
        query: [{ name: 'token', required: true, description: 'the signed token from the digest' }],
        responses: { 200: 'HTML: unsubscribed', 400: 'HTML: the link is not valid', 503: 'Digests are not configured' },
      }),
      (c) => unsubscribe(c, (c.req.query('token') ?? '').slice(0, MAX_TOKEN_LENGTH + 1)),
    )
    .post(
      '/api/v1/digests/unsubscribe',
      doc({
        tag: 'digests',
        summary: 'RFC 8058 one-click unsubscribe (List-Unsubscribe-Post), posted by the mail program',
        query: [{ name: 'token', required: true, description: 'the signed token from the List-Unsubscribe header' }],
        responses: { 200: 'HTML: unsubscribed', 400: 'HTML: the link is not valid', 503: 'Digests are not configured' },
      }),
      (c) => unsubscribe(c, (c.req.query('token') ?? '').slice(0, MAX_TOKEN_LENGTH + 1)),
    );
}
