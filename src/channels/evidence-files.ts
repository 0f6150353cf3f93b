/**
 * What an evidence file is, decided by its first bytes (never by its name or declared type): the
 * same check for files from Telegram, Zalo and the web chat, so no channel lets through what
 * another would refuse.
 */

/** Magic numbers of the formats accepted as evidence. */
export const SIGNATURES: Array<{ mime: string; test: (b: Buffer) => boolean }> = [
  { mime: "image/jpeg", test: (b) => b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff },
  {
    mime: "image/png",
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])),
  },
  {
    mime: "image/gif",
    test: (b) => b.toString("latin1", 0, 6) === "GIF87a" || b.toString("latin1", 0, 6) === "GIF89a",
  },
  {
    mime: "image/webp",
    test: (b) => b.toString("latin1", 0, 4) === "RIFF" && b.toString("latin1", 8, 12) === "WEBP",
  },
  {
    mime: "image/heic",
    test: (b) =>
      b.toString("latin1", 4, 8) === "ftyp" &&
      /^(heic|heix|hevc|heim|heis|mif1|msf1)$/.test(b.toString("latin1", 8, 12)),
  },
  { mime: "application/pdf", test: (b) => b.toString("latin1", 0, 5) === "%PDF-" },
  // .docx/.xlsx/.pptx are ZIP containers; .doc/.xls/.ppt are OLE compound files.
  { mime: "application/zip", test: (b) => b.toString("latin1", 0, 4) === "PK\u0003\u0004" },
  {
    mime: "application/x-ole-storage",
    test: (b) => b.subarray(0, 8).equals(Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1])),
  },
];

export const OFFICE_MIMES = new Set([
  "application/msword",
  "application/vnd.ms-excel",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
]);

/**
 * The mime type to store: what the bytes are, refined by the declared Office type for containers;
 * undefined for anything not accepted as evidence.
 *
 * @example sniffMime(Buffer.from("%PDF-1.7")) // "application/pdf"
 */
export function sniffMime(bytes: Buffer, declared?: string): string | undefined {
  const found = SIGNATURES.find((s) => s.test(bytes))?.mime;
  if (found === "application/zip" || found === "application/x-ole-storage")
    return declared && OFFICE_MIMES.has(declared) ? declared : undefined;
  return found;
}
