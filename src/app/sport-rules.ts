// User sport rules (F7), from the config file and the dashboard: the first rule whose every
// given condition matches decides; a rule either sets a Strava sport_type (and
// optionally our sport) or skips the workout. Pure.
import type { Sport } from '../core/workout/types.js';

export interface SportRule {
  readonly code?: number | string;
  /** Case-insensitive substring of the device name. */
  readonly device?: string;
  readonly hasGps?: boolean;
  /** Case-insensitive substring of the workout name. */
  readonly name?: string;
  readonly sportType?: string;
  readonly sport?: Sport;
  readonly skip?: boolean;
}

export interface SportRuleContext {
  readonly code: number | string;
  readonly device?: string;
  readonly hasGps: boolean;
  readonly name?: string;
}

export type SportRuleOutcome =
  | { readonly kind: 'none' }
  | { readonly kind: 'skip'; readonly ruleIndex: number }
  | { readonly kind: 'set'; readonly ruleIndex: number; readonly sportType?: string; readonly sport?: Sport };

const contains = (hay: string | undefined, needle: string): boolean =>
  (hay ?? '').toLowerCase().includes(needle.toLowerCase());

export function ruleMatches(rule: SportRule, ctx: SportRuleContext): boolean {
  if (rule.code !== undefined && String(rule.code).trim() !== String(ctx.code).trim()) return false;
  if (rule.device !== undefined && !contains(ctx.device, rule.device)) return false;
  if (rule.hasGps !== undefined && rule.hasGps !== ctx.hasGps) return false;
  if (rule.name !== undefined && !contains(ctx.name, rule.name)) return false;
  return true;
}

export function applySportRules(rules: readonly SportRule[], ctx: SportRuleContext): SportRuleOutcome {
  const index = rules.findIndex((r) => ruleMatches(r, ctx));
  if (index < 0) return { kind: 'none' };
  const rule = rules[index]!;
  if (rule.skip) return { kind: 'skip', ruleIndex: index };
  return {
    kind: 'set',
    ruleIndex: index,
    ...(rule.sportType !== undefined ? { sportType: rule.sportType } : {}),
    ...(rule.sport !== undefined ? { sport: rule.sport } : {}),
  };
}
