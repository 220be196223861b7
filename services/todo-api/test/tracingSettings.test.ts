import { expect } from 'chai';
import { tracingEnabled } from '../../shared/tracing.js';

describe('tracing settings (OTEL_*)', () => {
  it('is off without an OTLP endpoint, and when OTEL_SDK_DISABLED is true', () => {
    expect(tracingEnabled({})).to.equal(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: '' })).to.equal(false);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318', OTEL_SDK_DISABLED: 'true' })).to.equal(false);
  });

  it('is on with an endpoint (the general one or the traces one)', () => {
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318' })).to.equal(true);
    expect(tracingEnabled({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://collector:4318/v1/traces', OTEL_SDK_DISABLED: 'false' })).to.equal(
      true,
    );
  });

  it('refuses, naming the variable and value, what the SDK would only warn about', () => {
    expect(() => tracingEnabled({ OTEL_SDK_DISABLED: 'yes' })).to.throw('OTEL_SDK_DISABLED must be true or false, got "yes"');
    expect(() => tracingEnabled({ OTEL_TRACES_SAMPLER: 'ratio' })).to.throw(
      /OTEL_TRACES_SAMPLER must be one of .*parentbased_traceidratio, got "ratio"/,
    );
    expect(() => tracingEnabled({ OTEL_TRACES_SAMPLER_ARG: '10%' })).to.throw(
      'OTEL_TRACES_SAMPLER_ARG must be a ratio in [0, 1], got "10%"',
    );
    expect(() => tracingEnabled({ OTEL_TRACES_SAMPLER_ARG: '1.5' })).to.throw(/OTEL_TRACES_SAMPLER_ARG/);
    expect(tracingEnabled({ OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' })).to.equal(false);
  });
});
