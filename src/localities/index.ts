/** Localities as managed data: the live list of the flows' locality step, import, edit, retire, history. */
export {
  activeLocalityOptions,
  matchForms,
  seedLocalities,
  setLocalityActive,
  upsertLocalities,
  LocalityImportError,
  LOCALITY_KINDS,
  type LocalityInput,
} from "./localities.js";
export { parseCsv, parseXlsx, rowsToLocalities } from "./import.js";
export { createLocalityPlugin, LOCALITIES_OPTIONS_FILE } from "./conversation.js";
export { createLocalityRoutes } from "./admin-routes.js";
