/**
 * Downloads a photo a citizen sent on Zalo. Zalo gives a public CDN link that may expire, so the
 * conversation stores the bytes at once; media-fetch.ts refuses links outside Zalo's media hosts
 * and enforces the size limit while streaming (never trusting Content-Length alone); this module
 * accepts only images.
 */
import { fetchMedia, type MediaFetchPolicy } from "../media-fetch.js";
import { MediaRejectedError, type FetchedMedia } from "../types.js";

const EXTENSIONS: Record<string, string> = {
  "image/jpeg": "jpg",
  "image/png": "png",
  "image/gif": "gif",
  "image/webp": "webp",
  "image/heic": "heic",
  "image/heif": "heif",
  "image/bmp": "bmp",
};

/**
 * @example const photo = await downloadZaloPhoto(msg.media.url, 10 * 1024 * 1024, { policy: { hosts: ZALO_MEDIA_HOST_DEFAULTS } })
 * @throws MediaRejectedError "too_large" above maxBytes, "bad_type" for anything but an image,
 *   "unavailable" when the link fails or points anywhere but Zalo's media hosts (see media-fetch.ts)
 */
export async function downloadZaloPhoto(
  url: string,
  maxBytes: number,
  opts: { policy: MediaFetchPolicy; timeoutMs?: number },
): Promise<FetchedMedia> {
  const { bytes, contentType } = await fetchMedia(url, maxBytes, {
    ...opts.policy,
    timeoutMs: opts.timeoutMs ?? opts.policy.timeoutMs ?? 20_000,
  });
  if (
    contentType &&
    !contentType.startsWith("image/") &&
    contentType !== "application/octet-stream" &&
    contentType !== "binary/octet-stream"
  )
    throw new MediaRejectedError("bad_type");
  // The CDN's Content-Type is a hint; the bytes decide (an octet-stream may still be a JPEG).
  const mime = sniffImageType(bytes);
  if (!mime) throw new MediaRejectedError("bad_type");
  return { bytes, mime, fileName: `zalo-photo.${EXTENSIONS[mime] ?? "img"}` };
}

/** The image type from the file's magic bytes, or undefined when it is not an image we accept. */
export function sniffImageType(b: Buffer): string | undefined {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return "image/jpeg";
  if (b.length >= 8 && b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])))
    return "image/png";
  if (
    b.length >= 6 &&
    (b.subarray(0, 6).toString("latin1") === "GIF87a" || b.subarray(0, 6).toString("latin1") === "GIF89a")
  )
    return "image/gif";
  if (
    b.length >= 12 &&
    b.subarray(0, 4).toString("latin1") === "RIFF" &&
    b.subarray(8, 12).toString("latin1") === "WEBP"
  )
    return "image/webp";
  if (b.length >= 12 && b.subarray(4, 8).toString("latin1") === "ftyp") {
    const brand = b.subarray(8, 12).toString("latin1");
    if (["heic", "heix", "hevc", "heim", "heis"].includes(brand)) return "image/heic";
    if (["mif1", "msf1"].includes(brand)) return "image/heif";
  }
  if (b.length >= 2 && b[0] === 0x42 && b[1] === 0x4d) return "image/bmp";
  return undefined;
}
