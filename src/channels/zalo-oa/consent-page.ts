/**
 * `GET /zalo-oa/callback`: where Zalo sends the OA admin after “Cho phép” (when the console's
 * Callback Url points here). It only shows the command to finish with: exchanging the code from a
 * web page would let anyone who can reach the URL bind the bot to an OA of their choosing.
 */
import express, { type Router } from "express";
import { escapeHtml } from "../../admin/layout.js";

export const CONSENT_CALLBACK_PATH = "/zalo-oa/callback";

/** @example routes.use(createConsentPage()) */
export function createConsentPage(): Router {
  const router = express.Router();
  router.get(CONSENT_CALLBACK_PATH, (req, res) => {
    const code = typeof req.query.code === "string" ? req.query.code.slice(0, 512) : "";
    const body = code
      ? `<p>Zalo đã cấp quyền. Trong vòng 10 phút, chạy trên máy chủ:</p><pre>npm run zalo-oa -- exchange ${escapeHtml(code)}</pre><p>Zalo granted access. Within 10 minutes, run the command above on the server.</p>`
      : `<p>Không có mã cấp quyền trong địa chỉ này. Chạy lại <code>npm run zalo-oa -- auth-url</code>.</p><p>No authorization code here: run auth-url again.</p>`;
    res
      .status(code ? 200 : 400)
      .set({ "Cache-Control": "no-store", "Referrer-Policy": "no-referrer" })
      .type("html")
      .send(
        `<!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Zalo OA</title></head><body style="font-family:system-ui;max-width:40rem;margin:2rem auto;padding:0 1rem">${body}</body></html>`,
      );
  });
  return router;
}
