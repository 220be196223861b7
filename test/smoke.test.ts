import { expect } from 'chai';
import { App, Chart } from 'cdk8s';
import * as kplus from 'cdk8s-plus-28';
describe('smoke', () => {
  it('imports cdk8s under tsx ESM', () => {
    const app = new App();
    const c = new Chart(app, 'c');
    new kplus.Deployment(c, 'd', { containers: [{ image: 'x:1' }] });
    expect(c.toJson()).to.have.length.greaterThan(0);
  });
});
