export {
  createGadgetbridgeSource,
  GADGETBRIDGE_CAPABILITIES,
  type GadgetbridgeOptions,
  type GadgetbridgeSource,
} from './source.js';
export { mapActivityKind, GADGETBRIDGE_KINDS } from './activity-kind.js';
