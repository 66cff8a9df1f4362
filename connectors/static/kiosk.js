/* Kiosk behaviour on top of the widget: big buttons, tap to talk, answers read aloud, text size, print,
 * a 90 s idle wipe announced 15 s before. */
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

  // Keep the chat above the button bar, whatever its height on this screen.
  var bar = document.querySelector(".bar");
  function fit() { chat.root.style.bottom = bar.offsetHeight + "px"; }
  window.addEventListener("resize", fit); fit(); setTimeout(fit, 100);
  if (window.ResizeObserver) new ResizeObserver(fit).observe(bar);  // fonts arriving, text size changes

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

  setSize(DEFAULT_SIZE);
  touch();
})();
