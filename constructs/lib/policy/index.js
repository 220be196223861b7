export { CLUSTER_SCOPE, formatViolation } from './types.js';
export { RULES, isRuleId } from './rules.js';
export { checkManifests, sortViolations } from './check.js';
export { WAIVER_PREFIX, applyWaivers, waive } from './waivers.js';
export { SchemasNotLoadedError, knownSchemaKinds, loadSchemas, validateLoadedSchemas, validateSchemas } from './schemas.js';
export { HardeningPolicyError, addHardeningValidation, checkHardening, collectManifests, enforceHardening, loadSchemasFor } from './enforce.js';
export { looksLikeSecretName } from './secret-names.js';
