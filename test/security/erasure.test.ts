/**
 * Erasure that erases (issue 16, finding 3): personal data is put in through every path a person
 * and the reviewers use — a nomination typed on Telegram and one in the web chat, a reviewer's
 * information request and the answer to it, a rejection note, a self-report, a forwarded question,
 * reviewer cards on Telegram, a notification that failed to send — then an admin carries out both
 * people's deletion requests, and every PostgreSQL table, every Redis key and every reviewer card
 * as Telegram now shows it is scanned for any trace.
 */
import { randomBytes } from "node:crypto";
import { fileURLToPath } from "node:url";
import { Queue, Worker } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inject } from "vitest";
import { decideNomination } from "../../src/review/decisions.js";
import { addReviewer } from "../../src/review/reviewers.js";
import { loadIndicators } from "../../src/self-reports/indicators.js";
import { submitSelfReport } from "../../src/self-reports/submission.js";
import { createChatForgetter } from "../../src/system/chat-traces.js";
import { signInAs } from "../support/admin-session.js";
import { FakeTelegram } from "../support/fake-telegram.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { SECRET, TelegramUser } from "../channels/telegram/updates.js";
import { eventually } from "../review/fixtures.js";

const ROOT = fileURLToPath(new URL("../../", import.meta.url));
const LAN = 7_300_001;

const T = {
  nominee: "Hoàng Bí Mật Tê",
  nominator: "Lý Riêng Tư Tê",
  phone: "0987 654 310",
  phoneDigits: "0987654310",
  infoNote: "Đề nghị gửi giấy khen của Lý Riêng Tư Tê",
};
const W = {
  nominee: "Phan Kín Đáo Vê",
  nominator: "Tạ Thầm Lặng Vê",
  phone: "0966 112 233",
  phoneDigits: "0966112233",
  infoNote: "Cần thêm thông tin về Phan Kín Đáo Vê",
  answer: "Ghi Chú Bổ Sung Vê: có giấy khen năm 2024",
  rejectNote: "Từ chối vì Tạ Thầm Lặng Vê không cung cấp minh chứng",
  unit: "Đơn Vị Kín Đáo Vê",
  question: "Câu hỏi riêng của Tạ Thầm Lặng Vê",
};

describe("erasing a person's data", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let lan: { id: string; name: string };
  let admin: { id: string; name: string };

  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
    });
    lan = await addReviewer(t.system.db, {
      name: "Nguyễn Thị Lan",
      channel: "telegram",
      externalId: String(LAN),
    });
    admin = await addReviewer(t.system.db, { name: "Quản trị Sở Nội vụ", role: "admin" });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("leaves no trace in PostgreSQL, Redis or the reviewers' Telegram cards", {
    timeout: 120_000,
  }, async () => {
    const db = t.system.db;
    // ---- a Telegram citizen nominates, then asks for deletion ----
    const tg = new TelegramUser(t.url, fake);
    for (const text of [
      "đề cử",
      "đồng ý",
      "8",
      T.nominee,
      "Thôn Làng Ngòi",
      "yen son",
      "Hướng dẫn hơn 200 hộ dân cài VNeID.",
      "bỏ qua",
      T.nominator,
      T.phone,
      "người dân cùng địa bàn",
    ])
      await tg.say(text, 100);
    const tgCode = (await tg.say("xác nhận")).join("\n").match(/DC-\d{4}-\d{6}/)?.[0];
    expect(tgCode).toBeTruthy();
    await tg.say("xóa dữ liệu của tôi");
    await tg.say("có");
    // ---- a web chat citizen nominates ----
    const web = new WebchatUser(t.url);
    await web.ask("xin chào");
    await fillNominationUntilSummary(web, { nominee: W.nominee, nominator: W.nominator, phone: W.phone });
    const webCode = codeIn(await web.ask("xác nhận"));
    expect(webCode).toBeTruthy();
    const tgNom = await db.nomination.findUniqueOrThrow({ where: { code: tgCode! } });
    const webNom = await db.nomination.findUniqueOrThrow({ where: { code: webCode! } });
    // Both nominations reach Lan as cards.
    await eventually(
      async () =>
        (await db.reviewCard.count({ where: { nominationId: { in: [tgNom.id, webNom.id] } } })) === 2,
    );

    // ---- reviewers' notes: an information request answered in the web chat, then a rejection ----
    expect(
      (
        await decideNomination(db, {
          nominationId: webNom.id,
          action: "request_info",
          reviewer: lan,
          note: W.infoNote,
        })
      ).ok,
    ).toBe(true);
    t.system.outbox.poke();
    await eventually(async () => (await web.next(1)).length > 0);
    await web.ask(W.answer);
    // The answer returns to Lan, who asked (issue 20: an update goes back to its holder).
    await eventually(
      async () =>
        (await db.nomination.findUniqueOrThrow({ where: { id: webNom.id } })).status === "in_review",
    );
    expect(
      (
        await decideNomination(db, {
          nominationId: webNom.id,
          action: "reject",
          reviewer: lan,
          note: W.rejectNote,
        })
      ).ok,
    ).toBe(true);
    t.system.outbox.poke();
    await eventually(async () => (await web.next(1)).length > 0);
    // ---- the web chat citizen's self-report and forwarded question ----
    const webPerson = await db.person.findFirstOrThrow({
      where: { channel: "webchat", externalId: web.chatId },
    });
    const indicators = loadIndicators(`${ROOT}flows/self-report/indicators.yaml`);
    await submitSelfReport(db, indicators, {
      personId: webPerson.id,
      idempotencyKey: randomBytes(8).toString("hex"),
      respondentType: "official",
      level: "commune",
      unit: W.unit,
      answers: { basic_skills: "done" },
      consentVersion: "v1",
      consentAt: new Date(),
    });
    await db.forwardedQuestion.create({ data: { personId: webPerson.id, question: W.question } });

    // ---- a notification to the Telegram citizen fails (Telegram answers 500): its job keeps the note ----
    fake.scriptFor(
      "sendMessage",
      tg.chatId,
      ...Array.from({ length: 4 }, () => ({
        status: 500,
        body: { ok: false, error_code: 500, description: "Internal Server Error" },
      })),
    );
    expect(
      (
        await decideNomination(db, {
          nominationId: tgNom.id,
          action: "request_info",
          reviewer: lan,
          note: T.infoNote,
        })
      ).ok,
    ).toBe(true);
    t.system.outbox.poke();
    await eventually(
      async () =>
        fake.callsOf("sendMessage", tg.chatId).filter((c) => String(c.body.text).includes("giấy khen của Lý"))
          .length >= 2,
      20_000,
    );

    // ---- the web chat citizen asks for deletion too ----
    await web.ask("xóa dữ liệu của tôi");
    await web.ask("có");
    const requests = await eventually(async () => {
      const rows = await db.deletionRequest.findMany({ where: { status: "requested" } });
      return rows.length === 2 && rows;
    }, 20_000);

    // ---- an admin carries them out ----
    const a = await signInAs(t, admin.id);
    for (const r of requests) {
      const res = await a.post(`/admin/deletions/${r.id}/erase`, {
        _csrf: await a.csrf("/admin/deletions"),
        confirm: "1",
      });
      expect(res.headers.get("location")).toContain("notice=deletions.erased");
    }
    // The confirmations arrive; the cards are edited.
    await eventually(
      async () =>
        fake
          .callsOf("sendMessage", tg.chatId)
          .some((c) => String(c.body.text).includes("đã được xóa theo yêu cầu")),
      20_000,
    );
    await eventually(
      async () =>
        web.received.some((m) => m.text.includes("đã được xóa theo yêu cầu")) ||
        (await web.next(1, 500).catch(() => [])).some((m) => m.text.includes("đã được xóa")),
      20_000,
    );
    const cards = await db.reviewCard.findMany({ where: { nominationId: { in: [tgNom.id, webNom.id] } } });
    const latestText = (chatId: string, messageId: number) => {
      const edits = fake
        .callsOf("editMessageText", chatId)
        .filter((c) => Number(c.body.message_id) === messageId);
      return edits.length
        ? String(edits.at(-1)!.body.text)
        : String(
            fake
              .callsOf("sendMessage", chatId)
              .find((c) => (c.result as { message_id: number }).message_id === messageId)?.body.text,
          );
    };
    await eventually(
      async () => cards.every((c) => latestText(c.chatId, c.messageId).includes("đã xóa theo yêu cầu")),
      20_000,
    );
    // Let the relay and workers settle (a retried notification job finishing, etc.).
    await new Promise((r) => setTimeout(r, 1_500));

    const markers = [
      T.nominee,
      T.nominator,
      T.phoneDigits,
      T.phone,
      "Lý Riêng Tư",
      W.nominee,
      W.nominator,
      W.phoneDigits,
      W.phone,
      W.answer,
      "Ghi Chú Bổ Sung",
      W.unit,
      W.question,
      String(tg.chatId),
      web.chatId,
    ];
    const found = (text: string) => markers.filter((m) => text.includes(m));

    // ---- PostgreSQL: every table, every row ----
    const tables = await db.$queryRawUnsafe<Array<{ table_name: string }>>(
      `select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' and table_name <> '_prisma_migrations'`,
    );
    expect(tables.length).toBeGreaterThan(10);
    const pgTraces: string[] = [];
    for (const { table_name } of tables) {
      const rows = await db.$queryRawUnsafe<Array<{ j: string }>>(
        `select row_to_json(x)::text as j from "${table_name}" x`,
      );
      for (const r of rows) for (const m of found(r.j)) pgTraces.push(`${table_name}: ${m}`);
    }
    expect(pgTraces).toEqual([]);
    // The records themselves stay, pointing at nobody, with their notes redacted.
    expect(await db.nomination.findUniqueOrThrow({ where: { id: webNom.id } })).toMatchObject({
      personId: null,
      status: "rejected",
      decisionNote: "[đã xóa]",
      infoRequestNote: "[đã xóa]",
    });
    const notes = await db.auditLog.findMany({
      where: { subjectId: { in: [tgNom.id, webNom.id] }, noteHash: { not: null } },
    });
    expect(notes.length).toBeGreaterThanOrEqual(3);
    expect(await db.person.count({ where: { externalId: { in: [web.chatId, String(tg.chatId)] } } })).toBe(0);

    // ---- Redis: every key of this deployment, its name and its content ----
    const redis = t.system.redis;
    // The confirmation's send re-creates the chat's rate-limit bucket (a number, named by chat id); it lapses in seconds.
    await eventually(
      async () =>
        (await redis.keys(`${t.prefix}:rl:*`)).every(
          (k) => !k.includes(String(tg.chatId)) && !k.includes(web.chatId),
        ),
      20_000,
    );
    const redisTraces: string[] = [];
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${t.prefix}:*`, "COUNT", 1000);
      cursor = next;
      for (const key of keys) {
        const type = await redis.type(key);
        let content = "";
        if (type === "string") content = (await redis.get(key)) ?? "";
        else if (type === "list") content = (await redis.lrange(key, 0, -1)).join("\n");
        else if (type === "hash") content = JSON.stringify(await redis.hgetall(key));
        else if (type === "set") content = (await redis.smembers(key)).join("\n");
        else if (type === "zset") content = (await redis.zrange(key, 0, -1)).join("\n");
        else if (type === "stream") content = JSON.stringify(await redis.xrange(key, "-", "+"));
        // The web chat's confirmation is the one thing allowed to stay in the erased chat's transcript
        // (with its counter, and the chat's entry in the live-chats index), so the open page can show it;
        // the random chat id no longer leads to anything, and all of it lapses after a day idle.
        if (key.includes(web.chatId) && key.startsWith(`${t.prefix}:webchat:`)) {
          if (type === "list")
            for (const item of await redis.lrange(key, 0, -1))
              expect(item).toContain("đã được xóa theo yêu cầu");
          continue;
        }
        if (key === `${t.prefix}:webchat:live`) content = content.replace(web.chatId, "");
        for (const m of found(`${key}\n${content}`)) redisTraces.push(`${key} (${type}): ${m}`);
      }
    } while (cursor !== "0");
    expect(redisTraces).toEqual([]);

    // ---- what the reviewers' Telegram chats show now ----
    for (const c of cards)
      expect(found(latestText(c.chatId, c.messageId)), `card ${c.messageId}`).toEqual([]);
  });
});

describe("forgetting a chat's jobs", () => {
  it("removes failed, completed and waiting jobs and inbox items with the chat's messages, and leaves other chats'", async () => {
    const prefix = `t${randomBytes(5).toString("hex")}`;
    const url = new URL(inject("redisUrl"));
    const connection = { host: url.hostname, port: Number(url.port || 6379), maxRetriesPerRequest: null };
    const queue = new Queue("inbound-0", { connection, prefix });
    const worker = new Worker(
      "inbound-0",
      async (job) => {
        if ((job.data as { fail?: boolean }).fail) throw new Error("boom");
      },
      { connection, prefix },
    );
    try {
      await queue.add(
        "message",
        { channel: "webchat", chatId: "chat-erased", text: "bí mật 1", fail: true },
        { attempts: 1, removeOnFail: false },
      );
      await queue.add(
        "message",
        { channel: "webchat", chatId: "chat-erased", text: "bí mật 2" },
        { removeOnComplete: false },
      );
      await queue.add(
        "message",
        { channel: "webchat", chatId: "chat-other", text: "của người khác" },
        { removeOnComplete: false },
      );
      await eventually(
        async () =>
          (await queue.getJobCounts("failed", "completed")).failed === 1 &&
          (await queue.getJobCounts("completed")).completed === 2,
      );
      await queue.add(
        "message",
        { channel: "webchat", chatId: "chat-erased", text: "bí mật 3" },
        { delay: 60_000 },
      );
      const { createFailFastRedis } = await import("../../src/redis/connection.js");
      const { redisKeys } = await import("../../src/redis/keys.js");
      const redis = await createFailFastRedis(inject("redisUrl"));
      // Messages accepted and not yet jobs: in the inbound inbox, and taken by a mover.
      const inbox = redisKeys.inboundInbox(prefix);
      const taken = redisKeys.inboundInboxTaken(prefix);
      const item = (chatId: string, text: string) => JSON.stringify({ channel: "webchat", chatId, text });
      await redis.rpush(inbox, item("chat-erased", "bí mật 4"), item("chat-other", "khác 2"));
      await redis.rpush(taken, item("chat-erased", "bí mật 5"));
      const forget = createChatForgetter({ redis, prefix, inboundQueues: [queue], outboundQueues: [] });
      await forget("webchat", "chat-erased", "chat-erased");
      const left = await queue.getJobs(["failed", "completed", "delayed", "wait"]);
      expect(left.map((j) => (j.data as { chatId: string }).chatId)).toEqual(["chat-other"]);
      expect(await redis.lrange(inbox, 0, -1)).toEqual([item("chat-other", "khác 2")]);
      expect(await redis.lrange(taken, 0, -1)).toEqual([]);
      await redis.del(inbox, taken);
      redis.disconnect();
    } finally {
      await worker.close();
      await queue.obliterate({ force: true });
      await queue.close();
    }
  });
});
