/* Trợ lý ảo Dịch vụ công — embeddable chat widget.
 * Usage on any portal page:  <script src="http://HOST/widget.js" defer></script>
 * Options (attributes on the script tag): data-mode="kiosk" renders full screen.
 * No outside request (system fonts only); every text is inserted as text, never as HTML. */
(function () {
  "use strict";
  var script = document.currentScript || document.querySelector('script[src$="widget.js"]');
  var base = new URL(script.src, location.href).origin;
  var kiosk = script.getAttribute("data-mode") === "kiosk";
  var STORE = "dvc-chat";
  var state = load();

  function load() {
    try { var s = JSON.parse(sessionStorage.getItem(STORE)); if (s && s.sender && s.token) return s; } catch (e) {}
    return { sender: null, token: null, history: [], open: kiosk };
  }
  function save() { sessionStorage.setItem(STORE, JSON.stringify(state)); }

  // The gateway issues the conversation (an unguessable id and its signed token); the widget only
  // keeps it for this tab and sends the token with every request.
  var starting = null;
  function conversation() {
    if (state.token) return Promise.resolve(state);
    if (!starting) {
      starting = fetch(base + "/webhooks/rest/conversations", {
        method: "POST", headers: { "Content-Type": "application/json" },
        body: JSON.stringify({ device: kiosk ? "kiosk" : "web" })
      })
        .then(function (r) { if (!r.ok) throw new Error("conversation " + r.status); return r.json(); })
        .then(function (c) { state.sender = c.sender; state.token = c.token; save(); starting = null; return state; },
              function (e) { starting = null; throw e; });
    }
    return starting;
  }
  function post(message) {
    return conversation().then(function () {
      return fetch(base + "/webhooks/rest/webhook", {
        method: "POST", headers: { "Content-Type": "application/json", "X-Conversation-Token": state.token },
        body: JSON.stringify({ sender: state.sender, message: message })
      });
    });
  }

  var css = [
    ".dvc-root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font-family:system-ui,'Noto Sans',Arial,sans-serif;font-size:15px;color:#1d2433}",
    ".dvc-root.kiosk{inset:0;right:0;bottom:0;font-size:24px}",
    ".dvc-toggle{background:#b3261e;color:#fff;border:0;border-radius:28px;padding:14px 20px;font-size:16px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3)}",
    ".dvc-panel{display:none;flex-direction:column;width:360px;max-width:calc(100vw - 40px);height:520px;max-height:calc(100vh - 100px);background:#fff;border:1px solid #d0d4dc;border-radius:12px;box-shadow:0 4px 18px rgba(0,0,0,.25);overflow:hidden}",
    ".dvc-root.open .dvc-panel{display:flex}.dvc-root.open .dvc-toggle{display:none}",
    ".kiosk .dvc-panel{width:100%;max-width:none;height:100%;max-height:none;border-radius:0}",
    ".dvc-head{background:#b3261e;color:#fff;padding:10px 14px;display:flex;justify-content:space-between;align-items:center;font-weight:600}",
    ".dvc-head button{background:transparent;color:#fff;border:1px solid #fff;border-radius:6px;cursor:pointer;font-size:inherit}",
    ".dvc-log{flex:1;overflow-y:auto;padding:12px;background:#f6f7f9}",
    ".dvc-msg{margin:6px 0;padding:8px 12px;border-radius:10px;max-width:85%;white-space:pre-wrap;word-wrap:break-word}",
    ".dvc-bot{background:#fff;border:1px solid #e1e4ea}.dvc-user{background:#dbe7ff;margin-left:auto}.dvc-officer{background:#fff4d6;border:1px solid #f0d58a}",
    ".dvc-buttons{display:flex;flex-wrap:wrap;gap:6px;margin:4px 0 8px}",
    ".dvc-buttons button{border:1px solid #b3261e;color:#b3261e;background:#fff;border-radius:16px;padding:6px 12px;cursor:pointer;font-size:inherit}",
    ".kiosk .dvc-buttons button{padding:18px 26px;border-radius:14px}",
    ".dvc-doc{display:block;color:#b3261e;font-weight:600}",
    ".dvc-typing{font-style:italic;color:#667;padding:0 12px 6px;min-height:1.4em}",
    ".dvc-form{display:flex;border-top:1px solid #e1e4ea}.dvc-form input{flex:1;border:0;padding:12px;font-size:inherit}",
    ".dvc-form button{border:0;background:#b3261e;color:#fff;padding:0 16px;cursor:pointer;font-size:inherit}",
    ".dvc-root :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}"
  ].join("\n");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  // Text with http(s) links made clickable; everything else stays plain text.
  function richText(node, text) {
    var parts = String(text).split(/(https?:\/\/[^\s<>"]+)/g);
    parts.forEach(function (part, i) {
      if (i % 2 === 1) {
        var a = el("a", null, part); a.href = part; a.target = "_blank"; a.rel = "noopener noreferrer";
        node.appendChild(a);
      } else if (part) { node.appendChild(document.createTextNode(part)); }
    });
    return node;
  }

  var style = el("style"); style.textContent = css; document.head.appendChild(style);
  var root = el("div", "dvc-root" + (kiosk ? " kiosk" : "") + (state.open ? " open" : ""));
  // Text only (no emoji): a kiosk or portal PC without an emoji font would show an empty box.
  var toggle = el("button", "dvc-toggle", "Hỏi trợ lý Dịch vụ công");
  toggle.type = "button"; toggle.setAttribute("aria-expanded", String(state.open));
  var panel = el("section", "dvc-panel"); panel.setAttribute("aria-label", "Trợ lý ảo Dịch vụ công");
  var head = el("div", "dvc-head"); head.appendChild(el("span", null, "Trợ lý ảo Dịch vụ công"));
  var close = el("button", null, kiosk ? "Làm mới" : "Đóng"); close.type = "button";
  close.setAttribute("aria-label", kiosk ? "Xóa cuộc trò chuyện" : "Đóng cửa sổ trò chuyện");
  // Login (not on a kiosk: a shared screen): only a signed-in citizen's data is kept and prefilled.
  var account = el("button", null, "Đăng nhập để tự điền"); account.type = "button"; account.hidden = true;
  if (!kiosk) head.appendChild(account);
  head.appendChild(close);
  var log = el("div", "dvc-log"); log.setAttribute("role", "log"); log.setAttribute("aria-live", "polite");
  var typing = el("div", "dvc-typing"); typing.setAttribute("aria-live", "polite");
  var form = el("form", "dvc-form");
  var input = el("input"); input.type = "text"; input.maxLength = 2000; input.autocomplete = "off";
  input.placeholder = "Nhập câu hỏi, ví dụ: làm giấy khai sinh"; input.setAttribute("aria-label", "Câu hỏi của bạn");
  var send = el("button", null, "Gửi"); send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  panel.appendChild(head); panel.appendChild(log); panel.appendChild(typing); panel.appendChild(form);
  root.appendChild(toggle); root.appendChild(panel);
  document.body.appendChild(root);

  function render(item) {
    var who = item.author === "user" ? "dvc-user" : item.author === "officer" ? "dvc-officer" : "dvc-bot";
    if (item.text) log.appendChild(richText(el("div", "dvc-msg " + who), item.text));
    if (item.document && /^\/[\w\-\/.?=&%]*$/.test(item.document.url)) {
      var doc = el("a", "dvc-msg dvc-bot dvc-doc", "Tải tờ khai " + item.document.filename);
      doc.href = base + item.document.url; doc.target = "_blank"; doc.rel = "noopener";
      log.appendChild(doc);
    }
    if (item.buttons && item.buttons.length) {
      var row = el("div", "dvc-buttons");
      item.buttons.forEach(function (b) {
        var button = el("button", null, b.title); button.type = "button";
        button.addEventListener("click", function () { b.url ? login(b.url) : ask(b.payload, b.title); });
        row.appendChild(button);
      });
      log.appendChild(row);
    }
  }
  function add(item) { state.history.push(item); save(); render(item); }
  // Show the start of what just arrived (a long answer is read from its top, not its end).
  function reveal(first) { log.scrollTop = first ? first.offsetTop - log.offsetTop - 8 : log.scrollHeight; }
  function addReplies(replies) {
    var first = null;
    (replies || []).forEach(function (r) {
      var officer = r.custom && r.custom.author === "officer";
      var before = log.children.length;
      add({ author: officer ? "officer" : "bot", text: r.text || "", buttons: r.buttons || [],
            document: r.custom && r.custom.document ? r.custom.document : null });
      first = first || log.children[before] || null;
    });
    if (first) reveal(first);
  }

  var busy = false;
  function ask(message, shown) {
    if (busy) return;
    add({ author: "user", text: shown || message });
    reveal(null);
    busy = true; typing.textContent = "Trợ lý đang trả lời…";
    post(message).then(function (r) {
      if (r.status !== 401) return r;
      state.token = null;  // the gateway no longer knows this conversation (its key changed): start anew
      return post(message);
    }).then(function (r) { if (!r.ok) throw new Error("webhook " + r.status); return r.json(); })
      .then(function (replies) { addReplies(replies); if (!accountKnown) refreshAccount(); })
      .catch(function () { add({ author: "bot", text: "Xin lỗi, không kết nối được máy chủ. Bạn vui lòng thử lại." }); })
      .then(function () { busy = false; typing.textContent = ""; input.focus(); });
  }

  function poll() {
    if (!state.open || busy || !state.token) return;
    fetch(base + "/webhooks/rest/outbox", { headers: { "X-Conversation-Token": state.token } })
      .then(function (r) { return r.ok ? r.json() : []; }).then(addReplies).catch(function () {});
  }

  // The login happens in this tab at the identity provider, which sends the citizen back to this page;
  // the conversation (sessionStorage) is still here, now signed in.
  function openLogin(url) {
    if (url.indexOf(base + "/auth/login/") !== 0) return;
    location.href = url + "?return_to=" + encodeURIComponent(location.href);
  }
  // A login button in a reply asks for a link of its own: the gateway binds that one to this browser
  // (a cookie), where a link from a reply would end on a code to type back into the chat.
  function login(offered) {
    if (offered && offered.indexOf(base + "/auth/login/") !== 0) return;
    conversation().then(function () { return authorized("/auth/links", "POST"); })
      .then(function (link) { openLogin(link.url); })
      .catch(function () { add({ author: "bot", text: "Xin lỗi, chưa đăng nhập được lúc này. Bạn vui lòng thử lại sau." }); });
  }
  function authorized(path, method) {
    return fetch(base + path, { method: method || "GET", headers: { "X-Conversation-Token": state.token } })
      .then(function (r) { if (!r.ok) throw new Error(path + " " + r.status); return r.json(); });
  }
  var accountKnown = false;
  function showAccount(me) {
    accountKnown = true;
    account.hidden = !me.login_available;
    account.textContent = me.signed_in ? "Đăng xuất" : "Đăng nhập để tự điền";
    if (me.signed_in && !state.signedIn) {
      add({ author: "bot", text: "Bạn đã đăng nhập. Thông tin bạn đồng ý lưu sẽ được tự điền vào tờ khai lần sau." });
    }
    state.signedIn = me.signed_in; save();
  }
  function refreshAccount() {
    if (!kiosk && state.token) authorized("/auth/me").then(showAccount).catch(function () {});
  }
  account.addEventListener("click", function () {
    if (state.signedIn) { authorized("/auth/logout", "POST").then(showAccount).catch(function () {}); return; }
    login();
  });

  function setOpen(open) {
    state.open = open; save();
    root.classList.toggle("open", open); toggle.setAttribute("aria-expanded", String(open));
    (open ? input : toggle).focus();
  }

  toggle.addEventListener("click", function () { setOpen(true); });
  close.addEventListener("click", function () { if (kiosk) { reset(); } else { setOpen(false); } });
  root.addEventListener("keydown", function (e) { if (e.key === "Escape" && !kiosk) setOpen(false); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim(); if (!text) return;
    input.value = ""; ask(text);
  });

  function reset() { sessionStorage.removeItem(STORE); state = load(); log.textContent = ""; greet(); }
  function greet() { if (!state.history.length) ask("xin chào", "Xin chào"); }

  state.history.forEach(render);
  reveal(null);
  refreshAccount();
  if (state.open) greet();
  toggle.addEventListener("click", greet);
  setInterval(poll, 5000);

  // Public hooks for the kiosk page (big buttons, voice, idle wipe).
  window.dvcChat = { ask: ask, reset: reset, sender: function () { return state.sender; }, addReplies: addReplies };
})();
