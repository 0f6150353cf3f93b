/**
 * The admin panel's "OA cần cấp quyền lại" banner: a middleware on /admin that puts the warning in
 * `res.locals.banners` (rendered by src/admin/layout.ts) while the stored pair is flagged.
 */
import express, { type Router } from "express";
import type { Translator } from "../../i18n/locales.js";
import type { OaTokens } from "./tokens.js";

/** @example routers.push({ path: "/", router: createOaAdminBanner({ tokens, i18n }) }) */
export function createOaAdminBanner(deps: {
  tokens: Pick<OaTokens, "cachedStatus">;
  i18n: Translator;
}): Router {
  const router = express.Router();
  router.use("/admin", (_req, res, next) => {
    deps.tokens.cachedStatus().then(
      (s) => {
        if (s.state !== "ok") {
          const time = s.needsReauthAt
            ? s.needsReauthAt.toLocaleString("vi-VN", { timeZone: "Asia/Ho_Chi_Minh" })
            : "—";
          const banners: unknown[] = Array.isArray(res.locals.banners) ? res.locals.banners : [];
          res.locals.banners = [...banners, deps.i18n.t("vi", "admin.banners.oa_reauth", { time })];
        }
        next();
      },
      () => next(),
    );
  });
  return router;
}
