/**
 * Reference codes (DC-2026-000001, TD-2026-000001). The counter row is incremented inside the
 * submission's own transaction: if the transaction rolls back, so does the increment, so a code
 * the user was shown is never reused and the sequence has no gaps from failed submissions.
 */
import type { Prisma } from "./client.js";

type Tx = Prisma.TransactionClient;

/** Allocates the next value of (prefix, year); call only inside a transaction. */
export async function allocateCode(tx: Tx, prefix: string, year: number): Promise<string> {
  const rows = await tx.$queryRaw<Array<{ value: number }>>`
    insert into "CodeCounter" (prefix, year, value) values (${prefix}, ${year}, 1)
    on conflict (prefix, year) do update set value = "CodeCounter".value + 1
    returning value`;
  const value = rows[0]!.value;
  return formatCode(prefix, year, value);
}

/** @example formatCode("DC", 2026, 1) // "DC-2026-000001" */
export function formatCode(prefix: string, year: number, value: number): string {
  return `${prefix}-${year}-${String(value).padStart(6, "0")}`;
}

/** Matches a code typed by a user, in any case, with or without dashes: "dc 2026 1" is not accepted, "dc-2026-000001" is. */
export const CODE_PATTERN = /\b([A-Za-z]{2})-?(\d{4})-?(\d{6})\b/;

/** Parses a typed code into its canonical form, or null. */
export function parseCode(text: string): { prefix: string; code: string } | null {
  const m = CODE_PATTERN.exec(text);
  if (!m) return null;
  const prefix = m[1]!.toUpperCase();
  return { prefix, code: `${prefix}-${m[2]}-${m[3]}` };
}
