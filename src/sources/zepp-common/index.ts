export { mapZeppSport, type MappedSport } from './map-sport.js';
export { ZEPP_SPORT_CODES, BY_DEVICE, type SportCodeRow } from './sport-codes.js';
