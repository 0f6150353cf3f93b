/**
 * `npm run zalo:webhook -- set|info|delete`: connects the Zalo bot to this deployment's webhook
 * (`${PUBLIC_URL}/webhooks/zalo`, with ZALO_WEBHOOK_SECRET as the secret token), shows where it
 * points, or removes it (for polling). Exits non-zero with a readable reason on any problem.
 */
import { pathToFileURL } from "node:url";
import { ConfigError, parseConfig, type Config } from "../config/schema.js";
import { ZaloApiError, ZaloClient, ZaloError } from "../channels/zalo/client.js";

const USAGE = `Usage: npm run zalo:webhook -- <set|info|delete>

  set     point the Zalo bot at \${PUBLIC_URL}/webhooks/zalo (needs ZALO_BOT_TOKEN, PUBLIC_URL with https,
          and ZALO_WEBHOOK_SECRET: 8–256 characters, A–Z a–z 0–9 _ -)
  info    show the webhook Zalo currently delivers to
  delete  remove the webhook (needed before ZALO_MODE=polling)
`;

/** Thrown for a problem the operator must fix; printed without a stack trace. */
class UsageError extends Error {
  override name = "UsageError";
}

/** @example await runZaloWebhookCommand(["set"], process.env) */
export async function runZaloWebhookCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  out: (line: string) => void = (l) => process.stdout.write(`${l}\n`),
): Promise<void> {
  const command = argv.find((a) => !a.startsWith("-"));
  if (!command || !["set", "info", "delete"].includes(command)) throw new UsageError(USAGE);
  const config: Config = parseConfig(env);
  if (!config.zalo)
    throw new UsageError("ZALO_BOT_TOKEN is not set: create the bot first (see docs/zalo.md).");
  const client = new ZaloClient({ token: config.zalo.token, apiRoot: config.zalo.apiRoot });

  if (command === "set") {
    if (!config.publicUrl)
      throw new UsageError(
        "PUBLIC_URL is not set: it must be the public https address of this server, e.g. https://bot.example.gov.vn",
      );
    if (!config.publicUrl.startsWith("https://"))
      throw new UsageError(
        `PUBLIC_URL must start with https:// (Zalo delivers only to HTTPS); got ${config.publicUrl}`,
      );
    const secret = config.zalo.webhookSecret;
    if (!secret)
      throw new UsageError(
        "ZALO_WEBHOOK_SECRET is not set: choose 8–256 characters of A–Z, a–z, 0–9, _ and -.",
      );
    const url = `${config.publicUrl}/webhooks/zalo`;
    const info = await client.setWebhook({ url, secret_token: secret });
    out(`Zalo webhook set: ${info.url || url}`);
    return;
  }
  if (command === "info") {
    const info = await client.getWebhookInfo();
    out(
      info.url
        ? `Zalo delivers to: ${info.url}`
        : "No Zalo webhook is set (the bot can be polled: ZALO_MODE=polling).",
    );
    if (info.updated_at) out(`Last changed: ${new Date(info.updated_at).toISOString()}`);
    return;
  }
  await client.deleteWebhook();
  out("Zalo webhook deleted.");
}

async function main(): Promise<void> {
  try {
    await runZaloWebhookCommand(process.argv.slice(2), process.env);
  } catch (err) {
    if (err instanceof ConfigError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof UsageError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof ZaloApiError && err.errorCode === 401)
      process.stderr.write("Zalo refused the token (401): check ZALO_BOT_TOKEN.\n");
    else if (err instanceof ZaloError) process.stderr.write(`${err.message}\n`);
    else throw err;
    process.exit(2);
  }
}

// Runs only as a script, so tests can import the command without side effects.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
