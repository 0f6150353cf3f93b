/**
 * SSRF: an evidence link from Zalo can never make the bot fetch something inside our network.
 * An "internal" canary server counts every request it gets; none of the hostile links may reach it.
 */
import { createServer, type Server } from "node:http";
import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fetchMedia,
  isPublicAddress,
  type MediaFetchPolicy,
  type Resolver,
} from "../../src/channels/media-fetch.js";
import { MediaRejectedError } from "../../src/channels/types.js";
import { FakeZalo, ZaloUser } from "../support/fake-zalo.js";
import { startTestSystem, type TestSystem } from "../support/system.js";

async function listen(handler: Parameters<typeof createServer>[1]): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === "object" && addr ? addr.port : 0}` };
}

const unavailable = new MediaRejectedError("unavailable");

describe("fetching media without SSRF", () => {
  let canary: { server: Server; url: string };
  let canaryHits = 0;
  let platform: { server: Server; url: string };

  beforeAll(async () => {
    canary = await listen((_req, res) => {
      canaryHits++;
      res.end("internal secret");
    });
    // Stands for the configured Bot API origin: trusted as configured, but its redirects are not.
    platform = await listen((req, res) => {
      const u = new URL(req.url ?? "/", "http://x");
      if (u.pathname === "/redirect") {
        res.writeHead(302, { location: u.searchParams.get("to") ?? "/" }).end();
        return;
      }
      if (u.pathname === "/loop") {
        res.writeHead(302, { location: "/loop" }).end();
        return;
      }
      if (u.pathname === "/hang") return; // never answers
      res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    });
  });
  afterAll(async () => {
    canary.server.close();
    platform.server.closeAllConnections();
    platform.server.close();
  });

  /** A resolver that answers what an attacker's DNS would: an allowed-looking name pointing inside. */
  const resolveTo =
    (address: string): Resolver =>
    async () => [{ address, family: address.includes(":") ? 6 : 4 }];
  const policy = (extra: Partial<MediaFetchPolicy> = {}): MediaFetchPolicy => ({
    hosts: ["zdn.vn"],
    trustedOrigins: [platform.url],
    timeoutMs: 2_000,
    ...extra,
  });

  it("fetches from the trusted platform origin", async () => {
    const got = await fetchMedia(`${platform.url}/photo.jpg`, 1024, policy());
    expect(got.contentType).toBe("image/jpeg");
    expect(got.bytes.length).toBe(4);
  });

  it("refuses links to any other host, plain http, literal addresses and other schemes, without connecting", async () => {
    const before = canaryHits;
    for (const url of [
      `${canary.url}/secret`,
      "http://f1.photo.talk.zdn.vn/x.jpg",
      "https://127.0.0.1/x.jpg",
      "https://[::1]/x.jpg",
      "https://169.254.169.254/latest/meta-data/",
      "https://evil.example.com/x.jpg",
      "https://zdn.vn.evil.example.com/x.jpg",
      "https://user:pw@f1.zdn.vn/x.jpg",
      "file:///etc/passwd",
      "gopher://127.0.0.1:6379/_FLUSHALL",
      "not a url",
    ]) {
      await expect(fetchMedia(url, 1024, policy({ resolve: resolveTo("127.0.0.1") })), url).rejects.toEqual(
        unavailable,
      );
    }
    expect(canaryHits).toBe(before);
  });

  it("refuses an allowed host name whose DNS answer is loopback, private, link-local or otherwise not public", async () => {
    for (const address of [
      "127.0.0.1",
      "10.1.2.3",
      "172.16.5.4",
      "192.168.1.1",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "fe80::1",
      "fd00::1",
      "::ffff:127.0.0.1",
      "::ffff:10.0.0.1",
    ]) {
      await expect(
        fetchMedia("https://f1.photo.talk.zdn.vn/x.jpg", 1024, policy({ resolve: resolveTo(address) })),
        address,
      ).rejects.toEqual(unavailable);
    }
    // One private address among public ones is enough to refuse (the connection could pick it).
    const mixed: Resolver = async () => [
      { address: "203.113.1.1", family: 4 },
      { address: "10.0.0.1", family: 4 },
    ];
    await expect(fetchMedia("https://f1.zdn.vn/x.jpg", 1024, policy({ resolve: mixed }))).rejects.toEqual(
      unavailable,
    );
  });

  it("re-checks every redirect: a trusted origin redirecting inside is refused before the request", async () => {
    const before = canaryHits;
    for (const to of [
      `${canary.url}/secret`,
      "https://f1.zdn.vn/x.jpg",
      "http://f1.zdn.vn/x.jpg",
      "https://169.254.169.254/",
    ]) {
      await expect(
        fetchMedia(
          `${platform.url}/redirect?to=${encodeURIComponent(to)}`,
          1024,
          policy({ resolve: resolveTo("127.0.0.1") }),
        ),
        to,
      ).rejects.toEqual(unavailable);
    }
    expect(canaryHits).toBe(before);
  });

  it("gives up after a few redirects and after the time limit", async () => {
    await expect(fetchMedia(`${platform.url}/loop`, 1024, policy())).rejects.toEqual(unavailable);
    const started = Date.now();
    await expect(fetchMedia(`${platform.url}/hang`, 1024, policy({ timeoutMs: 300 }))).rejects.toEqual(
      unavailable,
    );
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it("classifies addresses: every special-purpose range is not public, ordinary unicast is", () => {
    const notPublic = [
      "127.0.0.1",
      "127.255.255.254",
      "10.0.0.0",
      "10.255.255.255",
      "172.16.0.1",
      "172.31.255.255",
      "192.168.0.1",
      "169.254.0.1",
      "100.64.0.1",
      "100.127.255.255",
      "0.1.2.3",
      "224.0.0.1",
      "255.255.255.255",
      "198.18.0.1",
      "192.0.2.1",
      "::",
      "::1",
      "fc00::1",
      "fdff::1",
      "fe80::1",
      "ff02::1",
      "::ffff:192.168.1.1",
      "2001:db8::1",
      "garbage",
    ];
    const isPublic = [
      "1.1.1.1",
      "8.8.8.8",
      "203.113.131.1",
      "172.15.255.255",
      "172.32.0.1",
      "100.63.255.255",
      "100.128.0.1",
      "2001:4860:4860::8888",
      "::ffff:8.8.8.8",
    ];
    for (const a of notPublic) expect(isPublicAddress(a), a).toBe(false);
    for (const a of isPublic) expect(isPublicAddress(a), a).toBe(true);
  });
});

describe("a Zalo photo pointing inside the network", () => {
  let fake: FakeZalo;
  let t: TestSystem;
  let canary: { server: Server; url: string };
  let hits = 0;
  const SECRET = "zalo-secret-ssrf";

  beforeAll(async () => {
    canary = await listen((_req, res) => {
      hits++;
      res.writeHead(200, { "content-type": "image/jpeg" }).end(Buffer.from([0xff, 0xd8, 0xff, 0xe0]));
    });
    fake = await new FakeZalo().start();
    t = await startTestSystem({
      ZALO_BOT_TOKEN: "123:abc",
      ZALO_WEBHOOK_SECRET: SECRET,
      ZALO_API_ROOT: fake.url,
    });
  });
  afterAll(async () => {
    await t?.stop();
    await fake?.stop();
    canary?.server.close();
  });

  it("is never fetched during a nomination; the sender is told politely and nothing is stored", async () => {
    const u = new ZaloUser(t.url, fake, SECRET);
    await u.say("đề cử");
    await u.say("đồng ý");
    await u.say("8");
    await u.say("Nguyễn Văn An");
    await u.say("Thôn Tân Lập, xã Tân Trào");
    await u.say("xã Tân Trào");
    const prompt = await u.say("Hướng dẫn hơn 300 người dân trong thôn cài đặt và dùng VNeID.");
    expect(prompt.join("\n")).toMatch(/minh chứng/i);
    const reply = await u.sendPhoto(`${canary.url}/latest/meta-data/`);
    expect(reply.join("\n").length).toBeGreaterThan(0);
    expect(hits).toBe(0);
    expect(await t.system.db.attachment.count()).toBe(0);
  });
});
