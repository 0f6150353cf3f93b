// The web chat page: posts what the user types or taps, polls for the bot's replies.
(function () {
  "use strict";
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("text");
  var chatId = localStorage.getItem("cds.chatId");
  var since = 0;
  var lang = (navigator.language || "vi").slice(0, 2) === "en" ? "en" : "vi";

  function uuid() {
    if (crypto.randomUUID) return crypto.randomUUID();
    var b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
    var h = Array.prototype.map.call(b, function (x) { return (x + 256).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  if (!chatId) { chatId = uuid(); localStorage.setItem("cds.chatId", chatId); }
  function clientId() { return uuid().replace(/-/g, ""); }

  function add(text, who) {
    var div = document.createElement("div");
    div.className = "msg " + who;
    div.textContent = text; // never innerHTML: replies may echo user text
    log.appendChild(div);
    log.scrollTop = log.scrollHeight;
    return div;
  }

  function post(body) {
    body.chatId = chatId; body.clientMessageId = clientId(); body.lang = lang;
    return fetch("/chat/api/messages", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) })
      .then(function (r) { if (!r.ok) add("Hệ thống đang bận, quý anh/chị vui lòng gửi lại sau ít phút.", "bot"); })
      .catch(function () { add("Mất kết nối, quý anh/chị vui lòng thử lại.", "bot"); });
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
    fetch("/chat/api/messages?chatId=" + encodeURIComponent(chatId) + "&since=" + since, { cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : { messages: [] }; })
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

  poll();
  if (!localStorage.getItem("cds.started")) { localStorage.setItem("cds.started", "1"); post({ text: "/start" }); }
})();
