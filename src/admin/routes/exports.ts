/**
 * The filtered queue as CSV or XLSX, exactly what the reviewer sees. These files carry names and
 * phone numbers, so every export is recorded in the audit log (who, how many rows, which filters).
 */
import express, { type Request, type Response, type Router } from "express";
import { performAction } from "../../review/audit.js";
import { route, type PanelContext } from "../context.js";
import { toCsv, toXlsx } from "../export.js";
import { filtersQuery, filtersWhere, listAll, parseFilters, type QueueRow } from "../queue-filters.js";

export function exportRoutes(ctx: PanelContext): Router {
  const { db, i18n } = ctx;
  const router = express.Router();
  const localityName = (n: QueueRow) => ctx.localityName(n);

  async function exported(req: Request, res: Response, format: "csv" | "xlsx"): Promise<QueueRow[]> {
    const me = ctx.who(res);
    const f = parseFilters(req.query as Record<string, unknown>, ctx.localities);
    const where = await filtersWhere(db, f, me.id, { localities: ctx.localities });
    const { value } = await performAction(
      db,
      { reviewerId: me.id, label: me.name },
      { type: "export", id: "nominations" },
      "export",
      async (tx) => {
        const rows = await listAll(tx as never, where);
        return {
          value: rows,
          audit: {
            note: ctx.text.t("audit.export_rows_note", {
              count: ctx.num(rows.length),
              format: format.toUpperCase(),
              filters: filtersQuery(f) || "—",
            }),
          },
        };
      },
    );
    ctx.log.info({ reviewerId: me.id, rows: value.length, format }, "queue export");
    return value;
  }

  router.get(
    "/export.csv",
    route(async (req, res) => {
      const rows = await exported(req, res, "csv");
      res
        .set("Content-Disposition", `attachment; filename="ho-so-de-cu.csv"`)
        .set("Cache-Control", "no-store")
        .type("text/csv; charset=utf-8")
        .send(toCsv(rows, i18n, localityName));
    }),
  );
  router.get(
    "/export.xlsx",
    route(async (req, res) => {
      const rows = await exported(req, res, "xlsx");
      res
        .set("Content-Disposition", `attachment; filename="ho-so-de-cu.xlsx"`)
        .set("Cache-Control", "no-store")
        .type("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        .send(await toXlsx(rows, i18n, localityName));
    }),
  );
  return router;
}
