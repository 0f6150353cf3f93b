/**
 * Starts the real system (the same startSystem as `npm start`) against a private test database
 * and a private Redis key prefix, listening on a random loopback port.
 */
import { randomBytes } from "node:crypto";
import { Writable } from "node:stream";
import { inject } from "vitest";
import { parseConfig } from "../../src/config/schema.js";
import { createLogger } from "../../src/logging/logger.js";
import { startSystem, type System } from "../../src/system/start.js";
import { solveChallenge } from "../../src/channels/webchat/guard/proof-of-work.js";
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
export async function startTestSystem(
  env: Record<string, string> = {},
  opts: {
    role?: "all" | "web" | "worker";
    database?: TestDatabase;
    inboundRetry?: { attempts: number; delayMs: number };
    logs?: Array<Record<string, unknown>>;
  } = {},
): Promise<TestSystem> {
  const database = opts.database ?? (await createTestDatabase());
  const prefix = `t${randomBytes(5).toString("hex")}`;
  const config = parseConfig(
    {
      NODE_ENV: "test",
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? "silent",
      DATABASE_URL: database.url,
      REDIS_URL: inject("redisUrl"),
      REDIS_PREFIX: prefix,
      INBOUND_PARTITIONS: "4",
      OUTBOUND_PARTITIONS: "4",
      // Every test client is 127.0.0.1: the web chat's per-address limits are off unless a test sets them.
      WEBCHAT_PER_IP_PER_MINUTE: "100000",
      WEBCHAT_GLOBAL_PER_SECOND: "100000",
      WEBCHAT_NEW_CHATS_PER_IP_PER_HOUR: "100000",
      WEBCHAT_SUBMISSIONS_PER_IP_PER_DAY: "10000",
      WEBCHAT_POW_BITS: "8",
      ...env,
    },
    ["--role", opts.role ?? "all"],
  );
  const logs = opts.logs;
  // With `logs`, every line at info and above is collected as parsed JSON (for "what was logged" assertions).
  const logger = logs
    ? createLogger({
        level: "info",
        destination: new Writable({
          write(chunk, _enc, done) {
            for (const line of String(chunk).split("\n"))
              if (line.trim()) logs.push(JSON.parse(line) as Record<string, unknown>);
            done();
          },
        }),
      })
    : createLogger({ level: config.logLevel });
  const system = await startSystem(config, {
    logger,
    port: 0,
    host: "127.0.0.1",
    inboundRetry: opts.inboundRetry,
  });
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

/**
 * A browser-less web chat user: opens a chat as the page does (solves the proof of work, keeps the
 * signed chat cookie the server sets), posts like the page does and collects the bot's replies.
 */
export class WebchatUser {
  private since = 0;
  private cookie = "";
  private id = "";
  /** The bot's lines (the transcript's `from: "user"` lines, the person's own side, are left out). */
  readonly received: Array<{
    seq: number;
    from?: "bot" | "user";
    text: string;
    choices?: { id: string; label: string }[];
    choiceToken?: string;
    lang?: "vi" | "en";
  }> = [];

  constructor(
    private readonly baseUrl: string,
    private readonly lang: "vi" | "en" = "vi",
    private readonly headers: Record<string, string> = {},
  ) {}

  /** The chat id the server issued (known once the chat is open: after the first message). */
  get chatId(): string {
    if (!this.id) throw new Error("the web chat is not open yet: say something first");
    return this.id;
  }

  /** The same chat (same cookie) talking to another server of the same deployment. */
  at(baseUrl: string): WebchatUser {
    const copy = new WebchatUser(baseUrl, this.lang, this.headers);
    Object.assign(copy, { cookie: this.cookie, id: this.id });
    return copy;
  }

  /** Solves the challenge and opens a chat; returns the server's answer (201, or a refusal). */
  async open(): Promise<Response> {
    const puzzle = await fetch(`${this.baseUrl}/chat/api/challenge`, { headers: this.headers });
    // Refused before any puzzle (the address may open no more chats): that refusal is the answer.
    if (puzzle.status !== 200) return puzzle;
    const { challenge, bits } = (await puzzle.json()) as { challenge: string; bits: number };
    const res = await fetch(`${this.baseUrl}/chat/api/session`, {
      method: "POST",
      headers: { ...this.headers, "content-type": "application/json" },
      body: JSON.stringify({ challenge, nonce: solveChallenge(challenge, bits) }),
    });
    const set = res.headers.get("set-cookie");
    if (res.status === 201 && set) {
      this.cookie = set.split(";")[0]!;
      this.id = decodeURIComponent(this.cookie.slice(this.cookie.indexOf("=") + 1)).replace(/\.[^.]*$/, "");
      this.since = 0;
    }
    return res;
  }

  /** A request to the web chat's API with this chat's cookie (opening the chat first, as the page does). */
  async request(
    path: string,
    init: { method?: string; body?: unknown; raw?: Buffer } = {},
  ): Promise<Response> {
    if (!this.cookie) {
      const opened = await this.open();
      if (opened.status !== 201) return opened;
    }
    return fetch(`${this.baseUrl}${path}`, {
      method: init.method ?? "GET",
      headers: {
        ...this.headers,
        cookie: this.cookie,
        ...(init.body
          ? { "content-type": "application/json" }
          : init.raw
            ? { "content-type": "application/octet-stream" }
            : {}),
      },
      body: init.body ? JSON.stringify(init.body) : init.raw ? new Uint8Array(init.raw) : undefined,
    });
  }

  /** Uploads evidence as the page does (raw bytes, the chat's cookie); 202 when queued. */
  async upload(
    bytes: Buffer,
    name?: string,
    clientMessageId = randomBytes(8).toString("hex"),
  ): Promise<Response> {
    const q = new URLSearchParams({ clientMessageId, lang: this.lang, ...(name ? { name } : {}) });
    return this.request(`/chat/api/upload?${q}`, { method: "POST", raw: bytes });
  }

  /** The whole transcript as the page reads it on a reload: both sides, oldest first. */
  async transcript(): Promise<
    Array<
      WebchatUser["received"][number] & {
        clientMessageId?: string;
        choice?: { token: string; id: string };
        file?: { name?: string; mime: string; size: number };
      }
    >
  > {
    const res = await this.request("/chat/api/messages?since=0");
    return ((await res.json()) as { messages?: [] }).messages ?? [];
  }

  async say(text: string): Promise<Response> {
    return this.request("/chat/api/messages", {
      method: "POST",
      body: { clientMessageId: randomBytes(8).toString("hex"), text, lang: this.lang },
    });
  }

  async press(token: string, id: string): Promise<Response> {
    return this.request("/chat/api/messages", {
      method: "POST",
      body: { clientMessageId: randomBytes(8).toString("hex"), choice: { token, id }, lang: this.lang },
    });
  }

  private async fetchNew(): Promise<WebchatUser["received"]> {
    const res = await this.request(`/chat/api/messages?since=${this.since}`);
    return ((await res.json()) as { messages?: WebchatUser["received"] }).messages ?? [];
  }

  /** Waits until at least `count` new messages arrived (or throws after `timeoutMs`) and returns them. */
  async next(count = 1, timeoutMs = 10_000): Promise<WebchatUser["received"]> {
    const deadline = Date.now() + timeoutMs;
    const got: WebchatUser["received"] = [];
    while (got.length < count) {
      if (Date.now() > deadline)
        throw new Error(
          `expected ${count} replies, got ${got.length}: ${JSON.stringify(got.map((g) => g.text.slice(0, 80)))}`,
        );
      for (const m of await this.fetchNew()) {
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
    const messages = (await this.fetchNew()).filter((m) => {
      this.since = Math.max(this.since, m.seq);
      return m.from !== "user";
    });
    this.received.push(...messages);
    return messages;
  }

  /** Sends a text and returns the replies that arrive for it (waits for the first, then briefly for more). */
  async ask(text: string, settleMs = 300): Promise<WebchatUser["received"]> {
    await this.say(text);
    const first = await this.next(1);
    await new Promise((r) => setTimeout(r, settleMs));
    for (const m of await this.fetchNew()) {
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
export async function startTestCluster(
  roles: Array<"all" | "web" | "worker">,
  env: Record<string, string> = {},
): Promise<TestCluster> {
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
