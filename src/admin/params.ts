/**
 * Route parameters are validated before any handler runs: a malformed reference code or id gets
 * the "not found" page (404) at once, never a database error (500) with the value in the log.
 */
import type { Router } from "express";
import type { PanelContext } from "./context.js";
import { REFERENCE_CODE_RE, UUID_RE } from "./ids.js";
import { notFound } from "./responses.js";

/** Checks `:code` and `:id` on every route of `router` that has them. */
export function validateParams(ctx: PanelContext, router: Router): void {
  router.param("code", (_req, res, next, value: string) =>
    REFERENCE_CODE_RE.test(value) ? next() : notFound(ctx, res),
  );
  router.param("id", (_req, res, next, value: string) => (UUID_RE.test(value) ? next() : notFound(ctx, res)));
}
