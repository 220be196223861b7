import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { SignJWT, exportJWK, generateKeyPair, type CryptoKey, type JWK } from 'jose';
import { TokenVerifier, tokenFromProtocols } from '../src/auth.js';

/** A real HTTP server publishing a JWKS the test can rotate, as the todo-api does at /.well-known/jwks.json. */
describe('TokenVerifier', () => {
  let server: Server;
  let url: string;
  let published: JWK[] = [];
  let fetches = 0;
  const keys: { kid: string; privateKey: CryptoKey; jwk: JWK }[] = [];

  before(async () => {
    for (const kid of ['key-1', 'key-2']) {
      const { publicKey, privateKey } = await generateKeyPair('EdDSA', { extractable: true });
      keys.push({ kid, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg: 'EdDSA', use: 'sig' } });
    }
    server = createServer((req, res) => {
      if (req.url !== '/.well-known/jwks.json') return void res.writeHead(404).end();
      fetches++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ keys: published }));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => server.close());

  const sign = (kid: string, claims: { sub?: string; exp?: number; aud?: string; iss?: string } = {}) =>
    new SignJWT({})
      .setProtectedHeader({ alg: 'EdDSA', kid, typ: 'JWT' })
      .setSubject(claims.sub ?? 'user-1')
      .setIssuer(claims.iss ?? 'todo-api')
      .setAudience(claims.aud ?? 'todo-platform')
      .setIssuedAt()
      .setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 600)
      .sign(keys.find((k) => k.kid === kid)!.privateKey);

  it('verifies against the cached key set and refetches it when a rotated-in kid appears', async () => {
    published = [keys[0]!.jwk];
    fetches = 0;
    const verifier = new TokenVerifier(url, 'todo-api', 'todo-platform', 1000, 0);
    const first = await verifier.verify(await sign('key-1', { sub: 'alice' }));
    expect(first.userId).to.equal('alice');
    await verifier.verify(await sign('key-1', { sub: 'alice' }));
    expect(fetches).to.equal(1); // cached
    published = [keys[0]!.jwk, keys[1]!.jwk];
    expect((await verifier.verify(await sign('key-2', { sub: 'bob' }))).userId).to.equal('bob');
    expect(fetches).to.equal(2); // unknown kid → one refetch
  });

  it('refuses expired tokens, other audiences and issuers, and unpublished keys', async () => {
    published = [keys[0]!.jwk];
    const verifier = new TokenVerifier(url, 'todo-api', 'todo-platform', 1000, 0);
    const refusal = (token: Promise<string>) =>
      token
        .then((t) => verifier.verify(t))
        .then(
          () => 'accepted',
          (e: Error) => e.name,
        );
    expect(await refusal(sign('key-1', { exp: Math.floor(Date.now() / 1000) - 10 }))).to.equal('JWTExpired');
    expect(await refusal(sign('key-1', { aud: 'someone-else' }))).to.equal('JWTClaimValidationFailed');
    expect(await refusal(sign('key-1', { iss: 'evil' }))).to.equal('JWTClaimValidationFailed');
    expect(await refusal(sign('key-2'))).to.equal('JWKSNoMatchingKey');
  });
});

describe('tokenFromProtocols', () => {
  it('takes the token from the bearer. subprotocol', () => {
    expect(tokenFromProtocols('todo-chat.v1, bearer.abc.def.ghi')).to.deep.equal({
      token: 'abc.def.ghi',
      protocols: ['todo-chat.v1', 'bearer.abc.def.ghi'],
    });
    expect(tokenFromProtocols('todo-chat.v1')).to.deep.equal({ protocols: ['todo-chat.v1'] });
    expect(tokenFromProtocols(undefined)).to.deep.equal({ protocols: [] });
    expect(tokenFromProtocols('bearer.')).to.deep.equal({ protocols: ['bearer.'] });
  });
});
