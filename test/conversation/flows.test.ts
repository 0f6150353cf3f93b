import { mkdtempSync, mkdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { FlowError, loadFlows } from "../../src/conversation/index.js";
import { flows, i18n } from "./support.js";

/** Writes one flow file into a fresh folder and loads the folder. */
function load(yaml: string, data?: Record<string, string>) {
  const dir = mkdtempSync(join(tmpdir(), "flows-"));
  writeFileSync(join(dir, "broken.yaml"), yaml);
  for (const [name, content] of Object.entries(data ?? {})) {
    mkdirSync(join(dir, name, ".."), { recursive: true });
    writeFileSync(join(dir, name), content);
  }
  return () => loadFlows({ dir, i18n });
}

const head = `id: test\ntitle: nomination.title\nsubmit: nomination\nsteps:\n`;
const summary = `  - { id: summary, kind: confirm, prompt: nomination.summary }\n`;

function failure(fn: () => unknown): FlowError {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(FlowError);
    return err as FlowError;
  }
  throw new Error("the flow was accepted");
}

describe("flow files are checked at start-up", () => {
  it("loads the shipped flows", () => {
    expect(flows.get("nomination")!.steps.at(-1)!.kind).toBe("confirm");
  });

  it("rejects a condition on an unknown step, naming file, step and reason", () => {
    const err = failure(
      load(
        head +
          `  - { id: name, kind: text, prompt: nomination.ask.nominee_name, when: { step: nowhere, in: [x] } }\n` +
          summary,
      ),
    );
    expect(err.file).toBe("broken.yaml");
    expect(err.step).toBe("name");
    expect(err.reason).toContain("unknown or later step nowhere");
  });

  it("rejects a missing locale key", () => {
    const err = failure(
      load(head + `  - { id: name, kind: text, prompt: nomination.ask.no_such_key }\n` + summary),
    );
    expect(err.step).toBe("name");
    expect(err.message).toContain("nomination.ask.no_such_key");
  });

  it("rejects a bad validator (min above max) and an unknown step kind", () => {
    expect(
      failure(
        load(
          head +
            `  - { id: name, kind: text, min: 50, max: 10, prompt: nomination.ask.nominee_name }\n` +
            summary,
        ),
      ).reason,
    ).toContain("min 50 is larger than max 10");
    const kind = failure(
      load(head + `  - { id: name, kind: hologram, prompt: nomination.ask.nominee_name }\n` + summary),
    );
    expect(kind.step).toBe("name");
  });

  it("rejects a condition value that is not an option, a missing options file, and a flow not ending in a confirmation", () => {
    const cat = `  - { id: cat, kind: choice, prompt: nomination.ask.category, options: [{ id: a, label: nomination.category.citizen }] }\n`;
    expect(
      failure(
        load(
          head +
            cat +
            `  - { id: name, kind: text, prompt: nomination.ask.nominee_name, when: { step: cat, in: [b] } }\n` +
            summary,
        ),
      ).reason,
    ).toContain("not an option");
    expect(
      failure(
        load(
          head +
            `  - { id: loc, kind: choice, prompt: nomination.ask.locality, optionsFile: data/none.yaml }\n` +
            summary,
        ),
      ).reason,
    ).toContain("does not exist");
    expect(failure(load(head + cat)).reason).toContain("must be of kind confirm");
  });

  it("rejects a malformed options file with its row", () => {
    const err = failure(
      load(
        head +
          `  - { id: loc, kind: choice, prompt: nomination.ask.locality, optionsFile: data/places.yaml }\n` +
          summary,
        { "data/places.yaml": "- { id: a, vi: A }\n" },
      ),
    );
    expect(err.reason).toContain("data/places.yaml");
  });

  it("rejects a place offered for a level that is not an option, and a menu item without its text", () => {
    const level = `  - { id: level, kind: choice, prompt: selfreport.ask.level, options: [{ id: district, label: selfreport.level.district }] }\n`;
    const places = {
      "data/places.yaml":
        "- { id: a, vi: A, en: A, for: [district] }\n- { id: b, vi: B, en: B, for: [galaxy] }\n",
    };
    const byLevel = failure(
      load(
        head +
          level +
          `  - { id: loc, kind: choice, prompt: nomination.ask.locality, optionsFile: data/places.yaml, optionsFor: level }\n` +
          summary,
        places,
      ),
    );
    expect(byLevel.step).toBe("loc");
    expect(byLevel.reason).toContain("galaxy is not an option of level");
    const menu = failure(
      load(
        head.replace("submit:", "menu: { label: conversation.menu.no_such_item, order: 1 }\nsubmit:") +
          summary,
      ),
    );
    expect(menu.message).toContain("conversation.menu.no_such_item");
  });
});
