import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { downloadZaloPhoto } from "../../../src/channels/zalo/evidence.js";
import { MediaRejectedError } from "../../../src/channels/types.js";
import { FakeZalo, jpegBytes } from "../../support/fake-zalo.js";

const MB = 1024 * 1024;

describe("downloading an evidence photo from Zalo's CDN", () => {
  let fake: FakeZalo;
  // The fake CDN is on loopback: trusted here as the configured Bot API origin is in production.
  const policy = () => ({ policy: { hosts: [], trustedOrigins: [fake.url] } });
  beforeAll(async () => {
    fake = await new FakeZalo().start();
  });
  afterAll(async () => {
    await fake.stop();
  });

  it("returns the bytes and the image type at once", async () => {
    const photo = await downloadZaloPhoto(`${fake.url}/media/photo.jpg`, MB, policy());
    expect(photo.bytes.equals(jpegBytes(2_048))).toBe(true);
    expect(photo).toMatchObject({ mime: "image/jpeg", fileName: "zalo-photo.jpg" });
  });

  it("trusts the bytes, not a generic Content-Type", async () => {
    await expect(downloadZaloPhoto(`${fake.url}/media/octet.jpg`, MB, policy())).resolves.toMatchObject({
      mime: "image/jpeg",
    });
  });

  it("refuses a file above the limit, whether or not the server says its size", async () => {
    await expect(downloadZaloPhoto(`${fake.url}/media/big.jpg?size=${2 * MB}`, MB, policy())).rejects.toEqual(
      new MediaRejectedError("too_large"),
    );
    await expect(
      downloadZaloPhoto(`${fake.url}/media/chunked-big.jpg?size=${2 * MB}`, MB, policy()),
    ).rejects.toEqual(new MediaRejectedError("too_large"));
  });

  it("refuses what is not an image", async () => {
    await expect(downloadZaloPhoto(`${fake.url}/media/page.html`, MB, policy())).rejects.toEqual(
      new MediaRejectedError("bad_type"),
    );
  });

  it("reports an expired or unreachable link as unavailable", async () => {
    await expect(downloadZaloPhoto(`${fake.url}/media/gone.jpg`, MB, policy())).rejects.toEqual(
      new MediaRejectedError("unavailable"),
    );
    await expect(downloadZaloPhoto("http://127.0.0.1:1/x.jpg", MB, policy())).rejects.toEqual(
      new MediaRejectedError("unavailable"),
    );
    await expect(downloadZaloPhoto("file:///etc/passwd", MB, policy())).rejects.toEqual(
      new MediaRejectedError("unavailable"),
    );
  });
});
