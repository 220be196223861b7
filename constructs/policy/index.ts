/** The hardening policy (constructs/docs/rules.md): one entry, HardeningValidation; see constructs/docs/policy.md. */
export type { Finding, KubeMetadata, KubeObject, Severity } from './types.js';
export { formatFinding } from './types.js';
export type { RuleId, RuleInfo } from './rules.js';
export { RULES } from './rules.js';
export type { PolicyRule, RuleContext, RuleFinding } from './rule-api.js';
export type { ContainerRef, PodTemplate } from './kube.js';
export type { CrdSchema, ModelClass } from './schemas.js';
export type { EnvironmentProps, HardeningValidationProps, RuleSeverity } from './props.js';
export type { WaiverOptions } from './waivers.js';
export { DEFAULT_WAIVER_PREFIX, waive } from './waivers.js';
export type { ValidationContextLike } from './plugin-report.js';
export { HardeningValidation } from './hardening-validation.js';
export { looksLikeSecretName } from './secret-names.js';
