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
import { OFFICE_MIMES, sniffMime } from "../evidence-files.js";
import { toSendError } from "./errors.js";

export { sniffMime };

/**
 * @throws MediaRejectedError "too_large" | "bad_type" | "unavailable"; a plain error when Telegram is unreachable (worth retrying)
 * @example const file = await fetchTelegramMedia(api, { token, apiRoot }, ref, 10 * 1024 * 1024)
 */
export async function fetchTelegramMedia(
  api: Api,
  opts: { token: string; apiRoot: string },
  ref: MediaRef,
  maxBytes: number,
): Promise<FetchedMedia> {
  if (!ref.fileId) throw new MediaRejectedError("unavailable");
  if (ref.size !== undefined && ref.size > maxBytes) throw new MediaRejectedError("too_large");
  if (
    ref.kind === "document" &&
    ref.mime &&
    !ref.mime.startsWith("image/") &&
    ref.mime !== "application/pdf" &&
    !OFFICE_MIMES.has(ref.mime)
  )
    throw new MediaRejectedError("bad_type");
  let file;
  try {
    file = await api.getFile(ref.fileId);
  } catch (err) {
    // The cloud Bot API refuses files above 20 MB with a 400 "file is too big".
    if (err instanceof GrammyError && /too big/i.test(err.description))
      throw new MediaRejectedError("too_large");
    if (err instanceof GrammyError && err.error_code >= 400 && err.error_code < 500)
      throw new MediaRejectedError("unavailable");
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
  const res = await fetch(
    `${opts.apiRoot}/file/bot${opts.token}/${path.split("/").map(encodeURIComponent).join("/")}`,
    { signal: AbortSignal.timeout(60_000) },
  );
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
