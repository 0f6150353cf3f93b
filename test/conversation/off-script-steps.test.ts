/**
 * What a person does at a flow step besides answering it, generated for every flow in flows/, every
 * step, every channel (black-box findings): a question about the plan is answered and the step asked
 * again with nothing stored; an empty message (spaces, an emoji) asks the step again instead of
 * showing the menu; a text over the step's limit says the limit and saves nothing, not even the
 * rest of a paste the platform split. Steps, prompts and limits come from the loaded flow files.
 */
import { describe, expect, it } from "vitest";
import { CHANNELS, type Reply } from "../../src/channels/types.js";
import type { LoadedFlow, Step } from "../../src/conversation/index.js";
import { takesFreeText } from "../../src/conversation/step-input.js";
import { buildEngine, ChatDriver, engineServices, flows, i18n, newPrefix, nextStep } from "./support.js";

const WALK_TIMEOUT_MS = 240_000;
const t = (key: string, vars?: Record<string, string | number>) => i18n.t("vi", key, vars);
const head = (key: string) => t(key).split("\n")[0]!.split("{")[0]!.slice(0, 30);
const text = (replies: Reply[]) => ChatDriver.text(replies);
/** A question the plan answers (its answer names the commune level), with and without diacritics. */
const QUESTIONS = ["chỉ tiêu cấp xã là gì?", "chi tieu cap xa la gi"];
const ANSWER_MARK = "Cấp xã";

function sampleAnswer(step: Step): string {
  switch (step.kind) {
    case "phone":
      return "0912345678";
    case "email":
      return "can.bo@tuyenquang.gov.vn";
    case "date":
      return "15/08/2024";
    case "number":
      return String(step.min);
    default:
      return `Nội dung trả lời mẫu ${"đủ dài ".repeat(Math.ceil(("min" in step ? (step.min ?? 2) : 2) / 7))}`.trim();
  }
}

describe("a step asked again, never answered by accident, whatever is typed at it", () => {
  const services = engineServices();

  for (const flow of flows.values()) {
    for (const channel of CHANNELS) {
      it(
        `${flow.id} on ${channel}`,
        async () => {
          const clock = { now: Date.now() };
          const engine = buildEngine({
            db: services.db,
            redis: services.redis,
            prefix: newPrefix(),
            maxPerDay: 50,
            clock: () => clock.now,
          });
          const covered = new Set<string>();
          for (let walk = 0; walk < 6 && covered.size < flow.steps.length; walk++) {
            const chat = new ChatDriver(engine, channel, clock);
            await chat.say(flow.triggers[0]!);
            const answers: Record<string, string> = {};
            let step: Step = flow.steps[0]!;
            for (;;) {
              covered.add(step.id);
              const where = `${flow.id}/${step.id} on ${channel}`;
              const prompt = head(step.prompt);
              clock.now += 1_000;

              for (const empty of ["   ", "🙂"]) {
                const r = text(await chat.say(empty));
                expect(r, `${where}: “${empty}”`).toContain(t("conversation.empty_text"));
                expect(r, `${where}: “${empty}”`).toContain(prompt);
                expect(r, `${where}: “${empty}”`).not.toContain(t("conversation.menu.title"));
              }
              for (const q of QUESTIONS) {
                const r = await chat.say(q);
                const how = `${where}: “${q}”`;
                expect(r.length, how).toBeGreaterThanOrEqual(2);
                expect(r[0]!.text, how).toContain(ANSWER_MARK);
                expect(text(r), how).toContain(t("conversation.question_in_flow.resume"));
                expect(r.at(-1)!.text, how).toContain(prompt);
              }
              if (
                takesFreeText(step) &&
                "max" in step &&
                typeof step.max === "number" &&
                step.kind !== "media"
              ) {
                const long = "Thành tích ".repeat(Math.ceil((step.max + 1) / 11));
                const r = text(await chat.say(long));
                expect(r, `${where}: too long`).toContain(
                  t("conversation.invalid.too_long", { max: step.max, length: [...long.trim()].length }),
                );
                expect(r, `${where}: too long`).toContain(prompt);
                // The rest of a split paste, a second later: refused too.
                clock.now += 1_000;
                const rest = text(await chat.say(sampleAnswer(step)));
                expect(rest, `${where}: rest of a split paste`).toContain(
                  t("conversation.invalid.too_long_rest", { max: step.max }),
                );
                clock.now += 10_000;
              }

              if (step.kind === "confirm") {
                const shown = text(await chat.say("xác nhận"));
                expect(shown, `${where}: submitted`).toMatch(/\b(DC|TD)-\d{4}-\d{6}\b/);
                break;
              }
              // The step's own choices, from its latest prompt (every probe above ends by asking it again).
              const choices = (await chat.say("🙂")).at(-1)!.choices ?? [];
              const options = choices.filter((c) => !c.id.startsWith("_"));
              let replies: Reply[];
              if (step.kind === "consent") {
                answers[step.id] = "yes";
                replies = await chat.say("1");
              } else if (options.length && step.kind !== "text") {
                const pick = options[(walk * 5) % options.length]!;
                answers[step.id] = pick.id;
                replies = await chat.say(String(choices.indexOf(pick) + 1));
              } else if (step.kind === "choice" && !step.show) {
                const first = flow.options.get(step.id)![0]!;
                replies = await chat.say(typeof first.label === "string" ? t(first.label) : first.label.vi);
              } else if (step.kind === "media") {
                replies = await chat.say("bỏ qua");
              } else {
                replies = await chat.say(sampleAnswer(step));
              }
              if (text(replies).includes(head("nomination.duplicate_warning"))) replies = await chat.say("1");
              step = nextStep(flow, step.id, answers);
              // Nothing typed above was stored: the summary never shows the question.
              if (step.kind === "confirm") {
                expect(text(replies), `${where}: summary`).toContain(head(step.prompt));
                for (const q of QUESTIONS) expect(text(replies), `${where}: summary`).not.toContain(q);
                expect(text(replies)).not.toContain("Thành tích Thành tích");
              }
            }
          }
          expect([...covered].sort(), `${flow.id}: every step visited`).toEqual(
            flow.steps.map((s) => s.id).sort(),
          );
        },
        WALK_TIMEOUT_MS,
      );
    }
  }
});
