/** The synth-time hardening policy check (shared/hardening.md); see constructs/docs/policy.md. */
export type { KubeMetadata, KubeObject, PolicyOptions, Violation } from './types.js';
export { CLUSTER_SCOPE, formatViolation } from './types.js';
export type { RuleId, RuleInfo } from './rules.js';
export { RULES, isRuleId } from './rules.js';
export { checkManifests, sortViolations } from './check.js';
export { WAIVER_PREFIX, applyWaivers, waive } from './waivers.js';
export type { SchemaOptions } from './schemas.js';
export { SchemasNotLoadedError, knownSchemaKinds, loadSchemas, validateLoadedSchemas, validateSchemas } from './schemas.js';
export type { HardeningOptions } from './enforce.js';
export { HardeningPolicyError, addHardeningValidation, checkHardening, collectManifests, enforceHardening, loadSchemasFor } from './enforce.js';
export { looksLikeSecretName } from './secret-names.js';
