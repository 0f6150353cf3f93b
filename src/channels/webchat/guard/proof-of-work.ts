/**
 * A small proof of work before a new web chat client gets a chat: find a nonce such that
 * SHA-256("<challenge>:<nonce>") starts with `bits` zero bits. 15 bits is ~33 000 hashes on
 * average: a few hundred milliseconds in the page's script on a phone (the challenge is short
 * enough for one SHA-256 block per try), but minting thousands of identities costs real CPU.
 * Challenges are stateless (signed, with their time) and spent once.
 */
import { createHash, randomBytes } from "node:crypto";
import type { ClientIdentity } from "./client-identity.js";

/** How long a challenge may take to solve and be used. */
export const CHALLENGE_TTL_MS = 5 * 60_000;

/** 96 bits of MAC keep the whole "<challenge>:<nonce>" within one SHA-256 block (55 bytes). */
function macOf(identity: ClientIdentity, body: string): string {
  return identity.mac(`pow:${body}`).slice(0, 16);
}

/** Number of leading zero bits of `buf`. */
export function leadingZeroBits(buf: Buffer): number {
  let n = 0;
  for (const byte of buf) {
    if (byte === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(byte) - 24;
  }
  return n;
}

/** A fresh challenge: `<time>.<random>.<mac>`. */
export function issueChallenge(identity: ClientIdentity, now = Date.now()): string {
  const body = `${now.toString(36)}.${randomBytes(9).toString("base64url")}`;
  return `${body}.${macOf(identity, body)}`;
}

/** Whether `nonce` solves `challenge` (ours, unexpired) with at least `bits` zero bits. Does not check reuse. */
export function checkSolution(
  identity: ClientIdentity,
  challenge: string,
  nonce: string,
  bits: number,
  now = Date.now(),
): boolean {
  const parts = challenge.split(".");
  if (parts.length !== 3 || !/^[0-9a-z]{1,12}$/.test(parts[0]!) || nonce.length > 64) return false;
  const body = `${parts[0]}.${parts[1]}`;
  if (macOf(identity, body) !== parts[2]) return false;
  const issued = parseInt(parts[0]!, 36);
  if (!(now - issued >= -60_000 && now - issued <= CHALLENGE_TTL_MS)) return false;
  return leadingZeroBits(createHash("sha256").update(`${challenge}:${nonce}`).digest()) >= bits;
}

/** Solves a challenge (tests and load tools; the page does the same in chat.js). */
export function solveChallenge(challenge: string, bits: number): string {
  for (let i = 0; ; i++) {
    const nonce = i.toString(36);
    if (leadingZeroBits(createHash("sha256").update(`${challenge}:${nonce}`).digest()) >= bits) return nonce;
  }
}
