import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  calculateJwkThumbprint,
  createLocalJWKSet,
  exportJWK,
  exportPKCS8,
  generateKeyPair,
  jwtVerify,
  SignJWT,
  type JSONWebKeySet,
  type JWK,
} from 'jose';
import type { Logger } from 'pino';

type Alg = 'EdDSA' | 'ES256';

/** Verified tokens remembered (oldest evicted first). */
const VERIFIED_CACHE_SIZE = 10_000;

interface PublicKeyEntry {
  readonly kid: string;
  readonly alg: Alg;
  readonly jwk: JWK;
}

export interface TokenServiceOptions {
  readonly issuer: string;
  readonly audience: string;
  /** Lifetime of issued tokens, and the longest lifetime (exp - iat) accepted. */
  readonly ttlSeconds: number;
  /** How far another replica's clock may be ahead: `iat` up to this far in the future is accepted. */
  readonly clockSkewSeconds: number;
  readonly privateKeyPem?: string;
  readonly verifyKeyPems: readonly string[];
  readonly dataDir: string;
  /** True on a PostgreSQL server, where several replicas may run. */
  readonly sharedDatabase: boolean;
  readonly logger: Logger;
}

export interface TokenService {
  sign(userId: string): Promise<string>;
  /** Returns the user id (`sub`) of a valid token; throws on anything else. */
  verify(token: string): Promise<string>;
  readonly jwks: JSONWebKeySet;
}

function algOf(key: KeyObject): Alg {
  if (key.asymmetricKeyType === 'ed25519') return 'EdDSA';
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1') return 'ES256';
  throw new Error(`JWT keys must be Ed25519 or EC P-256, got ${key.asymmetricKeyType}`);
}

async function publicEntry(pem: string): Promise<PublicKeyEntry> {
  const publicKey = createPublicKey(pem);
  const alg = algOf(publicKey);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, alg, jwk: { ...jwk, kid, alg, use: 'sig' } };
}

/** The local signing key: generated once into dataDir, or kept in memory for `memory://`. */
async function localPrivateKeyPem(dataDir: string, logger: Logger): Promise<string> {
  const inMemory = dataDir.startsWith('memory://');
  const file = path.join(dataDir, 'jwt-signing-key.pem');
  if (!inMemory) {
    try {
      return await readFile(file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const { privateKey } = await generateKeyPair('EdDSA', { extractable: true });
  const pem = await exportPKCS8(privateKey);
  if (inMemory) {
    logger.warn('no JWT_PRIVATE_KEY_FILE: generated an in-memory signing key (tokens die with the process)');
  } else {
    await mkdir(dataDir, { recursive: true });
    await writeFile(file, pem, { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EEXIST') throw error;
    });
    await chmod(file, 0o600);
    logger.warn({ file }, 'no JWT_PRIVATE_KEY_FILE: generated a local signing key (development only)');
    return readFile(file, 'utf8');
  }
  return pem;
}

export async function createTokenService(options: TokenServiceOptions): Promise<TokenService> {
  if (!options.privateKeyPem && options.sharedDatabase) {
    options.logger.warn(
      'JWT_PRIVATE_KEY_FILE is unset with a shared database: replicas must share one key, or their tokens will not verify elsewhere',
    );
  }
  const signingPem = options.privateKeyPem ?? (await localPrivateKeyPem(options.dataDir, options.logger));
  const signingKey = createPrivateKey(signingPem);
  const signing = await publicEntry(createPublicKey(signingKey).export({ type: 'spki', format: 'pem' }).toString());
  const verifyOnly = await Promise.all(options.verifyKeyPems.map(publicEntry));
  const keys = [signing, ...verifyOnly.filter((k) => k.kid !== signing.kid)];
  const jwks: JSONWebKeySet = { keys: keys.map((k) => k.jwk) };
  const keyStore = createLocalJWKSet(jwks);
  // A signature check costs ~100 µs, a large share of a cheap request; a token verified once
  // stays valid until its exp anyway (keys change only with a restart), so remember it.
  const verified = new Map<string, { sub: string; exp: number }>();
  options.logger.info({ kid: signing.kid, alg: signing.alg, verifyOnlyKids: keys.slice(1).map((k) => k.kid) }, 'JWT keys loaded');

  return {
    jwks,
    sign: (userId) =>
      new SignJWT({})
        .setProtectedHeader({ alg: signing.alg, kid: signing.kid, typ: 'JWT' })
        .setSubject(userId)
        .setIssuer(options.issuer)
        .setAudience(options.audience)
        .setIssuedAt()
        .setExpirationTime(`${options.ttlSeconds}s`)
        .sign(signingKey),
    async verify(token) {
      const cached = verified.get(token);
      if (cached && cached.exp * 1000 > Date.now()) return cached.sub;
      const { payload } = await jwtVerify(token, keyStore, {
        issuer: options.issuer,
        audience: options.audience,
        algorithms: ['EdDSA', 'ES256'],
        requiredClaims: ['exp', 'sub', 'iat'],
      });
      // Tokens outliving the configured lifetime were not issued by this service as configured
      // (a leaked key, a bug): refuse them. With exp - iat bounded, exp also bounds the age.
      if (payload.iat! > Date.now() / 1000 + options.clockSkewSeconds) throw new Error('token issued in the future');
      if (payload.exp! - payload.iat! > options.ttlSeconds) throw new Error('token lifetime exceeds the configured maximum');
      if (verified.size >= VERIFIED_CACHE_SIZE) verified.delete(verified.keys().next().value!);
      verified.set(token, { sub: payload.sub!, exp: payload.exp! });
      return payload.sub!;
    },
  };
}
