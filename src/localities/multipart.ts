/**
 * A small multipart/form-data reader for the one upload form of the panel (a locality list): the
 * text fields and one file, from a body already read into memory with a size cap. Not a general
 * parser: no nested parts, no streaming (the cap keeps it small).
 */
export interface MultipartForm {
  fields: Record<string, string>;
  file?: { field: string; name: string; type: string; bytes: Buffer };
}

/** @example const form = parseMultipart(req.body as Buffer, req.get("content-type") ?? "") */
export function parseMultipart(body: Buffer, contentType: string): MultipartForm | null {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType);
  if (!boundary || !Buffer.isBuffer(body)) return null;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`);
  const form: MultipartForm = { fields: {} };
  let pos = body.indexOf(delimiter);
  while (pos !== -1) {
    const start = pos + delimiter.length;
    if (body.subarray(start, start + 2).toString() === "--") break;
    const next = body.indexOf(delimiter, start);
    if (next === -1) break;
    // Each part: CRLF, headers, CRLF CRLF, content, CRLF, then the next delimiter.
    const part = body.subarray(start + 2, next - 2);
    const split = part.indexOf("\r\n\r\n");
    if (split !== -1) {
      const headers = part.subarray(0, split).toString("utf8");
      const content = part.subarray(split + 4);
      const name = /name="([^"]*)"/i.exec(headers)?.[1];
      const fileName = /filename="([^"]*)"/i.exec(headers)?.[1];
      if (name && fileName !== undefined) {
        if (fileName)
          form.file = {
            field: name,
            name: fileName,
            type: /content-type:\s*([^\r\n]+)/i.exec(headers)?.[1]?.trim() ?? "",
            bytes: Buffer.from(content),
          };
      } else if (name) form.fields[name] = content.toString("utf8");
    }
    pos = next;
  }
  return form;
}
