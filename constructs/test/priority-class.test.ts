import { expect } from 'chai';
import { Chart, Testing } from 'cdk8s';
import { InvalidPropsError } from '../errors.js';
import { PriorityClass } from '../priority-class.js';
import type { PriorityClassProps } from '../priority-class.js';
import { Probe } from '../probes.js';
import { Worker } from '../worker.js';
import { checkedEnvironment } from './support/policy.js';
import { only } from './support/snapshot.js';
import type { Manifest } from './support/snapshot.js';

const PROPS: PriorityClassProps = { name: 'todo-serving', value: 100000, partOf: 'todo', version: '1.0.0' };

function synth(overrides: Partial<PriorityClassProps> = {}): Manifest[] {
  const chart = Testing.chart();
  new PriorityClass(chart, 'priority', { ...PROPS, ...overrides });
  return Testing.synth(chart) as Manifest[];
}

describe('PriorityClass', () => {
  it('is a cluster-scoped scheduling.k8s.io/v1 PriorityClass that never becomes the global default and never preempts by default', () => {
    const pc = only(synth(), 'PriorityClass');
    expect(pc.apiVersion).to.equal('scheduling.k8s.io/v1');
    expect(pc.metadata).not.to.have.property('namespace');
    expect(pc).to.deep.include({
      value: 100000,
      globalDefault: false,
      preemptionPolicy: 'Never',
      description: 'todo workloads, priority 100000',
    });
    expect(pc.metadata.labels).to.include({
      'app.kubernetes.io/name': 'todo-serving',
      'app.kubernetes.io/component': 'scheduling',
      'app.kubernetes.io/part-of': 'todo',
    });
  });

  it('takes preemption and a description', () => {
    const pc = only(synth({ preemptionPolicy: 'PreemptLowerPriority', description: 'the API and the gateway' }), 'PriorityClass');
    expect(pc).to.deep.include({ preemptionPolicy: 'PreemptLowerPriority', description: 'the API and the gateway' });
  });

  it('drops the namespace a namespaced chart would add', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'ns', { namespace: 'todo' });
    new PriorityClass(chart, 'priority', PROPS);
    const pc = (chart.toJson() as Manifest[])[0]!;
    expect(pc.metadata).not.to.have.property('namespace');
  });

  it('is what a workload names in priorityClassName, and the pair passes the policy with no waiver', async () => {
    const { objects, violations } = await checkedEnvironment((chart) => {
      const priority = new PriorityClass(chart, 'priority', PROPS);
      new Worker(chart, 'worker', {
        name: 'reminder-worker',
        namespace: 'todo',
        component: 'worker',
        partOf: 'todo',
        image: 'ghcr.io/example/todo-api:1.4.2',
        resources: {
          requests: { cpu: '50m', memory: '64Mi', ephemeralStorage: '64Mi' },
          limits: { cpu: '500m', memory: '256Mi', ephemeralStorage: '128Mi' },
        },
        priorityClassName: priority.priorityClassName,
        probes: { readiness: Probe.exec(['true']), liveness: Probe.exec(['test', '-e', '/tmp/alive']) },
      });
    });
    expect(only(objects, 'Deployment').spec.template.spec.priorityClassName).to.equal('todo-serving');
    expect(violations).to.deep.equal([]);
  });

  it('refuses bad props, naming its path and the value', () => {
    const invalid = (overrides: Partial<PriorityClassProps>, message: string) => {
      expect(() => synth(overrides)).to.throw(InvalidPropsError, `test/priority: invalid ${message}`);
    };
    invalid({ name: 'system-todo' }, 'name "system-todo": the "system-" prefix is reserved');
    invalid({ name: 'Todo' }, 'name "Todo": must be a DNS-1123 subdomain');
    invalid({ value: 2_000_000_000 }, 'value 2000000000: must be an integer of at most 1000000000');
    invalid({ value: 1.5 }, 'value 1.5');
    invalid({ preemptionPolicy: 'Always' as never }, 'preemptionPolicy "Always"');
    invalid({ description: ' ' }, 'description " ": must say what the class is for');
  });
});
