/** Pod and container rules (S, I, R, P of constructs/docs/rules.md), per workload, init containers included. */
import type { CheckContext, Workload } from './context.js';
import type { ContainerRef, Json } from './kube.js';
import { RUN_TO_COMPLETION_KINDS, containersOf, isRecord, list, rec } from './kube.js';
import { SHA256_DIGEST, parseImage } from '../image-reference.js';
import { looksLikeSecretName } from './secret-names.js';

const ALLOWED_VOLUME_TYPES = new Set([
  'configMap',
  'secret',
  'emptyDir',
  'projected',
  'downwardAPI',
  'persistentVolumeClaim',
  'ephemeral',
  'csi',
]);
/** Pod Security Standards: uids/gids below this collide with host users (kube-score wants > 10000). */
const MIN_ID = 10001;
/** IANA service name: <= 15 chars, lowercase letters, digits and single inner hyphens, at least one letter. */
const IANA_SERVICE_NAME = /^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$/;

export function checkPods(ctx: CheckContext): void {
  for (const w of ctx.workloads) {
    checkPodLevel(ctx, w);
    const containers = containersOf(w.template);
    for (const c of containers) checkContainer(ctx, w, c);
    checkPortNames(ctx, w, containers);
  }
}

function checkPodLevel(ctx: CheckContext, w: Workload): void {
  const o = w.object;
  const spec = w.template.spec;
  const at = (field: string): { path: string } => ({ path: `${w.template.path}.${field}` });
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
    if (spec[field] === true) ctx.report(o, 'S01', `pod ${field} is true`, at(field));
  }
  if (!isRecord(spec.securityContext)) ctx.report(o, 'S09', 'pod securityContext is missing', at('securityContext'));
  const psc = rec(spec.securityContext);
  if (psc.runAsNonRoot !== true)
    ctx.report(o, 'S05', `pod runAsNonRoot is ${show(psc.runAsNonRoot)}, expected true`, at('securityContext.runAsNonRoot'));
  if (typeof psc.fsGroup !== 'number' || psc.fsGroup === 0)
    ctx.report(o, 'S06', `pod fsGroup is ${show(psc.fsGroup)}, expected a non-zero gid`, at('securityContext.fsGroup'));
  const seccomp = rec(psc.seccompProfile).type;
  if (seccomp !== 'RuntimeDefault')
    ctx.report(o, 'S07', `pod seccompProfile.type is ${show(seccomp)}, expected RuntimeDefault`, at('securityContext.seccompProfile.type'));
  if ('sysctls' in psc) ctx.report(o, 'S12', 'pod securityContext sets sysctls', at('securityContext.sysctls'));
  checkSeLinuxAndWindows(ctx, w, psc, 'pod', { path: `${w.template.path}.securityContext` });
  if (spec.automountServiceAccountToken !== false) {
    ctx.report(
      o,
      'S18',
      `pod automountServiceAccountToken is ${show(spec.automountServiceAccountToken)}, expected false`,
      at('automountServiceAccountToken'),
    );
  }
  list(spec.volumes).forEach((v, i) => {
    const types = Object.keys(v).filter((k) => k !== 'name');
    const bad = types.filter((t) => !ALLOWED_VOLUME_TYPES.has(t));
    if (bad.length > 0) ctx.report(o, 'S10', `volume ${show(v.name)} is of type ${bad.join(', ')}`, at(`volumes[${i}]`));
    if (isRecord(v.emptyDir) && v.emptyDir.sizeLimit === undefined) {
      ctx.report(o, 'S08', `emptyDir volume ${show(v.name)} has no sizeLimit`, at(`volumes[${i}].emptyDir.sizeLimit`));
    }
  });
}

function checkSeLinuxAndWindows(ctx: CheckContext, w: Workload, sc: Json, where: string, at: { path: string; container?: string }): void {
  if ('seLinuxOptions' in sc)
    ctx.report(w.object, 'S12', `${where} securityContext sets seLinuxOptions`, { ...at, path: `${at.path}.seLinuxOptions` });
  if (rec(sc.windowsOptions).hostProcess === true) {
    ctx.report(w.object, 'S12', `${where} securityContext sets windowsOptions.hostProcess`, {
      ...at,
      path: `${at.path}.windowsOptions.hostProcess`,
    });
  }
}

/** A field of a container, for a finding's location. */
function field(c: ContainerRef, path: string): { path: string; container: string } {
  return { path: path === '' ? c.path : `${c.path}.${path}`, container: c.name };
}

function checkContainer(ctx: CheckContext, w: Workload, c: ContainerRef): void {
  const o = w.object;
  const where = `${c.init ? 'init container' : 'container'} "${c.name}"`;
  const psc = rec(w.template.spec.securityContext);
  if (!isRecord(c.container.securityContext)) ctx.report(o, 'S09', `${where} securityContext is missing`, field(c, 'securityContext'));
  const sc = rec(c.container.securityContext);
  const at = (path: string) => field(c, `securityContext.${path}`);
  if (sc.privileged === true) ctx.report(o, 'S02', `${where} is privileged`, at('privileged'));
  if (sc.allowPrivilegeEscalation !== false) {
    ctx.report(
      o,
      'S03',
      `${where} allowPrivilegeEscalation is ${show(sc.allowPrivilegeEscalation)}, expected false`,
      at('allowPrivilegeEscalation'),
    );
  }
  const caps = rec(sc.capabilities);
  const drop = Array.isArray(caps.drop) ? caps.drop : [];
  if (!drop.includes('ALL'))
    ctx.report(o, 'S04', `${where} capabilities.drop is ${show(caps.drop)}, expected ["ALL"]`, at('capabilities.drop'));
  if ('add' in caps) ctx.report(o, 'S04', `${where} capabilities.add is ${show(caps.add)}, expected no add`, at('capabilities.add'));
  if (sc.runAsNonRoot === false) ctx.report(o, 'S05', `${where} overrides runAsNonRoot to false`, at('runAsNonRoot'));
  for (const id of ['runAsUser', 'runAsGroup']) {
    const value = sc[id] ?? psc[id];
    const path = sc[id] === undefined ? { path: `${w.template.path}.securityContext.${id}`, container: c.name } : at(id);
    if (typeof value !== 'number' || value < MIN_ID) ctx.report(o, 'S06', `${where} ${id} is ${show(value)}, expected >= ${MIN_ID}`, path);
  }
  const seccomp = rec(sc.seccompProfile).type;
  if (seccomp !== undefined && seccomp !== 'RuntimeDefault')
    ctx.report(o, 'S07', `${where} overrides seccompProfile.type to ${show(seccomp)}`, at('seccompProfile.type'));
  if (sc.readOnlyRootFilesystem !== true) {
    ctx.report(
      o,
      'S08',
      `${where} readOnlyRootFilesystem is ${show(sc.readOnlyRootFilesystem)}, expected true`,
      at('readOnlyRootFilesystem'),
    );
  }
  if (sc.procMount !== undefined && sc.procMount !== 'Default')
    ctx.report(o, 'S12', `${where} procMount is ${show(sc.procMount)}`, at('procMount'));
  checkSeLinuxAndWindows(ctx, w, sc, where, field(c, 'securityContext'));
  checkEnv(ctx, w, c, where);
  checkImage(ctx, w, c, where);
  checkResources(ctx, w, c, where);
  checkPortsAndProbes(ctx, w, c, where);
}

function checkEnv(ctx: CheckContext, w: Workload, c: ContainerRef, where: string): void {
  const seen = new Set<string>();
  list(c.container.env).forEach((e, i) => {
    const name = String(e.name);
    const at = field(c, `env[${i}]`);
    if (seen.has(name)) ctx.report(w.object, 'S20', `${where} env ${name} is defined twice`, at);
    seen.add(name);
    if (isRecord(rec(e.valueFrom).secretKeyRef))
      ctx.report(w.object, 'S19', `${where} env ${name} comes from secretKeyRef; mount the secret as a file`, at);
    if (typeof e.value === 'string' && e.value !== '' && looksLikeSecretName(name)) {
      ctx.report(w.object, 'S19', `${where} env ${name} holds a literal secret-looking value; mount the secret as a file`, at);
    }
  });
  list(c.container.envFrom).forEach((from, i) => {
    if (isRecord(from.secretRef)) {
      ctx.report(
        w.object,
        'S19',
        `${where} envFrom secretRef ${show(from.secretRef.name)}; mount the secret as a file`,
        field(c, `envFrom[${i}].secretRef`),
      );
    }
  });
}

function checkImage(ctx: CheckContext, w: Workload, c: ContainerRef, where: string): void {
  const image = c.container.image;
  const at = field(c, 'image');
  if (typeof image !== 'string' || image === '') {
    ctx.report(w.object, 'I01', `${where} has no image`, at);
  } else {
    const { tag, digest } = parseImage(image);
    if (tag === undefined || tag === '') ctx.report(w.object, 'I01', `${where} image "${image}" has no tag`, at);
    else if (tag === 'latest') ctx.report(w.object, 'I01', `${where} image "${image}" uses the latest tag`, at);
    if (digest !== undefined && !SHA256_DIGEST.test(digest))
      ctx.report(w.object, 'I02', `${where} image "${image}" has a malformed digest, expected @sha256:<64 hex>`, at);
    if (digest === undefined && ctx.requireDigests)
      ctx.report(w.object, 'I02', `${where} image "${image}" is not pinned by @sha256 digest (requireDigests)`, at);
  }
  if (c.container.imagePullPolicy !== 'Always') {
    ctx.report(
      w.object,
      'I03',
      `${where} imagePullPolicy is ${show(c.container.imagePullPolicy)}, expected Always`,
      field(c, 'imagePullPolicy'),
    );
  }
}

function checkResources(ctx: CheckContext, w: Workload, c: ContainerRef, where: string): void {
  const resources = rec(c.container.resources);
  for (const bound of ['requests', 'limits'] as const) {
    const values = rec(resources[bound]);
    for (const resource of ['cpu', 'memory'] as const) {
      const value = values[resource];
      const at = field(c, `resources.${bound}.${resource}`);
      if (value === undefined) ctx.report(w.object, 'R01', `${where} has no ${resource} ${bound}`, at);
      else if (typeof value !== 'string')
        ctx.report(w.object, 'R01', `${where} ${resource} ${bound} is ${show(value)}, expected a string quantity`, at);
    }
    if (values['ephemeral-storage'] === undefined) {
      ctx.report(w.object, 'R02', `${where} has no ephemeral-storage ${bound}`, field(c, `resources.${bound}.ephemeral-storage`));
    }
  }
}

/** The handler of a probe (what it calls), without its timings. */
function probeHandler(probe: Json): string {
  const { httpGet, tcpSocket, grpc, exec } = probe;
  return JSON.stringify({ httpGet, tcpSocket, grpc, exec });
}

function checkPortsAndProbes(ctx: CheckContext, w: Workload, c: ContainerRef, where: string): void {
  const ports = list(c.container.ports);
  ports.forEach((p, i) => {
    if ('hostPort' in p)
      ctx.report(w.object, 'S11', `${where} port ${show(p.containerPort)} sets hostPort`, field(c, `ports[${i}].hostPort`));
    const n = p.containerPort;
    if (typeof n === 'number' && (n < 1024 || n === 22))
      ctx.report(w.object, 'P05', `${where} containerPort ${n} is below 1024 or 22`, field(c, `ports[${i}].containerPort`));
  });
  const longRunning = !RUN_TO_COMPLETION_KINDS.has(w.object.kind) && !c.init;
  const probes = {
    startupProbe: c.container.startupProbe,
    readinessProbe: c.container.readinessProbe,
    livenessProbe: c.container.livenessProbe,
  };
  if (longRunning) {
    for (const [kind, probe] of Object.entries(probes)) {
      if (!isRecord(probe)) ctx.report(w.object, 'P01', `${where} has no ${kind}`, field(c, kind));
    }
    if (
      isRecord(probes.readinessProbe) &&
      isRecord(probes.livenessProbe) &&
      probeHandler(probes.readinessProbe) === probeHandler(probes.livenessProbe)
    ) {
      ctx.report(w.object, 'P02', `${where} readinessProbe and livenessProbe call the same endpoint`, field(c, 'livenessProbe'));
    }
  }
  for (const [kind, probe] of Object.entries(probes)) {
    if (!isRecord(probe)) continue;
    for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
      if (!isRecord(probe[handler])) continue;
      const port = (probe[handler] as Json).port;
      const declared = ports.some((p) => p.containerPort === port || (typeof port === 'string' && p.name === port));
      if (!declared)
        ctx.report(
          w.object,
          'P03',
          `${where} ${kind} port ${show(port)} is not a declared container port`,
          field(c, `${kind}.${handler}.port`),
        );
    }
  }
}

function checkPortNames(ctx: CheckContext, w: Workload, containers: readonly ContainerRef[]): void {
  const seen = new Set<string>();
  for (const c of containers) {
    list(c.container.ports).forEach((p, i) => {
      const where = `${c.init ? 'init container' : 'container'} "${c.name}" port ${show(p.containerPort)}`;
      const at = field(c, `ports[${i}].name`);
      if (typeof p.name !== 'string') {
        ctx.report(w.object, 'P04', `${where} has no name`, at);
        return;
      }
      if (!isIanaServiceName(p.name)) ctx.report(w.object, 'P04', `${where} name "${p.name}" is not a valid IANA service name`, at);
      if (seen.has(p.name)) ctx.report(w.object, 'P04', `${where} name "${p.name}" is not unique in the pod`, at);
      seen.add(p.name);
    });
  }
}

export function isIanaServiceName(name: string): boolean {
  return IANA_SERVICE_NAME.test(name);
}

/** A value as it appears in a message: `true`, `"x"`, `absent`. */
export function show(value: unknown): string {
  return value === undefined ? 'absent' : JSON.stringify(value);
}
