/**
 * PostgreSQL unreachable for 10 s (cut with a TCP proxy): webhooks keep acknowledging (they never
 * touch the database), messages wait in the queue and are processed when it returns, and a
 * nomination confirmed across the outage is written whole or not at all.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";
import { startTcpProxy, throughProxy, type TcpProxy } from "../support/tcp-proxy.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { newChatId, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("PostgreSQL unavailable for 10 s", () => {
  let fake: FakeTelegram;
  let database: TestDatabase;
  let proxy: TcpProxy;
  let t: TestSystem;
  beforeAll(async () => {
    fake = await new FakeTelegram("123:abc").start();
    database = await createTestDatabase();
    const u = new URL(database.url);
    proxy = await startTcpProxy(u.hostname, Number(u.port || 5432));
    t = await startTestSystem(
      { TELEGRAM_BOT_TOKEN: fake.token, TELEGRAM_WEBHOOK_SECRET: SECRET, TELEGRAM_API_ROOT: fake.url },
      { database: { ...database, url: throughProxy(database.url, proxy) } },
    );
  });
  afterAll(async () => {
    await t?.stop();
    await proxy?.close();
    await database?.drop();
    await fake?.stop();
  });

  it("keeps acknowledging webhooks, then processes everything once the database is back", async () => {
    const user = new WebchatUser(t.url);
    await fillNominationUntilSummary(user, {
      nominee: "Lò Văn Pủa",
      achievements: "Xây dựng nhóm Zalo của thôn hướng dẫn bà con bán chè trên sàn thương mại điện tử.",
    });

    proxy.down();
    const downAt = Date.now();
    const chats = Array.from({ length: 10 }, () => newChatId());
    const acks = await Promise.all(
      chats.map((c) =>
        postUpdate(t.url, textUpdate(c, "chỉ tiêu hồ sơ công việc cấp xã")).then((r) => r.status),
      ),
    );
    expect(acks.every((s) => s === 200)).toBe(true);
    expect((await fetch(`${t.url}/readyz`)).status).toBe(503);
    await user.say("xác nhận");
    await sleep(Math.max(0, 10_000 - (Date.now() - downAt)));
    proxy.up();

    for (const c of chats) {
      const [call] = await fake.waitFor("sendMessage", { chatId: c, timeoutMs: 60_000 });
      expect(String(call!.body.text)).toContain("60%");
    }
    // The confirmation either went through after the outage or told the user to try again —
    // never a half-written nomination.
    const replies = await user.next(1, 60_000);
    const nominations = await database.db.nomination.findMany({ include: { attachments: true } });
    const outbox = await database.db.outbox.findMany({ where: { topic: "nomination.submitted" } });
    if (codeIn(replies)) {
      expect(nominations).toHaveLength(1);
      expect(outbox).toHaveLength(1);
    } else {
      expect(nominations).toHaveLength(0);
      expect(outbox).toHaveLength(0);
    }
    expect((await fetch(`${t.url}/readyz`)).status).toBe(200);
  });
});
