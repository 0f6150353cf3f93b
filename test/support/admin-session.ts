/**
 * A browser-less signed-in panel user for tests: signs in with a one-time link, keeps the session
 * cookie, reads the CSRF token from a page and posts forms the way the browser does.
 */
import { createLoginLink } from "../../src/review/login-links.js";
import type { TestSystem } from "./system.js";

export interface AdminSession {
  get(path: string): Promise<Response>;
  /** Posts a form with the page's CSRF token (read from `csrfFrom`, default the same path without the action). */
  post(path: string, form: Record<string, string>, csrfFrom?: string): Promise<Response>;
}

/** @example const admin = await signIn(t, adminId); await admin.post(`/admin/faq/${id}/publish`, {}) */
export async function signIn(t: TestSystem, reviewerId: string): Promise<AdminSession> {
  const { url } = await createLoginLink(t.system.db, reviewerId, t.url, { label: "cli" });
  const res = await fetch(url, { redirect: "manual" });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const get = (path: string) => fetch(`${t.url}${path}`, { headers: { cookie }, redirect: "manual" });
  let csrf: string | undefined;
  return {
    get,
    async post(path, form, csrfFrom = "/admin/questions") {
      csrf ??= (await (await get(csrfFrom)).text()).match(/name="_csrf" value="([^"]+)"/)?.[1];
      return fetch(`${t.url}${path}`, {
        method: "POST",
        headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf ?? "", ...form }).toString(),
        redirect: "manual",
      });
    },
  };
}

/** A signed-in session that also exposes its cookie and reads the CSRF token of any page. */
export interface PanelSession {
  cookie: string;
  get(path: string, headers?: Record<string, string>): Promise<Response>;
  post(path: string, form: Record<string, string>): Promise<Response>;
  csrf(path?: string): Promise<string>;
}

/** @example const a = await signInAs(t, admin.id); await a.post(path, { _csrf: await a.csrf() }) */
export async function signInAs(t: TestSystem, reviewerId: string): Promise<PanelSession> {
  const { url } = await createLoginLink(t.system.db, reviewerId, t.url, { label: "cli" });
  const res = await fetch(url, { redirect: "manual" });
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}`);
  const cookie = res.headers.get("set-cookie")!.split(";")[0]!;
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(`${t.url}${path}`, { headers: { cookie, ...headers }, redirect: "manual" });
  const post = (path: string, form: Record<string, string>) =>
    fetch(`${t.url}${path}`, {
      method: "POST",
      headers: { cookie, "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams(form).toString(),
      redirect: "manual",
    });
  const csrf = async (path = "/admin") =>
    (await (await get(path)).text()).match(/name="_csrf" value="([^"]+)"/)![1]!;
  return { cookie, get, post, csrf };
}
