/* Kiosk behaviour on top of the widget: big buttons, tap to talk, answers read aloud, text size, print,
 * an on-screen Vietnamese keyboard, a 90 s idle wipe announced 15 s before. */
(function () {
  "use strict";
  var chat = window.dvcChat;
  var params = new URLSearchParams(location.search);
  // 90 s without a touch wipes the conversation (privacy); ?idle=N overrides for tests and set-up. The
  // warning comes 15 s before (half the time when that is shorter).
  var IDLE_MS = (Number(params.get("idle")) || 90) * 1000;
  var WARN_MS = Math.min(15000, IDLE_MS / 2);
  var idleTimer, warnTimer, countdown;
  var warning = document.getElementById("idle-warning");
  var seconds = document.getElementById("idle-seconds");

  function wipe() {
    hideWarning();
    stopRecording(false);
    speaking++; stopSpeaking(); lastAudio = null; replay.disabled = true;
    setSize(DEFAULT_SIZE);
    setKeyboard(false); input.value = ""; input.blur();
    chat.reset();
  }
  function showWarning() {
    var left = Math.round(WARN_MS / 1000);
    seconds.textContent = String(left); warning.hidden = false;
    document.getElementById("still-here").focus();
    countdown = setInterval(function () { left = Math.max(0, left - 1); seconds.textContent = String(left); }, 1000);
  }
  function hideWarning() { warning.hidden = true; clearInterval(countdown); }
  function touch() {
    hideWarning();
    clearTimeout(idleTimer); clearTimeout(warnTimer);
    warnTimer = setTimeout(showWarning, IDLE_MS - WARN_MS);
    idleTimer = setTimeout(wipe, IDLE_MS);
  }
  ["click", "keydown", "touchstart", "pointerdown"].forEach(function (t) { document.addEventListener(t, touch, true); });
  document.getElementById("still-here").addEventListener("click", touch);

  // Keep the chat above the button bar (and the keyboard above the bar), whatever their heights on this screen.
  var bar = document.querySelector(".bar"), keyboard = document.getElementById("keyboard");
  function fit() {
    keyboard.style.bottom = bar.offsetHeight + "px";
    chat.root.style.bottom = bar.offsetHeight + (keyboard.hidden ? 0 : keyboard.offsetHeight) + "px";
  }
  window.addEventListener("resize", fit); fit(); setTimeout(fit, 100);
  if (window.ResizeObserver) { var watch = new ResizeObserver(fit); watch.observe(bar); watch.observe(keyboard); }

  document.querySelectorAll("[data-ask]").forEach(function (b) {
    b.addEventListener("click", function () { chat.ask(b.getAttribute("data-ask"), b.textContent); });
  });
  document.getElementById("reset").addEventListener("click", wipe);

  // Text size: A− / A+ (the page cannot be pinch-zoomed on most kiosk browsers); back to normal on a wipe.
  var DEFAULT_SIZE = 24, size = DEFAULT_SIZE;
  var smaller = document.getElementById("smaller"), larger = document.getElementById("larger");
  function setSize(px) {
    size = Math.max(20, Math.min(40, px));
    chat.root.style.fontSize = size + "px";
    smaller.disabled = size <= 20; larger.disabled = size >= 40;
    fit();
  }
  smaller.addEventListener("click", function () { setSize(size - 4); });
  larger.addEventListener("click", function () { setSize(size + 4); });

  // The printout says where and when: the office (KIOSK_OFFICE_NAME) and the date.
  var office = document.getElementById("print-office");
  fetch("/kiosk/settings").then(function (r) { return r.ok ? r.json() : {}; })
    .then(function (s) { if (s.office_name) office.textContent = s.office_name; }).catch(function () {});
  function stamp() {
    var now = new Date();
    function two(n) { return (n < 10 ? "0" : "") + n; }
    document.getElementById("print-date").textContent = "In lúc " + two(now.getHours()) + ":" + two(now.getMinutes()) +
      ", ngày " + two(now.getDate()) + "/" + two(now.getMonth() + 1) + "/" + now.getFullYear();
  }
  window.addEventListener("beforeprint", stamp);
  document.getElementById("print").addEventListener("click", function () { stamp(); window.print(); });

  // Answers read aloud (POST /kiosk/tts with this kiosk conversation's token), "Nghe lại" plays the last
  // one again. Links and procedure codes are left out of what is spoken; the screen shows them.
  var replay = document.getElementById("replay");
  var player = null, lastAudio = null, speaking = 0;
  function spoken(replies) {
    var text = replies.map(function (r) { return r.text || ""; }).join("\n")
      .split("\n").filter(function (line) { return !/^\s*Nguồn:/.test(line); }).join("\n")
      .replace(/https?:\/\/\S+/g, "").replace(/:\s*\/dossiers\/\S+/g, ".").replace(/\(mã [^()]*\)/g, "")
      .replace(/[•]/g, "").replace(/[ \t]+/g, " ").trim();
    if (text.length > 1000) {
      var cut = text.slice(0, 1000); var end = Math.max(cut.lastIndexOf("."), cut.lastIndexOf("\n"));
      text = end > 200 ? cut.slice(0, end + 1) : cut;
    }
    return text;
  }
  function play(url) {
    stopSpeaking();
    player = new Audio(url);
    player.play().catch(function () {});  // without a touch yet the browser may refuse: "Nghe lại" stays
  }
  function stopSpeaking() { if (player) { player.pause(); player = null; } }
  function speak(replies) {
    var text = spoken(replies), token = chat.token();
    if (!text || !token) return;
    var mine = ++speaking;
    fetch("/kiosk/tts", { method: "POST", headers: { "Content-Type": "application/json", "X-Conversation-Token": token },
                          body: JSON.stringify({ text: text }) })
      .then(function (r) { if (!r.ok) throw new Error("tts " + r.status); return r.blob(); })
      .then(function (blob) {
        if (mine !== speaking) return;  // a newer answer (or a wipe) came meanwhile
        if (lastAudio) URL.revokeObjectURL(lastAudio);
        lastAudio = URL.createObjectURL(blob); replay.disabled = false;
        if (!recording()) play(lastAudio);
      })
      .catch(function () {});
  }
  chat.onReplies(function (replies, greeting) { if (!greeting) speak(replies); });
  replay.addEventListener("click", function () { if (lastAudio) play(lastAudio); });

  // Tap to talk: one tap starts recording, the next stops it and sends it (one click handler: a touch
  // screen's touch and its emulated mouse events do not start two recordings). Recording stops by
  // itself after 30 s, and on a wipe without sending anything.
  var talk = document.getElementById("talk");
  var mic = { state: "idle" };  // idle | starting | recording
  var MAX_RECORDING_MS = 30000;
  function recording() { return mic.state !== "idle"; }
  function setTalk(on) {
    talk.setAttribute("aria-pressed", String(on));
    talk.textContent = on ? "Đang nghe… Nhấn để dừng" : "Nhấn để nói";
  }
  function startRecording() {
    if (!navigator.mediaDevices || !(window.AudioContext || window.webkitAudioContext)) {
      chat.addReplies([{ text: "Thiết bị này không hỗ trợ ghi âm. Bạn vui lòng gõ câu hỏi." }]);
      return;
    }
    stopSpeaking();
    var attempt = mic = { state: "starting", chunks: [] };
    setTalk(true);
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (stream) {
      if (mic !== attempt) { stream.getTracks().forEach(function (t) { t.stop(); }); return; }  // stopped meanwhile
      attempt.stream = stream;
      attempt.ctx = new (window.AudioContext || window.webkitAudioContext)();
      attempt.source = attempt.ctx.createMediaStreamSource(stream);
      attempt.node = attempt.ctx.createScriptProcessor(4096, 1, 1);
      attempt.node.onaudioprocess = function (e) { attempt.chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
      attempt.source.connect(attempt.node); attempt.node.connect(attempt.ctx.destination);
      attempt.state = "recording";
      attempt.limit = setTimeout(function () { if (mic === attempt) stopRecording(true); }, MAX_RECORDING_MS);
    }).catch(function () {
      if (mic !== attempt) return;
      mic = { state: "idle" }; setTalk(false);
      chat.addReplies([{ text: "Không dùng được micro. Bạn vui lòng gõ câu hỏi." }]);
    });
  }
  function stopRecording(send) {
    var done = mic;
    mic = { state: "idle" }; setTalk(false);
    if (done.state !== "recording") return;  // nothing recorded yet: a late microphone is released on arrival
    clearTimeout(done.limit);
    done.node.disconnect(); done.source.disconnect();
    done.stream.getTracks().forEach(function (t) { t.stop(); });
    var rate = done.ctx.sampleRate; done.ctx.close();
    if (send && done.chunks.length) upload(wav(done.chunks, rate));
  }
  talk.addEventListener("click", function () { if (recording()) stopRecording(true); else startRecording(); });

  function wav(parts, rate) {
    var length = parts.reduce(function (n, p) { return n + p.length; }, 0);
    var view = new DataView(new ArrayBuffer(44 + length * 2));
    function text(offset, s) { for (var i = 0; i < s.length; i++) view.setUint8(offset + i, s.charCodeAt(i)); }
    text(0, "RIFF"); view.setUint32(4, 36 + length * 2, true); text(8, "WAVE"); text(12, "fmt ");
    view.setUint32(16, 16, true); view.setUint16(20, 1, true); view.setUint16(22, 1, true);
    view.setUint32(24, rate, true); view.setUint32(28, rate * 2, true); view.setUint16(32, 2, true);
    view.setUint16(34, 16, true); text(36, "data"); view.setUint32(40, length * 2, true);
    var offset = 44;
    parts.forEach(function (p) {
      for (var i = 0; i < p.length; i++, offset += 2) {
        var v = Math.max(-1, Math.min(1, p[i])); view.setInt16(offset, v < 0 ? v * 0x8000 : v * 0x7fff, true);
      }
    });
    return new Blob([view], { type: "audio/wav" });
  }
  function upload(blob) {
    var token = chat.token();  // recognition is for this kiosk conversation only, as reading aloud is
    if (!token) { chat.addReplies([{ text: "Xin lỗi, chưa nhận dạng được giọng nói. Bạn vui lòng thử lại." }]); return; }
    fetch("/kiosk/speech", { method: "POST", headers: { "Content-Type": "audio/wav", "X-Conversation-Token": token }, body: blob })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.text) { chat.ask(body.text); } else { chat.addReplies([{ text: body.message || body.detail }]); }
      })
      .catch(function () { chat.addReplies([{ text: "Xin lỗi, chưa nhận dạng được giọng nói." }]); });
  }

  // On-screen keyboard (a kiosk has no physical one): opens when the question box is tapped or with
  // "Bàn phím"; letters, ă â đ ê ô ơ ư, the five tones, digits, space, Xóa, Gửi. Vietnamese letters are
  // built as they are written by hand: a tone applies to the word being typed (placeTone), and a hat
  // typed after its vowel goes onto it ("chieu" + ê → "chiêu").
  var TONES = [["sắc", "\u0301", "á"], ["huyền", "\u0300", "à"], ["hỏi", "\u0309", "ả"], ["ngã", "\u0303", "ã"],
               ["nặng", "\u0323", "ạ"]];
  var TONE_MARK = /[\u0300\u0301\u0303\u0309\u0323]/g;
  var VOWELS = "aăâeêioôơuưy", HATS = "ăâêôơư";
  var HAT_ON = { "ă": "aâ", "â": "aă", "ê": "e", "ô": "oơ", "ơ": "oô", "ư": "u" };
  function toneOf(word) { var m = word.normalize("NFD").match(TONE_MARK); return m ? m[m.length - 1] : ""; }
  function withoutTone(word) { return word.normalize("NFD").replace(TONE_MARK, "").normalize("NFC"); }
  // The vowels of the (last) syllable, without the u of "qu" and the i of "gi" ("quý", "giữa").
  function vowelRun(bare) {
    var w = bare.toLowerCase(), end = w.length;
    while (end > 0 && VOWELS.indexOf(w[end - 1]) < 0) end--;
    if (!end) return null;
    var start = end - 1;
    while (start > 0 && VOWELS.indexOf(w[start - 1]) >= 0) start--;
    if (end - start > 1 && ((w[start] === "u" && w[start - 1] === "q") || (w[start] === "i" && w[start - 1] === "g"))) start++;
    return { start: start, vowels: w.slice(start, end), closed: end < w.length };
  }
  // "hoa" + sắc → "hóa", "quy" + huyền → "quỳ", "ngươi" + huyền → "người", "toan" + sắc → "toán": the tone goes on
  // the last vowel with a hat (ươ → ơ), else the middle of three, else the second of two before a final
  // consonant, else the first (the traditional placement the catalogue mostly uses: hóa, thủy, khỏe). A new
  // tone replaces the word's tone; an empty mark takes it off.
  function placeTone(word, mark) {
    var bare = withoutTone(word), run = vowelRun(bare);
    if (!run || !mark) return bare;
    var v = run.vowels, at = 0;
    for (var i = 0; i < v.length; i++) if (HATS.indexOf(v[i]) >= 0) at = i + 1;
    at = at ? at - 1 : v.length === 3 ? 1 : v.length === 2 && run.closed ? 1 : 0;
    at += run.start;
    return bare.slice(0, at) + (bare[at] + mark).normalize("NFC") + bare.slice(at + 1);
  }
  // A letter added to the word being typed: ă â ê ô ơ ư onto its plain vowel of the syllable if there is one
  // ("chieu" + ê → "chiêu", "nguoi" + ơ, ư → "ngươi"), đ onto its d; the word's tone moves where it belongs.
  function addLetter(word, letter) {
    var bare = withoutTone(word), lower = bare.toLowerCase(), at = -1, run = vowelRun(bare);
    if (letter === "đ") at = lower.indexOf("d");
    else if (HAT_ON[letter] && run) {
      for (var i = 0; i < run.vowels.length && at < 0; i++) if (HAT_ON[letter].indexOf(run.vowels[i]) >= 0) at = run.start + i;
    }
    var out = at < 0 ? bare + letter
      : bare.slice(0, at) + (bare[at] === lower[at] ? letter : letter.toUpperCase()) + bare.slice(at + 1);
    return placeTone(out, toneOf(word));
  }

  var input = chat.root.querySelector(".dvc-form input"), form = chat.root.querySelector(".dvc-form");
  var keyboardToggle = document.createElement("button");
  keyboardToggle.type = "button"; keyboardToggle.id = "keyboard-toggle"; keyboardToggle.textContent = "Bàn phím";
  keyboardToggle.setAttribute("aria-pressed", "false"); keyboardToggle.setAttribute("aria-controls", "keyboard");
  form.insertBefore(keyboardToggle, form.querySelector("button[type=submit]"));
  input.setAttribute("inputmode", "none");  // no system keyboard on top of ours
  // Replaces the word before the caret (and any selection) by what change(word) makes of it.
  function edit(change) {
    var from = input.selectionStart == null ? input.value.length : input.selectionStart;
    var to = input.selectionEnd == null ? from : input.selectionEnd;
    var before = input.value.slice(0, from), after = input.value.slice(to);
    var word = before.match(/\S*$/)[0];
    before = before.slice(0, before.length - word.length) + change(word);
    if ((before + after).length > (input.maxLength > 0 ? input.maxLength : 2000)) return;
    input.value = before + after;
    input.setSelectionRange(before.length, before.length);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function backspace() {
    var from = input.selectionStart, to = input.selectionEnd;
    if (from === to && from > 0) from--;
    input.value = input.value.slice(0, from) + input.value.slice(to);
    input.setSelectionRange(from, from);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }
  function press(key) {
    var kind = key.getAttribute("data-kind"), value = key.getAttribute("data-key");
    if (kind === "letter") edit(function (w) { return addLetter(w, value); });
    else if (kind === "digit") edit(function (w) { return w + value; });
    else if (kind === "tone") edit(function (w) { return vowelRun(withoutTone(w)) ? placeTone(w, value) : w; });
    else if (value === "space") edit(function (w) { return w + " "; });
    else if (value === "backspace") backspace();
    else if (value === "send") { if (form.requestSubmit) form.requestSubmit(); else form.dispatchEvent(new Event("submit", { cancelable: true })); }
    else if (value === "close") { setKeyboard(false); return; }
    if (document.activeElement !== input) input.focus({ preventScroll: true });
  }
  function key(label, kind, value, cls, name) {
    var b = document.createElement("button");
    b.type = "button"; b.className = cls || ""; b.setAttribute("data-kind", kind); b.setAttribute("data-key", value);
    if (Array.isArray(label)) {
      var big = document.createElement("span"), small = document.createElement("small");
      big.textContent = label[0]; small.textContent = label[1]; b.appendChild(big); b.appendChild(small);
    } else b.textContent = label;
    if (name) b.setAttribute("aria-label", name);
    return b;
  }
  function row(keys, cls) {
    var r = document.createElement("div"); r.className = "kb-row" + (cls ? " " + cls : "");
    keys.forEach(function (k) { r.appendChild(k); });
    return r;
  }
  function letters(s, cls) { return s.split("").map(function (c) { return key(c, "letter", c, cls); }); }
  (function build() {
    var rows = document.createElement("div"); rows.className = "kb-rows";
    rows.appendChild(row("1234567890".split("").map(function (d) { return key(d, "digit", d); })));
    rows.appendChild(row(letters("qwertyuiop")));
    rows.appendChild(row(letters("asdfghjkl").concat(letters("đ", "kb-hat"))));
    rows.appendChild(row(letters("zxcvbnm").concat([key("Xóa", "action", "backspace", "kb-wide kb-action")])));
    var pair = document.createElement("div"); pair.className = "kb-pair";
    pair.appendChild(row(letters("ăâêôơư", "kb-hat"), "kb-hats"));
    pair.appendChild(row(TONES.map(function (t) { return key([t[2], t[0]], "tone", t[1], "kb-tone", "Dấu " + t[0]); }), "kb-tones"));
    rows.appendChild(pair);
    rows.appendChild(row([key("Đóng bàn phím", "action", "close", "kb-wide kb-action"),
                          key("Dấu cách", "action", "space", "kb-space"),
                          key("Gửi", "action", "send", "kb-wide kb-send")]));
    keyboard.appendChild(rows);
  })();
  // A key keeps the focus (and the caret) in the question box.
  keyboard.addEventListener("mousedown", function (e) { e.preventDefault(); });
  keyboard.addEventListener("click", function (e) {
    var k = e.target.closest("button"); if (k && keyboard.contains(k)) press(k);
  });
  function setKeyboard(open) {
    keyboard.hidden = !open;
    keyboardToggle.setAttribute("aria-pressed", String(open));
    fit();
    showLatest();
  }
  // The log is shorter with the keyboard open: the latest answer is shown from its start, as on arrival.
  function showLatest() {
    var log = chat.root.querySelector(".dvc-log"); if (!log) return;
    var mine = log.querySelectorAll(".dvc-msg.dvc-user"), last = mine[mine.length - 1];
    var first = last ? last.nextElementSibling || last : log.firstElementChild;
    if (first) log.scrollTop = first.offsetTop - log.offsetTop - 8;
  }
  input.addEventListener("focus", function () { if (keyboard.hidden) setKeyboard(true); });
  input.addEventListener("click", function () { if (keyboard.hidden) setKeyboard(true); });
  keyboardToggle.addEventListener("click", function () {
    if (keyboard.hidden) { setKeyboard(true); input.focus({ preventScroll: true }); } else setKeyboard(false);
  });

  setSize(DEFAULT_SIZE);
  touch();
})();
