/**
 * DIRECT_REPLIES, both ways, through the real webhook, queues and a fake Telegram over HTTP: on
 * (the default) a reply leaves from the conversation job itself and the outbound queue stays
 * empty; off, every reply goes through the outbound queue. Either way every message is answered,
 * and a chat's replies keep its order.
 */
import { describe, expect, it } from "vitest";
import { useTelegramSystem } from "../channels/telegram/system.js";
import { TelegramUser } from "../channels/telegram/updates.js";

for (const direct of [true, false]) {
  describe(`DIRECT_REPLIES=${direct}`, () => {
    const tg = useTelegramSystem({ DIRECT_REPLIES: String(direct) });

    it(`answers every message, in order, ${direct ? "without" : "through"} the outbound queue`, async () => {
      const user = new TelegramUser(tg.t.url, tg.fake);
      const asked = ["chỉ tiêu cấp xã", "chi tieu cap huyen", "mục đích của phong trào"];
      for (const q of asked) expect((await user.say(q, 1_500)).length).toBeGreaterThan(0);
      const texts = tg.fake.callsOf("sendMessage", user.chatId).map((c) => String(c.body.text));
      // One answer per question, in the order asked (each names its level or topic).
      expect(texts.length).toBeGreaterThanOrEqual(asked.length);
      expect(texts.findIndex((x) => /cấp xã/i.test(x))).toBeLessThan(
        texts.findIndex((x) => /cấp huyện/i.test(x)),
      );
      const queued = await Promise.all(
        tg.t.system.outbound.bullQueues.map((q) => q.getJobCountByTypes("completed", "active", "waiting")),
      );
      const total = queued.reduce((a, b) => a + b, 0);
      if (direct) expect(total).toBe(0);
      else expect(total).toBeGreaterThanOrEqual(asked.length);
    });
  });
}
