/**
 * What kind of answer a question wants, told apart from what it is about. "Cấp xã có những chỉ
 * tiêu 100% nào" and "cấp xã bao nhiêu % công chức có định danh số" name the same level and figure;
 * the first wants a list filtered by the figure, the second one figure. The words that tell the
 * kind live in `vocabulary.yaml` (`kinds`), so the topic search never sees them.
 */
import { containsPhrase, phraseAt, type KindName, type Lexicon } from "./lexicon.js";
import { foldDiacritics } from "./normalize.js";
import type { ParsedQuestion } from "./question.js";

export interface QuestionKind {
  /** Every target of a level, or every target about a topic ("liệt kê", "gồm những gì", "các chỉ tiêu về…"). */
  list: boolean;
  /** One topic across levels ("so sánh … giữa tỉnh, huyện, xã", "cấp nào có…"). */
  compare: boolean;
  /** The aims of the movement ("nhằm mục đích gì"). */
  purpose: boolean;
  /** Who takes part, whom the plan concerns. */
  who: boolean;
  /** The movement's requirements as a whole ("yêu cầu của phong trào"): a section of the plan, several passages. */
  requirements: boolean;
  /**
   * A yes/no question whether someone takes part in the movement ("HTX có phải triển khai phong trào
   * này không", "đảng viên có tham gia … ko"): answered by the passages that name the participants.
   */
  membership: boolean;
  /** What a body must do ("… có nhiệm vụ gì"): only a passage naming that body answers it. */
  duty: boolean;
  /**
   * Targets at a figure ("những chỉ tiêu nào ở mức 90%", "chỉ tiêu dưới 100%"), or the targets the
   * plan itself calls floors ("những chỉ tiêu nào là mức tối thiểu"): the plan's "tối thiểu" is a
   * property of the target (`atLeast`), so it filters like a figure, whatever the figure.
   */
  figure?: { value: number; compare: "eq" | "ne" | "below" | "above" } | { compare: "floor" | "exception" };
  /**
   * "Chỉ tiêu nào áp dụng cho cả 3 cấp", "targets common to all levels": the topics the plan sets at
   * every administrative level, a property of the whole table rather than of any one target.
   */
  everyLevel: boolean;
  /**
   * A list only because it asks for the targets about a topic ("chỉ tiêu về X"): never the level's
   * whole list when no target speaks of X ("chỉ tiêu về sổ hộ khẩu cấp xã" is no question about the
   * commune's targets).
   */
  topicOnly: boolean;
  /**
   * A verb of wanting ("mong muốn", "hướng tới", "want") whose subject is not the writer ("tôi muốn"
   * is how a writer asks): with the movement named, what the movement wants, i.e. its aims. The
   * position of the verb, if any.
   */
  aspire?: number;
  /** "Tiêu chí chia theo những nhóm nào", "which groups": the plan's groups of criteria themselves. */
  grouping: boolean;
  /** "đến năm nào", "by when": the time frame the plan sets its targets for. */
  when: boolean;
  /**
   * "… học ở đâu", "do ai đầu tư", "dùng phần mềm gì": an attribute of a target (a place, a builder,
   * a name, a vendor) that the plan's targets never state; they state what must be reached.
   */
  attribute: boolean;
  /**
   * "Chỉ tiêu nào chỉ có ở cấp huyện": the words after which the level asked is named, for a list of
   * the targets that level has and the other administrative levels do not.
   */
  onlyAfter?: number;
}

const PLURAL = [["nhung"], ["cac"]];
/** "chỉ tiêu về …", "targets on …": the targets about a topic. */
const ABOUT_TOPIC = [
  ["chi", "tieu", "ve"],
  ["tieu", "chi", "ve"],
  ["chi", "tieu", "lien", "quan"],
  ["tieu", "chi", "lien", "quan"],
  ["targets", "on"],
  ["targets", "about"],
  ["targets", "related"],
  ["criteria", "on"],
  ["criteria", "about"],
  // "Kế hoạch quy định gì về chữ ký số", "what does the plan say about …": all it says of the topic.
  ["quy", "dinh", "ve"],
  ["noi", "gi", "ve"],
  ["say", "about"],
  ["says", "about"],
];
/** "gì", "what": a question for the content of something (a duty, a requirement). */
const ASKS_WHAT = [["gi"], ["j"], ["what"]];
const WHAT = [["gi"], ["nao"]];

/**
 * What may stand right before a verb of wanting when the movement is what wants: its name ("phong
 * trào", "kế hoạch 154", "thi đua"), "này", the province that launched it, or "it". After anyone
 * else ("tôi muốn", "thủ trưởng muốn") the verb is that person's wish, or how a request is made.
 */
const ASPIRERS = new Set([
  "trao",
  "hoach",
  "dua",
  "154",
  "nay",
  "tinh",
  "movement",
  "plan",
  "campaign",
  "it",
]);

/** "nào", "which": with a figure, a question picking targets by that figure. */
const WHICH = [["nao"], ["cai", "gi"], ["nhung", "gi"], ["which"], ["what"]];

/**
 * @example questionKind(parseQuestion("cap xa co nhung chi tieu 100% nao", lexicon), lexicon).figure
 *   // { value: 100, compare: "eq" }
 */
export function questionKind(q: ParsedQuestion, lexicon: Lexicon): QuestionKind {
  const has = (name: KindName) =>
    lexicon.kinds[name].some((p, n) => typedPhrase(q, p, lexicon.kindsExact[name][n]!));
  // "những yêu cầu gì", "các văn bản nào": a plural with a question word asks for all of them.
  // "(như) thế nào" asks how, not which: it makes no list.
  const plural =
    PLURAL.some((p) => containsPhrase(q.tokens, p)) &&
    q.tokens.some((t, i) => WHAT.some((w) => w[0] === t) && !(t === "nao" && q.tokens[i - 1] === "the"));
  // "Chỉ tiêu về TTHC ở cấp tỉnh": the targets about a topic, all of them, unless a share is asked
  // ("chỉ tiêu về hồ sơ công việc là bao nhiêu %" wants one figure).
  const aboutTopic = !q.asksShare && ABOUT_TOPIC.some((p) => containsPhrase(q.tokens, p));
  const list = has("list") || plural || aboutTopic;
  const topicOnly = aboutTopic && !has("list") && !plural;
  const who = has("who");
  // Shape, not topic: a yes/no ending, a verb of taking part, and the movement (or the writer's
  // membership, "thuộc đối tượng") as what is taken part in.
  // "… ở xã so với ở tỉnh, đối tượng có khác không" compares; it asks no one's membership.
  const membership =
    has("yesNo") && !q.asksShare && !has("compare") && (who || (has("participate") && q.namesPlan));
  const duty =
    lexicon.departmentDuties.some((p) => containsPhrase(q.tokens, p)) &&
    ASKS_WHAT.some((w) => containsPhrase(q.tokens, w));
  const kind: QuestionKind = {
    list,
    compare: has("compare"),
    purpose: has("purpose"),
    who,
    requirements: has("requirements"),
    membership,
    duty,
    topicOnly,
    when: has("when"),
    attribute: has("attribute"),
    grouping: has("grouping"),
    aspire: aspireAt(q, lexicon),
    everyLevel: has("everyLevel") && (list || WHICH.some((w) => containsPhrase(q.tokens, w))),
  };
  const asksWhich = list || WHICH.some((w) => containsPhrase(q.tokens, w));
  // "những chỉ tiêu nào là mức tối thiểu", not "what is the minimum satisfaction target" (one
  // target's figure) nor "ít nhất 01 điện thoại" (a count the plan states).
  const floor = lexicon.kinds.floor.some((p) =>
    q.tokens.some(
      (_, i) => phraseAt(q.tokens, p, i) && !/^(\d+|one|mot)$/.test(q.tokens[i + p.length] ?? ""),
    ),
  );
  if (q.percentages.length === 0 && list && floor) kind.figure = { compare: "floor" };
  // "Những loại hồ sơ nào được loại trừ", "các trường hợp ngoại lệ": the targets the plan states
  // with an exception ("(trừ văn bản mật theo quy định)"), a property of the target's own words.
  if (q.percentages.length === 0 && has("exception")) kind.figure = { compare: "exception" };
  if (asksWhich) {
    for (const p of lexicon.kinds.only) {
      const at = q.tokens.findIndex((_, i) => phraseAt(q.tokens, p, i));
      if (at >= 0) {
        kind.onlyAfter = at + p.length;
        break;
      }
    }
    // "chỉ cấp tỉnh có", "chỉ tỉnh mới có": "chỉ" (only) right before a level's name, in whatever
    // words follow.
    const only = q.tokens.findIndex(
      (t, i) => (t === "chi" || t === "only") && q.roles[i] !== "generic" && q.roles[i + 1] === "level",
    );
    if (kind.onlyAfter === undefined && only >= 0) kind.onlyAfter = only + 1;
  }
  const percentage = q.percentages[0];
  if (
    percentage !== undefined &&
    q.percentages.length === 1 &&
    (list || WHICH.some((w) => containsPhrase(q.tokens, w)) || has("figureFilter"))
  ) {
    const at = q.tokens.indexOf(percentage);
    const before = (name: KindName) =>
      at > 0 && lexicon.kinds[name].some((p) => p.length <= at && phraseAt(q.tokens, p, at - p.length));
    kind.figure = {
      value: Number(percentage),
      compare: before("notEqual") ? "ne" : before("below") ? "below" : before("above") ? "above" : "eq",
    };
  }
  return kind;
}

/**
 * Whether the question holds a phrase, as written when the writer typed diacritics: "chữ ký số
 * nào" holds no "chứ" nor "sở nào". A syllable typed bare, or written bare in the phrase, matches
 * whatever its marks.
 */
export function typedPhrase(q: ParsedQuestion, folded: string[], exact: string[]): boolean {
  // Most phrases are absent: the folded test first, the marks only for a phrase that is there.
  if (!containsPhrase(q.tokens, folded)) return false;
  if (!q.accented) return true;
  return q.tokens.some(
    (_, i) =>
      phraseAt(q.tokens, folded, i) &&
      (!q.accented ||
        exact.every((e, k) => {
          const t = q.typed[i + k] ?? "";
          return e === t || foldDiacritics(e) === e || foldDiacritics(t) === t;
        })),
  );
}

/**
 * Where a verb of wanting has the movement for its subject: its name (or "này", "tỉnh") within the
 * three words before, which a word or two may separate from it ("phong trào này rốt cuộc muốn").
 */
function aspireAt(q: ParsedQuestion, lexicon: Lexicon): number | undefined {
  const { tokens } = q;
  for (let i = 0; i < tokens.length; i++)
    for (const p of lexicon.kinds.aspire) {
      if (!phraseAt(tokens, p, i)) continue;
      const before = tokens.slice(Math.max(0, i - 3), i);
      // After "cho mình hỏi" the verb opens the question as much as at its start.
      const request = lexicon.wrappers.askRequests.find((r) => r.length === i && phraseAt(tokens, r, 0));
      if (i > 0 && !request && !before.some((t) => ASPIRERS.has(t))) continue;
      // "muốn được khen": someone wanting to receive, not the movement wanting.
      if (tokens[i + p.length] === "duoc") continue;
      // "định hướng tới": a word of the plan, not a verb of wanting ("phong trào nhằm" stays one).
      const prev = tokens[i - 1];
      if (prev !== undefined && !ASPIRERS.has(prev) && lexicon.knownPairs.has(`${prev}_${tokens[i]}`))
        continue;
      return i;
    }
  return undefined;
}

/** Whether a target passes the figure filter. */
export function passes(
  target: { value: number; atLeast: boolean },
  figure: NonNullable<QuestionKind["figure"]>,
): boolean {
  if (!("value" in figure)) return figure.compare === "floor" && target.atLeast;
  const value = target.value;
  return figure.compare === "eq"
    ? value === figure.value
    : figure.compare === "ne"
      ? value !== figure.value
      : figure.compare === "below"
        ? value < figure.value
        : value > figure.value;
}
