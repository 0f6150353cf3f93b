/**
 * Child process for test/channels/zalo-oa/tokens.test.ts: one "worker process" of the OA channel
 * (its own OaTokens, Redis and PostgreSQL connections). Waits for "go" on stdin so two children
 * start together, asks for a token, proves it works with an API call, and prints the outcome:
 *
 *   node --import tsx oa-refresh-child.ts '<json: databaseUrl, redisUrl, prefix, appId, appSecret, tokenKeyHex, root>'
 *   → {"token":"…","quotaOk":true}
 */
import { Redis } from "ioredis";
import { createDb } from "../../src/db/client.js";
import { createLogger } from "../../src/logging/logger.js";
import { OaClient } from "../../src/channels/zalo-oa/client.js";
import { OaOAuthClient } from "../../src/channels/zalo-oa/oauth.js";
import { OaTokenStore } from "../../src/channels/zalo-oa/token-store.js";
import { OaTokens } from "../../src/channels/zalo-oa/tokens.js";

const args = JSON.parse(process.argv[2]!) as {
  databaseUrl: string;
  redisUrl: string;
  prefix: string;
  appId: string;
  appSecret: string;
  tokenKeyHex: string;
  root: string;
  userId: string;
};
const db = createDb(args.databaseUrl, { max: 2 });
const redis = new Redis(args.redisUrl, { maxRetriesPerRequest: null });
const logger = createLogger({ level: "silent" });
const tokens = new OaTokens({
  store: new OaTokenStore(db, args.appId, Buffer.from(args.tokenKeyHex, "hex")),
  oauth: new OaOAuthClient({ oauthRoot: args.root, appId: args.appId, appSecret: args.appSecret }),
  redis,
  prefix: args.prefix,
  logger,
});
const client = new OaClient({ apiRoot: args.root, tokens });
// Warm up connections before the start signal, so the race is about refreshing, not connecting.
await db.$queryRaw`select 1`;
await redis.ping();
process.stdout.write("ready\n");
process.stdin.once("data", async () => {
  try {
    const token = await tokens.accessToken();
    const quota = await client.quota(args.userId);
    process.stdout.write(`${JSON.stringify({ token, quotaOk: quota.raw !== undefined })}\n`);
  } catch (err) {
    process.stdout.write(`${JSON.stringify({ error: String(err) })}\n`);
  } finally {
    await db.$disconnect();
    redis.disconnect();
    process.exit(0);
  }
});
