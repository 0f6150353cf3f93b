/**
 * The admin panel's locality list (/admin/localities), for admins: the list with its status, an
 * import from CSV or XLSX (optionally replacing the whole list), edit, retire/restore, and each
 * locality's history. Every action also writes an audit row.
 */
import { performAction } from "../review/audit.js";
import express, { type RequestHandler, type Response } from "express";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import { html, panelText, renderPage, type PageReviewer } from "../admin/layout.js";
import { parseCsv, parseXlsx, rowsToLocalities } from "./import.js";
import {
  LOCALITY_KINDS,
  LocalityImportError,
  localityInputSchema,
  setLocalityActive,
  upsertLocalities,
} from "./localities.js";
import { parseMultipart } from "./multipart.js";

export interface LocalityRoutesDeps {
  db: Db;
  i18n: Translator;
  requireAdmin: RequestHandler;
  verifyCsrf: RequestHandler;
  csrfToken(res: Response): string;
}

const MAX_UPLOAD = 5 * 1024 * 1024;

/** @example extraRouters.push({ path: "/admin/localities", router: createLocalityRoutes({ db, i18n, ...auth }) }) */
export function createLocalityRoutes(deps: LocalityRoutesDeps): express.Router {
  const { db, i18n } = deps;
  const { t } = panelText(i18n);
  const router = express.Router();
  router.use(deps.requireAdmin);
  const csrf = (res: Response) => html`<input type="hidden" name="_csrf" value="${deps.csrfToken(res)}">`;
  const audit = (r: PageReviewer, id: string, action: string, note?: string) =>
    performAction(db, { reviewerId: r.id, label: r.name }, { type: "locality", id }, action, async () => ({
      value: undefined,
      audit: { note },
    }));

  async function listPage(res: Response, notice?: ReturnType<typeof html>, status = 200) {
    const rows = await db.locality.findMany({
      orderBy: [{ active: "desc" }, { sortOrder: "asc" }, { name: "asc" }],
    });
    const legacy = rows.some((r) => r.active && (r.kind === "district" || r.kind === "city"));
    const body = html`<p class="muted">${t("localities.intro")}</p>${legacy && html`<div class="notice">${t("localities.legacy_note")}</div>`}${notice ?? ""}
      <form class="card" method="post" action="/admin/localities/import?_csrf=${deps.csrfToken(res)}" enctype="multipart/form-data">
        <h2>${t("localities.import_title")}</h2><p class="muted">${t("localities.import_help")}</p>
        <p><label>${t("localities.import_file")} <input type="file" name="file" accept=".csv,.xlsx,text/csv,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" required></label></p>
        <p><label><input type="checkbox" name="retireOthers" value="1"> ${t("localities.retire_others")}</label></p>
        <p><button class="btn" type="submit">${t("localities.import_button")}</button></p>
      </form>
      <div class="table-wrap"><table><thead><tr><th>${t("localities.col_id")}</th><th>${t("localities.col_name")}</th><th>${t("localities.col_kind")}</th><th>${t("localities.col_aliases")}</th><th>${t("localities.col_status")}</th><th></th></tr></thead><tbody>
      ${rows.map(
        (
          r,
        ) => html`<tr><td>${r.id}</td><td>${r.name}${r.nameEn ? html`<br><span class="muted">${r.nameEn}</span>` : ""}</td><td>${t(`localities.kind.${r.kind}`)}</td><td>${r.aliases.join("; ")}</td>
          <td>${r.active ? t("localities.active") : t("localities.retired")}</td>
          <td><a href="/admin/localities/${encodeURIComponent(r.id)}">${t("localities.edit")}</a>
          <form method="post" action="/admin/localities/${encodeURIComponent(r.id)}/${r.active ? "retire" : "restore"}" style="display:inline">${csrf(res)}<button class="btn ${r.active ? "danger" : "secondary"}" type="submit">${t(r.active ? "localities.retire" : "localities.restore")}</button></form></td></tr>`,
      )}</tbody></table></div>`;
    renderPage(res, {
      i18n,
      title: t("localities.title"),
      body,
      reviewer: res.locals.reviewer as PageReviewer,
      status,
    });
  }

  router.get("/", async (_req, res, next) => listPage(res).catch(next));

  // The upload's CSRF token travels in the query string: verifyCsrf reads url-encoded bodies only.
  const csrfFromQuery: RequestHandler = (req, _res, next) => {
    if (typeof req.query._csrf === "string") req.headers["x-csrf-token"] = req.query._csrf;
    next();
  };
  router.post(
    "/import",
    csrfFromQuery,
    deps.verifyCsrf,
    express.raw({ type: "multipart/form-data", limit: MAX_UPLOAD }),
    async (req, res, next) => {
      try {
        const reviewer = res.locals.reviewer as PageReviewer;
        const form = parseMultipart(req.body as Buffer, req.get("content-type") ?? "");
        const file = form?.file;
        try {
          if (!file) throw new LocalityImportError(["no file was sent"]);
          const isXlsx = /\.xlsx$/i.test(file.name) || file.type.includes("spreadsheetml");
          const table = isXlsx ? await parseXlsx(file.bytes) : parseCsv(file.bytes.toString("utf8"));
          const rows = rowsToLocalities(table);
          const date = new Date(Date.now() + 7 * 3_600_000).toISOString().slice(0, 10);
          const result = await upsertLocalities(db, rows, {
            actor: reviewer.name,
            source: `import ${date} (${file.name.slice(0, 80)})`,
            retireOthers: form.fields.retireOthers === "1",
          });
          await audit(reviewer, "*", "import", `${file.name.slice(0, 80)}: ${JSON.stringify(result)}`);
          return listPage(res, html`<div class="notice">${t("localities.imported", result)}</div>`);
        } catch (err) {
          if (!(err instanceof LocalityImportError)) throw err;
          return listPage(
            res,
            html`<div class="notice error">${t("localities.import_failed")}<ul>${err.problems.slice(0, 30).map((p) => html`<li>${p}</li>`)}</ul></div>`,
            400,
          );
        }
      } catch (err) {
        next(err);
      }
    },
  );

  router.get("/:id", async (req, res, next) => {
    try {
      const l = await db.locality.findUnique({ where: { id: String(req.params.id) } });
      const reviewer = res.locals.reviewer as PageReviewer;
      if (!l)
        return renderPage(res, {
          i18n,
          title: t("localities.title"),
          body: html`<p>${t("localities.not_found")}</p>`,
          reviewer,
          status: 404,
        });
      const changes = await db.localityChange.findMany({
        where: { localityId: l.id },
        orderBy: { at: "desc" },
        take: 100,
      });
      const body = html`<form class="card" method="post" action="/admin/localities/${encodeURIComponent(l.id)}">${csrf(res)}
          <p><label>${t("localities.col_name")}<br><input name="name" value="${l.name}" required maxlength="120" style="width:100%"></label></p>
          <p><label>English<br><input name="nameEn" value="${l.nameEn ?? ""}" maxlength="120" style="width:100%"></label></p>
          <p><label>${t("localities.col_kind")} <select name="kind">${LOCALITY_KINDS.map((k) => html`<option value="${k}" ${k === l.kind ? "selected" : ""}>${t(`localities.kind.${k}`)}</option>`)}</select></label></p>
          <p><label>${t("localities.col_aliases")} (;)<br><input name="aliases" value="${l.aliases.join("; ")}" style="width:100%"></label></p>
          <p><button class="btn" type="submit">${t("localities.save")}</button></p></form>
        <h2>${t("localities.history")}</h2><div class="table-wrap"><table><tbody>${changes.map((c) => html`<tr><td>${c.at.toISOString().slice(0, 16).replace("T", " ")}</td><td>${c.actor}</td><td>${c.action}</td><td class="muted">${JSON.stringify(c.after ?? {})}</td></tr>`)}</tbody></table></div>`;
      renderPage(res, { i18n, title: `${t("localities.title")}: ${l.name}`, body, reviewer });
    } catch (err) {
      next(err);
    }
  });

  router.post("/:id", deps.verifyCsrf, async (req, res, next) => {
    try {
      const reviewer = res.locals.reviewer as PageReviewer;
      const l = await db.locality.findUnique({ where: { id: String(req.params.id) } });
      if (!l) return void res.status(404).end();
      const b = (req.body ?? {}) as Record<string, string>;
      const parsed = localityInputSchema.safeParse({
        id: l.id,
        name: b.name,
        nameEn: b.nameEn || undefined,
        kind: b.kind,
        aliases: (b.aliases ?? "")
          .split(";")
          .map((s) => s.trim())
          .filter(Boolean),
        active: l.active,
      });
      if (!parsed.success)
        return listPage(
          res,
          html`<div class="notice error">${t("localities.invalid")} ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}</div>`,
          400,
        );
      await upsertLocalities(db, [parsed.data], { actor: reviewer.name, source: l.source ?? "edit" });
      await audit(reviewer, l.id, "edit");
      res.redirect(303, `/admin/localities/${encodeURIComponent(l.id)}`);
    } catch (err) {
      next(err);
    }
  });

  for (const action of ["retire", "restore"] as const) {
    router.post(`/:id/${action}`, deps.verifyCsrf, async (req, res, next) => {
      try {
        const reviewer = res.locals.reviewer as PageReviewer;
        if (await setLocalityActive(db, String(req.params.id), action === "restore", reviewer.name))
          await audit(reviewer, String(req.params.id), action);
        res.redirect(303, "/admin/localities");
      } catch (err) {
        next(err);
      }
    });
  }
  return router;
}
