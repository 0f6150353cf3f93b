/**
 * Starts the real system (the same startSystem as `npm start`) against a private test database
 * and a private Redis key prefix, listening on a random loopback port.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { Writable } from "node:stream";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/schema.js";
import { createLogger } from "../../src/logging/logger.js";
import { startSystem, type System } from "../../src/system/start.js";
import { createTestDatabase, type TestDatabase } from "./database.js";

export interface TestSystem {
  system: System;
  url: string;
  database: TestDatabase;
  prefix: string;
  stop(): Promise<void>;
}

/**
 * @example const t = await startTestSystem({ TELEGRAM_BOT_TOKEN: "1:x", TELEGRAM_API_ROOT: fake.url })
 */
export async function startTestSystem(env: Record<string, string> = {}, opts: { role?: "all" | "web" | "worker"; database?: TestDatabase; inboundRetry?: { attempts: number; delayMs: number }; logs?: Array<Record<string, unknown>> } = {}): Promise<TestSystem> {
  const database = opts.database ?? (await createTestDatabase());
  const prefix = `t${randomBytes(5).toString("hex")}`;
  const config = parseConfig(
    { NODE_ENV: "test", LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent", DATABASE_URL: database.url, REDIS_URL: inject("redisUrl"), REDIS_PREFIX: prefix, INBOUND_PARTITIONS: "4", OUTBOUND_PARTITIONS: "4", ...env },
    ["--role", opts.role ?? "all"],
  );
  const logs = opts.logs;
  // With `logs`, every line at info and above is collected as parsed JSON (for "what was logged" assertions).
  const logger = logs ? createLogger({ level: "info", destination: new Writable({ write(chunk, _enc, done) { for (const line of String(chunk).split("\n")) if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>); done(); } }) }) : createLogger({ level: config.logLevel });
  const system = await startSystem(config, { logger, port: 0, host: "127.0.0.1", inboundRetry: opts.inboundRetry });
  return {
    system,
    url: system.url ?? "",
    database,
    prefix,
    async stop() {
      await system.stop();
      if (!opts.database) await database.drop();
    },
  };
}

/** A browser-less web chat user: posts like the page does and collects the bot's replies. */
export class WebchatUser {
  readonly chatId = randomUUID();
  private since = 0;
  readonly received: Array<{ seq: number; text: string; choices?: { id: string; label: string }[]; choiceToken?: string }> = [];

  constructor(private readonly baseUrl: string, private readonly lang: "vi" | "en" = "vi") {}

  async say(text: string): Promise<Response> {
    return fetch(`${this.baseUrl}/chat/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatId: this.chatId, clientMessageId: randomBytes(8).toString("hex"), text, lang: this.lang }),
    });
  }

  async press(token: string, id: string): Promise<Response> {
    return fetch(`${this.baseUrl}/chat/api/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ chatId: this.chatId, clientMessageId: randomBytes(8).toString("hex"), choice: { token, id }, lang: this.lang }),
    });
  }

  /** Waits until at least `count` new messages arrived (or throws after `timeoutMs`) and returns them. */
  async next(count = 1, timeoutMs = 10_000): Promise<WebchatUser["received"]> {
    const deadline = Date.now() + timeoutMs;
    const got: WebchatUser["received"] = [];
    while (got.length < count) {
      if (Date.now() > deadline) throw new Error(`expected ${count} replies, got ${got.length}: ${JSON.stringify(got.map((g) => g.text.slice(0, 80)))}`);
      const res = await fetch(`${this.baseUrl}/chat/api/messages?chatId=${this.chatId}&since=${this.since}`);
      const body = (await res.json()) as { messages: WebchatUser["received"] };
      for (const m of body.messages as Array<WebchatUser["received"][number] & { from?: string }>) {
        this.since = Math.max(this.since, m.seq);
        if (m.from === "user") continue; // the person's own side of the transcript
        got.push(m);
        this.received.push(m);
      }
      if (got.length < count) await new Promise((r) => setTimeout(r, 50));
    }
    return got;
  }

  /** Fetches whatever arrived since the last read (possibly nothing), e.g. a message the bot sent on its own. */
  async poll(): Promise<WebchatUser["received"]> {
    const res = await fetch(`${this.baseUrl}/chat/api/messages?chatId=${this.chatId}&since=${this.since}`);
    const body = (await res.json()) as { messages: WebchatUser["received"] };
    for (const m of body.messages) {
      this.since = Math.max(this.since, m.seq);
      this.received.push(m);
    }
    return body.messages;
  }

  /** Sends a text and returns the replies that arrive for it (waits for the first, then briefly for more). */
  async ask(text: string, settleMs = 300): Promise<WebchatUser["received"]> {
    await this.say(text);
    const first = await this.next(1);
    await new Promise((r) => setTimeout(r, settleMs));
    const rest = await fetch(`${this.baseUrl}/chat/api/messages?chatId=${this.chatId}&since=${this.since}`).then((r) => r.json() as Promise<{ messages: WebchatUser["received"] }>);
    for (const m of rest.messages as Array<WebchatUser["received"][number] & { from?: string }>) {
      this.since = Math.max(this.since, m.seq);
      if (m.from === "user") continue;
      first.push(m);
      this.received.push(m);
    }
    return first;
  }
}

export interface TestCluster {
  systems: TestSystem[];
  database: TestDatabase;
  stop(): Promise<void>;
}

/**
 * Several processes' worth of the system (e.g. two `web` and one `worker`) sharing one database
 * and one Redis prefix, as a scaled-out deployment runs.
 *
 * @example const c = await startTestCluster(["web", "web", "worker"], { TELEGRAM_BOT_TOKEN: … })
 */
export async function startTestCluster(roles: Array<"all" | "web" | "worker">, env: Record<string, string> = {}): Promise<TestCluster> {
  const database = await createTestDatabase();
  const shared = { REDIS_PREFIX: `c${randomBytes(5).toString("hex")}`, ...env };
  const systems: TestSystem[] = [];
  for (const role of roles) systems.push(await startTestSystem(shared, { role, database }));
  return {
    systems,
    database,
    async stop() {
      for (const s of systems) await s.stop();
      await database.drop();
    },
  };
}
