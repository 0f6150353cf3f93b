/**
 * Telegram as it really behaves (Bot API reference): captions, GIFs, edits, button presses in any
 * group, groups that address the bot, supergroup migration, group send limits for reviewer cards,
 * a `--local` Bot API server's absolute file paths, unreadable updates, and the command menu in
 * polling mode — each through the real webhook, queues, PostgreSQL and Redis against the fake.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../../support/fake-telegram.js";
import { startTestSystem, type TestSystem } from "../../support/system.js";
import { addReviewer } from "../../../src/review/reviewers.js";
import { decideNomination } from "../../../src/review/decisions.js";
import { eventually, submitNomination } from "../../review/fixtures.js";
import {
  callbackUpdate,
  groupTextUpdate,
  newChatId,
  postUpdate,
  SECRET,
  TelegramUser,
  textUpdate,
  walkToEvidence,
} from "./updates.js";

const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.alloc(3_000, 7)]);
const GIF = Buffer.concat([Buffer.from("GIF89a", "latin1"), Buffer.alloc(500, 1)]);
const REVIEW_GROUP = "-1005550001";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Telegram as the platform really behaves", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  let dir: string;
  const logs: Array<Record<string, unknown>> = [];
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    fake.addFile("gif-1", GIF, "animations/file_1.mp4");
    dir = mkdtempSync(join(tmpdir(), "tg-local-"));
    t = await startTestSystem(
      {
        TELEGRAM_BOT_TOKEN: "123:abc",
        TELEGRAM_WEBHOOK_SECRET: SECRET,
        TELEGRAM_API_ROOT: fake.url,
        TELEGRAM_REVIEW_CHAT_ID: REVIEW_GROUP,
        EVIDENCE_MAX_BYTES: String(1024 * 1024),
      },
      { logs },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
    rmSync(dir, { recursive: true, force: true });
  });
  const texts = (chatId: number | string) =>
    fake.callsOf("sendMessage", chatId).map((c) => String(c.body.text));

  it("acknowledges an update it cannot read with 200 and logs its field names, not its content", async () => {
    const res = await postUpdate(t.url, {
      update_id: "not-a-number",
      message: { text: "Số tôi là 0912345678" },
    });
    expect(res.status).toBe(200);
    const line = logs.find((l) => String(l.msg).includes("unreadable Telegram update"))!;
    expect(line.keys).toBe("update_id,message{text}");
    expect(JSON.stringify(line)).not.toContain("0912345678");
  });

  it("reads a photo's caption as what the person said", async () => {
    const u = new TelegramUser(t.url, fake);
    await u.say("xin chào");
    const update = textUpdate(u.chatId, "");
    const { text: _t, ...m } = update.message;
    const replies = (
      await u.deliver({
        ...update,
        message: {
          ...m,
          caption: "chỉ tiêu cấp xã",
          photo: [{ file_id: "nope", file_unique_id: "n", width: 9, height: 9 }],
        },
      })
    ).join("\n");
    expect(replies).not.toContain("chưa cần ảnh");
    expect(replies).toMatch(/xã/);
  });

  it("takes a GIF (animation + document) as an evidence image, and a file from a --local Bot API server's absolute path", async () => {
    const u = new TelegramUser(t.url, fake);
    await walkToEvidence(u);
    const gif = textUpdate(u.chatId, "");
    const { text: _t, ...m } = gif.message;
    const got = (
      await u.deliver({
        ...gif,
        message: {
          ...m,
          animation: {
            file_id: "gif-1",
            file_unique_id: "g",
            width: 1,
            height: 1,
            duration: 1,
            mime_type: "image/gif",
            file_name: "nghiem-thu.gif",
          },
          document: { file_id: "gif-1", file_unique_id: "g", mime_type: "image/gif" },
        },
      })
    ).join("\n");
    expect(got).toContain("1/5");

    const local = join(dir, "123:abc", "photos", "file_7.jpg");
    mkdirSync(join(dir, "123:abc", "photos"), { recursive: true });
    writeFileSync(local, JPEG);
    fake.addFile("local-1", Buffer.alloc(0), local);
    const photo = textUpdate(u.chatId, "");
    const { text: _t2, ...p } = photo.message;
    expect(
      (
        await u.deliver({
          ...photo,
          message: { ...p, photo: [{ file_id: "local-1", file_unique_id: "l", width: 800, height: 600 }] },
        })
      ).join("\n"),
    ).toContain("2/5");
    const stored = await t.system.db.attachment.findMany({
      where: { nominationId: null, size: { in: [GIF.length, JPEG.length] } },
    });
    expect(stored.map((a) => a.mime).sort()).toEqual(["image/gif", "image/jpeg"]);
  });

  it("answers an edit with a short note while a flow waits, and stays quiet otherwise", async () => {
    const u = new TelegramUser(t.url, fake);
    await u.say("/decu");
    const edit = textUpdate(u.chatId, "đồng ý (sửa)");
    const note = (
      await u.deliver({
        update_id: edit.update_id,
        edited_message: { ...edit.message, edit_date: Math.floor(Date.now() / 1000) },
      })
    ).join("\n");
    expect(note).toContain("Tin nhắn đã sửa");

    const idle = new TelegramUser(t.url, fake);
    await idle.say("xin chào");
    const before = texts(idle.chatId).length;
    const quiet = textUpdate(idle.chatId, "xin chào!");
    expect(
      (await postUpdate(t.url, { update_id: quiet.update_id, edited_message: quiet.message })).status,
    ).toBe(200);
    await sleep(700);
    expect(texts(idle.chatId)).toHaveLength(before);
  });

  it("answers a button press in a group that is not the review group", async () => {
    const group = -1006660000 - Math.floor(Math.random() * 1000);
    const press = callbackUpdate(group, "menu.1|ask", 77, "supergroup", newChatId());
    expect((await postUpdate(t.url, press)).status).toBe(200);
    await eventually(async () =>
      fake.callsOf("answerCallbackQuery").some((c) => c.body.callback_query_id === press.callback_query.id),
    );
  });

  it("in a group: answers when addressed, ignores other talk, and sends personal-data flows to a private chat by deep link", async () => {
    const group = -1007770000 - Math.floor(Math.random() * 1000);
    const an = newChatId();
    await postUpdate(t.url, groupTextUpdate(group, an, "hôm nay họp lúc mấy giờ?"));
    await postUpdate(
      t.url,
      groupTextUpdate(group, an, "@cds_test_bot chỉ tiêu cấp xã", {
        entities: [{ type: "mention", offset: 0, length: 13 }],
      }),
    );
    await eventually(async () => texts(group).length >= 1);
    expect(texts(group).join("\n")).toMatch(/xã/);
    const answered = texts(group).length;

    await postUpdate(t.url, groupTextUpdate(group, an, "/decu@cds_test_bot"));
    await eventually(async () => texts(group).length > answered);
    const moved = fake.callsOf("sendMessage", group).at(-1)!;
    expect(String(moved.body.text)).toContain("tin nhắn riêng");
    expect(String(moved.body.text)).not.toContain("Bước 1");
    const button = (moved.body.reply_markup as { inline_keyboard: Array<Array<{ url?: string }>> })
      .inline_keyboard[0]![0]!;
    expect(button.url).toBe("https://t.me/cds_test_bot?start=nomination");
    await sleep(500);
    expect(texts(group)).toHaveLength(answered + 1); // the unaddressed line got nothing

    // The deep link opens the private chat with "/start nomination": the flow starts there.
    const privately = (await new TelegramUser(t.url, fake).say("/start nomination")).join("\n");
    expect(privately).toContain("Bước 1/11");
  });

  it("follows a group upgraded to a supergroup (migrate_to_chat_id) for replies, now and later", async () => {
    const old = -4000000 - Math.floor(Math.random() * 100000);
    const upgraded = -1004000000 - Math.floor(Math.random() * 100000);
    fake.migrate(old, upgraded);
    const an = newChatId();
    await postUpdate(t.url, groupTextUpdate(old, an, "/hoi chỉ tiêu cấp xã"));
    await eventually(async () => texts(upgraded).length >= 1);
    const oldCalls = fake.callsOf("sendMessage", old).length;
    await postUpdate(t.url, groupTextUpdate(old, an, "/hoi chỉ tiêu cấp huyện"));
    await eventually(async () => texts(upgraded).length >= 2);
    expect(fake.callsOf("sendMessage", old)).toHaveLength(oldCalls);
  });
});

describe("reviewer cards on Telegram", () => {
  let fake: FakeTelegram;
  let t: TestSystem;
  const REVIEWER = 7_300_001;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_REVIEW_CHAT_ID: REVIEW_GROUP,
    });
    await addReviewer(t.system.db, {
      name: "Nguyễn Thị Lan",
      channel: "telegram",
      externalId: String(REVIEWER),
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });
  const cardsTo = (chatId: string | number, code: string) =>
    fake.callsOf("sendMessage", chatId).filter((c) => String(c.body.text).includes(code));

  it("keeps a group within ~20 messages a minute: a burst of 3, then one every 3 s", async () => {
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await submitNomination(t.system.db)).code);
    await eventually(async () => codes.every((c) => cardsTo(REVIEW_GROUP, c).length === 1), 20_000);
    const times = codes.map((c) => cardsTo(REVIEW_GROUP, c)[0]!.at).sort((a, b) => a - b);
    expect(times[4]! - times[0]!).toBeGreaterThanOrEqual(5_500);
    expect(times[2]! - times[0]!).toBeLessThan(2_000);
  });

  it("retries a card that failed on its own, without repeating the ones delivered", async () => {
    fake.scriptFor(
      "sendMessage",
      REVIEWER,
      FakeTelegram.error(502, "Bad Gateway"),
      FakeTelegram.error(502, "Bad Gateway"),
    );
    const n = await submitNomination(t.system.db);
    await eventually(async () => cardsTo(REVIEWER, n.code).length >= 3, 30_000);
    await sleep(500);
    expect(cardsTo(REVIEW_GROUP, n.code)).toHaveLength(1);
    expect(await t.system.db.reviewCard.count({ where: { nominationId: n.id } })).toBe(2);
  });

  it("follows the review group to its supergroup when Telegram says it migrated", async () => {
    const upgraded = "-1009990001";
    fake.migrate(REVIEW_GROUP, upgraded);
    const n = await submitNomination(t.system.db);
    await eventually(async () => cardsTo(upgraded, n.code).length === 1, 15_000);
    const row = await eventually(() =>
      t.system.db.reviewCard.findFirst({ where: { nominationId: n.id, chatId: { startsWith: "-" } } }),
    );
    expect(row.chatId).toBe(REVIEW_GROUP);
    const next = await submitNomination(t.system.db);
    await eventually(async () => cardsTo(upgraded, next.code).length === 1, 15_000);
    expect(cardsTo(REVIEW_GROUP, next.code)).toHaveLength(0);
    // A decision edits the card where it now lives.
    const reviewer = await t.system.db.reviewer.findFirstOrThrow();
    await decideNomination(t.system.db, {
      nominationId: n.id,
      action: "claim",
      reviewer: { id: reviewer.id, name: reviewer.name },
    });
    await eventually(
      async () => fake.callsOf("editMessageText", upgraded).some((c) => String(c.body.text).includes(n.code)),
      15_000,
    );
    expect(fake.callsOf("editMessageText", REVIEW_GROUP)).toHaveLength(0);
  });
});

describe("Telegram in polling mode", () => {
  it("publishes the command menu (Vietnamese default, English) when it starts", async () => {
    const fake = await new FakeTelegram("123:abc").start();
    const t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: "123:abc",
      TELEGRAM_API_ROOT: fake.url,
      TELEGRAM_MODE: "polling",
    });
    try {
      const calls = await fake.waitFor("setMyCommands", { count: 2 });
      expect(calls.map((c) => c.body.language_code ?? "default").sort()).toEqual(["default", "en"]);
      expect((calls[0]!.body.commands as Array<{ command: string }>).map((c) => c.command)).toContain("decu");
    } finally {
      await t.stop();
      await fake.stop();
    }
  });
});
