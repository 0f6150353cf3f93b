/**
 * The one rule, generated for every flow in flows/, every step, every channel: whatever the bot
 * shows as a choice is accepted — pressed (Telegram, web chat), or typed as its number ("2",
 * "số 2", "hai"), its label with or without diacritics, or a word the prompt itself suggests
 * ("bỏ qua", "xong", "quay lại", "hủy"). Nothing here is listed by hand: channels, steps, options
 * and words come from the channel list, the loaded flow files, the locales and the rendered replies.
 */
import { describe, expect, it } from "vitest";
import { CHANNELS, type ChannelName, type Reply } from "../../src/channels/types.js";
import { renderZaloText } from "../../src/channels/zalo/rendering.js";
import type { LoadedFlow, Step } from "../../src/conversation/index.js";
import { stripDiacritics } from "../../src/i18n/fold.js";
import { buildEngine, ChatDriver, flows, i18n, newPrefix, engineServices, nextStep } from "./support.js";

type Channel = ChannelName;
/** The channel without buttons: its choices are a numbered list the user answers by typing. */
const NUMBERED_ONLY: readonly Channel[] = ["zalo"];
/** A walk sends some hundreds of messages; on a busy machine that takes more than the default 30 s. */
const WALK_TIMEOUT_MS = 180_000;
const NUMBER_WORDS = ["một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín", "mười"];
const t = (key: string, vars?: Record<string, string | number>) => i18n.t("vi", key, vars);
const words = (list: string) => t(`conversation.words.${list}`).split("\n");
/** The first line of a locale text: enough to recognise it in a reply (placeholders cut off). */
const mark = (key: string) => t(key).split("\n")[0]!.split("{")[0]!.slice(0, 40);
const text = (replies: Reply[]) => ChatDriver.text(replies);
/** Replies that mean "not understood": none may follow an accepted answer. */
const NOT_UNDERSTOOD = [
  "conversation.invalid.choice",
  "conversation.media.expected",
  "conversation.choose_one",
  "conversation.stale",
].map(mark);

/** Every way a choice shown at position `i` (1-based) with `label` can be given on `channel`. */
function formsOf(channel: Channel, i: number, label: string): Array<{ form: string; press?: boolean }> {
  const typed = [
    String(i),
    `số ${i}`,
    `so ${i}`,
    ...(NUMBER_WORDS[i - 1] ? [NUMBER_WORDS[i - 1]!] : []),
    label,
    stripDiacritics(label),
  ];
  return [
    ...(NUMBERED_ONLY.includes(channel) ? [] : [{ form: label, press: true }]),
    ...typed.map((form) => ({ form })),
  ];
}

/** The words a prompt suggests in “quotes” that name step actions (“bỏ qua”, “xong”, “quay lại”, “hủy”). */
function suggestedWords(reply: string): Array<{ word: string; list: string }> {
  const lists = ["back", "skip", "done", "cancel"];
  const out: Array<{ word: string; list: string }> = [];
  for (const m of reply.matchAll(/“([^”]+)”/g)) {
    const list = lists.find((l) =>
      words(l).some((w) => stripDiacritics(w.toLowerCase()) === stripDiacritics(m[1]!.toLowerCase())),
    );
    if (list) out.push({ word: m[1]!, list });
  }
  return out;
}

/** A valid typed answer for a step that asks for text. */
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
    case "media":
      return "https://baotuyenquang.com.vn/bai-viet";
    case "text":
    case "choice":
      return `Nội dung trả lời mẫu số ${step.id.length} ${"đủ dài ".repeat(Math.ceil(step.min / 7))}`.trim();
    default:
      return "";
  }
}

describe("every option the bot shows is accepted, on every step of every flow, on every channel", () => {
  const services = engineServices();

  /** Gives one answer form and returns the replies; a pressed button uses the current question's token. */
  const give = (chat: ChatDriver, f: { form: string; press?: boolean }, id: string) =>
    f.press ? chat.press(id) : chat.say(f.form);

  for (const flow of flows.values()) {
    for (const channel of CHANNELS) {
      it(
        `${flow.id} on ${channel}`,
        async () => {
          const engine = buildEngine({
            db: services.db,
            redis: services.redis,
            prefix: newPrefix(),
            maxPerDay: 50,
          });
          const covered = new Set<string>();
          // Walks choose a different option at every branching step until every step was visited.
          for (let walk = 0; walk < 6 && covered.size < flow.steps.length; walk++) {
            const chat = new ChatDriver(engine, channel);
            let replies = await chat.say(flow.triggers[0]!);
            const answers: Record<string, string> = {};
            let step: Step = flow.steps[0]!;
            let again = false;
            for (;;) {
              covered.add(step.id);
              const where = `${flow.id}/${step.id} on ${channel}`;
              const shown = replies.at(-1)!;
              if (!again)
                expect(text(replies), where).toContain(
                  t(step.prompt).split("\n")[0]!.split("{")[0]!.slice(0, 30),
                );
              again = false;
              const choices = shown.choices ?? [];
              if (NUMBERED_ONLY.includes(channel) && choices.length) {
                const rendered = renderZaloText(shown, t("zalo.choose_by_number")).join("\n");
                choices.forEach((c, i) => expect(rendered, where).toContain(`${i + 1}. ${c.label}`));
              }
              if (!NUMBERED_ONLY.includes(channel))
                expect(shown.text, `${where}: buttons, so no words about numbers`).not.toMatch(
                  /số thứ tự|mục \d/,
                );
              const back = async () => {
                const r = await chat.say(words("back")[0]!);
                expect(text(r), `${where}: back`).toContain(
                  t(step.prompt).split("\n")[0]!.split("{")[0]!.slice(0, 30),
                );
                return r;
              };

              // Each shown choice, in each form.
              for (const [i, choice] of choices.entries()) {
                if (step.kind === "confirm" && choice.id === "confirm") continue; // submitted at the end of the walk
                for (const f of formsOf(channel, i + 1, choice.label)) {
                  const how = `${where}: “${f.form}”${f.press ? " pressed" : ""} for ${choice.id}`;
                  const r = await give(chat, f, choice.id);
                  const said = text(r);
                  for (const bad of NOT_UNDERSTOOD) expect(said, how).not.toContain(bad);
                  if (step.kind === "consent" && choice.id === "no") {
                    expect(said, how).toContain(mark("conversation.consent.required"));
                  } else if (step.kind === "confirm") {
                    if (choice.id === "edit") {
                      expect(said, how).toContain(t("conversation.summary.which"));
                      const field = r.at(-1)!.choices![0]!;
                      const edited = await give(chat, formsOf(channel, 1, field.label)[walk % 2]!, field.id);
                      expect(text(edited), `${how} → field 1`).toContain(
                        t("conversation.step", { n: 2, total: "" }).split("/")[0]!,
                      );
                      await back();
                    } else {
                      expect(said, how).toContain(t("conversation.cancel.confirm"));
                      const no = r.at(-1)!.choices!.find((c) => c.id === "no")!;
                      const kept = await give(chat, formsOf(channel, 2, no.label)[walk % 2]!, "no");
                      expect(text(kept), `${how} → keep going`).toContain(t(step.prompt));
                    }
                  } else {
                    const chosen = {
                      ...answers,
                      [step.id]: choice.id === "_skip" || choice.id === "_done" ? "" : choice.id,
                    };
                    if (choice.id === "_skip" || choice.id === "_done") delete chosen[step.id];
                    expect(said, how).toContain(
                      t(nextStep(flow, step.id, chosen).prompt)
                        .split("\n")[0]!
                        .split("{")[0]!
                        .slice(0, 30),
                    );
                    await back();
                  }
                }
              }

              // The words the prompt suggests.
              for (const { word, list } of suggestedWords(text(replies))) {
                const how = `${where}: suggested “${word}”`;
                const r = await chat.say(word);
                const said = text(r);
                for (const bad of NOT_UNDERSTOOD) expect(said, how).not.toContain(bad);
                if (list === "cancel") {
                  expect(said, how).toContain(t("conversation.cancel.confirm"));
                  expect(text(await chat.say(words("no")[0]!)), `${how} → no`).toContain(
                    t(step.prompt).split("\n")[0]!.slice(0, 30),
                  );
                } else if (list === "back") {
                  if (!said.includes(t("conversation.back_first")))
                    await chat.say(sampleOrFirst(flow, nextStepBack(flow, step, answers), answers));
                } else if (
                  step.optional ||
                  (step.kind === "media" && choices.some((c) => c.id === "_done"))
                ) {
                  await back();
                } else {
                  expect(said, how).toContain(t("conversation.not_optional"));
                }
              }

              // Move on: the walk's own choice (a different one per walk at branch points), or a typed answer.
              if (step.kind === "confirm") {
                const confirm = choices.findIndex((c) => c.id === "confirm");
                const done = await give(
                  chat,
                  formsOf(channel, confirm + 1, choices[confirm]!.label)[walk % 3]!,
                  "confirm",
                );
                expect(text(done), `${where}: submitted`).toMatch(/\b(DC|TD)-\d{4}-\d{6}\b/);
                break;
              }
              const options = choices.filter((c) => !c.id.startsWith("_"));
              if (step.kind === "media" && !choices.some((c) => c.id === "_done")) {
                replies = await chat.say(sampleAnswer(step));
                expect(text(replies), `${where}: link`).toContain("1/");
                again = true;
                continue; // the same step again, now offering “Xong”
              }
              if (step.kind === "consent") {
                answers[step.id] = "yes";
                replies = await chat.say("1");
              } else if (options.length && step.kind !== "text") {
                const pick = options[walk % options.length]!;
                answers[step.id] = pick.id;
                replies = await chat.say(String(choices.indexOf(pick) + 1));
              } else if (step.kind === "choice" && !step.show) {
                const first = flow.options.get(step.id)![walk % flow.options.get(step.id)!.length]!;
                replies = await chat.say(typeof first.label === "string" ? t(first.label) : first.label.vi);
              } else if (choices.some((c) => c.id === "_done")) {
                replies = await chat.say(words("done")[0]!);
              } else {
                replies = await chat.say(sampleAnswer(step));
              }
              if (text(replies).includes(mark("nomination.duplicate_warning"))) replies = await chat.say("1");
              step = nextStep(flow, step.id, answers);
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

  // The engine's own questions: resume (after 30 minutes away), and the forward offer for a
  // question the plan does not answer, then its consent. Each choice, each form, each channel.
  const ownQuestions: Array<{
    name: string;
    open: (chat: ChatDriver, clock: { now: number }) => Promise<Reply[]>;
    expect: Record<string, string>;
  }> = [
    {
      name: "resume",
      open: async (chat, clock) => {
        await chat.say(flows.get("nomination")!.triggers[0]!);
        await chat.say("1");
        clock.now += 31 * 60_000;
        return chat.say("2");
      },
      expect: {
        continue: t("nomination.ask.category").split("\n")[0]!,
        restart: t("nomination.consent.v1").slice(0, 40),
      },
    },
    {
      name: "kb-none",
      open: async (chat) => {
        await chat.say("xin chào");
        return chat.say("giá vàng hôm nay bao nhiêu");
      },
      expect: { menu: t("conversation.menu.title"), forward: t("conversation.forward.consent") },
    },
    {
      name: "forward-consent",
      open: async (chat) => {
        await chat.say("xin chào");
        await chat.say("giá vàng hôm nay bao nhiêu");
        return chat.press("forward");
      },
      expect: { yes: t("conversation.forward.done"), no: t("conversation.forward.declined") },
    },
  ];
  for (const q of ownQuestions) {
    for (const channel of CHANNELS) {
      it(`the ${q.name} question on ${channel}`, async () => {
        const clock = { now: Date.now() };
        const engine = buildEngine({
          db: services.db,
          redis: services.redis,
          prefix: newPrefix(),
          clock: () => clock.now,
        });
        const probe = new ChatDriver(engine, channel, clock);
        const choices = (await q.open(probe, clock)).at(-1)!.choices!;
        expect(choices.map((c) => c.id).sort()).toEqual(Object.keys(q.expect).sort());
        for (const [i, choice] of choices.entries()) {
          for (const f of formsOf(channel, i + 1, choice.label)) {
            const chat = new ChatDriver(engine, channel, clock);
            await q.open(chat, clock);
            const said = text(await give(chat, f, choice.id));
            expect(said, `${q.name} on ${channel}: “${f.form}” for ${choice.id}`).toContain(
              q.expect[choice.id],
            );
          }
        }
      });
    }
  }
});

/** The step "quay lại" returns to from `step` (the previous one that applied). */
function nextStepBack(flow: LoadedFlow, step: Step, answers: Record<string, string>): Step {
  const idx = flow.steps.findIndex((s) => s.id === step.id);
  return flow.steps
    .slice(0, idx)
    .reverse()
    .find(
      (s) =>
        !s.when ||
        (answers[s.when.step] !== undefined &&
          (s.when.in
            ? s.when.in.includes(answers[s.when.step]!)
            : !s.when.notIn!.includes(answers[s.when.step]!))),
    )!;
}

/** Re-answers the previous step the way the walk did, to come back to the step being probed. */
function sampleOrFirst(flow: LoadedFlow, step: Step, answers: Record<string, string>): string {
  if (step.kind === "consent") return "1";
  const opts = flow.options.get(step.id);
  if (step.kind === "choice" && opts && step.show)
    return String(opts.findIndex((o) => o.id === answers[step.id]) + 1);
  if (step.kind === "choice" && opts)
    return typeof opts[0]!.label === "string" ? t(opts[0]!.label) : opts[0]!.label.vi;
  if (step.kind === "media") return words("done")[0]!;
  return sampleAnswer(step);
}
