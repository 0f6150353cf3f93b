// The web chat page: shows the whole transcript (both sides, kept on the server), long-polls for
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
      file: "Tệp đính kèm"
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
      file: "Attachment"
    }
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

  var chatId = localStorage.getItem("cds.chatId");
  var lang = localStorage.getItem("cds.lang") || ((navigator.language || "vi").slice(0, 2) === "en" ? "en" : "vi");
  var since = 0;
  var activeChoices = null; // the only button group that may still be pressed
  var typingTimer = null;

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  if (!chatId) { chatId = uuid(); localStorage.setItem("cds.chatId", chatId); }
  function clientId() { return uuid().replace(/-/g, ""); }
  function s(key, vars) {
    var text = (STR[lang] || STR.vi)[key];
    for (var k in vars || {}) text = text.replace("{" + k + "}", vars[k]);
    return text;
  }
  function announce(text) { statusBox.textContent = ""; setTimeout(function () { statusBox.textContent = text; }, 50); }
  function scrollDown() { log.scrollTop = log.scrollHeight; }

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
    codes.filter(function (c, i) { return codes.indexOf(c) === i; }).forEach(function (code) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = "copy";
      b.textContent = "📋 " + s("copy", { code: code });
      b.addEventListener("click", function () {
        var done = function () { announce(s("copied", { code: code })); b.textContent = "✓ " + s("copied", { code: code }); };
        if (navigator.clipboard && navigator.clipboard.writeText) navigator.clipboard.writeText(code).then(done, function () { fallbackCopy(code); done(); });
        else { fallbackCopy(code); done(); }
      });
      log.appendChild(b);
    });
  }
  function fallbackCopy(text) {
    var area = document.createElement("textarea");
    area.value = text;
    document.body.appendChild(area);
    area.select();
    try { document.execCommand("copy"); } catch (e) { /* nothing else to try */ }
    area.remove();
  }
  function closeChoices(token, chosenId) {
    var groups = token ? log.querySelectorAll('.choices[data-token="' + CSS.escape(token) + '"]') : [];
    Array.prototype.forEach.call(groups, function (g) {
      Array.prototype.forEach.call(g.querySelectorAll("button"), function (b) {
        b.disabled = true;
        if (chosenId !== undefined && b.getAttribute("data-id") === chosenId) b.setAttribute("aria-pressed", "true");
      });
    });
    if (activeChoices && (!token || activeChoices.getAttribute("data-token") === token)) {
      Array.prototype.forEach.call(activeChoices.querySelectorAll("button"), function (b) { b.disabled = true; });
      activeChoices = null;
    }
  }

  // ---- what the server's transcript holds ----
  function render(m) {
    if (m.from === "user") {
      var mine = log.querySelector('.msg.me[data-cid="' + CSS.escape(m.clientMessageId || "") + '"]');
      if (mine) { setState(mine, ""); }
      else {
        var div = bubble("me", m.clientMessageId);
        if (m.file) fileChip(div, m.file.name, m.file.mime, localStorage.getItem("cds.thumb." + m.clientMessageId));
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
        b.textContent = (i + 1) + ". " + c.label;
        b.setAttribute("data-id", c.id);
        b.addEventListener("click", function () { choose(box, m.choiceToken || "", c); });
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
  function hideTyping() { typing.hidden = true; clearTimeout(typingTimer); }

  function post(body, div) {
    body.chatId = chatId; body.lang = lang;
    if (div) setState(div, "");
    if (navigator.onLine === false) { unsent(body, div); return; }
    showTyping();
    fetch("/chat/api/messages", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); })
      .catch(function () { unsent(body, div); });
  }
  function unsent(body, div) {
    hideTyping();
    if (!div) return;
    setState(div, s("unsent"), function () { post(body, div); });
    if (navigator.onLine === false) { offlineBox.textContent = s("offline"); offlineBox.hidden = false; }
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
  document.getElementById("attach").addEventListener("click", function () { fileInput.click(); });
  fileInput.addEventListener("change", function () {
    var file = fileInput.files && fileInput.files[0];
    fileInput.value = "";
    if (!file) return;
    var cid = clientId();
    var div = bubble("me", cid);
    var isImage = /^image\//.test(file.type);
    var chip = fileChip(div, file.name, file.type, isImage ? URL.createObjectURL(file) : null);
    scrollDown();
    if (file.size > maxBytes) { setState(div, s("tooLarge", { mb: Math.floor(maxBytes / 1048576) })); return; }
    if (!isImage && file.type !== "application/pdf") { setState(div, s("badType")); return; }
    if (isImage) rememberThumbnail(file, cid);
    upload(file, cid, div, chip);
  });
  function upload(file, cid, div, chip) {
    setState(div, "");
    var bar = document.createElement("progress");
    bar.max = 100; bar.value = 0;
    bar.setAttribute("aria-label", s("uploading"));
    chip.appendChild(bar);
    var xhr = new XMLHttpRequest();
    xhr.open("POST", "/chat/api/upload?chatId=" + encodeURIComponent(chatId) + "&clientMessageId=" + cid + "&name=" + encodeURIComponent(file.name.slice(0, 200)) + "&lang=" + lang);
    xhr.upload.onprogress = function (e) { if (e.lengthComputable) bar.value = Math.round((e.loaded / e.total) * 100); };
    var retry = function () { bar.remove(); upload(file, cid, div, chip); };
    xhr.onload = function () {
      bar.remove();
      if (xhr.status === 202) { showTyping(); return; }
      if (xhr.status === 413) setState(div, s("tooLarge", { mb: Math.floor(maxBytes / 1048576) }));
      else if (xhr.status === 415) setState(div, s("badType"));
      else setState(div, s("unsent"), retry);
    };
    xhr.onerror = function () { bar.remove(); setState(div, s("unsent"), retry); };
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
      try { localStorage.setItem("cds.thumb." + cid, canvas.toDataURL("image/jpeg", 0.7)); } catch (e) { /* storage full: no thumbnail after reload */ }
      URL.revokeObjectURL(url);
    };
    img.src = url;
  }

  // ---- receiving: long polling with back-off ----
  var failures = 0;
  function poll(wait) {
    fetch("/chat/api/messages?chatId=" + encodeURIComponent(chatId) + "&since=" + since + "&wait=" + wait, { cache: "no-store" })
      .then(function (r) { if (!r.ok) throw new Error(String(r.status)); return r.json(); })
      .then(function (data) {
        failures = 0;
        offlineBox.hidden = true;
        data.messages.forEach(function (m) { since = Math.max(since, m.seq); render(m); });
        if (data.messages.length) scrollDown();
        if (wait === 0) {
          // The history is on screen; from now on only new lines are announced.
          log.setAttribute("aria-busy", "false");
          log.setAttribute("aria-live", "polite");
          // A first visit (or a transcript that expired): the bot greets with its menu.
          if (!data.messages.length) post({ clientMessageId: clientId(), text: "/start" }, null);
        }
        poll(LONG_POLL_SECONDS);
      })
      .catch(function () {
        failures++;
        if (failures > 1) { offlineBox.textContent = s(navigator.onLine === false ? "offline" : "reconnecting"); offlineBox.hidden = false; }
        var delay = Math.min(30000, 1000 * Math.pow(2, failures - 1)) * (0.75 + Math.random() * 0.5);
        setTimeout(function () { poll(wait); }, delay);
      });
  }
  window.addEventListener("online", function () { offlineBox.hidden = true; });

  applyLang(lang);
  poll(0);
})();
