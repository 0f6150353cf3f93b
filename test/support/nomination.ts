/**
 * Walks the nomination flow in the web chat up to the summary, as a citizen would type it
 * (category 8 = a citizen; evidence skipped), for tests that need a nomination to confirm.
 */
import type { WebchatUser } from "./system.js";

export interface NominationAnswers {
  nominee: string;
  unit: string;
  locality: string;
  achievements: string;
  nominator: string;
  phone: string;
  relation: string;
}

const DEFAULTS: NominationAnswers = {
  nominee: "Nguyễn Văn Bền",
  unit: "Thôn Làng Ngòi",
  locality: "yen son",
  achievements: "Hướng dẫn hơn 200 hộ dân trong thôn cài đặt VNeID mức 2 và thanh toán không dùng tiền mặt.",
  nominator: "Trần Thị Bình",
  phone: "0912 345 678",
  relation: "người dân cùng địa bàn",
};

export async function fillNominationUntilSummary(
  user: WebchatUser,
  answers: Partial<NominationAnswers> = {},
  settleMs = 150,
): Promise<void> {
  const a = { ...DEFAULTS, ...answers };
  for (const text of [
    "đề cử",
    "đồng ý",
    "8",
    a.nominee,
    a.unit,
    a.locality,
    a.achievements,
    "bỏ qua",
    a.nominator,
    a.phone,
    a.relation,
  ]) {
    await user.ask(text, settleMs);
  }
}

/** The reference code in a set of replies, if any. */
export function codeIn(replies: Array<{ text: string }>): string | undefined {
  return replies
    .map((m) => m.text)
    .join("\n")
    .match(/DC-\d{4}-\d{6}/)?.[0];
}
