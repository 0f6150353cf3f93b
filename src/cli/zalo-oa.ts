/**
 * `npm run zalo-oa -- auth-url | exchange <code> | set-tokens --access … --refresh … [--expires-in s] | status`:
 * connects the bot to the province's Zalo Official Account. The consent link uses PKCE; the token
 * pair is stored in PostgreSQL encrypted with ZALO_OA_TOKEN_KEY, where every process reads it.
 * Exits non-zero with a readable reason on any problem.
 */
import { parseArgs } from "node:util";
import { pathToFileURL } from "node:url";
import pg from "pg";
import { ConfigError, parseConfig, type Config } from "../config/schema.js";
import { createDb, type Db } from "../db/client.js";
import { startEmbeddedPostgres } from "../db/embedded.js";
import { applyMigrations } from "../db/migrate.js";
import { createLogger } from "../logging/logger.js";
import { OaApiError, OaError } from "../channels/zalo-oa/errors.js";
import {
  codeChallenge,
  consentUrl,
  DEFAULT_ACCESS_TTL_S,
  newCodeVerifier,
  OaOAuthClient,
} from "../channels/zalo-oa/oauth.js";
import { OaTokenStore } from "../channels/zalo-oa/token-store.js";

const USAGE = `Usage: npm run zalo-oa -- <command>

  auth-url                 print the consent link the OA admin opens (PKCE); needs ZALO_OA_REDIRECT_URI
                           (the Official Account Callback Url saved in the Zalo app) and ZALO_OA_CODE_VERIFIER
                           (without it, a new verifier and its code challenge are printed to configure first)
  exchange <code>          trade the code Zalo put on the callback URL (valid 10 minutes, once) for tokens
  set-tokens --access <t> --refresh <t> [--expires-in <seconds>]
                           store a pair obtained elsewhere (e.g. Tools → API Explorer → OA Access Token)
  status                   show whether a pair is stored, when it expires and whether Zalo refused it

Needs ZALO_OA_APP_ID, ZALO_OA_SECRET_KEY, ZALO_OA_APP_SECRET and ZALO_OA_TOKEN_KEY (see docs/zalo-oa.md).
`;

/** A problem the operator must fix; printed without a stack trace. */
export class UsageError extends Error {
  override name = "UsageError";
}

/**
 * @example await runZaloOaCommand(["exchange", code], process.env, { db })
 */
export async function runZaloOaCommand(
  argv: string[],
  env: Record<string, string | undefined>,
  io: { db: Db; out?: (line: string) => void; now?: () => Date },
): Promise<void> {
  const out = io.out ?? ((l: string) => void process.stdout.write(`${l}\n`));
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      access: { type: "string" },
      refresh: { type: "string" },
      "expires-in": { type: "string" },
      state: { type: "string" },
    },
  });
  const command = positionals[0];
  if (!command || !["auth-url", "exchange", "set-tokens", "status"].includes(command))
    throw new UsageError(USAGE);
  const config: Config = parseConfig(env);
  const oa = config.zaloOa;
  if (!oa)
    throw new UsageError("ZALO_OA_APP_ID is not set: create the Zalo app first (see docs/zalo-oa.md).");
  const store = new OaTokenStore(io.db, oa.appId, oa.tokenKey);

  if (command === "auth-url") {
    if (!oa.codeVerifier) {
      const verifier = newCodeVerifier();
      out("ZALO_OA_CODE_VERIFIER is not set. Use this pair:");
      out(`  ZALO_OA_CODE_VERIFIER=${verifier}`);
      out(
        `  code challenge (save it in the Zalo app: Official Account → Thiết lập chung): ${codeChallenge(verifier)}`,
      );
      out("then run auth-url again.");
      return;
    }
    if (!oa.redirectUri)
      throw new UsageError(
        "ZALO_OA_REDIRECT_URI is not set: use exactly the Official Account Callback Url saved in the Zalo app.",
      );
    out(
      consentUrl({
        oauthRoot: oa.oauthRoot,
        appId: oa.appId,
        redirectUri: oa.redirectUri,
        codeVerifier: oa.codeVerifier,
        ...(values.state ? { state: values.state } : {}),
      }),
    );
    out("");
    out(
      "Open it signed in as the OA admin, pick the OA and press “Cho phép”. Zalo then opens the callback URL with ?code=…&oa_id=…;",
    );
    out("within 10 minutes run: npm run zalo-oa -- exchange <code>");
    return;
  }

  if (command === "exchange") {
    const code = positionals[1];
    if (!code)
      throw new UsageError(
        "exchange needs the code from the callback URL: npm run zalo-oa -- exchange <code>",
      );
    if (!oa.codeVerifier)
      throw new UsageError(
        "ZALO_OA_CODE_VERIFIER is not set: it must be the verifier whose challenge is saved in the Zalo app.",
      );
    const oauth = new OaOAuthClient({ oauthRoot: oa.oauthRoot, appId: oa.appId, appSecret: oa.appSecret });
    const pair = await oauth.exchangeCode(code, oa.codeVerifier);
    await store.save(pair, io.now?.());
    out(
      `Zalo OA tokens stored (access token valid ${Math.round(pair.expiresInS / 3600)} h; refreshed automatically).`,
    );
    return;
  }

  if (command === "set-tokens") {
    if (!values.access || !values.refresh)
      throw new UsageError("set-tokens needs --access <token> and --refresh <token>");
    const expires = values["expires-in"] === undefined ? DEFAULT_ACCESS_TTL_S : Number(values["expires-in"]);
    if (!Number.isInteger(expires) || expires < 0 || expires > 10 * DEFAULT_ACCESS_TTL_S)
      throw new UsageError("--expires-in must be a whole number of seconds (Zalo gives 90000 = 25 h)");
    await store.save(
      { accessToken: values.access.trim(), refreshToken: values.refresh.trim(), expiresInS: expires },
      io.now?.(),
    );
    out(
      `Zalo OA tokens stored (access token expires in ${Math.round(expires / 60)} min; refreshed automatically).`,
    );
    return;
  }

  const t = await store.read();
  if (!t) out("No Zalo OA tokens stored: run auth-url, then exchange (or set-tokens).");
  else if (t.needsReauthAt)
    out(
      `OA cần cấp quyền lại: Zalo refused to renew the token at ${t.needsReauthAt.toISOString()} (${t.lastError ?? "no detail"}). Run auth-url and exchange again.`,
    );
  else
    out(
      `Zalo OA tokens stored; access token expires ${t.accessExpiresAt.toISOString()} (refreshed about 5 h before).`,
    );
}

/** The server's embedded database if it answers; otherwise start it for the duration of the command. */
async function databaseUrl(config: Config): Promise<{ url: string; stop?: () => Promise<void> }> {
  if (config.databaseUrl) return { url: config.databaseUrl };
  const url = `postgresql://postgres:postgres@127.0.0.1:${config.embeddedPgPort}/cds`;
  const probe = new pg.Client({ connectionString: url, connectionTimeoutMillis: 1_500 });
  try {
    await probe.connect();
    await probe.end();
    return { url };
  } catch {
    await probe.end().catch(() => {});
    const embedded = await startEmbeddedPostgres({
      dataDir: `${config.dataDir}/pg`,
      port: config.embeddedPgPort,
      database: "cds",
      logger: createLogger({ level: "warn" }),
    });
    return { url: embedded.url, stop: () => embedded.stop() };
  }
}

async function main(): Promise<void> {
  let database: { url: string; stop?: () => Promise<void> } | undefined;
  let db: Db | undefined;
  try {
    const argv = process.argv.slice(2);
    if (!argv.length || argv[0] === "--help" || argv[0] === "-h") throw new UsageError(USAGE);
    database = await databaseUrl(parseConfig(process.env));
    await applyMigrations(database.url);
    db = createDb(database.url, { max: 2 });
    await runZaloOaCommand(argv, process.env, { db });
  } catch (err) {
    if (err instanceof ConfigError || err instanceof UsageError) process.stderr.write(`${err.message}\n`);
    else if (err instanceof OaApiError)
      process.stderr.write(
        `Zalo refused: ${err.code} ${err.description}\n(an expired or already used code, a redirect URI that differs from the saved Callback Url, or a wrong app secret are the usual causes)\n`,
      );
    else if (err instanceof OaError) process.stderr.write(`${err.message}\n`);
    else throw err;
    process.exitCode = 2;
  } finally {
    await db?.$disconnect();
    await database?.stop?.();
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) void main();
