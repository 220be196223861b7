import { createRemoteJWKSet, jwtVerify } from 'jose';

export interface VerifiedUser {
  readonly userId: string;
  /** When the token stops being valid (ms since epoch). */
  readonly expiresAt: number;
}

/** Verifies the todo-api's JWTs against its published JWKS (cached; refetched on an unknown kid). */
export class TokenVerifier {
  private readonly jwks: ReturnType<typeof createRemoteJWKSet>;

  constructor(
    todoApiUrl: string,
    private readonly issuer: string,
    private readonly audience: string,
    timeoutMs: number,
    /** Rotation adds a kid the cache does not know; jose refetches then, at most this often. */
    cooldownMs = 30_000,
  ) {
    this.jwks = createRemoteJWKSet(new URL('/.well-known/jwks.json', todoApiUrl), {
      timeoutDuration: timeoutMs,
      cooldownDuration: cooldownMs,
      cacheMaxAge: 10 * 60_000,
    });
  }

  /** Throws when the token is malformed, unsigned by the API, expired, or for another issuer/audience. */
  async verify(token: string): Promise<VerifiedUser> {
    const { payload } = await jwtVerify(token, this.jwks, {
      issuer: this.issuer,
      audience: this.audience,
      algorithms: ['EdDSA', 'ES256'],
      requiredClaims: ['sub', 'exp'],
    });
    return { userId: payload.sub!, expiresAt: payload.exp! * 1000 };
  }
}

/** The bearer token carried in the `bearer.<jwt>` subprotocol, if any. */
export function tokenFromProtocols(header: string | undefined): { token?: string; protocols: string[] } {
  const protocols = (header ?? '')
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean);
  const bearer = protocols.find((p) => p.startsWith('bearer.'));
  const token = bearer?.slice('bearer.'.length);
  return token ? { token, protocols } : { protocols };
}
