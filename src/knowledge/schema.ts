/**
 * The shape of `flows/knowledge/*.yaml`, checked with zod when loaded so that a content owner's typo
 * stops start-up with a readable message instead of producing a wrong answer to a citizen.
 */
import { z } from "zod";

const bilingual = z.object({ vi: z.string().min(1), en: z.string().min(1) });
const bilingualList = z.object({
  vi: z.array(z.string().min(1)).default([]),
  en: z.array(z.string().min(1)).default([]),
});

export const NOMINATION_CATEGORIES = [
  "provincial_agency",
  "district",
  "commune",
  "business",
  "official_initiative",
  "agency_head",
  "entrepreneur_scientist",
  "citizen",
] as const;
export const nominationCategorySchema = z.enum(NOMINATION_CATEGORIES);
export type NominationCategory = z.infer<typeof nominationCategorySchema>;

/** Ids are shown to nobody but travel in button payloads, so they stay short and ASCII. */
const idSchema = z
  .string()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)?$/, "ASCII lower-case, dots and dashes only")
  .max(40);

export const targetSchema = z.object({
  value: z.number(),
  unit: z.string().min(1),
  /** The plan says "tối thiểu" (at least). */
  atLeast: z.boolean().default(false),
});

export const entrySchema = z.object({
  id: idSchema,
  topic: bilingual,
  targets: z.array(targetSchema).default([]),
  deadline: z.number().int().optional(),
  /** The plan's own words, verbatim (checked against the source by the fidelity test). */
  quote: z.string().min(10),
  answer: bilingual,
  keywords: bilingualList.default({ vi: [], en: [] }),
  category: nominationCategorySchema.optional(),
  /**
   * Entries of the plan's narrative that answer one question together ("mục đích": the aims are
   * four passages): a question about the group as a whole gets every passage of it.
   */
  group: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .optional(),
  /** The passage names who takes part (kinds of bodies and people): the answer to "does it concern X". */
  participants: z.boolean().default(false),
});

export const levelSchema = z.object({
  id: z
    .string()
    .regex(/^[a-z0-9-]+$/)
    .max(40),
  order: z.number().int(),
  name: bilingual,
  /** How the source is named in answers: "Kế hoạch 154/KH-UBND — {source}". */
  source: bilingual,
  /** The plan's own heading for the level, used as the lead-in of a nomination criterion. */
  lead: bilingual.optional(),
  aliases: bilingualList,
  category: nominationCategorySchema.optional(),
  /**
   * Units below this level that the plan sets no targets for (thôn, bản, tổ dân phố under the
   * commune): a question naming one is answered with this level's targets after `note`, so nobody
   * reads the commune's figures as their village's. `except` lists phrases that contain a word of
   * `names` but mean something else ("nông thôn", rural).
   */
  below: z
    .object({
      names: bilingualList,
      except: bilingualList.default({ vi: [], en: [] }),
      note: bilingual,
    })
    .optional(),
});

export const knowledgeFileSchema = z.object({
  level: levelSchema,
  entries: z.array(entrySchema).min(1),
});

export const vocabularySchema = z.object({
  synonyms: z.array(
    z.object({
      terms: z.array(z.string().min(1)).min(1),
      means: z.string().min(1),
      /** The terms name things the plan lists together ("trụ cột": its three): "mấy X" is answered by the list. */
      list: z.boolean().optional(),
    }),
  ),
  stopwords: bilingualList,
  generic: bilingualList,
  otherPlaces: z.array(z.string().min(1)),
  offTopic: z.array(z.string().min(1)),
  documentNumbers: z.array(z.string().regex(/^\d+$/)),
  compounds: z.array(z.string().min(1)).default([]),
  planNames: z.array(z.string().min(1)).default([]),
  documents: z
    .array(
      z.object({ words: z.array(z.string().min(1)).min(1), numbers: z.array(z.string().regex(/^\d+$/)) }),
    )
    .default([]),
  countWords: z.array(z.string().min(1)).default([]),
  personTitles: z.array(z.string().min(1)).default([]),
  progressWords: z.array(z.string().min(1)).default([]),
  personQuestions: z.array(z.string().min(1)).default([]),
  howTo: z.array(z.string().min(1)).default([]),
  serviceActions: z.array(z.string().min(1)).default([]),
  deadlines: z.array(z.string().min(1)).default([]),
  departmentDuties: z.array(z.string().min(1)).default([]),
  generalDepartments: z.array(z.string().min(1)).default([]),
  /** Questions about the bot's own services ("nộp hồ sơ đề cử ở đâu"): the service, not a plan target. */
  services: z
    .array(
      z.object({
        words: z.array(z.string().min(1)).min(1),
        asks: z.array(z.string().min(1)).min(1),
        answer: z.string().min(1),
      }),
    )
    .default([]),
  kinds: z
    .object({
      list: z.array(z.string().min(1)).default([]),
      compare: z.array(z.string().min(1)).default([]),
      purpose: z.array(z.string().min(1)).default([]),
      who: z.array(z.string().min(1)).default([]),
      requirements: z.array(z.string().min(1)).default([]),
      participate: z.array(z.string().min(1)).default([]),
      yesNo: z.array(z.string().min(1)).default([]),
      figureFilter: z.array(z.string().min(1)).default([]),
      below: z.array(z.string().min(1)).default([]),
      above: z.array(z.string().min(1)).default([]),
      floor: z.array(z.string().min(1)).default([]),
      exception: z.array(z.string().min(1)).default([]),
      only: z.array(z.string().min(1)).default([]),
      notEqual: z.array(z.string().min(1)).default([]),
      everyLevel: z.array(z.string().min(1)).default([]),
      when: z.array(z.string().min(1)).default([]),
      attribute: z.array(z.string().min(1)).default([]),
      grouping: z.array(z.string().min(1)).default([]),
      role: z.array(z.string().min(1)).default([]),
      honour: z.array(z.string().min(1)).default([]),
      spirit: z.array(z.string().min(1)).default([]),
      aspire: z.array(z.string().min(1)).default([]),
      each: z.array(z.string().min(1)).default([]),
    })
    .default({
      list: [],
      compare: [],
      purpose: [],
      who: [],
      requirements: [],
      participate: [],
      yesNo: [],
      figureFilter: [],
      below: [],
      above: [],
      floor: [],
      exception: [],
      only: [],
      notEqual: [],
      everyLevel: [],
      when: [],
      attribute: [],
      grouping: [],
      role: [],
      honour: [],
      spirit: [],
      aspire: [],
      each: [],
    }),
  wrappers: z
    .object({
      greetings: z.array(z.string().min(1)).default([]),
      thanks: z.array(z.string().min(1)).default([]),
      selfIntro: z.array(z.string().min(1)).default([]),
      introContinuation: z.array(z.string().min(1)).default([]),
      address: z.array(z.string().min(1)).default([]),
      askRequests: z.array(z.string().min(1)).default([]),
      topicMarkers: z.array(z.string().min(1)).default([]),
      speakers: z.array(z.string().min(1)).default([]),
    })
    .default({
      greetings: [],
      thanks: [],
      selfIntro: [],
      introContinuation: [],
      address: [],
      askRequests: [],
      topicMarkers: [],
      speakers: [],
    }),
});

export type Entry = z.infer<typeof entrySchema>;
export type Level = z.infer<typeof levelSchema>;
export type Vocabulary = z.infer<typeof vocabularySchema>;

/**
 * `concepts.yaml`: per entry id, the words people name its subject with when not the plan's own
 * (sector names, everyday words, English), or `same: <id>` to share another entry's list.
 */
export const conceptsSchema = z.record(
  z.string(),
  z.union([
    z.object({ same: z.string().min(1) }),
    z.object({ vi: z.array(z.string().min(1)).default([]), en: z.array(z.string().min(1)).default([]) }),
  ]),
);
export type Concepts = z.infer<typeof conceptsSchema>;
