/**
 * Structured logs (pino). Logs carry ids (chat, update, code), never names, phones or message
 * text: the redaction list is a safety net for fields that slip in by mistake.
 */
import { pino, type Logger } from "pino";

export type { Logger };

export const REDACTED_FIELDS = [
  "text",
  "name",
  "phone",
  "nomineeName",
  "nominatorName",
  "nominatorPhone",
  "displayName",
  "achievements",
  "*.text",
  "*.name",
  "*.phone",
  "*.displayName",
  "req.headers.authorization",
  "req.headers.cookie",
  'req.headers["x-telegram-bot-api-secret-token"]',
  'req.headers["x-bot-api-secret-token"]',
];

/** @example const logger = createLogger({ level: "info" }) */
export function createLogger(opts: { level: string; destination?: NodeJS.WritableStream }): Logger {
  return pino(
    {
      level: opts.level,
      redact: { paths: REDACTED_FIELDS, censor: "[redacted]" },
      base: { pid: process.pid },
    },
    opts.destination as pino.DestinationStream | undefined,
  );
}
