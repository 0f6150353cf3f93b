/**
 * What happens when an inbound message still fails after its last retry: the person is told, once
 * and politely, in their language, to send it again (naming the file when it was a file); one warn
 * line records the chat, the kind of update and the error's class — never the text; a counter
 * goes up. Without this a failed job would sit silently in `inbound-N:failed`.
 */
import type { Logger } from "pino";
import type { InboundMessage, OutboundJob } from "../channels/types.js";
import type { Lang, Translator } from "../i18n/locales.js";

/**
 * The counter shape the failure handler needs. It is prom-client's `Counter#inc(labels)`, so the
 * metrics module can pass its counter as is; `createMemoryCounter` serves until then (and tests).
 */
export interface LabelledCounter {
  inc(labels: Record<string, string>): void;
}

/** An in-process counter: a total per label set, readable with `value`. */
export interface MemoryCounter extends LabelledCounter {
  /** The sum over every label set that contains `labels` (all of them when omitted). */
  value(labels?: Record<string, string>): number;
}

/** @example const failures = createMemoryCounter(); failures.inc({ channel: "zalo" }); failures.value() // 1 */
export function createMemoryCounter(): MemoryCounter {
  const totals = new Map<string, { labels: Record<string, string>; n: number }>();
  return {
    inc(labels) {
      const key = JSON.stringify(Object.entries(labels).sort());
      const entry = totals.get(key) ?? { labels: { ...labels }, n: 0 };
      entry.n += 1;
      totals.set(key, entry);
    },
    value(labels = {}) {
      let n = 0;
      for (const e of totals.values())
        if (Object.entries(labels).every(([k, v]) => e.labels[k] === v)) n += e.n;
      return n;
    },
  };
}

/** The kind of update, for logs and metric labels (no content). */
export type UpdateKind = "text" | "choice" | "media" | "unsupported" | "other";

export function updateKindOf(msg: InboundMessage): UpdateKind {
  if (msg.choice) return "choice";
  if (msg.media) return "media";
  if (msg.unsupported) return "unsupported";
  if (msg.text !== undefined) return "text";
  return "other";
}

/** An error's class (and driver code), safe to log: messages may quote personal data. */
export function errorClassOf(err: unknown): string {
  const e = err as { name?: string; code?: unknown; constructor?: { name?: string } } | undefined;
  const name = e?.name && e.name !== "Error" ? e.name : (e?.constructor?.name ?? typeof err);
  return typeof e?.code === "string" && /^[A-Z0-9_]{1,40}$/.test(e.code) ? `${name}:${e.code}` : name;
}

export interface InboundFailureDeps {
  i18n: Translator;
  /** The person's chosen language; falls back to the platform hint when unknown. */
  langOf(msg: InboundMessage): Promise<Lang | undefined>;
  enqueue(job: OutboundJob): Promise<void>;
  logger: Logger;
  counter: LabelledCounter;
}

/** Called by the inbound workers with a message whose final attempt failed. */
export type FinalFailureHandler = (msg: InboundMessage, err: unknown) => Promise<void>;

/**
 * @example inbound.startWorkers({ ..., onFinalFailure: createInboundFailureHandler({ i18n, langOf, enqueue, logger, counter }) })
 */
export function createInboundFailureHandler(deps: InboundFailureDeps): FinalFailureHandler {
  const log = deps.logger.child({ concern: "inbound" });
  return async (msg, err) => {
    const kind = updateKindOf(msg);
    const errorClass = errorClassOf(err);
    log.warn(
      { channel: msg.channel, chatId: msg.chatId, messageId: msg.messageId, updateKind: kind, errorClass },
      "inbound message failed after every retry; the person is asked to send it again",
    );
    deps.counter.inc({ channel: msg.channel, kind, error: errorClass });
    const hinted: Lang = msg.languageHint?.toLowerCase().startsWith("en") ? "en" : "vi";
    const lang = (await deps.langOf(msg).catch(() => undefined)) ?? hinted;
    const text = msg.media
      ? deps.i18n.t(lang, "core.failed_file", {
          file: msg.media.fileName
            ? deps.i18n.t(lang, "core.file_named", { name: msg.media.fileName })
            : deps.i18n.t(lang, msg.media.kind === "photo" ? "core.file_photo" : "core.file_document"),
        })
      : deps.i18n.t(lang, "core.failed_message");
    // Its own idempotency key: the reply is queued once even if the failure is reported twice.
    await deps
      .enqueue({
        channel: msg.channel,
        chatId: msg.chatId,
        key: `${msg.messageId}-failed`,
        replies: [{ text }],
        platform: msg.platform?.callbackQueryId
          ? { callbackQueryId: msg.platform.callbackQueryId }
          : undefined,
      })
      .catch((e: unknown) =>
        log.error(
          { channel: msg.channel, chatId: msg.chatId, errorClass: errorClassOf(e) },
          "could not queue the apology for a failed message",
        ),
      );
  };
}
