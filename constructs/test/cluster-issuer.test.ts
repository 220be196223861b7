import { expect } from 'chai';
import { Chart, Testing } from 'cdk8s';
import { AcmeClusterIssuer, LETS_ENCRYPT_PRODUCTION, LETS_ENCRYPT_STAGING } from '../cluster-issuer.js';
import { SelfSignedClusterIssuer } from '../self-signed-cluster-issuer.js';
import type { AcmeClusterIssuerProps } from '../cluster-issuer.js';
import { HardeningValidation, formatFinding } from '../policy/index.js';
import type { KubeObject } from '../policy/index.js';
import { expectSnapshot, only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const base: AcmeClusterIssuerProps = { name: 'letsencrypt', partOf: 'todo', version: '1.2.3', email: 'ops@todo.dev' };

// A chart with a default namespace: a cluster-scoped object must still come out without one.
function synth(props: Partial<AcmeClusterIssuerProps> = {}): Manifest {
  const chart = new Chart(Testing.app(), 'test', { namespace: 'todo' });
  new AcmeClusterIssuer(chart, 'Issuer', { ...base, ...props });
  return only(Testing.synth(chart), 'ClusterIssuer');
}

describe('AcmeClusterIssuer', () => {
  it("defaults to Let's Encrypt staging with http01 through the nginx ingress class", () => {
    const issuer = synth();
    expect(issuer.apiVersion).to.equal('cert-manager.io/v1');
    expect(issuer.metadata).to.not.have.property('namespace');
    expect(issuer.metadata.name).to.equal('letsencrypt');
    expect(issuer.metadata.labels).to.include({
      'app.kubernetes.io/name': 'letsencrypt',
      'app.kubernetes.io/component': 'certificate-issuer',
      'app.kubernetes.io/version': '1.2.3',
    });
    expect(issuer.spec).to.deep.equal({
      acme: {
        server: LETS_ENCRYPT_STAGING,
        email: 'ops@todo.dev',
        privateKeySecretRef: { name: 'letsencrypt-account-key' },
        solvers: [{ http01: { ingress: { ingressClassName: 'nginx' } } }],
      },
    });
  });

  it('switches to production, a custom CA, another class or a Gateway solver', () => {
    expect(synth({ server: 'production' }).spec.acme.server).to.equal(LETS_ENCRYPT_PRODUCTION);
    expect(synth({ server: 'https://acme.zerossl.com/v2/DV90' }).spec.acme.server).to.equal('https://acme.zerossl.com/v2/DV90');
    const custom = synth({ http01: { ingressClassName: 'public' }, privateKeySecretName: 'le-key' }).spec.acme;
    expect(custom.privateKeySecretRef).to.deep.equal({ name: 'le-key' });
    expect(custom.solvers).to.deep.equal([{ http01: { ingress: { ingressClassName: 'public' } } }]);
    expect(synth({ http01: { gateway: { name: 'edge', namespace: 'gateways', sectionName: 'http' } } }).spec.acme.solvers).to.deep.equal([
      { http01: { gatewayHTTPRoute: { parentRefs: [{ kind: 'Gateway', name: 'edge', namespace: 'gateways', sectionName: 'http' }] } } },
    ]);
  });

  it('exposes the issuer name and server', () => {
    const issuer = new AcmeClusterIssuer(Testing.chart(), 'Issuer', { ...base, server: 'production' });
    expect(issuer.issuerName).to.equal('letsencrypt');
    expect(issuer.server).to.equal(LETS_ENCRYPT_PRODUCTION);
  });

  it('passes the synth-time hardening check (N07 cluster scope, A08 labels, K01 schema)', async () => {
    expect(
      (
        await new HardeningValidation().check([
          synth(),
          synth({ name: 'letsencrypt-gateway', http01: { gateway: { name: 'edge', namespace: 'gateways' } } }),
        ] as KubeObject[])
      ).map(formatFinding),
    ).to.deep.equal([]);
  });

  it('matches the snapshot', () => {
    expectSnapshot('cluster-issuer-acme', [synth({ server: 'production' })]);
  });

  describe('rejects bad props with the construct path and the value', () => {
    const cases: Array<[string, Partial<AcmeClusterIssuerProps>, string]> = [
      ['not an email', { email: 'ops-at-todo.dev' }, 'test/Issuer: invalid email "ops-at-todo.dev": not an email address'],
      ['reserved email domain', { email: 'me@example.com' }, 'test/Issuer: invalid email "me@example.com": a reserved domain'],
      [
        'plain http server',
        { server: 'http://acme.internal/directory' },
        'test/Issuer: invalid server "http://acme.internal/directory": an ACME directory must be served over https',
      ],
      ['unknown server word', { server: 'prod' }, "test/Issuer: invalid server \"prod\": must be 'staging', 'production' or an https URL"],
      ['bad name', { name: 'Lets_Encrypt' }, 'test/Issuer: invalid name "Lets_Encrypt": an issuer name must be an RFC 1123 label'],
      ['bad key secret', { privateKeySecretName: 'Key!' }, 'test/Issuer: invalid privateKeySecretName "Key!"'],
      ['empty version', { version: '' }, 'test/Issuer: invalid version "": not a valid value for label app.kubernetes.io/version'],
      ['bad ingress class', { http01: { ingressClassName: 'Nginx Class' } }, 'test/Issuer: invalid http01.ingressClassName "Nginx Class"'],
      [
        'gateway in default namespace',
        { http01: { gateway: { name: 'edge', namespace: 'default' } } },
        'test/Issuer: invalid http01.gateway.namespace "default"',
      ],
    ];
    for (const [name, props, message] of cases) {
      it(name, () => expect(() => synth(props)).to.throw(message));
    }
  });
});

describe('SelfSignedClusterIssuer', () => {
  it('emits a cluster-scoped selfSigned issuer', () => {
    const chart = new Chart(Testing.app(), 'test', { namespace: 'todo' });
    const issuer = new SelfSignedClusterIssuer(chart, 'Dev', { name: 'self-signed', partOf: 'todo', version: '1.2.3' });
    const object = only(Testing.synth(chart), 'ClusterIssuer');
    expect(issuer.issuerName).to.equal('self-signed');
    expect(object.metadata).to.not.have.property('namespace');
    expect(object.metadata.labels['app.kubernetes.io/managed-by']).to.equal('cdk8s');
    expect(object.spec).to.deep.equal({ selfSigned: {} });
  });

  it('rejects a bad name', () => {
    expect(() => new SelfSignedClusterIssuer(Testing.chart(), 'Dev', { name: 'Self Signed', partOf: 'todo', version: '1' })).to.throw(
      'test/Dev: invalid name "Self Signed"',
    );
  });
});
