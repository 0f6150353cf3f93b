// The web chat page: opens a chat (after a small proof of work; the server owns the chat id, in an
// httpOnly cookie), shows the whole transcript (both sides, kept on the server), long-polls for
// new lines with back-off, marks a message that could not be sent and offers to send it again,
// uploads evidence with a progress bar, and follows the conversation's language.
(function () {
  "use strict";
  var STR = {
    vi: {
      title: "Trợ lý Chuyển đổi số Tuyên Quang",
      subtitle: "Phong trào thi đua theo Kế hoạch 154/KH-UBND",
      log: "Cuộc trò chuyện",
      placeholder: "Nhập câu hỏi hoặc gõ số để chọn…",
      message: "Tin nhắn",
      send: "Gửi",
      attach: "Gửi ảnh hoặc tệp PDF",
      bot: "Trợ lý:",
      me: "Bạn:",
      typing: "Trợ lý đang trả lời…",
      unsent: "Chưa gửi được.",
      retry: "Gửi lại",
      offline: "Mất kết nối mạng. Tin nhắn sẽ được gửi khi quý anh/chị bấm “Gửi lại”.",
      reconnecting: "Đang kết nối lại…",
      copy: "Sao chép mã {code}",
      copied: "Đã sao chép mã {code}",
      uploading: "Đang gửi tệp…",
      tooLarge: "Tệp quá lớn (tối đa {mb} MB). Quý anh/chị vui lòng chọn tệp nhỏ hơn.",
      badType: "Chỉ nhận ảnh (JPG, PNG…) hoặc tệp PDF.",
      file: "Tệp đính kèm",
      busy: "Hệ thống đang bận, quý anh/chị vui lòng gửi lại sau ít phút.",
    },
    en: {
      title: "Tuyen Quang Digital Transformation Assistant",
      subtitle: "Emulation movement under Plan 154/KH-UBND",
      log: "Conversation",
      placeholder: "Type a question, or a number to choose…",
      message: "Message",
      send: "Send",
      attach: "Send a photo or a PDF",
      bot: "Assistant:",
      me: "You:",
      typing: "The assistant is replying…",
      unsent: "Not sent.",
      retry: "Send again",
      offline: "No network connection. Tap “Send again” when you are back online.",
      reconnecting: "Reconnecting…",
      copy: "Copy code {code}",
      copied: "Code {code} copied",
      uploading: "Sending the file…",
      tooLarge: "The file is too large (at most {mb} MB). Please choose a smaller one.",
      badType: "Only photos (JPG, PNG…) or PDF files are accepted.",
      file: "Attachment",
      busy: "The system is busy, please try again in a moment.",
    },
  };
  var CODE_RE = /\b(?:DC|TD)-\d{4}-\d{6}\b/g;
  var LONG_POLL_SECONDS = 25;

  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var fileInput = document.getElementById("file");
  var typing = document.getElementById("typing");
  var statusBox = document.getElementById("status");
  var offlineBox = document.getElementById("offline");
  var maxBytes = Number(document.body.getAttribute("data-max-bytes")) || 10485760;

  var lang =
    localStorage.getItem("cds.lang") || ((navigator.language || "vi").slice(0, 2) === "en" ? "en" : "vi");
  var since = 0;
  var activeChoices = null; // the only button group that may still be pressed
  var typingTimer = null;
  var opening = null;
  var polling = false; // a read loop is running (it stops when a chat cannot be opened)

  // SHA-256 of an ASCII string, synchronous: a few hundred thousand hashes a second even on a phone.
  var K = [
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
  ];
  var W = new Array(64);
  function sha256First32(msg) {
    var bytes = msg.length,
      words = ((bytes + 9 + 63) >> 6) << 4,
      m = new Array(words),
      i,
      j;
    for (i = 0; i < words; i++) m[i] = 0;
    for (i = 0; i < bytes; i++) m[i >> 2] |= (msg.charCodeAt(i) & 255) << (24 - (i & 3) * 8);
    m[bytes >> 2] |= 0x80 << (24 - (bytes & 3) * 8);
    m[words - 1] = bytes * 8;
    var h0 = 0x6a09e667,
      h1 = 0xbb67ae85,
      h2 = 0x3c6ef372,
      h3 = 0xa54ff53a,
      h4 = 0x510e527f,
      h5 = 0x9b05688c,
      h6 = 0x1f83d9ab,
      h7 = 0x5be0cd19;
    for (j = 0; j < words; j += 16) {
      var a = h0,
        b = h1,
        c = h2,
        d = h3,
        e = h4,
        f = h5,
        g = h6,
        h = h7;
      for (i = 0; i < 64; i++) {
        if (i < 16) W[i] = m[j + i] | 0;
        else {
          var x = W[i - 15],
            y = W[i - 2];
          W[i] =
            ((((x >>> 7) | (x << 25)) ^ ((x >>> 18) | (x << 14)) ^ (x >>> 3)) +
              W[i - 7] +
              (((y >>> 17) | (y << 15)) ^ ((y >>> 19) | (y << 13)) ^ (y >>> 10)) +
              W[i - 16]) |
            0;
        }
        var t1 =
          (h +
            (((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7))) +
            ((e & f) ^ (~e & g)) +
            K[i] +
            W[i]) |
          0;
        var t2 =
          ((((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10))) +
            ((a & b) ^ (a & c) ^ (b & c))) |
          0;
        h = g;
        g = f;
        f = e;
        e = (d + t1) | 0;
        d = c;
        c = b;
        b = a;
        a = (t1 + t2) | 0;
      }
      h0 = (h0 + a) | 0;
      h1 = (h1 + b) | 0;
      h2 = (h2 + c) | 0;
      h3 = (h3 + d) | 0;
      h4 = (h4 + e) | 0;
      h5 = (h5 + f) | 0;
      h6 = (h6 + g) | 0;
      h7 = (h7 + h) | 0;
    }
    return h0 >>> 0;
  }
  function clz32(x) {
    return Math.clz32 ? Math.clz32(x) : x === 0 ? 32 : 31 - Math.floor(Math.log(x) / Math.LN2);
  }
  // Finds a nonce giving `bits` leading zero bits (bits <= 32), yielding to the page every 20 000 tries.
  function solve(challenge, bits) {
    return new Promise(function (resolve) {
      var n = 0;
      (function chunk() {
        for (var end = n + 20000; n < end; n++) {
          if (bits === 0 || clz32(sha256First32(challenge + ":" + n.toString(36))) >= bits)
            return resolve(n.toString(36));
        }
        setTimeout(chunk, 0);
      })();
    });
  }

  // Opens a chat: a puzzle from the server, solved here, exchanged for the chat's cookie. Resolves
  // true when open; on refusal (too many chats, full, offline) says why and resolves false.
  function openChat() {
    if (opening) return opening;
    opening = fetch("/chat/api/challenge", { cache: "no-store" })
      .then(function (r) {
        return r.ok
          ? r.json()
          : r.json().then(function (d) {
              throw new Error((d && d.message) || s("busy"));
            });
      })
      .then(function (c) {
        return solve(c.challenge, c.bits).then(function (nonce) {
          return { challenge: c.challenge, nonce: nonce };
        });
      })
      .then(function (proof) {
        return fetch("/chat/api/session", {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify({ challenge: proof.challenge, nonce: proof.nonce, lang: lang }),
        });
      })
      .then(function (r) {
        if (!r.ok)
          return r.json().then(function (d) {
            throw new Error((d && d.message) || s("busy"));
          });
        since = 0;
        try {
          localStorage.setItem("cds.chat", "1");
        } catch (e) {
          /* private mode: fine */
        }
        return true;
      })
      .catch(function (err) {
        addText(
          bubble("bot"),
          err && err.message && err.message !== "Failed to fetch" ? err.message : s("offline"),
        );
        scrollDown();
        return false;
      })
      .then(function (ok) {
        opening = null;
        return ok;
      });
    return opening;
  }
  // A refusal's polite message from the server (rate limit, busy), shown as the assistant's line.
  function notice(r) {
    return r.json().then(
      function (d) {
        if (d && d.message) {
          addText(bubble("bot"), d.message);
          scrollDown();
        }
      },
      function () {},
    );
  }

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64;
    b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map
      .call(b, function (x) {
        return (x + 256).toString(16).slice(1);
      })
      .join("");
    return (
      h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20)
    );
  }
  function clientId() {
    return uuid().replace(/-/g, "");
  }
  function s(key, vars) {
    var text = (STR[lang] || STR.vi)[key];
    for (var k in vars || {}) text = text.replace("{" + k + "}", vars[k]);
    return text;
  }
  function announce(text) {
    statusBox.textContent = "";
    setTimeout(function () {
      statusBox.textContent = text;
    }, 50);
  }
  function scrollDown() {
    log.scrollTop = log.scrollHeight;
  }

  // ---- language: the page's lang, header and controls follow the conversation ----
  function applyLang(next) {
    if (next !== "vi" && next !== "en") return;
    lang = next;
    localStorage.setItem("cds.lang", lang);
    document.documentElement.lang = lang;
    document.title = s("title");
    document.getElementById("title").textContent = s("title");
    document.getElementById("subtitle").textContent = s("subtitle");
    log.setAttribute("aria-label", s("log"));
    input.placeholder = s("placeholder");
    input.setAttribute("aria-label", s("message"));
    document.getElementById("send").textContent = s("send");
    var attach = document.getElementById("attach");
    attach.setAttribute("aria-label", s("attach"));
    attach.title = s("attach");
    document.getElementById("typing-text").textContent = s("typing");
    // Earlier bubbles too: a screen reader reading the log back must not switch "Bạn:"/"You:" per line.
    var labels = log.querySelectorAll(".msg > .sr-only");
    for (var i = 0; i < labels.length; i++)
      labels[i].textContent = s(labels[i].parentNode.classList.contains("bot") ? "bot" : "me") + " ";
  }

  // ---- bubbles ----
  function bubble(who, cid) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    if (cid) div.setAttribute("data-cid", cid);
    var label = document.createElement("span");
    label.className = "sr-only";
    label.textContent = s(who === "bot" ? "bot" : "me") + " ";
    div.appendChild(label);
    log.appendChild(div);
    return div;
  }
  function addText(div, text) {
    var span = document.createElement("span");
    span.textContent = text; // never innerHTML: replies may echo what someone typed
    div.appendChild(span);
  }
  function fileChip(div, name, mime, thumb) {
    var box = document.createElement("span");
    box.className = "file";
    if (thumb) {
      var img = document.createElement("img");
      img.src = thumb;
      img.alt = name || s("file");
      box.appendChild(img);
    } else {
      var icon = document.createElement("span");
      icon.className = "icon";
      icon.setAttribute("aria-hidden", "true");
      icon.textContent = mime === "application/pdf" ? "📄" : "🖼️";
      box.appendChild(icon);
    }
    var label = document.createElement("span");
    label.textContent = name || s("file");
    box.appendChild(label);
    div.appendChild(box);
    return box;
  }
  function setState(div, text, retry) {
    var old = div.querySelector(".state");
    if (old) old.remove();
    div.classList.toggle("unsent", Boolean(retry));
    if (!text) return;
    var state = document.createElement("span");
    state.className = "state";
    state.textContent = text;
    if (retry) {
      var b = document.createElement("button");
      b.type = "button";
      b.textContent = s("retry");
      b.addEventListener("click", retry);
      state.appendChild(b);
    }
    div.appendChild(state);
  }
  function copyButtons(text) {
    var codes = text.match(CODE_RE) || [];
    codes
      .filter(function (c, i) {
        return codes.indexOf(c) === i;
      })
      .forEach(function (code) {
        var b = document.createElement("button");
        b.type = "button";
        b.className = "copy";
        b.textContent = "📋 " + s("copy", { code: code });
        b.addEventListener("click", function () {
          var done = function () {
            announce(s("copied", { code: code }));
            b.textContent = "✓ " + s("copied", { code: code });
          };
          if (navigator.clipboard && navigator.clipboard.writeText)
            navigator.clipboard.writeText(code).then(done, function () {
              fallbackCopy(code);
              done();
            });
          else {
            fallbackCopy(code);
            done();
          }
        });
        log.appendChild(b);
      });
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try {
      document.execCommand("copy");
    } catch (e) {
      /* nothing else to try */
    }
    area.remove();
  }
  function closeChoices(token, chosenId) {
    var groups = token ? log.querySelectorAll('.choices[data-token="' + CSS.escape(token) + '"]') : [];
    Array.prototype.forEach.call(groups, function (g) {
      Array.prototype.forEach.call(g.querySelectorAll("button"), function (b) {
        b.disabled = true;
        if (chosenId !== undefined && b.getAttribute("data-id") === chosenId)
          b.setAttribute("aria-pressed", "true");
      });
    });
    if (activeChoices && (!token || activeChoices.getAttribute("data-token") === token)) {
      Array.prototype.forEach.call(activeChoices.querySelectorAll("button"), function (b) {
        b.disabled = true;
      });
      activeChoices = null;
    }
  }

  // ---- what the server's transcript holds ----
  function render(m) {
    if (m.from === "user") {
      var mine = log.querySelector('.msg.me[data-cid="' + CSS.escape(m.clientMessageId || "") + '"]');
      if (mine) {
        setState(mine, "");
      } else {
        var div = bubble("me", m.clientMessageId);
        if (m.file)
          fileChip(div, m.file.name, m.file.mime, localStorage.getItem("cds.thumb." + m.clientMessageId));
        else addText(div, m.text);
      }
      // Whatever was asked before this answer can no longer be answered by its buttons.
      closeChoices(m.choice ? m.choice.token : null, m.choice ? m.choice.id : undefined);
      return;
    }
    if (m.lang && m.lang !== lang) applyLang(m.lang);
    hideTyping();
    addText(bubble("bot"), m.text);
    copyButtons(m.text);
    if (m.choices && m.choices.length) {
      if (activeChoices) closeChoices(null);
      var box = document.createElement("div");
      box.className = "choices";
      box.setAttribute("role", "group");
      box.setAttribute("data-token", m.choiceToken || "");
      m.choices.forEach(function (c, i) {
        var b = document.createElement("button");
        b.type = "button";
        b.textContent = i + 1 + ". " + c.label;
        b.setAttribute("data-id", c.id);
        b.addEventListener("click", function () {
          choose(box, m.choiceToken || "", c);
        });
        box.appendChild(b);
      });
      log.appendChild(box);
      activeChoices = box;
    }
  }

  // ---- sending ----
  function showTyping() {
    typing.hidden = false;
    clearTimeout(typingTimer);
    typingTimer = setTimeout(hideTyping, 20000);
  }
  function hideTyping() {
    typing.hidden = true;
    clearTimeout(typingTimer);
  }

  function post(body, div, reopened) {
    body.lang = lang;
    if (div) setState(div, "");
    if (navigator.onLine === false) {
      unsent(body, div);
      return;
    }
    showTyping();
    fetch("/chat/api/messages", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body),
    })
      .then(function (r) {
        if (r.ok) return;
        // The chat lapsed (a day idle): open a new one and send this message there, once.
        if (r.status === 401 && !reopened)
          return openChat().then(function (ok) {
            if (!ok) return unsent(body, div);
            post(body, div, true);
            if (!polling) poll(0);
          });
        return notice(r).then(function () {
          unsent(body, div);
        });
      })
      .catch(function () {
        unsent(body, div);
      });
  }
  function unsent(body, div) {
    hideTyping();
    if (!div) return;
    setState(div, s("unsent"), function () {
      post(body, div);
    });
    if (navigator.onLine === false) {
      offlineBox.textContent = s("offline");
      offlineBox.hidden = false;
    }
  }
  function choose(box, token, c) {
    if (box !== activeChoices) return;
    var cid = clientId();
    var div = bubble("me", cid);
    addText(div, c.label);
    closeChoices(token, c.id);
    scrollDown();
    // The same clientMessageId on a retry: the server takes it once.
    post({ clientMessageId: cid, choice: { token: token, id: c.id }, label: c.label }, div);
  }

  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim();
    if (!text) return;
    input.value = "";
    var cid = clientId();
    var div = bubble("me", cid);
    addText(div, text);
    scrollDown();
    post({ clientMessageId: cid, text: text }, div);
  });

  // ---- evidence ----
  document.getElementById("attach").addEventListener("click", function () {
    fileInput.click();
  });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    var cid = clientId();
    var div = bubble("me", cid);
    var isImage = /^image\//.test(file.type);
    var chip = fileChip(div, file.name, file.type, isImage ? URL.createObjectURL(file) : null);
    scrollDown();
    if (file.size > maxBytes) {
      setState(div, s("tooLarge", { mb: Math.floor(maxBytes / 1048576) }));
      return;
    }
    if (!isImage && file.type !== "application/pdf") {
      setState(div, s("badType"));
      return;
    }
    if (isImage) rememberThumbnail(file, cid);
    upload(file, cid, div, chip);
  });
  function upload(file, cid, div, chip, reopened) {
    setState(div, "");
    var bar = document.createElement("progress");
    bar.max = 100;
    bar.value = 0;
    bar.setAttribute("aria-label", s("uploading"));
    chip.appendChild(bar);
    var xhr = new XMLHttpRequest();
    xhr.open(
      "POST",
      "/chat/api/upload?clientMessageId=" +
        cid +
        "&name=" +
        encodeURIComponent(file.name.slice(0, 200)) +
        "&lang=" +
        lang,
    );
    xhr.upload.onprogress = function (e) {
      if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100);
    };
    var retry = function () {
      bar.remove();
      upload(file, cid, div, chip);
    };
    xhr.onload = function () {
      bar.remove();
      if (xhr.status === 202) {
        showTyping();
        return;
      }
      if (xhr.status === 413) setState(div, s("tooLarge", { mb: Math.floor(maxBytes / 1048576) }));
      else if (xhr.status === 415) setState(div, s("badType"));
      else if (xhr.status === 401 && !reopened)
        openChat().then(function (ok) {
          if (ok) upload(file, cid, div, chip, true);
          else setState(div, s("unsent"), retry);
        });
      else {
        var d = null;
        try {
          d = JSON.parse(xhr.responseText);
        } catch (e) {
          /* not JSON */
        }
        if (d && d.message) {
          addText(bubble("bot"), d.message);
          scrollDown();
        }
        setState(div, s("unsent"), retry);
      }
    };
    xhr.onerror = function () {
      bar.remove();
      setState(div, s("unsent"), retry);
    };
    xhr.send(file);
  }
  /** A small JPEG of the photo, kept on this device only, so the transcript shows it after a reload. */
  function rememberThumbnail(file, cid) {
    var img = new Image();
    var url = URL.createObjectURL(file);
    img.onload = function () {
      var scale = Math.min(1, 160 / Math.max(img.width, img.height));
      var canvas = document.createElement("canvas");
      canvas.width = Math.max(1, Math.round(img.width * scale));
      canvas.height = Math.max(1, Math.round(img.height * scale));
      canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
      try {
        localStorage.setItem("cds.thumb." + cid, canvas.toDataURL("image/jpeg", 0.7));
      } catch (e) {
        /* storage full: no thumbnail after reload */
      }
      URL.revokeObjectURL(url);
    };
    img.src = url;
  }

  // ---- receiving: long polling with back-off ----
  var failures = 0;
  function poll(wait) {
    polling = true;
    fetch("/chat/api/messages?since=" + since + "&wait=" + wait, { cache: "no-store" })
      .then(function (r) {
        // No chat (a lapsed one, or cleared cookies): open one, then read it from the start.
        if (r.status === 401)
          return openChat().then(function (ok) {
            return ok ? { messages: [], reopened: true } : { closed: true };
          });
        if (!r.ok) throw new Error(String(r.status));
        return r.json();
      })
      .then(function (data) {
        // The chat could not be opened (and the page said why): the next message sent tries again.
        if (data.closed) {
          polling = false;
          return;
        }
        failures = 0;
        offlineBox.hidden = true;
        data.messages.forEach(function (m) {
          since = Math.max(since, m.seq);
          render(m);
        });
        if (data.messages.length) scrollDown();
        if (wait === 0 && !data.reopened) {
          // The history is on screen; from now on only new lines are announced.
          log.setAttribute("aria-busy", "false");
          log.setAttribute("aria-live", "polite");
          // A first visit (or a transcript that expired): the bot greets with its menu.
          if (!data.messages.length) post({ clientMessageId: clientId(), text: "/start" }, null);
        }
        poll(data.reopened ? 0 : LONG_POLL_SECONDS);
      })
      .catch(function () {
        failures++;
        if (failures > 1) {
          offlineBox.textContent = s(navigator.onLine === false ? "offline" : "reconnecting");
          offlineBox.hidden = false;
        }
        var delay = Math.min(30000, 1000 * Math.pow(2, failures - 1)) * (0.75 + Math.random() * 0.5);
        setTimeout(function () {
          poll(wait);
        }, delay);
      });
  }
  window.addEventListener("online", function () {
    offlineBox.hidden = true;
  });

  applyLang(lang);
  // A first visit opens its chat before reading it (no 401 to show in the console); a returning
  // visitor reads at once, and re-opens only if the chat lapsed.
  var known = false;
  try {
    known = localStorage.getItem("cds.chat") === "1";
  } catch (e) {
    /* private mode */
  }
  if (known) poll(0);
  else
    openChat().then(function (ok) {
      if (ok) poll(0);
    });
})();
