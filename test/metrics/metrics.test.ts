/**
 * GET /metrics as Prometheus scrapes it, after real traffic: a nomination through the web chat, a
 * Telegram question (one 429 from the fake Bot API on the way), and a webhook with a wrong secret.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FakeTelegram } from "../support/fake-telegram.js";
import { codeIn, fillNominationUntilSummary } from "../support/nomination.js";
import { startTestSystem, WebchatUser, type TestSystem } from "../support/system.js";
import { newChatId, postUpdate, SECRET, textUpdate } from "../channels/telegram/updates.js";

const TOKEN = "metrics-token-0123456789";

/** Every sample of the exposition as { name, labels, value }. */
function samples(text: string) {
  return text
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(l);
      if (!m) throw new Error(`not an exposition line: ${l}`);
      const labels = Object.fromEntries(
        [...(m[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1]!, x[2]!]),
      );
      return { name: m[1]!, labels, value: Number(m[3]) };
    });
}

function value(
  all: ReturnType<typeof samples>,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  const hits = all.filter(
    (s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v),
  );
  return hits.length ? hits.reduce((n, s) => n + s.value, 0) : undefined;
}

describe("Prometheus metrics", () => {
  let fake: FakeTelegram;
  let t: TestSystem;

  beforeAll(async () => {
    fake = await new FakeTelegram("123:metrics").start();
    t = await startTestSystem({
      TELEGRAM_BOT_TOKEN: fake.token,
      TELEGRAM_WEBHOOK_SECRET: SECRET,
      TELEGRAM_API_ROOT: fake.url,
      METRICS_TOKEN: TOKEN,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
  });

  it("are not served without the token (404, as if absent)", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    expect(
      (await fetch(`${t.url}/metrics`, { headers: { authorization: "Bearer wrong-token-0123456789" } }))
        .status,
    ).toBe(404);
  });

  it("show a nomination, the traffic that made it and the work behind it", async () => {
    const user = new WebchatUser(t.url);
    await fillNominationUntilSummary(user);
    expect(codeIn(await user.ask("xác nhận"))).toBeDefined();

    const chat = newChatId();
    fake.scriptFor("sendMessage", chat, FakeTelegram.tooManyRequests(1));
    expect((await postUpdate(t.url, textUpdate(chat, "chỉ tiêu hồ sơ công việc cấp xã"))).status).toBe(200);
    expect((await postUpdate(t.url, textUpdate(chat, "x"), "wrong-secret")).status).toBe(401);
    await fake.waitFor("sendMessage", { chatId: chat, count: 2, timeoutMs: 15_000 });

    // Counters are bumped when the job's events arrive; give the outbound worker's "completed" a moment.
    let all: ReturnType<typeof samples> = [];
    for (let i = 0; i < 40; i++) {
      const res = await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get("content-type")).toContain("text/plain");
      all = samples(await res.text());
      if (
        (value(all, "cds_outbound_sends_total", { channel: "telegram", outcome: "sent" }) ?? 0) >= 1 &&
        (value(all, "cds_job_duration_seconds_count", { queue: "out-telegram" }) ?? 0) >= 1
      )
        break;
      await new Promise((r) => setTimeout(r, 100));
    }

    expect(value(all, "cds_nominations", { status: "submitted" })).toBe(1);
    expect(value(all, "cds_nominations", { status: "approved" })).toBe(0);
    // The officials' inbox: nothing forwarded in this test, so every series is there at zero.
    expect(value(all, "cds_questions", { state: "forwarded" })).toBe(0);
    expect(value(all, "cds_questions", { state: "open" })).toBe(0);
    expect(value(all, "cds_question_median_answer_seconds")).toBe(0);
    const oldest = value(all, "cds_nomination_oldest_unclaimed_seconds")!;
    expect(oldest).toBeGreaterThanOrEqual(0);
    expect(oldest).toBeLessThan(120);

    expect(
      value(all, "cds_webhook_requests_total", { channel: "telegram", outcome: "ack", reason: "ok" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(all, "cds_webhook_requests_total", {
        channel: "telegram",
        outcome: "rejected",
        reason: "secret",
      }),
    ).toBe(1);
    expect(
      value(all, "cds_http_request_duration_seconds_count", { route: "/chat/api/messages", method: "POST" }),
    ).toBeGreaterThanOrEqual(10);
    // A request for an unknown path is folded into one label value, never its URL.
    await fetch(`${t.url}/no/such/${Date.now()}`);
    const after = samples(
      await (await fetch(`${t.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).text(),
    );
    expect(
      after.some(
        (s) => s.name === "cds_http_request_duration_seconds_count" && s.labels.route === "unmatched",
      ),
    ).toBe(true);
    expect(after.some((s) => s.labels.route?.startsWith("/no/such"))).toBe(false);

    expect(value(all, "cds_outbound_sends_total", { channel: "telegram", outcome: "rate_limited" })).toBe(1);
    expect(
      value(all, "cds_outbound_sends_total", { channel: "telegram", outcome: "sent" }),
    ).toBeGreaterThanOrEqual(1);
    expect(
      value(all, "cds_outbound_sends_total", { channel: "webchat", outcome: "sent" }),
    ).toBeGreaterThanOrEqual(10);
    expect(value(all, "cds_qa_questions_total", { outcome: "answered" })).toBeGreaterThanOrEqual(1);
    expect(
      value(all, "cds_job_duration_seconds_count", { queue: "inbound", result: "completed" }),
    ).toBeGreaterThanOrEqual(12);
    expect(value(all, "cds_job_failures_total")).toBeUndefined();

    // Queue depth and age per queue, every partition present even when empty.
    for (let i = 0; i < 4; i++) {
      expect(
        value(all, "cds_queue_jobs", { queue: `inbound-${i}`, state: "waiting" }),
      ).toBeGreaterThanOrEqual(0);
      expect(
        value(all, "cds_queue_oldest_waiting_seconds", { queue: `inbound-${i}` }),
      ).toBeGreaterThanOrEqual(0);
    }
    expect(value(all, "cds_queue_jobs", { queue: "out-telegram-0", state: "failed" })).toBe(0);
    expect(value(all, "cds_dependency_up", { dependency: "postgres" })).toBe(1);
    expect(value(all, "cds_dependency_up", { dependency: "redis" })).toBe(1);
    expect(value(all, "cds_process_resident_memory_bytes")).toBeGreaterThan(10e6);
    // Every series says which process it comes from.
    expect(all.every((s) => s.labels.process === "all")).toBe(true);
  });
});

describe("Prometheus metrics on METRICS_PORT", () => {
  let t: TestSystem;
  beforeAll(async () => {
    t = await startTestSystem({ METRICS_PORT: "0" });
  });
  afterAll(async () => {
    await t?.stop();
  });

  it("are served on their own port only, not on the public one", async () => {
    expect((await fetch(`${t.url}/metrics`)).status).toBe(404);
    const res = await fetch(`${t.system.metricsUrl}/metrics`);
    expect(res.status).toBe(200);
    const all = samples(await res.text());
    expect(value(all, "cds_nominations", { status: "submitted" })).toBe(0);
    expect((await fetch(`${t.system.metricsUrl}/`)).status).toBe(404);
  });
});
