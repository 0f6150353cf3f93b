/** The filtered queue as CSV or XLSX, exactly what the reviewer sees. */
import express, { type Router } from "express";
import { route, type PanelContext } from "../context.js";
import { toCsv, toXlsx } from "../export.js";
import { listNominations, parseFilters } from "../queue-filters.js";

export function exportRoutes(ctx: PanelContext): Router {
  const { db, i18n } = ctx;
  const router = express.Router();
  router.get(
    "/export.csv",
    route(async (req, res) => {
      const rows = await listNominations(db, parseFilters(req.query as Record<string, unknown>), 50_000);
      ctx.log.info({ reviewerId: ctx.who(res).id, rows: rows.length }, "csv export");
      res.set("Content-Disposition", `attachment; filename="ho-so-de-cu.csv"`).set("Cache-Control", "no-store").type("text/csv; charset=utf-8").send(toCsv(rows, i18n));
    }),
  );
  router.get(
    "/export.xlsx",
    route(async (req, res) => {
      const rows = await listNominations(db, parseFilters(req.query as Record<string, unknown>), 50_000);
      ctx.log.info({ reviewerId: ctx.who(res).id, rows: rows.length }, "xlsx export");
      res
        .set("Content-Disposition", `attachment; filename="ho-so-de-cu.xlsx"`)
        .set("Cache-Control", "no-store")
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(await toXlsx(rows, i18n));
    }),
  );
  return router;
}
