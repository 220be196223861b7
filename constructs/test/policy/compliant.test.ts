import { expect } from 'chai';
import { Include, App, Chart } from 'cdk8s';
import { checkHardening, checkManifests, formatViolation, validateSchemas } from '../../policy/index.js';
import { COMPLIANT_YAML, OPTIONS, compliant } from './support.js';

describe('policy: the compliant fixture set', () => {
  it('has no rule violation as plain manifests', () => {
    expect(checkManifests(compliant(), OPTIONS).map(formatViolation)).to.deep.equal([]);
  });

  it('passes schema validation of every object', async () => {
    expect((await validateSchemas(compliant())).map(formatViolation)).to.deep.equal([]);
  });

  it('has no violation at all when Included into a cdk8s app', async () => {
    const app = new App();
    new Include(new Chart(app, 'platform'), 'compliant', { url: COMPLIANT_YAML });
    expect((await checkHardening(app, OPTIONS)).map(formatViolation)).to.deep.equal([]);
  });
});
