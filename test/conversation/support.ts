/**
 * Builds the real engine (real flows, locales, knowledge, PostgreSQL clone and Redis) for tests
 * that talk to it directly, without HTTP, and a tiny chat driver around it.
 */
import { randomBytes, randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { afterAll, beforeAll, inject } from "vitest";
import type { InboundMessage, MediaRef, FetchedMedia, Reply } from "../../src/channels/types.js";
import {
  createEngine,
  loadFlows,
  type Engine,
  type EngineDeps,
  type LoadedFlow,
  type Step,
} from "../../src/conversation/index.js";
import { loadLocales } from "../../src/i18n/locales.js";
import { loadKnowledge } from "../../src/knowledge/index.js";
import { createLogger } from "../../src/logging/logger.js";
import { createNominationPlugin } from "../../src/nominations/index.js";
import { createSelfReportPlugin } from "../../src/self-reports/conversation.js";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import type { Db } from "../../src/db/client.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const i18n = loadLocales(`${ROOT}locales`);
export const knowledge = loadKnowledge({ dir: `${ROOT}flows/knowledge`, translator: i18n });
export const flows = loadFlows({ dir: `${ROOT}flows`, i18n });
export const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);

export function testRedis(): Redis {
  return new Redis(inject("redisUrl"), { maxRetriesPerRequest: null });
}

export interface EngineOptions extends Partial<EngineDeps> {
  db: Db;
  redis: Redis;
  maxPerDay?: number;
}

/** A fresh engine over the shared flows; pass the same prefix to simulate a second instance. */
export function buildEngine(opts: EngineOptions & { prefix: string }): Engine {
  const maxPerDay = opts.maxPerDay ?? 5;
  const engine = createEngine({
    i18n,
    knowledge,
    flows,
    config: { maxSubmissionsPerDay: maxPerDay, evidenceMaxBytes: 1024 * 1024 },
    logger: createLogger({ level: (process.env.TEST_LOG_LEVEL as "silent") ?? "silent" }),
    ...opts,
  });
  engine.use(createNominationPlugin({ db: opts.db, knowledge, maxSubmissionsPerDay: maxPerDay }));
  engine.use(createSelfReportPlugin({ indicators }));
  return engine;
}

export const newPrefix = () => `tc${randomBytes(5).toString("hex")}`;

/** One user in one chat: `say` sends text and returns the replies; `last` is the latest reply. */
export class ChatDriver {
  readonly chatId = randomUUID();
  last?: Reply;
  private n = 0;
  constructor(
    public engine: Engine,
    private readonly channel: InboundMessage["channel"] = "webchat",
    private readonly clock?: { now: number },
  ) {}

  message(extra: Partial<InboundMessage>): InboundMessage {
    return {
      channel: this.channel,
      chatId: this.chatId,
      userId: this.chatId,
      messageId: `m${++this.n}-${randomBytes(3).toString("hex")}`,
      at: this.clock?.now ?? Date.now(),
      ...extra,
    };
  }

  async send(msg: InboundMessage): Promise<Reply[]> {
    const replies = await this.engine.handle(msg);
    this.last = replies.findLast((r) => r.choiceToken) ?? this.last;
    return replies;
  }

  say(text: string): Promise<Reply[]> {
    return this.send(this.message({ text }));
  }

  press(id: string, token = this.last?.choiceToken ?? "none"): Promise<Reply[]> {
    return this.send(this.message({ choice: { token, id } }));
  }

  media(media: MediaRef): Promise<Reply[]> {
    return this.send(this.message({ media }));
  }

  /** The joined text of the replies (for assertions). */
  static text(replies: Reply[]): string {
    return replies
      .map((r) => [r.text, ...(r.choices ?? []).map((c, i) => `${i + 1}. ${c.label}`)].join("\n"))
      .join("\n");
  }
}

export const ACHIEVEMENTS =
  "Hướng dẫn hơn 300 hộ dân trong thôn cài đặt VNeID và nộp hồ sơ dịch vụ công trực tuyến mỗi tuần.";

/** Answers the nomination flow up to the summary. */
export async function toSummary(chat: ChatDriver, nominee = "Nguyễn Văn An"): Promise<Reply[]> {
  await chat.say("đề cử");
  await chat.say("đồng ý");
  await chat.say("8");
  const afterName = await chat.say(nominee);
  if (afterName.at(-1)?.text.includes("30 ngày")) await chat.say("vẫn tiếp tục");
  await chat.say("Thôn Làng Ngòi");
  await chat.say("Yên Sơn");
  await chat.say(ACHIEVEMENTS);
  await chat.say("bỏ qua");
  await chat.say("Trần Thị Bình");
  await chat.say("0912345678");
  return chat.say("Đồng nghiệp");
}

export function fakeFetchMedia(files: Record<string, FetchedMedia>) {
  return async (_channel: InboundMessage["channel"], ref: MediaRef): Promise<FetchedMedia> => {
    const f = files[ref.fileId ?? ref.url ?? ""];
    if (!f) throw new Error("no such file");
    return f;
  };
}

/** Whether a step applies to these answers: it has no condition, or its condition holds (read from the flow file). */
export function stepApplies(step: Step, answers: Record<string, string>): boolean {
  const w = step.when;
  if (!w) return true;
  const given = answers[w.step];
  return given !== undefined && (w.in ? w.in.includes(given) : !w.notIn!.includes(given));
}

/**
 * How many steps a flow asks for the given answers, counted straight from the flow file: the
 * expected "Bước n/total".
 */
export function stepsFor(flowId: string, answers: Record<string, string>): number {
  return flows.get(flowId)!.steps.filter((s) => stepApplies(s, answers)).length;
}

/** The step that follows `from` for these answers (the flow file's own `when` rules, read independently). */
export function nextStep(flow: LoadedFlow, from: string, answers: Record<string, string>): Step {
  const idx = flow.steps.findIndex((s) => s.id === from);
  return flow.steps.slice(idx + 1).find((s) => stepApplies(s, answers))!;
}

/** The nomination walked by `toSummary` (a citizen, evidence skipped): its step total. */
export const NOMINATION_STEPS = stepsFor("nomination", { category: "citizen" });

/**
 * A private test database and a Redis connection for the enclosing `describe`, opened before its
 * tests and closed after them. Read `db`/`redis` inside tests (they exist only then).
 */
export function engineServices(): {
  readonly db: Db;
  readonly redis: Redis;
  readonly database: TestDatabase;
} {
  let database: TestDatabase | undefined;
  let redis: Redis | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
    redis = testRedis();
  });
  afterAll(async () => {
    redis?.disconnect();
    await database?.drop();
  });
  return {
    get db() {
      return database!.db;
    },
    get redis() {
      return redis!;
    },
    get database() {
      return database!;
    },
  };
}
