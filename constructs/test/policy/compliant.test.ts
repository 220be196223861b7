import { expect } from 'chai';
import { Include, App, Chart } from 'cdk8s';
import { formatFinding } from '../../policy/index.js';
import { COMPLIANT_YAML, OPTIONS, appObjects, compliant, findings } from './support.js';

describe('policy: the compliant fixture set', () => {
  it('has no finding as plain manifests (rules and schemas)', async () => {
    expect((await findings(compliant(), OPTIONS)).map(formatFinding)).to.deep.equal([]);
  });

  it('has no finding at all when Included into a cdk8s app', async () => {
    const app = new App();
    new Include(new Chart(app, 'platform'), 'compliant', { url: COMPLIANT_YAML });
    expect((await findings(appObjects(app), OPTIONS)).map(formatFinding)).to.deep.equal([]);
  });
});
