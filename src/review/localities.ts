/**
 * The canonical localities reviewers filter and read by, behind one small lookup so its source can
 * change (today `flows/data/localities.yaml`; tomorrow the managed table) without touching the
 * queue. Typed text is matched loosely — with or without diacritics, with or without "Huyện"/"TP"
 * — because people type "na hang", "Huyện Na Hang" and "son duong" for the same places.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";

export interface Locality {
  id: string;
  /** The canonical Vietnamese name ("Huyện Na Hang"). */
  name: string;
  aliases: string[];
}

export interface LocalityLookup {
  /** Every canonical locality, in the data's order (for the dropdown). */
  list(): Locality[];
  byId(id: string): Locality | undefined;
  /** The locality typed text most likely means, or undefined when nothing is close. */
  resolve(text: string): Locality | undefined;
}

const rowsSchema = z.array(z.object({ id: z.string().min(1), vi: z.string().min(1), aliases: z.array(z.string()).default([]) }));

/** Lower case, no diacritics, đ → d, single spaces, no punctuation. */
export function foldLocality(text: string): string {
  return text
    .normalize("NFD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/đ/gi, "d")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();
}

// Administrative prefixes people add or leave out; stripped from both sides before comparing.
const PREFIX = /^(huyen|thanh pho|tp|thi xa|tx|xa|phuong|thi tran|tt)\s+/;
const strip = (folded: string) => folded.replace(PREFIX, "");

/** Edit distance, bounded: only "one typo" matters here. */
function withinOneEdit(a: string, b: string): boolean {
  if (Math.abs(a.length - b.length) > 1) return false;
  let i = 0;
  let j = 0;
  let edits = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      i++;
      j++;
      continue;
    }
    if (++edits > 1) return false;
    if (a.length > b.length) i++;
    else if (b.length > a.length) j++;
    else {
      i++;
      j++;
    }
  }
  return edits + (a.length - i) + (b.length - j) <= 1;
}

/** @example const lookup = createLocalityLookup([{ id: "tq-na-hang", name: "Huyện Na Hang", aliases: ["na hang"] }]) */
export function createLocalityLookup(rows: Locality[]): LocalityLookup {
  const keys = rows.map((l) => ({ l, keys: [...new Set([l.name, ...l.aliases].flatMap((s) => [foldLocality(s), strip(foldLocality(s))]).filter(Boolean))] }));
  const byId = new Map(rows.map((l) => [l.id, l]));
  return {
    list: () => rows,
    byId: (id) => byId.get(id),
    resolve(text) {
      const f = foldLocality(text);
      if (!f) return undefined;
      const wanted = [f, strip(f)];
      const exact = keys.find((k) => k.keys.some((key) => wanted.includes(key)));
      if (exact) return exact.l;
      // One typo in a name of five letters or more ("son duogn"); never for short, ambiguous words.
      const near = keys.filter((k) => k.keys.some((key) => key.length >= 5 && wanted.some((w) => withinOneEdit(w, key))));
      return near.length === 1 ? near[0]!.l : undefined;
    },
  };
}

/**
 * Reads the localities list of the nomination flow.
 *
 * @example const localities = localityLookupFromFile(`${ROOT}flows/data/localities.yaml`)
 */
export function localityLookupFromFile(path: string): LocalityLookup {
  const rows = rowsSchema.parse(parse(readFileSync(path, "utf8")));
  return createLocalityLookup(rows.map((r) => ({ id: r.id, name: r.vi, aliases: r.aliases })));
}
