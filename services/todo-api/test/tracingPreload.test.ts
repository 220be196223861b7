import { expect } from 'chai';
import { sqlStatementInstrumentation } from '../src/tracing.js';

describe('tracing preload: SQL statement spans', () => {
  it('patches the pg client only: pg-pool would count connections on every checkout for metrics nothing exports', async () => {
    const instrumentation = await sqlStatementInstrumentation();
    expect(instrumentation.getModuleDefinitions().map((module) => module.name)).to.deep.equal(['pg']);
  });

  it('makes statement spans only inside a request span, and no connect spans', async () => {
    const instrumentation = await sqlStatementInstrumentation();
    expect(instrumentation.getConfig()).to.include({ requireParentSpan: true, ignoreConnectSpans: true });
  });
});
