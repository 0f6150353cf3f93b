/**
 * Localities as managed data: the list the flows match typed answers against, kept in PostgreSQL
 * so admins can import, edit and retire entries without a deploy. Every change writes a
 * LocalityChange row (who, when, before, after). Filed nominations and self-reports are never
 * touched: they keep the locality id and the name as typed when they were filed.
 *
 * The first start seeds the table from flows/data/localities.yaml (the shipped default).
 */
import { readFileSync } from "node:fs";
import { parse } from "yaml";
import { z } from "zod";
import type { Db } from "../db/client.js";
import { optionsFileSchema } from "../conversation/flow-schema.js";

export const LOCALITY_KINDS = [
  "province",
  "district",
  "city",
  "commune",
  "ward",
  "special",
  "other",
] as const;
export type LocalityKind = (typeof LOCALITY_KINDS)[number];

/** One row as imported or edited. */
export const localityInputSchema = z.object({
  id: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9_-]{1,40}$/, "id: 1–40 letters, digits, - or _"),
  name: z.string().trim().min(2).max(120),
  nameEn: z.string().trim().max(120).optional(),
  kind: z.enum(LOCALITY_KINDS),
  aliases: z.array(z.string().trim().min(1).max(120)).max(30).default([]),
  /** Levels it is offered for (province, district, commune); empty = every level. */
  levels: z.array(z.enum(["province", "district", "commune"])).default([]),
  active: z.boolean().default(true),
});
export type LocalityInput = z.infer<typeof localityInputSchema>;

/** The prefixes people may leave out ("xã Minh Quang" = "Minh Quang"). */
const KIND_PREFIXES = [
  "xã",
  "phường",
  "thị trấn",
  "đặc khu",
  "huyện",
  "thành phố",
  "tp",
  "thị xã",
  "tỉnh",
  "commune",
  "ward",
  "district",
  "city",
];

/** What a typed answer is matched against: the name, its English name, the aliases, and each without "xã"/"phường"/…. */
export function matchForms(l: { name: string; nameEn?: string | null; aliases: string[] }): string[] {
  const forms = [l.name, ...(l.nameEn ? [l.nameEn] : []), ...l.aliases];
  const bare = forms.flatMap((f) => {
    const low = f.toLowerCase().trim();
    const p = KIND_PREFIXES.find((k) => low.startsWith(`${k} `));
    return p ? [f.trim().slice(p.length).trim()] : [];
  });
  return [...new Set([...forms, ...bare])];
}

/** The active localities as flow options (label per language, aliases for matching). */
export async function activeLocalityOptions(
  db: Db,
): Promise<Array<{ id: string; label: { vi: string; en: string }; aliases: string[]; for?: string[] }>> {
  const rows = await db.locality.findMany({
    where: { active: true },
    orderBy: [{ sortOrder: "asc" }, { name: "asc" }],
  });
  return rows.map((r) => ({
    id: r.id,
    label: { vi: r.name, en: r.nameEn ?? r.name },
    aliases: matchForms(r),
    ...(r.levels.length ? { for: r.levels } : {}),
  }));
}

const snapshot = (r: {
  id: string;
  name: string;
  nameEn: string | null;
  kind: string;
  aliases: string[];
  levels: string[];
  active: boolean;
}) => ({
  id: r.id,
  name: r.name,
  nameEn: r.nameEn,
  kind: r.kind,
  aliases: r.aliases,
  levels: r.levels,
  active: r.active,
});

/**
 * Creates or updates localities (an import or one edit), in one transaction with their history.
 * Rows not named are left alone; `retireOthers` retires every active row the import does not list
 * (a full replacement list, e.g. after a boundary change).
 *
 * @example await upsertLocalities(db, rows, { actor: "admin", source: "import 2026-11-29", retireOthers: true })
 */
export async function upsertLocalities(
  db: Db,
  rows: LocalityInput[],
  opts: { actor: string; source: string; retireOthers?: boolean },
): Promise<{ created: number; updated: number; retired: number; unchanged: number }> {
  const ids = new Set<string>();
  for (const r of rows) {
    if (ids.has(r.id)) throw new LocalityImportError([`id ${r.id} appears twice`]);
    ids.add(r.id);
  }
  return db.$transaction(async (tx) => {
    const existing = new Map((await tx.locality.findMany()).map((r) => [r.id, r]));
    const out = { created: 0, updated: 0, retired: 0, unchanged: 0 };
    let order = 0;
    for (const r of rows) {
      order++;
      const before = existing.get(r.id);
      const data = {
        name: r.name,
        nameEn: r.nameEn ?? null,
        kind: r.kind,
        aliases: r.aliases,
        levels: r.levels,
        active: r.active,
        retiredAt: r.active ? null : (before?.retiredAt ?? new Date()),
        sortOrder: order,
      };
      if (!before) {
        const created = await tx.locality.create({ data: { id: r.id, ...data, source: opts.source } });
        await tx.localityChange.create({
          data: { localityId: r.id, actor: opts.actor, action: "create", after: snapshot(created) },
        });
        out.created++;
        continue;
      }
      const after = { ...snapshot(before), ...snapshot({ id: r.id, ...data }) };
      if (JSON.stringify(snapshot(before)) === JSON.stringify(after)) {
        out.unchanged++;
        continue;
      }
      await tx.locality.update({ where: { id: r.id }, data: { ...data, source: opts.source } });
      await tx.localityChange.create({
        data: {
          localityId: r.id,
          actor: opts.actor,
          action: before.active && !r.active ? "retire" : !before.active && r.active ? "restore" : "update",
          before: snapshot(before),
          after,
        },
      });
      out.updated++;
    }
    if (opts.retireOthers) {
      for (const before of existing.values()) {
        if (ids.has(before.id) || !before.active) continue;
        await tx.locality.update({
          where: { id: before.id },
          data: { active: false, retiredAt: new Date() },
        });
        await tx.localityChange.create({
          data: {
            localityId: before.id,
            actor: opts.actor,
            action: "retire",
            before: snapshot(before),
            after: { ...snapshot(before), active: false },
          },
        });
        out.retired++;
      }
    }
    return out;
  });
}

/** Retires (active = false) or restores one locality, with history. */
export async function setLocalityActive(
  db: Db,
  id: string,
  active: boolean,
  actor: string,
): Promise<boolean> {
  const before = await db.locality.findUnique({ where: { id } });
  if (!before || before.active === active) return false;
  await db.$transaction([
    db.locality.update({ where: { id }, data: { active, retiredAt: active ? null : new Date() } }),
    db.localityChange.create({
      data: {
        localityId: id,
        actor,
        action: active ? "restore" : "retire",
        before: snapshot(before),
        after: { ...snapshot(before), active },
      },
    }),
  ]);
  return true;
}

/** Thrown for an import that cannot be used; `problems` lists each bad row for the admin. */
export class LocalityImportError extends Error {
  override name = "LocalityImportError";
  constructor(readonly problems: string[]) {
    super(`locality import refused: ${problems.slice(0, 5).join("; ")}`);
  }
}

/**
 * Seeds the table from the shipped YAML list when it is empty (first start). Idempotent.
 *
 * @example await seedLocalities(db, `${ROOT}flows/data/localities.yaml`)
 */
export async function seedLocalities(
  db: Db,
  yamlPath: string,
  source = "flows/data/localities.yaml",
): Promise<number> {
  if ((await db.locality.count()) > 0) return 0;
  const rows = optionsFileSchema.parse(parse(readFileSync(yamlPath, "utf8")));
  const kindOf = (vi: string): LocalityKind =>
    /^huyện/i.test(vi)
      ? "district"
      : /^thành phố/i.test(vi)
        ? "city"
        : /^cấp tỉnh|tỉnh/i.test(vi)
          ? "province"
          : /^phường/i.test(vi)
            ? "ward"
            : /^xã/i.test(vi)
              ? "commune"
              : "other";
  const inserted = await db.locality.createMany({
    data: rows.map((r, i) => ({
      id: r.id,
      name: r.vi,
      nameEn: r.en,
      kind: kindOf(r.vi),
      aliases: r.aliases ?? [],
      levels: r.for ?? [],
      sortOrder: i + 1,
      source,
    })),
    skipDuplicates: true,
  });
  return inserted.count;
}
