/** Cross-object workload rules: ServiceAccounts (S18), availability (A01–A07) and labels (A08). */
import type { CheckContext } from './context.js';
export declare function checkServiceAccounts(ctx: CheckContext): void;
export declare function checkAvailability(ctx: CheckContext): void;
export declare function checkLabels(ctx: CheckContext): void;
