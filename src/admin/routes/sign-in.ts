/**
 * Signing in with a one-time link and signing out. A valid link always works, even from an
 * address locked out for failed attempts (a whole office behind one NAT must not be locked out by
 * one mistyped link); the lockout only refuses further guesses.
 */
import express, { type Router } from "express";
import { route, type PanelContext } from "../context.js";
import { html, renderPage } from "../layout.js";

export function signInRoutes(ctx: PanelContext): Router {
  const { auth, i18n } = ctx;
  const { t, h } = ctx.text;
  const router = express.Router();
  router.get(
    "/login",
    route(async (req, res) => {
      const ip = req.ip ?? "unknown";
      const token = typeof req.query.token === "string" ? req.query.token : "";
      if (await auth.signIn(token, res)) {
        res.redirect(303, "/admin");
        return;
      }
      if (!(await auth.allowSignInAttempt(ip))) {
        renderPage(res, {
          i18n,
          title: t("login.locked_title"),
          status: 429,
          body: html`<p>${t("login.locked")}</p>`,
        });
        return;
      }
      await auth.recordFailedSignIn(ip);
      renderPage(res, {
        i18n,
        title: t("login.invalid_title"),
        status: 401,
        body: html`<div class="card"><p>${t("login.invalid")}</p>
          <p>${h("login.invalid_how", { command: html`<b>/dangnhap</b>` })}</p></div>`,
      });
    }),
  );
  return router;
}

/** Mounted after the session check. */
export function signOutRoutes(ctx: PanelContext): Router {
  const router = express.Router();
  router.post(
    "/logout",
    ctx.auth.verifyCsrf,
    route(async (req, res) => {
      await ctx.auth.signOut(req, res);
      res.redirect(303, "/admin/login");
    }),
  );
  return router;
}
