/** The shapes of the identifiers the panel accepts in its URLs. */
export const REFERENCE_CODE_RE = /^(DC|TD)-\d{4}-\d{6}$/;
export const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
