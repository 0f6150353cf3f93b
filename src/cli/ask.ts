/**
 * `npm run ask -- "câu hỏi"` answers from the knowledge base of Plan 154/KH-UBND, with no database
 * or queue: only flows/knowledge and locales are read.
 *
 *   npm run ask -- "chỉ tiêu cấp xã"
 *   npm run ask -- --json "ho so cong viec cap xa"     one JSON line {"answered","answer","sources"}
 *   npm run ask -- --json --file questions.txt          one JSON line per input line, same order
 *   npm run ask -- --lang en "commune targets"
 */
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { loadKnowledge, type KnowledgeAnswer, type Lang } from "../knowledge/index.js";

function usage(): never {
  console.error('usage: npm run ask -- [--json] [--lang vi|en] ("câu hỏi" | --file F)');
  process.exit(2);
}

const args = process.argv.slice(2);
let json = false;
let lang: Lang = "vi";
let file: string | undefined;
const words: string[] = [];
for (let i = 0; i < args.length; i++) {
  const a = args[i]!;
  if (a === "--json") json = true;
  else if (a === "--lang") {
    const v = args[++i];
    if (v !== "vi" && v !== "en") usage();
    lang = v;
  } else if (a === "--file") file = args[++i] ?? usage();
  else if (a === "--") continue;
  else words.push(a);
}

const knowledge = loadKnowledge({ dir: resolve("flows/knowledge"), localesDir: resolve("locales") });
const toJson = (a: KnowledgeAnswer) =>
  JSON.stringify({ answered: a.answered, answer: a.text, sources: a.sources });

if (file !== undefined) {
  // One question per line, every line answered (an empty one with answered:false) so outputs align.
  const lines = readFileSync(file, "utf8").replace(/\r/g, "").split("\n");
  if (lines.length && lines[lines.length - 1] === "") lines.pop();
  const out = lines.map((q) => {
    const a = knowledge.ask(q, lang);
    return json ? toJson(a) : `${q}\n${a.text}\n`;
  });
  process.stdout.write(out.join("\n") + "\n");
} else {
  if (words.length === 0) usage();
  const a = knowledge.ask(words.join(" "), lang);
  console.log(json ? toJson(a) : a.text);
}
