/**
 * The FAQ's own search: every entry is found from its question (with or without diacritics, words
 * reordered, a word added), no entry answers another entry's question, and a question sharing only
 * a few words with an entry passes no coverage check.
 */
import { describe, expect, it } from "vitest";
import { contentWords, FaqIndex } from "../../src/faq/search.js";

const QUESTIONS = [
  "Tổ công nghệ số cộng đồng có được trả phụ cấp hằng tháng không?",
  "Người cao tuổi có được tập huấn sử dụng điện thoại thông minh miễn phí không?",
  "Xã có được hỗ trợ kinh phí mua máy tính cho bộ phận một cửa không?",
  "Khi nào công bố kết quả bình chọn mô hình chuyển đổi số tiêu biểu?",
  "Hộ kinh doanh nhỏ có bắt buộc dùng hóa đơn điện tử không?",
  "Học sinh có được cấp tài khoản học trực tuyến miễn phí không?",
  "Lịch tiếp công dân của Sở Nội vụ vào thứ mấy?",
];
const entries = QUESTIONS.map((question, i) => ({
  id: String(i),
  question,
  answeredOn: new Date(Date.UTC(2026, 10, 1 + i)),
}));
const index = new FaqIndex(entries);
const fold = (s: string) => s.normalize("NFD").replace(/\p{M}/gu, "").replace(/đ/g, "d").replace(/Đ/g, "D");
const reorder = (s: string) => {
  const w = s.replace(/[?]/g, "").split(" ");
  const half = Math.floor(w.length / 2);
  return [...w.slice(half), ...w.slice(0, half)].join(" ");
};

describe("the FAQ search", () => {
  it("finds every entry from its own question, typed without diacritics, reordered, or with a word more", () => {
    for (const e of entries) {
      for (const variant of [
        e.question,
        fold(e.question),
        fold(e.question).toUpperCase(),
        reorder(e.question),
        `${e.question} ạ, cho tôi hỏi với`,
      ]) {
        expect(index.search(variant)?.entry.id, variant).toBe(e.id);
      }
    }
  });

  it("never answers one entry's question with another entry", () => {
    for (const e of entries) {
      const others = new FaqIndex(entries.filter((x) => x.id !== e.id));
      expect(others.search(e.question), e.question).toBeUndefined();
    }
  });

  it("passes no coverage check on a few shared words", () => {
    for (const e of entries) {
      const words = [...contentWords(e.question)];
      for (let n = 1; n <= Math.floor(words.length / 2); n++) {
        const partial = words.slice(0, n).join(" ");
        expect(index.search(partial), `${partial} ← ${e.question}`).toBeUndefined();
      }
    }
  });

  it("answers nothing to empty or function-word-only questions", () => {
    for (const q of ["", "?", "có không", "cho tôi hỏi với ạ", "what is the"])
      expect(index.search(q)).toBeUndefined();
  });
});
