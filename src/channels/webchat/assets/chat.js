// The web chat page: opens a chat (after a small proof of work), posts what the user types or
// taps, and polls for the bot's replies. The server owns the chat id (an httpOnly cookie).
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var since = 0;
  var opening = null;
  var lang = (navigator.language || "vi").slice(0, 2) === "en" ? "en" : "vi";
  var BUSY = lang === "en" ? "The system is busy, please try again in a moment." : "Hệ thống đang bận, quý anh/chị vui lòng gửi lại sau ít phút.";
  var OFFLINE = lang === "en" ? "Connection lost, please try again." : "Mất kết nối, quý anh/chị vui lòng thử lại.";

  // SHA-256 of an ASCII string, synchronous: a few hundred thousand hashes a second even on a phone.
  var K = [0x428a2f98,0x71374491,0xb5c0fbcf,0xe9b5dba5,0x3956c25b,0x59f111f1,0x923f82a4,0xab1c5ed5,0xd807aa98,0x12835b01,0x243185be,0x550c7dc3,0x72be5d74,0x80deb1fe,0x9bdc06a7,0xc19bf174,0xe49b69c1,0xefbe4786,0x0fc19dc6,0x240ca1cc,0x2de92c6f,0x4a7484aa,0x5cb0a9dc,0x76f988da,0x983e5152,0xa831c66d,0xb00327c8,0xbf597fc7,0xc6e00bf3,0xd5a79147,0x06ca6351,0x14292967,0x27b70a85,0x2e1b2138,0x4d2c6dfc,0x53380d13,0x650a7354,0x766a0abb,0x81c2c92e,0x92722c85,0xa2bfe8a1,0xa81a664b,0xc24b8b70,0xc76c51a3,0xd192e819,0xd6990624,0xf40e3585,0x106aa070,0x19a4c116,0x1e376c08,0x2748774c,0x34b0bcb5,0x391c0cb3,0x4ed8aa4a,0x5b9cca4f,0x682e6ff3,0x748f82ee,0x78a5636f,0x84c87814,0x8cc70208,0x90befffa,0xa4506ceb,0xbef9a3f7,0xc67178f2];
  var W = new Array(64);
  function sha256First32(msg) {
    var bytes = msg.length, words = ((bytes + 9 + 63) >> 6) << 4, m = new Array(words), i, j;
    for (i = 0; i < words; i++) m[i] = 0;
    for (i = 0; i < bytes; i++) m[i >> 2] |= (msg.charCodeAt(i) & 255) << (24 - (i & 3) * 8);
    m[bytes >> 2] |= 0x80 << (24 - (bytes & 3) * 8);
    m[words - 1] = bytes * 8;
    var h0 = 0x6a09e667, h1 = 0xbb67ae85, h2 = 0x3c6ef372, h3 = 0xa54ff53a, h4 = 0x510e527f, h5 = 0x9b05688c, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
    for (j = 0; j < words; j += 16) {
      var a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
      for (i = 0; i < 64; i++) {
        if (i < 16) W[i] = m[j + i] | 0;
        else {
          var x = W[i - 15], y = W[i - 2];
          W[i] = (((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) + W[i - 7] + (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) + W[i - 16] | 0;
        }
        var t1 = h + (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) + ((e & f) ^ (~e & g)) + K[i] + W[i] | 0;
        var t2 = (((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) + ((a & b) ^ (a & c) ^ (b & c)) | 0;
        h = g; g = f; f = e; e = d + t1 | 0; d = c; c = b; b = a; a = t1 + t2 | 0;
      }
      h0 = h0 + a | 0; h1 = h1 + b | 0; h2 = h2 + c | 0; h3 = h3 + d | 0; h4 = h4 + e | 0; h5 = h5 + f | 0; h6 = h6 + g | 0; h7 = h7 + h | 0;
    }
    return h0 >>> 0;
  }
  function clz32(x) { return Math.clz32 ? Math.clz32(x) : (x === 0 ? 32 : 31 - Math.floor(Math.log(x) / Math.LN2)); }
  // Finds a nonce giving `bits` leading zero bits (bits <= 32), yielding to the page every 20 000 tries.
  function solve(challenge, bits) {
    return new Promise(function (resolve) {
      var n = 0;
      (function chunk() {
        for (var end = n + 20000; n < end; n++) {
          if (bits === 0 || clz32(sha256First32(challenge + ":" + n.toString(36))) >= bits) return resolve(n.toString(36));
        }
        setTimeout(chunk, 0);
      })();
    });
  }

  function openChat() {
    if (opening) return opening;
    opening = fetch("/chat/api/challenge", { cache: "no-store" })
      .then(function (r) { return r.json(); })
      .then(function (c) { return solve(c.challenge, c.bits).then(function (nonce) { return { challenge: c.challenge, nonce: nonce }; }); })
      .then(function (proof) { return fetch("/chat/api/session", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ challenge: proof.challenge, nonce: proof.nonce, lang: lang }) }); })
      .then(function (r) {
        if (!r.ok) return r.json().then(function (d) { throw new Error(d && d.message || BUSY); });
        since = 0;
        try { localStorage.setItem("cds.chat", "1"); } catch (e) { /* private mode: fine */ }
        post({ text: "/start" });
      })
      .catch(function (err) { add(err && err.message && err.message !== "Failed to fetch" ? err.message : OFFLINE, "bot"); })
      .then(function () { opening = null; });
    return opening;
  }

  function clientId() {
    var b = crypto.getRandomValues(new Uint8Array(12));
    return Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
  }

  function add(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text; // never innerHTML: replies may echo user text
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function post(body, retried) {
    body.clientMessageId = clientId(); body.lang = lang;
    return fetch("/chat/api/messages", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) {
        if (r.status === 401 && !retried) return openChat().then(function () { return post(body, true); });
        if (!r.ok) return r.json().then(function (d) { add(d && d.message || BUSY, "bot"); }, function () { add(BUSY, "bot"); });
      })
      .catch(function () { add(OFFLINE, "bot"); });
  }

  function render(m) {
    add(m.text, "bot");
    if (m.choices && m.choices.length) {
      var box = document.createElement("div");
      box.className = "choices";
      m.choices.forEach(function (c, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = (i + 1) + ". " + c.label;
        b.addEventListener("click", function () {
          Array.prototype.forEach.call(box.querySelectorAll("button"), function (x) { x.disabled = true; });
          add(c.label, "me");
          post({ choice: { token: m.choiceToken || "", id: c.id } });
        });
        box.appendChild(b);
      });
      log.appendChild(box);
      log.scrollTop = log.scrollHeight;
    }
  }

  function poll() {
    fetch("/chat/api/messages?since=" + since, { cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) return openChat().then(function () { return { messages: [] }; });
        return r.ok ? r.json() : { messages: [] };
      })
      .then(function (data) {
        data.messages.forEach(function (m) { since = Math.max(since, m.seq); render(m); });
      })
      .catch(function () {})
      .then(function () { setTimeout(poll, 700); });
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    add(text, "me");
    post({ text: text });
  });

  // A first visit opens its chat before polling (no 401 to show in the console); a returning
  // visitor polls at once, and re-opens only if the chat lapsed.
  var known = false;
  try { known = localStorage.getItem("cds.chat") === "1"; } catch (e) { /* private mode */ }
  if (known) poll();
  else openChat().then(poll);
})();
