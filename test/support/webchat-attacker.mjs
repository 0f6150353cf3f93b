// A separate process hammering the web chat from one address for a bounded time (see
// test/security/webchat-load.test.ts): opens chats (solving the proof of work), posts long
// messages, posts under made-up chat ids, polls. Prints its counts as JSON when done.
import { createHash, randomBytes, randomUUID } from "node:crypto";

const [base, seconds, concurrency] = [
  process.argv[2],
  Number(process.argv[3] ?? 5),
  Number(process.argv[4] ?? 12),
];
const zeros = (buf) => {
  let n = 0;
  for (const b of buf) {
    if (b === 0) {
      n += 8;
      continue;
    }
    return n + Math.clz32(b) - 24;
  }
  return n;
};
const solve = (c, bits) => {
  for (let i = 0; ; i++)
    if (
      zeros(
        createHash("sha256")
          .update(`${c}:${i.toString(36)}`)
          .digest(),
      ) >= bits
    )
      return i.toString(36);
};
const counts = {};
const count = (k) => (counts[k] = (counts[k] ?? 0) + 1);
const cookies = [];
const until = Date.now() + seconds * 1000;
async function loop() {
  while (Date.now() < until) {
    const r = Math.random();
    try {
      if (r < 0.25 || !cookies.length) {
        const ch = await fetch(`${base}/chat/api/challenge`);
        if (ch.status !== 200) {
          count(`challenge ${ch.status}`);
          await ch.arrayBuffer();
          continue;
        }
        const { challenge, bits } = await ch.json();
        const res = await fetch(`${base}/chat/api/session`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ challenge, nonce: solve(challenge, bits) }),
        });
        count(`open ${res.status}`);
        const c = res.headers.get("set-cookie");
        if (c) cookies.push(c.split(";")[0]);
        await res.arrayBuffer();
      } else if (r < 0.7) {
        const cookie = cookies[Math.floor(Math.random() * cookies.length)];
        const res = await fetch(`${base}/chat/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie },
          body: JSON.stringify({
            clientMessageId: randomBytes(8).toString("hex"),
            text: `đề cử ${"x".repeat(2000)}`,
          }),
        });
        count(`post ${res.status}`);
        await res.arrayBuffer();
      } else if (r < 0.85) {
        const res = await fetch(`${base}/chat/api/messages`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            chatId: randomUUID(),
            clientMessageId: randomBytes(8).toString("hex"),
            text: "xin chào",
          }),
        });
        count(`forged ${res.status}`);
        await res.arrayBuffer();
      } else {
        const cookie = cookies[Math.floor(Math.random() * cookies.length)];
        const res = await fetch(`${base}/chat/api/messages?since=0`, { headers: { cookie } });
        count(`poll ${res.status}`);
        await res.arrayBuffer();
      }
    } catch {
      count("error");
    }
  }
}
await Promise.all(Array.from({ length: concurrency }, loop));
process.stdout.write(JSON.stringify(counts));
