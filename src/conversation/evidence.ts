/**
 * Evidence intake at a media step: a photo or file is downloaded through its channel at once
 * (a Zalo link expires), checked for size and type, and stored as pending evidence until the
 * submission links it; a typed http(s) link counts as evidence too.
 */
import type { MediaRef } from "../channels/types.js";
import { MediaRejectedError } from "../channels/types.js";
import type { Kit, Turn } from "./context.js";
import { errorKind } from "./context.js";
import type { Step } from "./flow-schema.js";
import type { FlowRun } from "./session.js";
import { cleanText } from "./input.js";
import { evidenceItems } from "./step-input.js";

type MediaStep = Extract<Step, { kind: "media" }>;
type Item = { kind: "attachment" | "link"; ref: string; name?: string };

/** Photos (JPG, PNG, WebP, HEIC, GIF), PDF, Word, Excel and PowerPoint. */
const ACCEPTED_MIME =
  /^(image\/(jpeg|png|webp|heic|heif|gif)|application\/pdf|application\/(msword|vnd\.openxmlformats-officedocument\.(wordprocessingml\.document|spreadsheetml\.sheet|presentationml\.presentation)|vnd\.ms-excel))$/;

export interface EvidenceIntake {
  /** A photo or file sent by the user (at a media step, or politely refused elsewhere). */
  onMedia(turn: Turn, media: MediaRef): Promise<void>;
  /** A link typed at a media step. */
  addLink(turn: Turn, url: string): void;
  /** Deletes the stored files of a run that will not be submitted. */
  discard(turn: Turn, run: FlowRun): Promise<void>;
}

/** @example k.evidence = createEvidenceIntake(k); await k.evidence.onMedia(turn, msg.media) */
export function createEvidenceIntake(k: Kit): EvidenceIntake {
  const maxBytes = () => k.deps.config.evidenceMaxBytes;
  const mb = () => Math.floor(maxBytes() / 1_048_576);

  function add(turn: Turn, step: MediaStep, item: Item) {
    const run = turn.session.flow!;
    const items = [...evidenceItems(run.answers[step.id]), item];
    const display = items
      .map((i) => (i.kind === "link" ? i.ref : (i.name ?? k.t(turn, "conversation.media.file"))))
      .join("; ");
    run.answers[step.id] = { value: items, display };
    if (items.length >= step.max)
      return k.runner.advance(turn, k.t(turn, "conversation.media.full", { max: step.max }));
    k.runner.prompt(
      turn,
      undefined,
      k.t(turn, "conversation.media.received", { n: items.length, max: step.max }),
    );
  }

  async function download(turn: Turn, media: MediaRef): Promise<Item> {
    if (media.size !== undefined && media.size > maxBytes()) throw new MediaRejectedError("too_large");
    if (!k.deps.fetchMedia || !k.registry.evidence) throw new MediaRejectedError("unavailable");
    const file = await k.deps.fetchMedia(turn.msg.channel, media, maxBytes());
    if (file.bytes.length > maxBytes()) throw new MediaRejectedError("too_large");
    if (!ACCEPTED_MIME.test(file.mime)) throw new MediaRejectedError("bad_type");
    const name = file.fileName ?? media.fileName;
    const id = await k.registry.evidence.store({
      kind: media.kind,
      bytes: file.bytes,
      mime: file.mime,
      fileName: name,
    });
    k.log(turn).info({ attachmentId: id, bytes: file.bytes.length }, "evidence stored");
    // A photo has no file name; its caption ("Bằng khen 2025") names it in the summary instead.
    const caption = turn.msg.text ? cleanText(turn.msg.text).slice(0, 200) : "";
    return { kind: "attachment", ref: id, name: name ?? (caption || undefined) };
  }

  return {
    async onMedia(turn, media) {
      const current =
        turn.session.flow && turn.session.pending?.kind === "step" ? k.runner.current(turn) : undefined;
      if (current?.step.kind !== "media") {
        // A photo with a caption outside the evidence step: the caption is what the person said.
        if (turn.msg.text?.trim()) return k.router.onText(turn, turn.msg.text, false);
        if (current) {
          k.say(turn, k.t(turn, "conversation.media.unexpected"));
          return k.runner.prompt(turn);
        }
        // Outside any flow: what photos are for here (evidence of a nomination), with the way in.
        return k.menu.show(turn, k.t(turn, "conversation.media.outside_flow"));
      }
      const step = current.step;
      if (evidenceItems(current.run.answers[step.id]).length >= step.max)
        return k.runner.prompt(turn, k.t(turn, "conversation.media.full", { max: step.max }));
      try {
        add(turn, step, await download(turn, media));
      } catch (err) {
        if (!(err instanceof MediaRejectedError)) throw err;
        k.runner.prompt(turn, k.t(turn, `conversation.media.${err.reason}`, { mb: mb() }));
      }
    },
    addLink(turn, url) {
      const { step } = k.runner.current(turn);
      if (step.kind === "media") add(turn, step, { kind: "link", ref: url, name: url });
    },
    async discard(turn, run) {
      const ids = Object.values(run.answers).flatMap((a) =>
        evidenceItems(a)
          .filter((v) => v.kind === "attachment")
          .map((v) => v.ref),
      );
      if (!ids.length || !k.registry.evidence) return;
      await k.registry.evidence
        .discard(ids)
        .catch((err: unknown) =>
          k.log(turn).warn({ err: errorKind(err) }, "could not discard pending evidence"),
        );
    },
  };
}
