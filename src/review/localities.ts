/**
 * The canonical localities reviewers filter and read by, behind one small lookup so its source can
 * change (the managed table of issue 19 in the running system, `flows/data/localities.yaml` in
 * tests of the lookup) without touching the queue. Typed text is matched loosely — with or without diacritics, with or without "Huyện"/"TP"
 * — because people type "na hang", "Huyện Na Hang" and "son duong" for the same places.
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { matchForms } from "../localities/localities.js";

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

const rowsSchema = z.array(
  z.object({ id: z.string().min(1), vi: z.string().min(1), aliases: z.array(z.string()).default([]) }),
);

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
  const keys = rows.map((l) => ({
    l,
    keys: [
      ...new Set(
        [l.name, ...l.aliases].flatMap((s) => [foldLocality(s), strip(foldLocality(s))]).filter(Boolean),
      ),
    ],
  }));
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
      const near = keys.filter((k) =>
        k.keys.some((key) => key.length >= 5 && wanted.some((w) => withinOneEdit(w, key))),
      );
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

/** A lookup over the managed locality table (issue 19), kept fresh by {@link ManagedLocalityLookup.refresh}. */
export interface ManagedLocalityLookup extends LocalityLookup {
  /** Reads the table again; call once at start, after seeding. Later reads refresh in the background. */
  refresh(): Promise<void>;
}

/**
 * The canonical localities from the managed `Locality` table (src/localities), so an admin's import,
 * rename or retirement reaches the queue's filter without a restart. The queue reads it
 * synchronously, so the rows are held in memory and re-read in the background when older than
 * `maxAgeMs` (a page may show a list up to that old). The dropdown offers active localities; names
 * and typed-text matching also know retired ones, since filed nominations keep their ids.
 *
 * @example const localities = managedLocalityLookup(db); await seedLocalities(db, yaml); await localities.refresh();
 */
export function managedLocalityLookup(
  db: Db,
  opts: { maxAgeMs?: number; onError?: (err: unknown) => void } = {},
): ManagedLocalityLookup {
  const maxAgeMs = opts.maxAgeMs ?? 30_000;
  let all = createLocalityLookup([]);
  let active: Locality[] = [];
  let loadedAt = 0;
  let loading: Promise<void> | undefined;
  const refresh = (): Promise<void> =>
    (loading ??= (async () => {
      try {
        const rows = await db.locality.findMany({ orderBy: [{ sortOrder: "asc" }, { name: "asc" }] });
        all = createLocalityLookup(rows.map((r) => ({ id: r.id, name: r.name, aliases: matchForms(r) })));
        active = all.list().filter((_, i) => rows[i]!.active);
        loadedAt = Date.now();
      } finally {
        loading = undefined;
      }
    })());
  const fresh = () => {
    if (Date.now() - loadedAt > maxAgeMs && !loading) refresh().catch((err) => opts.onError?.(err));
  };
  return {
    refresh,
    list: () => (fresh(), active),
    byId: (id) => (fresh(), all.byId(id)),
    resolve: (text) => (fresh(), all.resolve(text)),
  };
}
