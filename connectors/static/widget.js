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
    try {
      var s = JSON.parse(sessionStorage.getItem(STORE));
      if (s && s.sender && s.token) { s.queue = s.queue || []; return s; }
    } catch (e) {}
    // queue: questions typed while the assistant was answering, not sent yet (kept across a reload).
    return { sender: null, token: null, history: [], open: kiosk, handover: "none", queue: [] };
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

  // On a phone the chat takes the whole screen; inputs are 16 px (iOS zooms into smaller ones); chips are
  // 44 px tall (a finger); focus rings are drawn inside the edges that clip (the panel, the input bar).
  var css = [
    ".dvc-root{position:fixed;right:20px;bottom:20px;z-index:2147483000;font-family:system-ui,'Noto Sans',Arial,sans-serif;font-size:16px;color:#1d2433}",
    ".dvc-root.kiosk{inset:0;right:0;bottom:0;font-size:24px}",
    ".dvc-toggle{background:#b3261e;color:#fff;border:0;border-radius:28px;padding:14px 20px;font-size:16px;cursor:pointer;box-shadow:0 2px 8px rgba(0,0,0,.3);min-height:48px}",
    ".dvc-panel{display:none;box-sizing:border-box;flex-direction:column;width:380px;max-width:calc(100vw - 40px);height:560px;max-height:calc(100vh - 100px);background:#fff;border:1px solid #d0d4dc;border-radius:12px;box-shadow:0 4px 18px rgba(0,0,0,.25);overflow:hidden}",
    ".dvc-root.open .dvc-panel{display:flex}.dvc-root.open .dvc-toggle{display:none}",
    ".kiosk .dvc-panel{width:100%;max-width:none;height:100%;max-height:none;border-radius:0}",
    "@media (max-width:600px){.dvc-root.open{inset:0;right:0;bottom:0}",
    " .dvc-root.open .dvc-panel{width:100%;max-width:none;height:100%;max-height:none;border:0;border-radius:0;box-shadow:none}}",
    // The input comes first in the page's tab order (then Gửi, then the chips): the form is before the
    // log in the document, drawn below it.
    ".dvc-head{order:0}.dvc-status{order:1}.dvc-log{order:2}.dvc-cue{order:3}.dvc-typing{order:4}.dvc-form{order:5}",
    ".dvc-head{background:#b3261e;color:#fff;padding:10px 14px;display:flex;gap:8px;justify-content:space-between;align-items:center;font-weight:600}",
    ".dvc-head span{flex:1}",
    ".dvc-head button{background:transparent;color:#fff;border:1px solid #fff;border-radius:6px;cursor:pointer;font-size:inherit;min-height:44px;padding:0 12px}",
    ".dvc-status{background:#fff4d6;color:#5c4400;padding:8px 14px;border-bottom:1px solid #f0d58a}",
    ".dvc-log{flex:1;overflow-y:auto;padding:12px;background:#f6f7f9}",
    ".dvc-msg{margin:6px 0;padding:8px 12px;border-radius:10px;max-width:85%;white-space:pre-wrap;word-wrap:break-word}",
    ".dvc-bot{background:#fff;border:1px solid #e1e4ea}.dvc-user{background:#dbe7ff;margin-left:auto}.dvc-officer{background:#fff4d6;border:1px solid #f0d58a}",
    ".dvc-queued{opacity:.7}",
    ".dvc-who{display:block;font-size:.85em;font-weight:700;color:#7a5a00}",
    ".dvc-notice{text-align:center;font-size:.9em;color:#4a5260;margin:10px 0}",
    ".dvc-code{color:#5b6270;font-size:.85em}",
    ".dvc-msg a{color:#0b57d0}",
    ".dvc-buttons{display:flex;flex-wrap:wrap;gap:8px;margin:4px 0 8px}",
    ".dvc-buttons button{border:1px solid #b3261e;color:#b3261e;background:#fff;border-radius:22px;padding:6px 14px;min-height:44px;cursor:pointer;font-size:inherit}",
    ".dvc-buttons button:disabled{border-color:#c4c8d0;color:#8a909c;cursor:default}",
    ".dvc-feedback{align-items:center;border-top:1px dashed #d0d4dc;padding-top:6px}",
    ".dvc-feedback span{font-size:.9em;color:#4a5260}",
    ".dvc-feedback button{border-color:#5b6270;color:#1d2433}",
    ".kiosk .dvc-buttons button{padding:18px 26px;border-radius:14px}",
    ".dvc-doc{display:block;color:#b3261e;font-weight:600}",
    ".dvc-qr{display:flex;gap:16px;align-items:center;margin:6px 0 10px;max-width:85%}",
    ".dvc-qr img{width:200px;height:200px;image-rendering:pixelated;background:#fff;border:1px solid #e1e4ea}",
    ".dvc-cue{border:0;border-top:1px solid #e1e4ea;background:#fff;color:#b3261e;font-weight:600;min-height:44px;cursor:pointer;font-size:inherit}",
    ".dvc-typing{font-style:italic;color:#4a5260;padding:0 12px 6px;min-height:1.4em}",
    ".dvc-form{display:flex;border-top:1px solid #e1e4ea}.dvc-form input{flex:1;min-width:0;border:0;padding:12px;font-size:16px;min-height:48px}",
    ".kiosk .dvc-form input{font-size:inherit}",
    ".dvc-form button{border:0;background:#b3261e;color:#fff;padding:0 18px;min-width:64px;cursor:pointer;font-size:inherit}",
    ".dvc-root :focus-visible{outline:3px solid #1a73e8;outline-offset:2px}",
    ".dvc-form :focus-visible,.dvc-cue:focus-visible{outline-offset:-4px}",
    ".dvc-form button:focus-visible{outline-color:#fff;box-shadow:inset 0 0 0 7px #1a73e8}",
    ".dvc-head :focus-visible{outline-color:#fff}"
  ].join("\n");

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text != null) node.textContent = text;
    return node;
  }

  // Presentation of the bot's plain text (other channels show it as is): a link gets a short label (its
  // site; on the kiosk a QR code, no tab to leave open), a procedure code is set in small grey type, and
  // a dossier's download path is not printed: the download button follows the message.
  var URL_RE = /(https?:\/\/[^\s<>"]+)/g;
  var CODE_RE = /(\(mã [^()]*\))/g;
  function host(url) {
    try { return new URL(url).hostname.replace(/^www\./, ""); } catch (e) { return url; }
  }
  function plain(node, text) {
    String(text).split(CODE_RE).forEach(function (part, i) {
      if (i % 2 === 1) node.appendChild(el("span", "dvc-code", part));
      else if (part) node.appendChild(document.createTextNode(part));
    });
  }
  function richText(node, text) {
    text = String(text).replace(/:\s*\/dossiers\/\S+/g, " bằng nút “Tải tờ khai” bên dưới.");
    var qrs = [];
    text.split(URL_RE).forEach(function (part, i) {
      if (i % 2 === 0) { if (part) plain(node, part); return; }
      var trail = part.match(/[.,;:)]+$/); var url = trail ? part.slice(0, -trail[0].length) : part;
      if (kiosk && window.qrcode) {
        node.appendChild(document.createTextNode(host(url) + " (quét mã QR bên dưới)"));
        qrs.push(url);
      } else {
        var a = el("a", null, host(url)); a.href = url; a.title = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        node.appendChild(a);
      }
      if (trail) node.appendChild(document.createTextNode(trail[0]));
    });
    return qrs;
  }
  function qrBlock(url) {
    var box = el("figure", "dvc-qr");
    try {
      var qr = window.qrcode(0, "M"); qr.addData(url); qr.make();
      var img = el("img"); img.src = qr.createDataURL(8, 2); img.alt = "Mã QR mở " + host(url);
      box.appendChild(img);
    } catch (e) { return null; }
    box.appendChild(el("figcaption", null, "Quét mã bằng điện thoại để mở trang " + host(url) + "."));
    box.setAttribute("data-url", url);
    return box;
  }

  var style = el("style"); style.textContent = css; document.head.appendChild(style);
  var root = el("div", "dvc-root" + (kiosk ? " kiosk" : "") + (state.open ? " open" : ""));
  // Text only (no emoji): a kiosk or portal PC without an emoji font would show an empty box.
  var toggle = el("button", "dvc-toggle", "Hỏi trợ lý Dịch vụ công");
  toggle.type = "button"; toggle.setAttribute("aria-expanded", String(state.open));
  var panel = el("section", "dvc-panel"); panel.setAttribute("aria-label", "Trợ lý ảo Dịch vụ công");
  var head = el("div", "dvc-head"); head.appendChild(el("span", null, "Trợ lý ảo Dịch vụ công"));
  var close = el("button", "dvc-close", kiosk ? "Làm mới" : "Đóng"); close.type = "button";
  close.setAttribute("aria-label", kiosk ? "Xóa cuộc trò chuyện" : "Đóng cửa sổ trò chuyện");
  // Login (not on a kiosk: a shared screen): only a signed-in citizen's data is kept and prefilled.
  var account = el("button", null, "Đăng nhập để tự điền"); account.type = "button"; account.hidden = true;
  if (!kiosk) head.appendChild(account);
  head.appendChild(close);
  var status = el("div", "dvc-status"); status.setAttribute("role", "status"); status.hidden = true;
  var log = el("div", "dvc-log"); log.setAttribute("role", "log"); log.setAttribute("aria-live", "polite");
  var cue = el("button", "dvc-cue", "Xem các lựa chọn bên dưới ↓"); cue.type = "button"; cue.hidden = true;
  var typing = el("div", "dvc-typing"); typing.setAttribute("aria-live", "polite");
  var form = el("form", "dvc-form");
  var input = el("input"); input.type = "text"; input.maxLength = 2000; input.autocomplete = "off";
  input.placeholder = "Nhập câu hỏi, ví dụ: làm giấy khai sinh"; input.setAttribute("aria-label", "Câu hỏi của bạn");
  var send = el("button", null, "Gửi"); send.type = "submit";
  form.appendChild(input); form.appendChild(send);
  [head, form, status, log, cue, typing].forEach(function (part) { panel.appendChild(part); });
  root.appendChild(toggle); root.appendChild(panel);
  document.body.appendChild(root);

  function isFeedback(b) { return /^\/give_feedback\b/.test(b.payload || ""); }
  function chipRow(buttons, cls) {
    var row = el("div", cls);
    buttons.forEach(function (b) {
      var button = el("button", null, b.title); button.type = "button";
      button.addEventListener("click", function () {
        if (button.disabled) return;
        if (b.url) { login(b.url); return; }
        if (isFeedback(b)) row.querySelectorAll("button").forEach(function (x) { x.disabled = true; });
        ask(b.payload, b.title);
      });
      row.appendChild(button);
    });
    return row;
  }
  function render(item) {
    if (item.author === "notice") { log.appendChild(el("p", "dvc-notice", item.text)); return; }
    var who = item.author === "user" ? "dvc-user" + (item.queued ? " dvc-queued" : "") :
              item.author === "officer" ? "dvc-officer" : "dvc-bot";
    var qrs = [];
    if (item.text) {
      var bubble = el("div", "dvc-msg " + who);
      if (item.author === "officer") bubble.appendChild(el("span", "dvc-who", "Cán bộ"));
      if (item.author === "user") plain(bubble, item.text); else qrs = richText(bubble, item.text);
      log.appendChild(bubble);
    }
    qrs.forEach(function (url) { var box = qrBlock(url); if (box) log.appendChild(box); });
    if (item.document && /^\/[\w\-\/.?=&%]*$/.test(item.document.url)) {
      var doc = el("a", "dvc-msg dvc-bot dvc-doc", "Tải tờ khai " + item.document.filename);
      doc.href = base + item.document.url; doc.target = "_blank"; doc.rel = "noopener";
      log.appendChild(doc);
    }
    var buttons = item.buttons || [];
    var navigation = buttons.filter(function (b) { return !isFeedback(b); });
    var feedback = buttons.filter(isFeedback);
    if (navigation.length) log.appendChild(chipRow(navigation, "dvc-buttons"));
    if (feedback.length) {
      var row = chipRow(feedback, "dvc-buttons dvc-feedback");
      row.insertBefore(el("span", null, "Câu trả lời có giúp được bạn?"), row.firstChild);
      log.appendChild(row);
    }
  }
  // Chips of earlier answers no longer apply once a newer answer came: shown, but not clickable.
  function retireChipsBefore(node) {
    log.querySelectorAll(".dvc-buttons button").forEach(function (b) {
      if (!node || (node.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_PRECEDING)) b.disabled = true;
    });
  }
  function add(item) { state.history.push(item); save(); render(item); }
  // Show the start of what just arrived (a long answer is read from its top, not its end).
  function reveal(first) { log.scrollTop = first ? first.offsetTop - log.offsetTop - 8 : log.scrollHeight; cueUpdate(); }
  // Options below the fold get a cue that scrolls to them.
  function lastRow() { var rows = log.querySelectorAll(".dvc-buttons"); return rows.length ? rows[rows.length - 1] : null; }
  function cueUpdate() {
    var row = lastRow();
    var below = row && !row.querySelector("button:disabled") &&
      row.offsetTop - log.offsetTop + Math.min(row.offsetHeight, 44) > log.scrollTop + log.clientHeight;
    cue.hidden = !below;
  }
  log.addEventListener("scroll", cueUpdate);
  cue.addEventListener("click", function () {
    var row = lastRow(); if (row) { row.scrollIntoView({ block: "end" }); var b = row.querySelector("button"); if (b) b.focus(); }
    cueUpdate();
  });
  var listeners = [];
  function addReplies(replies, greeting) {
    var first = null;
    (replies || []).forEach(function (r) {
      var officer = r.custom && r.custom.author === "officer";
      var before = log.children.length;
      add({ author: officer ? "officer" : "bot", text: r.text || "", buttons: r.buttons || [],
            document: r.custom && r.custom.document ? r.custom.document : null });
      first = first || log.children[before] || null;
    });
    if (first) { retireChipsBefore(first); reveal(first); }
    if (replies && replies.length) listeners.forEach(function (f) { try { f(replies, !!greeting); } catch (e) {} });
  }

  // A question typed (or a chip pressed) while the assistant is answering is shown at once and sent
  // as soon as the answer came: never dropped. The queue is kept with the conversation (sessionStorage),
  // so a reload sends it too; a question leaves the stored queue as it is sent: sent once, never twice.
  var busy = false;
  function ask(message, shown, silent) {
    if (busy) {
      if (!silent) add({ author: "user", text: shown || message, queued: true });
      state.queue.push({ message: message, shown: !silent }); save();
      if (!silent) reveal(null);
      typing.textContent = "Trợ lý đang trả lời… Câu hỏi tiếp theo sẽ được gửi ngay sau đó.";
      return;
    }
    if (!silent) { add({ author: "user", text: shown || message }); reveal(null); }
    turn(message, silent);
  }
  function sendQueued() {
    var next = state.queue.shift();
    if (!next) return false;
    if (next.shown) {
      var item = state.history.filter(function (h) { return h.queued; })[0];
      if (item) delete item.queued;
      var bubble = log.querySelector(".dvc-queued");
      if (bubble) bubble.classList.remove("dvc-queued");
    }
    save();  // out of the stored queue before it leaves: a reload from now on does not send it again
    turn(next.message);
    return true;
  }
  function turn(message, greeting) {
    busy = true; typing.textContent = "Trợ lý đang trả lời…";
    var epoch = resets;
    post(message).then(function (r) {
      if (r.status !== 401) return r;
      state.token = null;  // the gateway no longer knows this conversation (its key changed): start anew
      return post(message);
    }).then(function (r) { if (!r.ok) throw new Error("webhook " + r.status); return r.json(); })
      .then(function (replies) {
        if (epoch !== resets) return;
        addReplies(replies, greeting); if (!accountKnown) refreshAccount(); checkHandover();
      })
      .catch(function () { if (epoch === resets) add({ author: "bot", text: "Xin lỗi, không kết nối được máy chủ. Bạn vui lòng thử lại." }); })
      .then(function () {
        if (epoch !== resets) return;
        busy = false; typing.textContent = "";
        if (!sendQueued() && state.open && !kiosk) input.focus();
      });
  }

  function poll() {
    if (!state.open || busy || !state.token) return;
    fetch(base + "/webhooks/rest/outbox", { headers: { "X-Conversation-Token": state.token } })
      .then(function (r) { return r.ok ? r.json() : []; }).then(function (replies) { addReplies(replies); }).catch(function () {});
    if (state.handover === "waiting" || state.handover === "active") checkHandover();
  }

  // Handover to an officer: waiting (and behind how many), taken, given back to the assistant.
  function showHandover(now) {
    var was = state.handover || "none";
    if (now.status === "waiting") {
      status.textContent = "Đang chờ cán bộ tiếp nhận" + (now.ahead ? " (có " + now.ahead + " người chờ trước bạn)" : "") +
        ". Bạn vẫn có thể hỏi trợ lý trong lúc chờ.";
      status.hidden = false;
    } else if (now.status === "active") {
      status.textContent = "Cán bộ đang hỗ trợ bạn trong cuộc trò chuyện này.";
      status.hidden = false;
      if (was !== "active") add({ author: "notice", text: "Cán bộ đã tiếp nhận cuộc trò chuyện và sẽ trả lời bạn tại đây." });
    } else if (was !== "none") {
      status.textContent = "Cán bộ đã kết thúc cuộc trò chuyện. Trợ lý ảo tiếp tục hỗ trợ bạn.";
      status.hidden = false;
    }
    state.handover = now.status; save();
  }
  function checkHandover() {
    if (!state.token) return;
    authorized("/webhooks/rest/handover").then(showHandover).catch(function () {});
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
      .catch(function (e) {
        add({ author: "bot", text: e.status === 503 ? "Hệ thống này chưa có đăng nhập, nên bạn không đăng nhập được ở đây."
                                                  : "Xin lỗi, chưa đăng nhập được lúc này. Bạn vui lòng thử lại sau." });
      });
  }
  function authorized(path, method) {
    return fetch(base + path, { method: method || "GET", headers: { "X-Conversation-Token": state.token } })
      .then(function (r) {
        if (!r.ok) { var e = new Error(path + " " + r.status); e.status = r.status; throw e; }
        return r.json();
      });
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
    if (open) cueUpdate();
  }

  toggle.addEventListener("click", function () { setOpen(true); });
  close.addEventListener("click", function () { if (kiosk) { reset(); } else { setOpen(false); } });
  root.addEventListener("keydown", function (e) { if (e.key === "Escape" && !kiosk) setOpen(false); });
  form.addEventListener("submit", function (e) {
    e.preventDefault();
    var text = input.value.trim(); if (!text) return;
    input.value = ""; ask(text);
  });

  var resets = 0;
  function reset() {
    resets++; busy = false; typing.textContent = ""; status.hidden = true;
    sessionStorage.removeItem(STORE); state = load(); log.textContent = ""; cue.hidden = true; greet();
  }
  // The greeting is asked for, not said by the citizen: no "Xin chào" bubble of theirs.
  function greet() { if (!state.history.length) ask("xin chào", null, true); }

  state.history.forEach(render);
  var lastUser = [].filter.call(log.children, function (n) { return n.classList.contains("dvc-user"); }).pop();
  var since = lastUser ? lastUser.nextSibling : log.firstChild;
  retireChipsBefore(since || null);
  reveal(null);
  refreshAccount();
  if (state.handover === "waiting" || state.handover === "active") checkHandover();
  if (state.open) greet();
  if (!busy) sendQueued();  // what was waiting when the page was reloaded
  toggle.addEventListener("click", greet);
  setInterval(poll, 5000);

  // Public hooks for the kiosk page (big buttons, voice, idle wipe).
  window.dvcChat = {
    ask: ask, reset: reset, addReplies: addReplies,
    sender: function () { return state.sender; },
    token: function () { return state.token; },
    onReplies: function (f) { listeners.push(f); },
    root: root
  };
})();
