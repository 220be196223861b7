/**
 * The rule catalogue: one entry per row of shared/hardening.md, plus the checks the policy adds
 * around it (collisions, schemas, waivers). The ids are the contract: violations, waivers and
 * docs all use them.
 */
/** What a rule checks and why, for messages, waiver validation and the docs table. */
export interface RuleInfo {
    /** One line: what the rule expects. */
    readonly checks: string;
    /** Why the rule exists. */
    readonly why: string;
    /** Whether a per-object waiver may silence it (integrity checks cannot be waived). */
    readonly waivable: boolean;
}
export declare const RULES: {
    readonly S01: RuleInfo;
    readonly S02: RuleInfo;
    readonly S03: RuleInfo;
    readonly S04: RuleInfo;
    readonly S05: RuleInfo;
    readonly S06: RuleInfo;
    readonly S07: RuleInfo;
    readonly S08: RuleInfo;
    readonly S09: RuleInfo;
    readonly S10: RuleInfo;
    readonly S11: RuleInfo;
    readonly S12: RuleInfo;
    readonly S18: RuleInfo;
    readonly S19: RuleInfo;
    readonly S20: RuleInfo;
    readonly I01: RuleInfo;
    readonly I02: RuleInfo;
    readonly I03: RuleInfo;
    readonly R01: RuleInfo;
    readonly R02: RuleInfo;
    readonly P01: RuleInfo;
    readonly P02: RuleInfo;
    readonly P03: RuleInfo;
    readonly P04: RuleInfo;
    readonly P05: RuleInfo;
    readonly A01: RuleInfo;
    readonly A02: RuleInfo;
    readonly A03: RuleInfo;
    readonly A04: RuleInfo;
    readonly A05: RuleInfo;
    readonly A06: RuleInfo;
    readonly A07: RuleInfo;
    readonly A08: RuleInfo;
    readonly N01: RuleInfo;
    readonly N02: RuleInfo;
    readonly N03: RuleInfo;
    readonly N04: RuleInfo;
    readonly N05: RuleInfo;
    readonly N06: RuleInfo;
    readonly N07: RuleInfo;
    readonly N08: RuleInfo;
    readonly N09: RuleInfo;
    readonly X01: RuleInfo;
    readonly K01: RuleInfo;
    readonly W01: RuleInfo;
};
/** The id of a policy rule, e.g. `S08`. */
export type RuleId = keyof typeof RULES;
/** Whether a string is a known rule id. */
export declare function isRuleId(id: string): id is RuleId;
