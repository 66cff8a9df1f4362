/* Kiosk behaviour on top of the widget: big buttons, push-to-talk, print, 90 s idle wipe. */
(function () {
  "use strict";
  // 90 s without a touch wipes the conversation (privacy); ?idle=N overrides for tests and set-up.
  var IDLE_MS = (Number(new URLSearchParams(location.search).get("idle")) || 90) * 1000;
  var idleTimer;
  function wipe() { if (window.dvcChat) window.dvcChat.reset(); }
  function touch() { clearTimeout(idleTimer); idleTimer = setTimeout(wipe, IDLE_MS); }
  // Keep the chat above the button bar, whatever its height on this screen.
  var bar = document.querySelector(".bar");
  function fit() {
    var root = document.querySelector(".dvc-root.kiosk");
    if (root) root.style.bottom = bar.offsetHeight + "px";
  }
  window.addEventListener("resize", fit); fit(); setTimeout(fit, 100);

  ["click", "keydown", "touchstart"].forEach(function (t) { document.addEventListener(t, touch, true); });
  touch();

  document.querySelectorAll("[data-ask]").forEach(function (b) {
    b.addEventListener("click", function () { window.dvcChat.ask(b.getAttribute("data-ask"), b.textContent); });
  });
  document.getElementById("print").addEventListener("click", function () { window.print(); });

  // Push-to-talk: record 16-bit PCM while pressed (Web Audio), send it as WAV for speech-to-text.
  var talk = document.getElementById("talk");
  var ctx = null, source = null, node = null, stream = null, chunks = [];
  function start() {
    if (node) return;
    if (!navigator.mediaDevices || !(window.AudioContext || window.webkitAudioContext)) {
      window.dvcChat.addReplies([{ text: "Thiết bị này không hỗ trợ ghi âm. Bạn vui lòng gõ câu hỏi." }]);
      return;
    }
    navigator.mediaDevices.getUserMedia({ audio: true }).then(function (s) {
      stream = s; chunks = [];
      ctx = new (window.AudioContext || window.webkitAudioContext)();
      source = ctx.createMediaStreamSource(stream);
      node = ctx.createScriptProcessor(4096, 1, 1);
      node.onaudioprocess = function (e) { chunks.push(new Float32Array(e.inputBuffer.getChannelData(0))); };
      source.connect(node); node.connect(ctx.destination);
      talk.setAttribute("aria-pressed", "true");
    }).catch(function () {
      window.dvcChat.addReplies([{ text: "Không dùng được micro. Bạn vui lòng gõ câu hỏi." }]);
    });
  }
  function stop() {
    talk.setAttribute("aria-pressed", "false");
    if (!node) return;
    node.disconnect(); source.disconnect();
    stream.getTracks().forEach(function (t) { t.stop(); });
    var rate = ctx.sampleRate; ctx.close(); node = null;
    upload(wav(chunks, rate));
  }
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
    fetch("/kiosk/speech", { method: "POST", headers: { "Content-Type": "audio/wav" }, body: blob })
      .then(function (r) { return r.json(); })
      .then(function (body) {
        if (body.text) { window.dvcChat.ask(body.text); } else { window.dvcChat.addReplies([{ text: body.message || body.detail }]); }
      })
      .catch(function () { window.dvcChat.addReplies([{ text: "Xin lỗi, chưa nhận dạng được giọng nói." }]); });
  }
  talk.addEventListener("mousedown", start); talk.addEventListener("touchstart", start);
  talk.addEventListener("mouseup", stop); talk.addEventListener("mouseleave", stop); talk.addEventListener("touchend", stop);
  talk.addEventListener("keydown", function (e) { if ((e.key === " " || e.key === "Enter") && !e.repeat) { e.preventDefault(); start(); } });
  talk.addEventListener("keyup", function (e) { if (e.key === " " || e.key === "Enter") { stop(); } });
})();
