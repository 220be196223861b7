import { RUN_TO_COMPLETION_KINDS, containersOf, isRecord, list, rec } from './kube.js';
import { SHA256_DIGEST, parseImage } from '../image-reference.js';
import { looksLikeSecretName } from './secret-names.js';
const ALLOWED_VOLUME_TYPES = new Set(['configMap', 'secret', 'emptyDir', 'projected', 'downwardAPI', 'persistentVolumeClaim', 'ephemeral', 'csi']);
/** Pod Security Standards: uids/gids below this collide with host users (kube-score wants > 10000). */
const MIN_ID = 10001;
/** IANA service name: <= 15 chars, lowercase letters, digits and single inner hyphens, at least one letter. */
const IANA_SERVICE_NAME = /^(?=.*[a-z])(?!-)(?!.*--)[a-z0-9-]{1,15}(?<!-)$/;
export function checkPods(ctx) {
    for (const w of ctx.workloads) {
        checkPodLevel(ctx, w);
        const containers = containersOf(w.template.spec);
        for (const c of containers)
            checkContainer(ctx, w, c);
        checkPortNames(ctx, w, containers);
    }
}
function checkPodLevel(ctx, w) {
    const o = w.object;
    const spec = w.template.spec;
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) {
        if (spec[field] === true)
            ctx.report(o, 'S01', `pod ${field} is true`);
    }
    if (!isRecord(spec.securityContext))
        ctx.report(o, 'S09', 'pod securityContext is missing');
    const psc = rec(spec.securityContext);
    if (psc.runAsNonRoot !== true)
        ctx.report(o, 'S05', `pod runAsNonRoot is ${show(psc.runAsNonRoot)}, expected true`);
    if (typeof psc.fsGroup !== 'number' || psc.fsGroup === 0)
        ctx.report(o, 'S06', `pod fsGroup is ${show(psc.fsGroup)}, expected a non-zero gid`);
    const seccomp = rec(psc.seccompProfile).type;
    if (seccomp !== 'RuntimeDefault')
        ctx.report(o, 'S07', `pod seccompProfile.type is ${show(seccomp)}, expected RuntimeDefault`);
    if ('sysctls' in psc)
        ctx.report(o, 'S12', 'pod securityContext sets sysctls');
    checkSeLinuxAndWindows(ctx, w, psc, 'pod');
    if (spec.automountServiceAccountToken !== false) {
        ctx.report(o, 'S18', `pod automountServiceAccountToken is ${show(spec.automountServiceAccountToken)}, expected false`);
    }
    for (const v of list(spec.volumes)) {
        const types = Object.keys(v).filter((k) => k !== 'name');
        const bad = types.filter((t) => !ALLOWED_VOLUME_TYPES.has(t));
        if (bad.length > 0)
            ctx.report(o, 'S10', `volume ${show(v.name)} is of type ${bad.join(', ')}`);
        if (isRecord(v.emptyDir) && v.emptyDir.sizeLimit === undefined) {
            ctx.report(o, 'S08', `emptyDir volume ${show(v.name)} has no sizeLimit`);
        }
    }
}
function checkSeLinuxAndWindows(ctx, w, sc, where) {
    if ('seLinuxOptions' in sc)
        ctx.report(w.object, 'S12', `${where} securityContext sets seLinuxOptions`);
    if (rec(sc.windowsOptions).hostProcess === true)
        ctx.report(w.object, 'S12', `${where} securityContext sets windowsOptions.hostProcess`);
}
function checkContainer(ctx, w, c) {
    const o = w.object;
    const where = `${c.init ? 'init container' : 'container'} "${c.name}"`;
    const psc = rec(w.template.spec.securityContext);
    if (!isRecord(c.container.securityContext))
        ctx.report(o, 'S09', `${where} securityContext is missing`);
    const sc = rec(c.container.securityContext);
    if (sc.privileged === true)
        ctx.report(o, 'S02', `${where} is privileged`);
    if (sc.allowPrivilegeEscalation !== false) {
        ctx.report(o, 'S03', `${where} allowPrivilegeEscalation is ${show(sc.allowPrivilegeEscalation)}, expected false`);
    }
    const caps = rec(sc.capabilities);
    const drop = Array.isArray(caps.drop) ? caps.drop : [];
    if (!drop.includes('ALL'))
        ctx.report(o, 'S04', `${where} capabilities.drop is ${show(caps.drop)}, expected ["ALL"]`);
    if ('add' in caps)
        ctx.report(o, 'S04', `${where} capabilities.add is ${show(caps.add)}, expected no add`);
    if (sc.runAsNonRoot === false)
        ctx.report(o, 'S05', `${where} overrides runAsNonRoot to false`);
    for (const field of ['runAsUser', 'runAsGroup']) {
        const id = sc[field] ?? psc[field];
        if (typeof id !== 'number' || id < MIN_ID)
            ctx.report(o, 'S06', `${where} ${field} is ${show(id)}, expected >= ${MIN_ID}`);
    }
    const seccomp = rec(sc.seccompProfile).type;
    if (seccomp !== undefined && seccomp !== 'RuntimeDefault')
        ctx.report(o, 'S07', `${where} overrides seccompProfile.type to ${show(seccomp)}`);
    if (sc.readOnlyRootFilesystem !== true) {
        ctx.report(o, 'S08', `${where} readOnlyRootFilesystem is ${show(sc.readOnlyRootFilesystem)}, expected true`);
    }
    if (sc.procMount !== undefined && sc.procMount !== 'Default')
        ctx.report(o, 'S12', `${where} procMount is ${show(sc.procMount)}`);
    checkSeLinuxAndWindows(ctx, w, sc, where);
    checkEnv(ctx, w, c, where);
    checkImage(ctx, w, c, where);
    checkResources(ctx, w, c, where);
    checkPortsAndProbes(ctx, w, c, where);
}
function checkEnv(ctx, w, c, where) {
    const seen = new Set();
    for (const e of list(c.container.env)) {
        const name = String(e.name);
        if (seen.has(name))
            ctx.report(w.object, 'S20', `${where} env ${name} is defined twice`);
        seen.add(name);
        if (isRecord(rec(e.valueFrom).secretKeyRef))
            ctx.report(w.object, 'S19', `${where} env ${name} comes from secretKeyRef; mount the secret as a file`);
        if (typeof e.value === 'string' && e.value !== '' && looksLikeSecretName(name)) {
            ctx.report(w.object, 'S19', `${where} env ${name} holds a literal secret-looking value; mount the secret as a file`);
        }
    }
    for (const from of list(c.container.envFrom)) {
        if (isRecord(from.secretRef))
            ctx.report(w.object, 'S19', `${where} envFrom secretRef ${show(from.secretRef.name)}; mount the secret as a file`);
    }
}
function checkImage(ctx, w, c, where) {
    const image = c.container.image;
    if (typeof image !== 'string' || image === '') {
        ctx.report(w.object, 'I01', `${where} has no image`);
    }
    else {
        const { tag, digest } = parseImage(image);
        if (tag === undefined || tag === '')
            ctx.report(w.object, 'I01', `${where} image "${image}" has no tag`);
        else if (tag === 'latest')
            ctx.report(w.object, 'I01', `${where} image "${image}" uses the latest tag`);
        if (digest !== undefined && !SHA256_DIGEST.test(digest))
            ctx.report(w.object, 'I02', `${where} image "${image}" has a malformed digest, expected @sha256:<64 hex>`);
        if (digest === undefined && ctx.requireDigests)
            ctx.report(w.object, 'I02', `${where} image "${image}" is not pinned by @sha256 digest (requireDigests)`);
    }
    if (c.container.imagePullPolicy !== 'Always') {
        ctx.report(w.object, 'I03', `${where} imagePullPolicy is ${show(c.container.imagePullPolicy)}, expected Always`);
    }
}
function checkResources(ctx, w, c, where) {
    const resources = rec(c.container.resources);
    for (const bound of ['requests', 'limits']) {
        const values = rec(resources[bound]);
        for (const resource of ['cpu', 'memory']) {
            const value = values[resource];
            if (value === undefined)
                ctx.report(w.object, 'R01', `${where} has no ${resource} ${bound}`);
            else if (typeof value !== 'string')
                ctx.report(w.object, 'R01', `${where} ${resource} ${bound} is ${show(value)}, expected a string quantity`);
        }
        if (values['ephemeral-storage'] === undefined)
            ctx.report(w.object, 'R02', `${where} has no ephemeral-storage ${bound}`);
    }
}
/** The handler of a probe (what it calls), without its timings. */
function probeHandler(probe) {
    const { httpGet, tcpSocket, grpc, exec } = probe;
    return JSON.stringify({ httpGet, tcpSocket, grpc, exec });
}
function checkPortsAndProbes(ctx, w, c, where) {
    const ports = list(c.container.ports);
    for (const p of ports) {
        if ('hostPort' in p)
            ctx.report(w.object, 'S11', `${where} port ${show(p.containerPort)} sets hostPort`);
        const n = p.containerPort;
        if (typeof n === 'number' && (n < 1024 || n === 22))
            ctx.report(w.object, 'P05', `${where} containerPort ${n} is below 1024 or 22`);
    }
    const longRunning = !RUN_TO_COMPLETION_KINDS.has(w.object.kind) && !c.init;
    const probes = { startupProbe: c.container.startupProbe, readinessProbe: c.container.readinessProbe, livenessProbe: c.container.livenessProbe };
    if (longRunning) {
        for (const [kind, probe] of Object.entries(probes)) {
            if (!isRecord(probe))
                ctx.report(w.object, 'P01', `${where} has no ${kind}`);
        }
        if (isRecord(probes.readinessProbe) && isRecord(probes.livenessProbe) && probeHandler(probes.readinessProbe) === probeHandler(probes.livenessProbe)) {
            ctx.report(w.object, 'P02', `${where} readinessProbe and livenessProbe call the same endpoint`);
        }
    }
    for (const [kind, probe] of Object.entries(probes)) {
        if (!isRecord(probe))
            continue;
        for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
            if (!isRecord(probe[handler]))
                continue;
            const port = probe[handler].port;
            const declared = ports.some((p) => p.containerPort === port || (typeof port === 'string' && p.name === port));
            if (!declared)
                ctx.report(w.object, 'P03', `${where} ${kind} port ${show(port)} is not a declared container port`);
        }
    }
}
function checkPortNames(ctx, w, containers) {
    const seen = new Set();
    for (const c of containers) {
        for (const p of list(c.container.ports)) {
            const where = `${c.init ? 'init container' : 'container'} "${c.name}" port ${show(p.containerPort)}`;
            if (typeof p.name !== 'string') {
                ctx.report(w.object, 'P04', `${where} has no name`);
                continue;
            }
            if (!isIanaServiceName(p.name))
                ctx.report(w.object, 'P04', `${where} name "${p.name}" is not a valid IANA service name`);
            if (seen.has(p.name))
                ctx.report(w.object, 'P04', `${where} name "${p.name}" is not unique in the pod`);
            seen.add(p.name);
        }
    }
}
export function isIanaServiceName(name) {
    return IANA_SERVICE_NAME.test(name);
}
/** A value as it appears in a message: `true`, `"x"`, `absent`. */
export function show(value) {
    return value === undefined ? 'absent' : JSON.stringify(value);
}
