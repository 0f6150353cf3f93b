/**
 * `npm run telegram:webhook -- set|info|delete`: points Telegram at this deployment's webhook
 * (`${PUBLIC_URL}/webhooks/telegram`, with the secret header, the update kinds we handle and the
 * connection limit), publishes the localised command menu, shows or removes the webhook.
 * Reads the same environment as the server, through the same config schema.
 */
import { fileURLToPath } from "node:url";
import { Api, GrammyError, HttpError } from "grammy";
import { ConfigError, parseConfig } from "../config/schema.js";
import { ALLOWED_UPDATES, publishCommands } from "../channels/telegram/commands.js";
import { loadLocales } from "../i18n/locales.js";

/** Concurrent webhook connections Telegram may open (default 40, at most 100). */
const MAX_CONNECTIONS = 40;
const USAGE = "usage: npm run telegram:webhook -- set|info|delete";

class UsageError extends Error {
  override name = "UsageError";
}

async function main(argv: string[]): Promise<void> {
  const action = argv.find((a) => !a.startsWith("-"));
  if (action !== "set" && action !== "info" && action !== "delete") throw new UsageError(USAGE);
  const config = parseConfig(process.env);
  if (!config.telegram) throw new UsageError("TELEGRAM_BOT_TOKEN is not set.");
  const { token, apiRoot, webhookSecret } = config.telegram;
  const api = new Api(token, { apiRoot, timeoutSeconds: 30 });

  if (action === "info") {
    const info = await api.getWebhookInfo();
    process.stdout.write(`${JSON.stringify(info, null, 2)}\n`);
    return;
  }
  if (action === "delete") {
    await api.deleteWebhook({ drop_pending_updates: false });
    process.stdout.write(
      "Webhook deleted; pending updates are kept (use TELEGRAM_MODE=polling or set it again).\n",
    );
    return;
  }
  const problems: string[] = [];
  if (!config.publicUrl)
    problems.push("PUBLIC_URL is not set (Telegram needs the public https address of this server).");
  else if (!config.publicUrl.startsWith("https://"))
    problems.push(
      `PUBLIC_URL must start with https:// (Telegram only calls https webhooks), got ${config.publicUrl}.`,
    );
  if (!webhookSecret)
    problems.push("TELEGRAM_WEBHOOK_SECRET is not set (8–256 characters: A–Z, a–z, 0–9, _ and -).");
  if (problems.length) throw new UsageError(problems.join("\n"));
  const url = `${config.publicUrl}/webhooks/telegram`;
  await api.setWebhook(url, {
    secret_token: webhookSecret,
    allowed_updates: [...ALLOWED_UPDATES],
    max_connections: MAX_CONNECTIONS,
    drop_pending_updates: false,
  });
  const i18n = loadLocales(fileURLToPath(new URL("../../locales", import.meta.url)));
  await publishCommands(api, i18n);
  process.stdout.write(
    `Webhook set to ${url} (max_connections ${MAX_CONNECTIONS}, updates: ${ALLOWED_UPDATES.join(", ")}); command menu published in vi and en.\n`,
  );
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
  else if (err instanceof GrammyError)
    process.stderr.write(`Telegram refused: ${err.error_code} ${err.description}\n`);
  else if (err instanceof HttpError)
    process.stderr.write(`Could not reach the Telegram Bot API: ${err.message}\n`);
  else process.stderr.write(`${String(err)}\n`);
  process.exit(1);
});
