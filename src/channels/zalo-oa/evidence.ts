/**
 * Evidence from OA attachments: the URL is downloaded at once (Zalo's CDN links expire), with the
 * same limits as the other channels — the evidence size cap (declared size, Content-Length and
 * the bytes actually streamed) and the type read from the file's first bytes. The download itself
 * is an injected function, so the SSRF-safe media fetch (issue 16) can replace the plain one
 * without touching this file.
 */
import axios from "axios";
import { sniffMime } from "../telegram/media.js";
import { MediaRejectedError, type FetchedMedia, type MediaRef } from "../types.js";

/** Downloads `url`, refusing more than `maxBytes`. Throws MediaRejectedError("too_large" | "unavailable"). */
export type MediaDownloader = (
  url: string,
  opts: { maxBytes: number; timeoutMs?: number },
) => Promise<{ bytes: Buffer; contentType?: string }>;

/**
 * The plain downloader: http(s) only, no more than three redirects, size enforced while streaming.
 * @example const { bytes } = await plainDownload("https://…zdn.vn/…jpg", { maxBytes: 10 << 20 })
 */
export const plainDownload: MediaDownloader = async (url, { maxBytes, timeoutMs = 20_000 }) => {
  if (!/^https?:\/\//i.test(url)) throw new MediaRejectedError("unavailable");
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    let res;
    try {
      res = await axios.get<NodeJS.ReadableStream>(url, {
        responseType: "stream",
        signal: controller.signal,
        maxRedirects: 3,
        validateStatus: () => true,
        timeout: timeoutMs,
      });
    } catch {
      throw new MediaRejectedError("unavailable");
    }
    if (res.status < 200 || res.status >= 300) {
      controller.abort();
      throw new MediaRejectedError("unavailable");
    }
    const declared = Number(res.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      controller.abort();
      throw new MediaRejectedError("too_large");
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.data as AsyncIterable<Buffer>) {
        size += chunk.length;
        if (size > maxBytes) {
          controller.abort();
          throw new MediaRejectedError("too_large");
        }
        chunks.push(chunk);
      }
    } catch (err) {
      if (err instanceof MediaRejectedError) throw err;
      throw new MediaRejectedError("unavailable");
    }
    const contentType = String(res.headers["content-type"] ?? "")
      .split(";")[0]!
      .trim()
      .toLowerCase();
    return { bytes: Buffer.concat(chunks), ...(contentType ? { contentType } : {}) };
  } finally {
    clearTimeout(timer);
  }
};

/** Extension by type, for the stored file name. */
const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/webp": "webp",
  "image/heic": "heic",
  "application/pdf": "pdf",
};

/**
 * One evidence file: photos must be images, files may be images, PDF or Office documents.
 * @throws MediaRejectedError "too_large" | "bad_type" | "unavailable"
 * @example const file = await fetchOaEvidence(plainDownload, msg.media, config.evidenceMaxBytes)
 */
export async function fetchOaEvidence(
  download: MediaDownloader,
  ref: MediaRef,
  maxBytes: number,
): Promise<FetchedMedia> {
  if (!ref.url) throw new MediaRejectedError("unavailable");
  if (ref.size !== undefined && ref.size > maxBytes) throw new MediaRejectedError("too_large");
  const { bytes, contentType } = await download(ref.url, { maxBytes });
  const mime = sniffMime(bytes, contentType ?? ref.mime ?? mimeFromName(ref.fileName));
  if (!mime || (ref.kind === "photo" && !mime.startsWith("image/"))) throw new MediaRejectedError("bad_type");
  return { bytes, mime, fileName: ref.fileName ?? `zalo-oa-${ref.kind}.${EXTENSIONS[mime] ?? "bin"}` };
}

/** Office containers are only told apart by name: .docx and .doc files from Zalo carry one. */
function mimeFromName(name: string | undefined): string | undefined {
  const ext = name?.toLowerCase().split(".").pop();
  const byExt: Record<string, string> = {
    doc: "application/msword",
    docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    xls: "application/vnd.ms-excel",
    xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  };
  return ext ? byExt[ext] : undefined;
}
