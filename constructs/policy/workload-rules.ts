/** Cross-object workload rules: ServiceAccounts (S18), availability (A01–A07) and labels (A08). */
import type { CheckContext, Workload } from './context.js';
import type { KubeObject } from './types.js';
import { REPLICATED_KINDS, declaredNamespace, isEmptySelector, isRecord, list, nameOf, rec, selectorMatches, stringMap } from './kube.js';
import { show } from './pod-rules.js';

const RECOMMENDED_LABELS = ['name', 'instance', 'version', 'component', 'part-of', 'managed-by'].map((l) => `app.kubernetes.io/${l}`);
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const ZONE_KEY = 'topology.kubernetes.io/zone';
const HOSTNAME_KEY = 'kubernetes.io/hostname';

export function checkServiceAccounts(ctx: CheckContext): void {
  const users = new Map<string, Workload[]>();
  for (const w of ctx.workloads) {
    const spec = w.template.spec;
    const sa = typeof spec.serviceAccountName === 'string' ? spec.serviceAccountName : spec.serviceAccount;
    if (typeof sa !== 'string' || sa === '' || sa === 'default') {
      ctx.report(w.object, 'S18', `pod uses the default ServiceAccount; give the workload its own`, {
        path: `${w.template.path}.serviceAccountName`,
      });
      continue;
    }
    const key = `${w.namespace}/${sa}`;
    users.set(key, [...(users.get(key) ?? []), w]);
    const external = w.namespace !== undefined && ctx.externalNamespaces.has(w.namespace);
    if (!external && ctx.inNamespace('ServiceAccount', w.namespace).every((o) => nameOf(o) !== sa)) {
      ctx.report(w.object, 'S18', `ServiceAccount "${sa}" is not in the output`, { path: `${w.template.path}.serviceAccountName` });
    }
  }
  for (const [key, sharing] of users) {
    if (sharing.length < 2) continue;
    const names = sharing.map((w) => `${w.object.kind}/${nameOf(w.object)}`).join(', ');
    for (const w of sharing)
      ctx.report(w.object, 'S18', `ServiceAccount "${key.split('/')[1]}" is shared by ${names}`, {
        path: `${w.template.path}.serviceAccountName`,
      });
  }
  for (const sa of ctx.objects.filter((o) => o.kind === 'ServiceAccount')) {
    if (sa.automountServiceAccountToken !== false) {
      ctx.report(sa, 'S18', `automountServiceAccountToken is ${show(sa.automountServiceAccountToken)}, expected false`, {
        path: 'automountServiceAccountToken',
      });
    }
  }
}

function hpaFor(ctx: CheckContext, w: Workload): KubeObject | undefined {
  return ctx.inNamespace('HorizontalPodAutoscaler', w.namespace).find((h) => {
    const ref = rec(rec(h.spec).scaleTargetRef);
    return ref.kind === w.object.kind && ref.name === nameOf(w.object);
  });
}

export function checkAvailability(ctx: CheckContext): void {
  for (const w of ctx.workloads.filter((x) => REPLICATED_KINDS.has(x.object.kind))) {
    const o = w.object;
    const spec = rec(o.spec);
    const hpa = hpaFor(ctx, w);
    const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1;
    const minReplicas = ctx.singleNode ? 1 : 2;
    if (!hpa && replicas < minReplicas) {
      ctx.report(o, 'A01', `replicas is ${show(spec.replicas)} without an HPA, expected >= ${minReplicas}`, { path: 'spec.replicas' });
    }
    if (hpa && spec.replicas !== undefined) {
      ctx.report(o, 'A02', `sets spec.replicas ${show(spec.replicas)} although HorizontalPodAutoscaler "${nameOf(hpa)}" scales it`, {
        path: 'spec.replicas',
      });
    }
    if (hpa || replicas >= 2) checkBudgetFor(ctx, w);
    checkAntiAffinity(ctx, w);
    checkZoneSpread(ctx, w);
    if (o.kind === 'Deployment') checkRollout(ctx, o);
    if (o.kind === 'Rollout') checkCanary(ctx, o);
  }
  for (const w of ctx.workloads.filter((x) => x.object.kind !== 'Pod' && x.object.kind !== 'Job' && x.object.kind !== 'CronJob')) {
    const selector = rec(w.object.spec).selector;
    if (!isRecord(selector) || isEmptySelector(selector))
      ctx.report(w.object, 'A07', 'spec.selector is missing or empty', { path: 'spec.selector' });
    else if (!selectorMatches(selector, w.template.labels))
      ctx.report(w.object, 'A07', 'spec.selector does not match the pod template labels', { path: 'spec.selector' });
  }
  checkAutoscalers(ctx);
  checkBudgets(ctx);
}

function checkBudgetFor(ctx: CheckContext, w: Workload): void {
  const budgets = ctx.inNamespace('PodDisruptionBudget', w.namespace).filter((p) => {
    const selector = rec(p.spec).selector;
    return isRecord(selector) && !isEmptySelector(selector) && selectorMatches(selector, w.template.labels);
  });
  if (budgets.length === 0) ctx.report(w.object, 'A03', 'no PodDisruptionBudget selects its pods');
  if (budgets.length > 1)
    ctx.report(w.object, 'A03', `${budgets.length} PodDisruptionBudgets select its pods (evictions fail), expected one`);
}

function checkAntiAffinity(ctx: CheckContext, w: Workload): void {
  const preferred = list(rec(rec(w.template.spec.affinity).podAntiAffinity).preferredDuringSchedulingIgnoredDuringExecution);
  const ok = preferred.some((p) => {
    const term = rec(p.podAffinityTerm);
    return (
      term.topologyKey === HOSTNAME_KEY &&
      isRecord(term.labelSelector) &&
      !isEmptySelector(term.labelSelector) &&
      selectorMatches(term.labelSelector, w.template.labels)
    );
  });
  if (!ok)
    ctx.report(w.object, 'A04', `no preferred pod anti-affinity on ${HOSTNAME_KEY} selecting its own pods`, {
      path: `${w.template.path}.affinity.podAntiAffinity`,
    });
}

function checkZoneSpread(ctx: CheckContext, w: Workload): void {
  const zone = list(w.template.spec.topologySpreadConstraints).filter((t) => t.topologyKey === ZONE_KEY);
  if (zone.length === 0) {
    ctx.report(w.object, 'A05', `no topologySpreadConstraint on ${ZONE_KEY}`, { path: `${w.template.path}.topologySpreadConstraints` });
    return;
  }
  for (const t of zone) {
    if (typeof t.maxSkew !== 'number' || t.maxSkew < 1)
      ctx.report(w.object, 'A05', `zone spread maxSkew is ${show(t.maxSkew)}, expected >= 1`, {
        path: `${w.template.path}.topologySpreadConstraints`,
      });
    if (t.whenUnsatisfiable !== 'ScheduleAnyway')
      ctx.report(w.object, 'A05', `zone spread whenUnsatisfiable is ${show(t.whenUnsatisfiable)}, expected ScheduleAnyway`, {
        path: `${w.template.path}.topologySpreadConstraints`,
      });
    if (!isRecord(t.labelSelector) || isEmptySelector(t.labelSelector) || !selectorMatches(t.labelSelector, w.template.labels)) {
      ctx.report(w.object, 'A05', 'zone spread labelSelector does not select its own pods', {
        path: `${w.template.path}.topologySpreadConstraints`,
      });
    }
  }
}

function checkRollout(ctx: CheckContext, o: KubeObject): void {
  const strategy = rec(rec(o.spec).strategy);
  const maxUnavailable = rec(strategy.rollingUpdate).maxUnavailable;
  if (strategy.type !== 'RollingUpdate')
    ctx.report(o, 'A06', `strategy.type is ${show(strategy.type)}, expected RollingUpdate`, { path: 'spec.strategy.type' });
  else if (maxUnavailable !== 0 && maxUnavailable !== '0%') {
    ctx.report(o, 'A06', `rollingUpdate.maxUnavailable is ${show(maxUnavailable)}, expected 0`, {
      path: 'spec.strategy.rollingUpdate.maxUnavailable',
    });
  }
}

/** An Argo Rollouts canary shifts pods like a rolling update: it too must never drop below desired capacity (blue-green never does). */
function checkCanary(ctx: CheckContext, o: KubeObject): void {
  const canary = rec(rec(o.spec).strategy).canary;
  if (!isRecord(canary)) return;
  // Argo Rollouts defaults an unset canary maxUnavailable to 25 %.
  if (canary.maxUnavailable !== 0 && canary.maxUnavailable !== '0%') {
    ctx.report(o, 'A06', `canary maxUnavailable is ${show(canary.maxUnavailable)}, expected 0`, {
      path: 'spec.strategy.canary.maxUnavailable',
    });
  }
}

function checkAutoscalers(ctx: CheckContext): void {
  for (const hpa of ctx.objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const spec = rec(hpa.spec);
    const ref = rec(spec.scaleTargetRef);
    const target = ctx.inNamespace(String(ref.kind), declaredNamespace(hpa)).find((o) => nameOf(o) === ref.name);
    if (!target)
      ctx.report(hpa, 'A02', `scaleTargetRef ${show(ref.kind)} ${show(ref.name)} is not in the output`, { path: 'spec.scaleTargetRef' });
    const min = typeof spec.minReplicas === 'number' ? spec.minReplicas : 1;
    if (min < 2) ctx.report(hpa, 'A02', `minReplicas is ${show(spec.minReplicas)}, expected >= 2`, { path: 'spec.minReplicas' });
    if (typeof spec.maxReplicas !== 'number' || spec.maxReplicas <= min) {
      ctx.report(hpa, 'A02', `maxReplicas is ${show(spec.maxReplicas)}, expected more than minReplicas ${min}`, {
        path: 'spec.maxReplicas',
      });
    }
  }
}

function checkBudgets(ctx: CheckContext): void {
  for (const pdb of ctx.objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    const spec = rec(pdb.spec);
    if (spec.maxUnavailable !== 1)
      ctx.report(pdb, 'A03', `maxUnavailable is ${show(spec.maxUnavailable)}, expected 1`, { path: 'spec.maxUnavailable' });
    if (spec.minAvailable !== undefined)
      ctx.report(pdb, 'A03', `sets minAvailable ${show(spec.minAvailable)}; use maxUnavailable: 1`, { path: 'spec.minAvailable' });
    if (spec.unhealthyPodEvictionPolicy === undefined)
      ctx.report(pdb, 'A03', 'unhealthyPodEvictionPolicy is not set', { path: 'spec.unhealthyPodEvictionPolicy' });
    const selector = spec.selector;
    const selectsWorkload =
      isRecord(selector) &&
      !isEmptySelector(selector) &&
      ctx.workloads.some((w) => w.namespace === declaredNamespace(pdb) && selectorMatches(selector, w.template.labels));
    if (!selectsWorkload) ctx.report(pdb, 'A03', 'selector matches the pods of no workload in its namespace', { path: 'spec.selector' });
  }
}

export function checkLabels(ctx: CheckContext): void {
  for (const o of ctx.objects) checkLabelSet(ctx, o, stringMap(o.metadata?.labels), 'metadata.labels', 'metadata.labels');
  for (const w of ctx.workloads) {
    if (w.template.path !== 'spec')
      checkLabelSet(ctx, w.object, w.template.labels, 'pod template labels', `${w.template.path.replace(/\.spec$/, '')}.metadata.labels`);
  }
}

function checkLabelSet(ctx: CheckContext, o: KubeObject, labels: Record<string, string>, where: string, path: string): void {
  const missing = RECOMMENDED_LABELS.filter((l) => !labels[l]);
  if (missing.length > 0) ctx.report(o, 'A08', `${where} lack ${missing.join(', ')}`, { path });
  for (const [key, value] of Object.entries(labels)) {
    if (value.length > 63 || !LABEL_VALUE.test(value))
      ctx.report(o, 'A08', `${where} ${key} has invalid value ${show(value)}`, { path: `${path}.${key}` });
  }
}
