/**
 * Evidence files (photos, PDFs, Office documents) downloaded from Telegram: getFile for the path,
 * then the file from `${apiRoot}/file/bot<token>/<path>` — through the configured API root, so a
 * self-hosted Bot API server or the test fake works the same. The size is checked before the
 * download and again while streaming; the type is checked by the file's first bytes, not its name.
 */
import { readFile, stat } from "node:fs/promises";
import { isAbsolute, normalize, sep } from "node:path";
import { GrammyError, type Api } from "grammy";
import { MediaRejectedError, type FetchedMedia, type MediaRef } from "../types.js";
import { toSendError } from "./errors.js";

/** Magic numbers of the formats accepted as evidence. */
const SIGNATURES: Array<{ mime: string; test: (b: Buffer) => boolean }> = [
  { mime: "image/jpeg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  { mime: "image/png", test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { mime: "image/gif", test: (b) => b.toString("latin1", 0, 6) === "GIF87a" || b.toString("latin1", 0, 6) === "GIF89a" },
  { mime: "image/webp", test: (b) => b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP" },
  { mime: "image/heic", test: (b) => b.toString("latin1", 4, 8) === "ftyp" && /^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(b.toString("latin1", 8, 12)) },
  { mime: "application/pdf", test: (b) => b.toString("latin1", 0, 5) === "%PDF-" },
  // .docx/.xlsx/.pptx are ZIP containers; .doc/.xls/.ppt are OLE compound files.
  { mime: "application/zip", test: (b) => b.toString("latin1", 0, 4) === "PK\u0003\u0004" },
  { mime: "application/x-ole-storage", test: (b) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])) },
];

const OFFICE_MIMES = new Set([
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
]);

/** The mime type to store: what the bytes are, refined by the declared Office type for containers. */
export function sniffMime(bytes: Buffer, declared?: string): string | undefined {
  const found = SIGNATURES.find((s) => s.test(bytes))?.mime;
  if (found === "application/zip" || found === "application/x-ole-storage") return declared && OFFICE_MIMES.has(declared) ? declared : undefined;
  return found;
}

/**
 * @throws MediaRejectedError "too_large" | "bad_type" | "unavailable"; a plain error when Telegram is unreachable (worth retrying)
 * @example const file = await fetchTelegramMedia(api, { token, apiRoot }, ref, 10 * 1024 * 1024)
 */
export async function fetchTelegramMedia(api: Api, opts: { token: string; apiRoot: string }, ref: MediaRef, maxBytes: number): Promise<FetchedMedia> {
  if (!ref.fileId) throw new MediaRejectedError("unavailable");
  if (ref.size !== undefined && ref.size > maxBytes) throw new MediaRejectedError("too_large");
  if (ref.kind === "document" && ref.mime && !ref.mime.startsWith("image/") && ref.mime !== "application/pdf" && !OFFICE_MIMES.has(ref.mime)) throw new MediaRejectedError("bad_type");
  let file;
  try {
    file = await api.getFile(ref.fileId);
  } catch (err) {
    // The cloud Bot API refuses files above 20 MB with a 400 "file is too big".
    if (err instanceof GrammyError && /too big/i.test(err.description)) throw new MediaRejectedError("too_large");
    if (err instanceof GrammyError && err.error_code >= 400 && err.error_code < 500) throw new MediaRejectedError("unavailable");
    throw toSendError(err);
  }
  if (file.file_size !== undefined && file.file_size > maxBytes) throw new MediaRejectedError("too_large");
  if (!file.file_path) throw new MediaRejectedError("unavailable");
  let path = file.file_path;
  if (isAbsolute(path)) {
    // A self-hosted Bot API server started with --local answers an absolute path on its own disk
    // (<dir>/<token>/<kind>/file_N.ext). On the same machine the file is read from there; otherwise
    // the part after the token directory is what its /file/ endpoint serves.
    const local = await readLocalFile(path, opts.token, maxBytes);
    if (local) return finish(local, ref);
    const marker = `/${opts.token}/`;
    const at = path.indexOf(marker);
    if (at < 0) throw new MediaRejectedError("unavailable");
    path = path.slice(at + marker.length);
  }
  const res = await fetch(`${opts.apiRoot}/file/bot${opts.token}/${path.split("/").map(encodeURIComponent).join("/")}`, { signal: AbortSignal.timeout(60_000) });
  if (res.status === 404 || res.status === 400) throw new MediaRejectedError("unavailable");
  if (!res.ok || !res.body) throw new Error(`file download failed: ${res.status}`);
  return finish(await readAtMost(res.body, maxBytes), ref);
}

function finish(bytes: Buffer, ref: MediaRef): FetchedMedia {
  const mime = sniffMime(bytes, ref.mime);
  if (!mime) throw new MediaRejectedError("bad_type");
  return { bytes, mime, fileName: ref.fileName };
}

/**
 * The file at an absolute path from a --local Bot API server, or undefined when it is not on this
 * machine. Only paths inside the server's directory for this bot (containing `/<token>/`) are read,
 * so a confused server can never make us read another file.
 */
async function readLocalFile(path: string, token: string, maxBytes: number): Promise<Buffer | undefined> {
  const normal = normalize(path);
  if (normal !== path || !normal.includes(`${sep}${token}${sep}`)) return undefined;
  const info = await stat(normal).catch(() => undefined);
  if (!info?.isFile()) return undefined;
  if (info.size > maxBytes) throw new MediaRejectedError("too_large");
  return readFile(normal);
}

/** Reads a stream, giving up (and cancelling the download) as soon as it passes `maxBytes`. */
async function readAtMost(body: ReadableStream<Uint8Array>, maxBytes: number): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  let total = 0;
  const reader = body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel().catch(() => {});
      throw new MediaRejectedError("too_large");
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}
