export { mapZeppSport, type MappedSport } from './map-sport.js';
export { ZEPP_SPORT_CODES, BY_DEVICE, type SportCodeRow } from './sport-codes.js';
export { applySportRules, ruleMatches, type SportRule, type SportRuleContext, type SportRuleOutcome } from './rules.js';
