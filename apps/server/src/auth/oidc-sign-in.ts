import * as oidc from 'openid-client';
import type { OidcSettings } from '../config/oidc-settings.ts';
import type { PendingFlowStore } from '../store/oidc-flow-repo.ts';
import { memoryFlowStore, PendingFlows, type PendingFlow } from './oidc-flows.ts';
import { identityFrom, OidcRefused, type OidcIdentity } from './oidc-identity.ts';
import { randomSecret } from './secrets.ts';

/**
 * The OpenID Connect authorization code flow with PKCE, through openid-client: start makes
 * the state, nonce and code verifier and the provider's authorization URL; finish checks the
 * state, exchanges the code with the verifier, validates the ID token (signature, issuer,
 * audience, nonce) and reads the claims. Each pending flow is bound to the browser that
 * started it by a random cookie (flowId) and used once. Flows wait in the store (migration 9),
 * so a sign-in started on one instance finishes on any other sharing that store.
 */

/** Long enough to type a password and answer a second factor; short enough that a stale tab just starts again. */
const FLOW_TTL_MS = 10 * 60_000;
/** Pending sign-ins kept at once: unauthenticated requests start them, so they are bounded. */
const MAX_PENDING_FLOWS = 10_000;

export interface FinishedSignIn {
  identity: OidcIdentity;
  next: string;
}

/** The message for a failure of the flow itself (provider error, bad state, bad token), plain for the person signing in. */
export function signInFailure(err: unknown): string {
  if (err instanceof OidcRefused) return err.message;
  if (err instanceof oidc.AuthorizationResponseError) {
    return `the identity provider refused the sign-in: ${(err.error_description ?? err.error).slice(0, 300)}`;
  }
  if (err instanceof oidc.ResponseBodyError) {
    return `the identity provider refused the code exchange: ${(err.error_description ?? err.error).slice(0, 300)}`;
  }
  // openid-client wraps what it found wrong (a state or nonce mismatch, a bad signature) as the cause
  const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : '';
  const message = err instanceof Error ? `${err.message}${cause}` : String(err);
  return `sign-in with the identity provider failed: ${message.slice(0, 300)}`;
}

export class OidcSignIn {
  readonly #settings: OidcSettings;
  readonly #now: () => number;
  readonly #flows: PendingFlows;
  #config: Promise<oidc.Configuration> | undefined;

  /** `store`: where pending flows wait (the shared store in the server; this process alone when left out). */
  constructor(settings: OidcSettings, store: PendingFlowStore = memoryFlowStore(), now: () => number = Date.now) {
    this.#settings = settings;
    this.#flows = new PendingFlows(store);
    this.#now = now;
  }

  get displayName(): string {
    return this.#settings.displayName;
  }

  /** The provider's metadata, read once; a failed read is tried again on the next sign-in (the provider may start after us). */
  #configuration(): Promise<oidc.Configuration> {
    this.#config ??= (async () => {
      const s = this.#settings;
      const url = new URL(s.issuer);
      const auth = s.clientSecret === undefined ? oidc.None() : oidc.ClientSecretBasic(s.clientSecret);
      // settings allow plain http only to a loopback issuer
      const execute = url.protocol === 'http:' ? [oidc.allowInsecureRequests] : [];
      return oidc.discovery(url, s.clientId, undefined, auth, { execute, timeout: 10 });
    })().catch((err: unknown) => {
      this.#config = undefined;
      throw new OidcRefused(`the identity provider at ${this.#settings.issuer} could not be reached: ${signInFailure(err)}`);
    });
    return this.#config;
  }

  /** A new flow: the cookie value that binds it to this browser and the URL to send the browser to. */
  async start(redirectUri: string, next: string): Promise<{ flowId: string; url: URL }> {
    const config = await this.#configuration();
    const now = this.#now();
    if ((await this.#flows.live(now)) >= MAX_PENDING_FLOWS)
      throw new OidcRefused('too many sign-ins are in progress; try again in a few minutes');
    const flow: PendingFlow = {
      state: oidc.randomState(),
      nonce: oidc.randomNonce(),
      verifier: oidc.randomPKCECodeVerifier(),
      redirectUri,
      next,
      expiresAt: now + FLOW_TTL_MS,
    };
    const flowId = randomSecret();
    await this.#flows.put(flowId, flow);
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope: this.#settings.scopes.join(' '),
      response_type: 'code',
      code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: 'S256',
      state: flow.state,
      nonce: flow.nonce,
    });
    return { flowId, url };
  }

  /** Completes the flow this browser started, with the query the provider sent it back with. */
  async finish(flowId: string | undefined, query: URLSearchParams): Promise<FinishedSignIn> {
    // used once, whatever happens next
    const flow = flowId ? await this.#flows.take(flowId, this.#now()) : undefined;
    if (!flow) {
      throw new OidcRefused('this sign-in was not started in this browser or took longer than 10 minutes; start it again');
    }
    const config = await this.#configuration();
    const current = new URL(flow.redirectUri);
    current.search = query.toString();
    const tokens = await oidc.authorizationCodeGrant(config, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const idClaims = tokens.claims();
    if (!idClaims) throw new OidcRefused('the identity provider sent no ID token');
    let claims: Record<string, unknown> = { ...idClaims };
    // many providers keep profile and group claims out of the ID token and serve them from userinfo
    if (config.serverMetadata().userinfo_endpoint) {
      const info = await oidc.fetchUserInfo(config, tokens.access_token, idClaims.sub);
      // the signed ID token wins where both say something
      claims = { ...info, ...idClaims };
    }
    return { identity: identityFrom(claims, config.serverMetadata().issuer, this.#settings), next: flow.next };
  }
}
