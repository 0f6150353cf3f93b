/**
 * What every admin route and view shares: the dependencies of the panel and the small vocabulary
 * the pages are written in (wording, status badges, times in Vietnam, the CSRF field).
 */
import type { Request, Response } from "express";
import type { Queue } from "bullmq";
import type { Logger } from "pino";
import type { ChannelName, OutboundJob } from "../channels/types.js";
import type { Db } from "../db/client.js";
import type { Translator } from "../i18n/locales.js";
import type { LocalityLookup } from "../review/localities.js";
import type { AdminAuth } from "./auth.js";
import { html, panelText, type PageReviewer, type PanelText, type SafeHtml } from "./layout.js";

export interface AdminPanelDeps {
  db: Db;
  auth: AdminAuth;
  i18n: Translator;
  config: { publicUrl?: string; port: number; queueDashboard?: boolean };
  enqueue: (job: OutboundJob, opts?: { removeOnComplete?: boolean }) => Promise<void>;
  /** Nudges the outbox relay after a decision. */
  pokeOutbox?: () => void;
  /** Queues shown at /admin/queues (admins only, read-only). */
  queues: Queue[];
  /** Deletes what Redis holds about a chat (used by the erasure). */
  forgetChat?: (channel: ChannelName, chatId: string, userId: string) => Promise<void>;
  logger: Logger;
  /** Canonical localities for the queue's filter and names (the managed table of src/localities). */
  localities?: LocalityLookup;
}

/** The panel's dependencies plus the page vocabulary, built once. */
export interface PanelContext extends AdminPanelDeps {
  text: PanelText;
  log: Logger;
  /** Status name in Vietnamese. */
  st(status: string): string;
  /** Nomination category name in Vietnamese. */
  cat(category: string): string;
  badge(status: string): SafeHtml;
  csrfField(res: Response): SafeHtml;
  who(res: Response): PageReviewer;
  /** A number as Vietnamese readers write it (1.234; 83,3). */
  num(n: number, maxDecimals?: number): string;
  /** The canonical name of a row's locality, or the text as typed when it matches none. */
  localityName(row: { locality: string; localityId: string | null }): string;
  /** An audit action in Vietnamese ("claim" → "Nhận xử lý"). */
  /** The action in words; a question's claim, release and answer have their own words (question_*). */
  actionName(action: string, subjectType?: string): string;
  /** Who acted, in Vietnamese ("submitter" → "Người gửi"). */
  actorName(actor: string): string;
}

/** Day and time in Vietnam, as reviewers read them. */
export function vnTime(d: Date | null | undefined): string {
  if (!d) return "";
  return new Intl.DateTimeFormat("vi-VN", {
    timeZone: "Asia/Ho_Chi_Minh",
    day: "2-digit",
    month: "2-digit",
    year: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hour12: false,
  }).format(d);
}

/** Wraps an async handler so a rejection reaches express's error handler. */
export function route(fn: (req: Request, res: Response) => Promise<void>) {
  return (req: Request, res: Response, next: (err?: unknown) => void) => void fn(req, res).catch(next);
}

/** @example const ctx = panelContext(deps) */
export function panelContext(deps: AdminPanelDeps): PanelContext {
  const text = panelText(deps.i18n);
  const st = (s: string) => deps.i18n.t("vi", `review.status.${s}`);
  return {
    ...deps,
    text,
    log: deps.logger.child({ concern: "admin" }),
    st,
    cat: (c) => deps.i18n.t("vi", `review.category.${c}`),
    badge: (s) => html`<span class="badge s-${s}">${st(s)}</span>`,
    csrfField: (res) => html`<input type="hidden" name="_csrf" value="${deps.auth.csrfToken(res)}">`,
    who: (res) => res.locals.reviewer as PageReviewer,
    num: (n, maxDecimals = 1) =>
      new Intl.NumberFormat("vi-VN", { maximumFractionDigits: maxDecimals }).format(n),
    localityName: (row) =>
      (row.localityId && deps.localities?.byId(row.localityId)?.name) ||
      deps.localities?.resolve(row.locality)?.name ||
      row.locality,
    // An action without wording (a future one) shows as itself rather than as a missing key.
    actionName: (a, subjectType) => {
      const key =
        subjectType === "question" && deps.i18n.has(`admin.audit.actions.question_${a}`)
          ? `admin.audit.actions.question_${a}`
          : `admin.audit.actions.${a}`;
      return deps.i18n.has(key) ? deps.i18n.t("vi", key) : a;
    },
    actorName: (a) =>
      ["submitter", "system", "cli"].includes(a) ? deps.i18n.t("vi", `admin.audit.actors.${a}`) : a,
  };
}
