/**
 * Nominations for review tests, written the way the nomination flow writes them: the row and its
 * "nomination.submitted" outbox row in one transaction (the relay then announces it).
 */
import { randomUUID } from "node:crypto";
import type { Db } from "../../src/db/client.js";
import { writeOutbox } from "../../src/queue/outbox.js";

let seq = Math.floor(Math.random() * 900_000);

export interface SubmitOptions {
  channel?: "telegram" | "zalo" | "webchat";
  chatId?: string;
  language?: "vi" | "en";
  nomineeName?: string;
  nomineeUnit?: string;
  locality?: string;
  category?: "commune" | "business" | "citizen" | "official_initiative" | "district";
  achievements?: string;
  createdAt?: Date;
  attachments?: Array<{ mime: string; fileName: string; data: Buffer }>;
}

export async function submitNomination(
  db: Db,
  opts: SubmitOptions = {},
): Promise<{ id: string; code: string; personId: string }> {
  const code = `DC-2026-${String(++seq).padStart(6, "0")}`;
  const channel = opts.channel ?? "telegram";
  const chatId = opts.chatId ?? String(9_000_000 + seq);
  return db.$transaction(async (tx) => {
    const person = await tx.person.upsert({
      where: { channel_externalId: { channel, externalId: chatId } },
      create: {
        channel,
        externalId: chatId,
        chatId,
        language: opts.language ?? "vi",
        consentAt: new Date(),
        consentVersion: "v1",
      },
      update: {},
    });
    const n = await tx.nomination.create({
      data: {
        code,
        idempotencyKey: randomUUID(),
        personId: person.id,
        category: opts.category ?? "commune",
        nomineeName: opts.nomineeName ?? "Nguyễn Văn An",
        nomineeUnit: opts.nomineeUnit ?? "UBND xã Thái Bình",
        locality: opts.locality ?? "Yên Sơn",
        achievements:
          opts.achievements ??
          "Đưa 100% thủ tục hành chính của xã lên Cổng dịch vụ công trực tuyến; hướng dẫn hơn 2.000 người dân cài đặt VNeID.",
        nominatorName: "Trần Thị Bình",
        nominatorPhone: "0912345678",
        relation: "Đồng nghiệp",
        consentVersion: "v1",
        consentAt: new Date(),
        ...(opts.createdAt ? { createdAt: opts.createdAt } : {}),
        attachments: opts.attachments
          ? {
              create: opts.attachments.map((a) => ({
                kind: a.mime.startsWith("image/") ? "photo" : "document",
                mime: a.mime,
                fileName: a.fileName,
                size: a.data.length,
                data: new Uint8Array(a.data),
              })),
            }
          : undefined,
      },
    });
    await writeOutbox(tx, "nomination.submitted", { nominationId: n.id, code });
    return { id: n.id, code, personId: person.id };
  });
}

/**
 * Polls `check` until it returns a truthy value. After `timeoutMs` it fails naming the condition
 * (`what`, or the check's own source) and the last value it gave, so a red test says
 * what it was waiting for.
 */
export async function eventually<T>(
  check: () => Promise<T | undefined | null | false>,
  timeoutMs = 10_000,
  what?: string,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    const v = await check();
    if (v) return v;
    last = v;
    if (Date.now() > deadline) {
      const condition = what ?? check.toString().replace(/\s+/g, " ").slice(0, 300);
      throw new Error(
        `eventually: not met within ${timeoutMs} ms: ${condition} (last result: ${JSON.stringify(last)})`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
