/**
 * Loads and checks every flow in `flows/*.yaml` at start-up. A flow that names an unknown step, a
 * missing locale key or a bad validator stops the process with file, step and reason: a content
 * edit must never break a conversation halfway through.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, join } from "node:path";
import { parse } from "yaml";
import type { Translator } from "../i18n/locales.js";
import {
  flowSchema,
  optionsFileSchema,
  type LoadedFlow,
  type LoadedOption,
  type Step,
} from "./flow-schema.js";

/** A flow file that cannot be run; the message names the file, the step (if any) and why. */
export class FlowError extends Error {
  override name = "FlowError";
  constructor(
    readonly file: string,
    readonly step: string | undefined,
    readonly reason: string,
  ) {
    super(`${file}${step ? ` (step ${step})` : ""}: ${reason}`);
  }
}

export interface LoadFlowsOptions {
  /** The flows folder ("flows"); every `*.yaml` directly in it is a flow. */
  dir: string;
  i18n: Translator;
}

/**
 * @example const flows = loadFlows({ dir: "flows", i18n }); flows.get("nomination")
 */
export function loadFlows(opts: LoadFlowsOptions): Map<string, LoadedFlow> {
  const flows = new Map<string, LoadedFlow>();
  const files = readdirSync(opts.dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort();
  for (const f of files) {
    // Other YAML beside the flows (data a module reads itself) is not a flow: a flow has steps.
    if (!looksLikeFlow(join(opts.dir, f))) continue;
    const flow = loadFlowFile(join(opts.dir, f), opts);
    if (flows.has(flow.id)) throw new FlowError(f, undefined, `flow id ${flow.id} is used by two files`);
    flows.set(flow.id, flow);
  }
  return flows;
}

/** Loads and checks one flow file (exported for tests and tools). */
export function loadFlowFile(path: string, opts: LoadFlowsOptions): LoadedFlow {
  const file = basename(path);
  let raw: unknown;
  try {
    raw = parse(readFileSync(path, "utf8"));
  } catch (err) {
    throw new FlowError(file, undefined, `not valid YAML: ${(err as Error).message.split("\n")[0]}`);
  }
  const parsed = flowSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const stepIdx =
      issue.path[0] === "steps" && typeof issue.path[1] === "number" ? issue.path[1] : undefined;
    const stepId =
      stepIdx !== undefined
        ? ((raw as { steps?: Array<{ id?: unknown }> }).steps?.[stepIdx]?.id ?? `#${stepIdx + 1}`)
        : undefined;
    throw new FlowError(
      file,
      stepId === undefined ? undefined : String(stepId),
      `${issue.path.join(".")}: ${issue.message}`,
    );
  }
  const flow = parsed.data;
  const seen = new Map<string, Step>();
  const options = new Map<string, LoadedOption[]>();
  const needKey = (step: string | undefined, key: string | undefined) => {
    if (key && !opts.i18n.has(key))
      throw new FlowError(file, step, `locale key ${key} is missing from locales/`);
  };
  needKey(undefined, flow.title);
  needKey(undefined, flow.intro);
  needKey(undefined, flow.menu?.label);
  flow.steps.forEach((step, i) => {
    if (seen.has(step.id)) throw new FlowError(file, step.id, "step id is used twice");
    needKey(step.id, step.prompt);
    needKey(step.id, step.hint);
    needKey(step.id, step.label);
    if (step.when) {
      const target = seen.get(step.when.step);
      if (!target)
        throw new FlowError(file, step.id, `condition refers to unknown or later step ${step.when.step}`);
      if (target.kind === "choice" && !target.free) {
        const ids = new Set((options.get(target.id) ?? []).map((o) => o.id));
        const bad = [...(step.when.in ?? []), ...(step.when.notIn ?? [])].find((v) => !ids.has(v));
        if (bad)
          throw new FlowError(file, step.id, `condition value ${bad} is not an option of ${target.id}`);
      }
    }
    if ((step.kind === "text" || step.kind === "choice") && step.min > step.max)
      throw new FlowError(file, step.id, `min ${step.min} is larger than max ${step.max}`);
    if (step.kind === "number" && step.min > step.max)
      throw new FlowError(file, step.id, `min ${step.min} is larger than max ${step.max}`);
    if (step.kind === "confirm" && i !== flow.steps.length - 1)
      throw new FlowError(file, step.id, "the confirm step must be the last step");
    if (step.kind === "choice") {
      if (step.options) {
        for (const o of step.options) needKey(step.id, o.label);
        options.set(
          step.id,
          step.options.map((o) => ({ id: o.id, label: o.label, ...(o.for ? { for: o.for } : {}) })),
        );
      } else {
        const dataPath = join(path, "..", step.optionsFile!);
        if (!existsSync(dataPath))
          throw new FlowError(file, step.id, `options file ${step.optionsFile} does not exist`);
        const rows = optionsFileSchema.safeParse(parse(readFileSync(dataPath, "utf8")));
        if (!rows.success)
          throw new FlowError(
            file,
            step.id,
            `options file ${step.optionsFile}: ${rows.error.issues[0]!.path.join(".")}: ${rows.error.issues[0]!.message}`,
          );
        options.set(
          step.id,
          rows.data.map((r) => ({ id: r.id, label: { vi: r.vi, en: r.en }, aliases: r.aliases, for: r.for })),
        );
      }
      if (step.optionsFor) {
        const by = seen.get(step.optionsFor);
        if (!by || by.kind !== "choice")
          throw new FlowError(file, step.id, `optionsFor must name an earlier choice step`);
        const ids = new Set((options.get(by.id) ?? []).map((o) => o.id));
        const bad = (options.get(step.id) ?? []).flatMap((r) => r.for ?? []).find((v) => !ids.has(v));
        if (bad) throw new FlowError(file, step.id, `option "for" value ${bad} is not an option of ${by.id}`);
      }
    }
    seen.set(step.id, step);
  });
  if (flow.steps.at(-1)!.kind !== "confirm")
    throw new FlowError(file, flow.steps.at(-1)!.id, "the last step must be of kind confirm");
  return { ...flow, file, options };
}

function looksLikeFlow(path: string): boolean {
  try {
    const raw = parse(readFileSync(path, "utf8")) as unknown;
    return (
      typeof raw === "object" && raw !== null && !Array.isArray(raw) && ("steps" in raw || "submit" in raw)
    );
  } catch {
    return true; // let loadFlowFile report the YAML error with the file name
  }
}
