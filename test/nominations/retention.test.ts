/**
 * What is kept about a person, and for how long: consent is recorded on the person with each
 * submission, and evidence of an abandoned flow does not outlive its session.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  discardAbandonedEvidence,
  storePendingEvidence,
  submitNomination,
} from "../../src/nominations/submissions.js";
import { createTestDatabase, type TestDatabase } from "../support/database.js";

describe("personal data retention", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });

  it("records the consent version and time on the person who submitted", async () => {
    const person = await database.db.person.create({
      data: { channel: "webchat", externalId: "consent-1", chatId: "consent-1" },
    });
    const consentAt = new Date("2026-11-20T03:00:00Z");
    await submitNomination(
      database.db,
      {
        personId: person.id,
        idempotencyKey: "webchat:consent:1",
        category: "citizen",
        nomineeName: "Hà Thị Hoa",
        nomineeUnit: "Thôn 2",
        locality: "Yên Sơn",
        localityId: "tq-yen-son",
        achievements: "x".repeat(40),
        nominatorName: "Lê Văn Tư",
        nominatorPhone: "+84912345678",
        relation: "hàng xóm",
        consentVersion: "nd13-2023-v1",
        consentAt,
        attachmentIds: [],
        links: [],
      },
      { maxPerDay: 5, now: new Date() },
    );
    const after = await database.db.person.findUniqueOrThrow({ where: { id: person.id } });
    expect(after.consentVersion).toBe("nd13-2023-v1");
    expect(after.consentAt?.toISOString()).toBe(consentAt.toISOString());
  });

  it("deletes evidence of flows abandoned for over a day, and nothing that was submitted or is recent", async () => {
    const now = new Date();
    const old = await storePendingEvidence(database.db, {
      kind: "photo",
      bytes: Buffer.from([0xff, 0xd8, 0xff, 1]),
      mime: "image/jpeg",
    });
    const recent = await storePendingEvidence(database.db, {
      kind: "photo",
      bytes: Buffer.from([0xff, 0xd8, 0xff, 2]),
      mime: "image/jpeg",
    });
    await database.db.attachment.update({
      where: { id: old },
      data: { createdAt: new Date(now.getTime() - 26 * 3_600_000) },
    });
    const nomination = await database.db.nomination.findFirstOrThrow();
    const linked = await database.db.attachment.create({
      data: {
        kind: "link",
        url: "https://example.org/a",
        nominationId: nomination.id,
        createdAt: new Date(now.getTime() - 30 * 24 * 3_600_000),
      },
    });
    expect(await discardAbandonedEvidence(database.db, now)).toBe(1);
    const left = (await database.db.attachment.findMany({ select: { id: true } })).map((a) => a.id).sort();
    expect(left).toEqual([recent, linked.id].sort());
  });
});
