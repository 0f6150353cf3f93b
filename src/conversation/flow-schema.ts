/**
 * The shape of a flow file in `flows/*.yaml`. Content owners edit these files; the schema is what
 * lets start-up refuse a broken flow with its file, step and reason instead of failing mid-chat.
 *
 * A flow: `id`, `title` (locale key), `triggers` (typed phrases, e.g. "đề cử", "/decu"), optional
 * `intro` (locale key), `submit` (the name of code hooks registered with `engine.use`), `steps`.
 * Every step: `id`, `kind`, `prompt` (locale key), optional `hint`, `label` (summary name),
 * `optional` ("bỏ qua" allowed), `when: { step, in: [...] | notIn: [...] }` (branching on an
 * earlier answer). Kinds and their own fields: text {min, max}; choice {options: [{id, label}] |
 * optionsFile, optionsFor, free, show, min, max}; yesno; phone; email; date {past, future}; number {min, max,
 * integer}; media {max, links}; consent {version}; confirm (the summary; must be last).
 */
import { z } from "zod";

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_]{0,31}$/, "must be lower-case ASCII letters, digits or _ (at most 32)");
const localeKey = z
  .string()
  .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, "must be a locale key like nomination.ask_name");

/** Show a step only when an earlier answer is (or is not) one of the listed values. */
export const conditionSchema = z
  .object({
    step: id,
    in: z.array(z.string()).min(1).optional(),
    notIn: z.array(z.string()).min(1).optional(),
  })
  .strict()
  .refine((c) => (c.in === undefined) !== (c.notIn === undefined), {
    message: "a condition needs exactly one of in / notIn",
  });
export type Condition = z.infer<typeof conditionSchema>;

export const optionSchema = z
  .object({
    id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
    label: localeKey,
    /** With the step's `optionsFor`: the answers of that step this option is offered for. */
    for: z.array(z.string()).optional(),
  })
  .strict();

const base = {
  id,
  prompt: localeKey,
  /** Shown under the prompt (e.g. what makes a strong nomination). */
  hint: localeKey.optional(),
  /** The field's name in the summary; defaults to the prompt. */
  label: localeKey.optional(),
  /** Optional steps accept "bỏ qua". */
  optional: z.boolean().default(false),
  when: conditionSchema.optional(),
};

export const stepSchema = z.discriminatedUnion("kind", [
  z
    .object({
      ...base,
      kind: z.literal("text"),
      min: z.number().int().min(0).default(1),
      max: z.number().int().min(1).max(4000).default(500),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal("choice"),
      /** Options in the flow, labels as locale keys. */
      options: z.array(optionSchema).min(1).optional(),
      /** Or a data file under flows/ (a YAML list of {id, vi, en, aliases?}), editable without code. */
      optionsFile: z
        .string()
        .regex(/^[A-Za-z0-9_\/-]+\.ya?ml$/)
        .optional(),
      /** Offer only the options (or optionsFile rows) whose `for` lists the answer of this earlier step (e.g. the level). */
      optionsFor: id.optional(),
      /** Accept a typed answer that matches no option (kept as typed; id null). */
      free: z.boolean().default(false),
      /** Show the options as buttons/list (false for long lists matched from free text). */
      show: z.boolean().default(true),
      min: z.number().int().min(0).default(2),
      max: z.number().int().min(1).max(4000).default(200),
    })
    .strict()
    .refine((s) => (s.options === undefined) !== (s.optionsFile === undefined), {
      message: "a choice step needs exactly one of options / optionsFile",
    }),
  z.object({ ...base, kind: z.literal("yesno") }).strict(),
  z.object({ ...base, kind: z.literal("phone") }).strict(),
  z.object({ ...base, kind: z.literal("email") }).strict(),
  z
    .object({
      ...base,
      kind: z.literal("date"),
      past: z.boolean().default(false),
      future: z.boolean().default(false),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal("number"),
      min: z.number().default(0),
      max: z.number().default(1e12),
      integer: z.boolean().default(true),
    })
    .strict(),
  z
    .object({
      ...base,
      kind: z.literal("media"),
      max: z.number().int().min(1).max(20).default(5),
      links: z.boolean().default(true),
    })
    .strict(),
  /** Explicit consent; `version` is stored with the answer and names the locale text shown. */
  z
    .object({ ...base, kind: z.literal("consent"), version: z.string().regex(/^[A-Za-z0-9._-]{1,40}$/) })
    .strict(),
  /** The summary with edit-before-confirm; must be the last step. */
  z.object({ ...base, kind: z.literal("confirm") }).strict(),
]);
export type Step = z.infer<typeof stepSchema>;
export type StepKind = Step["kind"];

export const flowSchema = z
  .object({
    id: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/),
    /** Locale key of the flow's name ("đề cử"), used in the menu and in resume questions. */
    title: localeKey,
    /** Typed phrases that start the flow (matched without diacritics), e.g. "đề cử", "/decu". */
    triggers: z.array(z.string().min(1)).default([]),
    /** Shown once when the flow starts. */
    intro: localeKey.optional(),
    /** The main menu item that starts the flow; lower `order` is higher in the menu. */
    menu: z.object({ label: localeKey, order: z.number().int() }).strict().optional(),
    /** Name of the hooks (registered in code) that submit the answers. */
    submit: z.string().regex(/^[a-z][a-z0-9-]*$/),
    steps: z.array(stepSchema).min(1),
  })
  .strict();
export type FlowFile = z.infer<typeof flowSchema>;

/** An option after loading: labels resolved per language, aliases for matching. */
export interface LoadedOption {
  id: string;
  label: { vi: string; en: string } | string;
  aliases?: string[];
  /** Answers of the step's `optionsFor` step this option is offered for (absent: all; empty: none). */
  for?: string[];
}

export interface LoadedFlow extends FlowFile {
  file: string;
  /** Options of choice steps, resolved from `options` or `optionsFile`. */
  options: Map<string, LoadedOption[]>;
}

/** The rows of an options file. */
export const optionsFileSchema = z
  .array(
    z
      .object({
        id: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/),
        vi: z.string().min(1),
        en: z.string().min(1),
        aliases: z.array(z.string()).optional(),
        for: z.array(z.string()).optional(),
      })
      .strict(),
  )
  .min(1);
