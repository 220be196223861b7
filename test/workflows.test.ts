import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ENVIRONMENTS } from '../charts/config.js';
import { releaseMatrix } from '../charts/tools/release-matrix.js';

const ROOT = new URL('..', import.meta.url).pathname;
const WORKFLOWS = join(ROOT, '.github/workflows');

interface Step {
  readonly uses?: string;
  readonly run?: string;
  readonly with?: Record<string, unknown>;
}
interface Workflow {
  readonly name: string;
  readonly on: unknown;
  readonly jobs: Record<string, { readonly steps: Step[]; readonly strategy?: { matrix?: unknown } }>;
}

/** Repository paths a workflow mentions: in `run:` scripts, `with:` inputs and matrix values. */
function referencedPaths(workflow: Workflow): string[] {
  const text = JSON.stringify(workflow);
  const found =
    text.match(/(?:charts|constructs|services|test|bench)\/[\w./-]+\.(?:ts|json|yml|yaml)|services\/[\w-]+\/Dockerfile|\.nvmrc/g) ?? [];
  return [...new Set(found)];
}

describe('GitHub workflows', () => {
  const files = readdirSync(WORKFLOWS).filter((f) => /\.ya?ml$/.test(f));

  it('has a CI and a release workflow', () => {
    expect(files.sort()).to.deep.equal(['ci.yml', 'release.yml']);
  });

  for (const file of files) {
    describe(file, () => {
      const workflow = parse(readFileSync(join(WORKFLOWS, file), 'utf8')) as Workflow;

      it('parses with a trigger and jobs whose steps run or use something', () => {
        expect(workflow.name).to.be.a('string').and.not.equal('');
        expect(workflow.on).to.not.equal(undefined);
        const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
        expect(steps).to.have.length.above(0);
        for (const step of steps) expect(Boolean(step.uses) !== Boolean(step.run), JSON.stringify(step)).to.equal(true);
      });

      it('references only files that exist', () => {
        const paths = referencedPaths(workflow);
        expect(paths).to.have.length.above(0);
        const missing = paths.filter((p) => !existsSync(join(ROOT, p)));
        expect(missing, `missing: ${missing.join(', ')}`).to.deep.equal([]);
      });

      it('pins every action to a major version at least', () => {
        const uses = Object.values(workflow.jobs).flatMap((job) => job.steps.map((s) => s.uses).filter(Boolean)) as string[];
        for (const use of uses) expect(use).to.match(/^[\w.-]+\/[\w.-]+@(v\d+|[0-9a-f]{40})$/);
      });
    });
  }

  it('release builds one image per service of the platform (its matrix comes from charts/services.ts), then sets images and synthesizes', () => {
    const release = parse(readFileSync(join(WORKFLOWS, 'release.yml'), 'utf8')) as Workflow;
    expect(JSON.stringify(release.jobs['plan']!.steps)).to.include('charts/tools/release-matrix.ts');
    expect(JSON.stringify(release.jobs['images']!.strategy)).to.include('fromJSON(needs.plan.outputs.matrix)');
    const legs = releaseMatrix().include;
    expect(legs.map((leg) => leg.service)).to.deep.equal(ENVIRONMENTS[0]!.services.map((service) => service.name));
    for (const leg of legs) expect(existsSync(join(ROOT, leg.dockerfile)), leg.dockerfile).to.equal(true);
    const scripts = release.jobs['manifests']!.steps.map((s) => s.run ?? '').join('\n');
    expect(scripts).to.include('charts/tools/set-images.ts').and.include('make synth').and.include('git add charts/images.json dist/');
  });
});
