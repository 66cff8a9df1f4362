// The officers' console: sign in, a live queue (server-sent events) with each citizen's wait, procedure
// and question, take / reply / close (confirmed; the citizen is told), the citizen's dossiers, analytics
// charts (Chart.js served by the gateway) and teaching the assistant a wording (procedure found by name).
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var CHANNELS = { rest: "API", web: "Web", kiosk: "Kiosk", telegram: "Telegram", zalo: "Zalo" };
  var WHO = { citizen: "Công dân", bot: "Trợ lý ảo", officer: "Cán bộ" };
  var TITLE = document.title, CHIME_KEY = "dvc-officer-chime", TEACH_MAX_WORDS = 8;
  var conversations = [], selected = null, events = null, charts = {}, statuses = [];
  var shown = { id: null, count: 0 };  // the transcript on screen: whose, and how many lines of it
  var drafts = {}, waitingSeen = null, audio = null;

  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Requested-With": "dvc-officer" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 401) { showLogin(); throw new Error("signed out"); }
      if (!r.ok) {
        return r.json().catch(function () { return {}; }).then(function (body) {
          var error = new Error("HTTP " + r.status);
          if (r.status === 400 && typeof body.detail === "string") error.detail = body.detail;  // ours, in Vietnamese
          throw error;
        });
      }
      return r.status === 204 ? null : r.json();
    });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function truncate(text, length) { return text.length > length ? text.slice(0, length - 1) + "…" : text; }
  function clock(iso) {
    return new Date(iso).toLocaleTimeString("vi-VN", { hour: "2-digit", minute: "2-digit" });
  }
  function waited(iso) {
    var minutes = Math.max(0, Math.floor((Date.now() - new Date(iso).getTime()) / 60000));
    if (minutes < 1) return "vừa đến";
    if (minutes < 60) return minutes + " phút";
    return Math.floor(minutes / 60) + " giờ " + (minutes % 60) + " phút";
  }

  function showLogin() {
    if (events) { events.close(); events = null; }
    $("offline").hidden = true;
    $("app").hidden = true; $("login").hidden = false; $("username").focus();
  }
  function showApp(me) {
    $("login").hidden = true; $("app").hidden = false; $("me").textContent = me.name;
    api("GET", "/officer/dossier-statuses").then(function (list) { statuses = list; });
    events = new EventSource("/officer/events");
    events.addEventListener("queue", function (e) { conversations = JSON.parse(e.data); renderQueue(); });
    events.addEventListener("open", function () { $("offline").hidden = true; });
    events.addEventListener("error", function () { $("offline").hidden = false; });
  }

  // ---- arrivals: the tab's title counts who waits; a new one is announced (and chimes, if chosen) --
  $("chime").checked = localStorage.getItem(CHIME_KEY) === "on";
  $("chime").addEventListener("change", function () {
    localStorage.setItem(CHIME_KEY, $("chime").checked ? "on" : "off");
    if ($("chime").checked) chime();  // a click is what lets the page make sound later
  });
  // Browsers let a page make sound once the person has clicked or typed in it: the sound is made
  // ready then (a chime chosen in an earlier session included).
  function wakeAudio() {
    var Context = window.AudioContext || window.webkitAudioContext;
    if (!Context || !$("chime").checked) return false;
    audio = audio || new Context();
    if (audio.state === "suspended") audio.resume();
    return true;
  }
  document.addEventListener("pointerdown", wakeAudio);
  document.addEventListener("keydown", wakeAudio);
  function chime() {
    if (!wakeAudio()) return;
    var tone = audio.createOscillator(), volume = audio.createGain();
    tone.frequency.value = 880; volume.gain.value = 0.08;
    tone.connect(volume); volume.connect(audio.destination);
    tone.start(); tone.stop(audio.currentTime + 0.25);
  }
  function announceArrivals(waiting) {
    document.title = waiting.length ? "(" + waiting.length + ") " + TITLE : TITLE;
    var ids = waiting.map(function (c) { return c.id; });
    var arrived = waitingSeen === null ? [] : waiting.filter(function (c) { return waitingSeen.indexOf(c.id) < 0; });
    waitingSeen = ids;
    if (!arrived.length) return;
    $("arrivals").textContent = "Công dân mới đang chờ: " + arrived.map(label).join(", ");
    if ($("chime").checked) chime();
  }
  $("login").addEventListener("submit", function (e) {
    e.preventDefault();
    $("login-error").textContent = "";
    fetch("/officer/login", {
      method: "POST", credentials: "same-origin", headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ username: $("username").value, password: $("password").value })
    }).then(function (r) {
      return r.json().then(function (body) {
        if (!r.ok) { $("login-error").textContent = body.detail || "Đăng nhập không thành công."; return; }
        $("password").value = ""; showApp(body);
      });
    });
  });
  $("logout").addEventListener("click", function () { api("POST", "/officer/logout").then(showLogin, showLogin); });

  // ---- queue -------------------------------------------------------------------------------------
  function label(c) { return "#" + c.id + " · " + (CHANNELS[c.channel] || c.channel); }
  function procedureText(c) {
    return c.procedure ? "Thủ tục: " + c.procedure.name + " (mã " + c.procedure.code + ")" : "Thủ tục: chưa rõ";
  }
  function renderQueue() {
    var list = $("queue");
    var focused = list.contains(document.activeElement) ? document.activeElement.getAttribute("data-id") : null;
    list.textContent = "";
    var waiting = conversations.filter(function (c) { return c.status === "waiting"; });
    $("waiting-count").textContent = waiting.length;
    $("queue-empty").hidden = conversations.length > 0;
    announceArrivals(waiting);
    conversations.forEach(function (c) {
      var button = el("button"); button.type = "button"; button.setAttribute("data-id", c.id);
      button.setAttribute("aria-current", String(c.id === selected));
      button.appendChild(el("span", c.status === "waiting" ? "Đang chờ" : "Đang phục vụ", "badge " + c.status));
      button.appendChild(el("strong", " " + label(c)));
      button.appendChild(el("span", c.status === "waiting" ? "chờ " + waited(c.created_at) : (c.officer || ""), "wait"));
      var procedure = el("div", truncate(procedureText(c), 90), "procedure");
      procedure.title = procedureText(c);
      button.appendChild(procedure);
      button.appendChild(el("div", c.preview ? "“" + truncate(c.preview, 110) + "”" : "", "preview"));
      button.addEventListener("click", function () { select(c.id); });
      var item = el("li"); item.appendChild(button); list.appendChild(item);
      if (focused === String(c.id)) button.focus();
    });
    if (selected !== null && !conversations.some(function (c) { return c.id === selected; })) {
      delete drafts[selected];
      selected = null; shown = { id: null, count: 0 };
      $("conversation").hidden = true; $("confirm-close").hidden = true;
    }
    renderConversation();
  }
  setInterval(function () { if (conversations.length) renderQueue(); }, 30000);  // the waits move on
  function current() { return conversations.find(function (c) { return c.id === selected; }); }
  function select(id) {
    if (selected !== null) drafts[selected] = $("reply").value;
    selected = id; $("reply").value = drafts[id] || ""; $("confirm-close").hidden = true; $("send-status").textContent = "";
    renderQueue(); loadDossiers();
  }
  function transcriptLine(line, c) {
    var who = WHO[line.author] || line.author;
    if (line.author === "officer" && c.officer) who += " " + c.officer;
    var node = el("div", undefined, "line " + line.author), meta = el("div", undefined, "meta");
    meta.appendChild(el("span", who, "who"));
    if (line.at) {
      meta.appendChild(document.createTextNode(" · "));
      var time = el("time", clock(line.at)); time.dateTime = line.at; meta.appendChild(time);
    }
    node.appendChild(meta); node.appendChild(el("div", line.text, "text"));
    return node;
  }
  function renderConversation() {
    var c = current();
    if (!c) return;
    $("conversation").hidden = false;
    $("conversation-title").textContent = label(c) + (c.officer ? " — " + c.officer : "");
    $("conversation-meta").textContent = procedureText(c) + (c.status === "waiting" ? " · chờ " + waited(c.created_at) : "");
    $("take").hidden = c.status !== "waiting";
    // Only new lines are added: what the officer is reading stays where it is.
    var log = $("transcript"), fresh = shown.id !== c.id || c.transcript.length < shown.count;
    if (fresh) { log.textContent = ""; shown = { id: c.id, count: 0 }; $("jump").hidden = true; }
    if (c.transcript.length === shown.count) return;
    var atBottom = fresh || log.scrollHeight - log.scrollTop - log.clientHeight < 24, top = log.scrollTop;
    c.transcript.slice(shown.count).forEach(function (line) { log.appendChild(transcriptLine(line, c)); });
    shown.count = c.transcript.length;
    if (atBottom) { log.scrollTop = log.scrollHeight; } else { log.scrollTop = top; $("jump").hidden = false; }
  }
  $("transcript").addEventListener("scroll", function () {
    var log = $("transcript");
    if (log.scrollHeight - log.scrollTop - log.clientHeight < 24) $("jump").hidden = true;
  });
  $("jump").addEventListener("click", function () {
    var log = $("transcript"); log.scrollTop = log.scrollHeight; $("jump").hidden = true;
  });
  $("take").addEventListener("click", function () {
    api("POST", "/officer/conversations/" + selected + "/take").then(function () { $("reply").focus(); });
  });

  // Closing hands the citizen back to the assistant: asked first, and the citizen is told.
  $("close").addEventListener("click", function () {
    $("confirm-close-draft").hidden = !$("reply").value.trim();
    $("confirm-close").hidden = false; $("confirm-close-no").focus();
  });
  function cancelClose() { $("confirm-close").hidden = true; $("close").focus(); }
  $("confirm-close-no").addEventListener("click", cancelClose);
  $("confirm-close").addEventListener("keydown", function (e) { if (e.key === "Escape") cancelClose(); });
  $("confirm-close-yes").addEventListener("click", function () {
    var id = selected, c = current();
    api("POST", "/officer/conversations/" + id + "/close").then(function () {
      $("notice").textContent = "Đã kết thúc " + (c ? label(c) : "#" + id) + ": công dân đã được báo, trợ lý ảo tiếp tục hỗ trợ.";
      conversations = conversations.filter(function (x) { return x.id !== id; });
      renderQueue();
    }, function () { $("notice").textContent = "Chưa kết thúc được cuộc trò chuyện. Vui lòng thử lại."; });
  });

  function send() {
    var text = $("reply").value.trim();
    if (!text || selected === null) return;
    $("send-status").textContent = "";
    api("POST", "/officer/conversations/" + selected + "/reply", { text: text })
      .then(function () { $("reply").value = ""; delete drafts[selected]; },
            function () { $("send-status").textContent = "Chưa gửi được. Bản nháp vẫn còn, vui lòng thử lại."; });
  }
  $("send").addEventListener("click", send);
  $("reply").addEventListener("keydown", function (e) { if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) send(); });
  // A quick reply goes in where the cursor is, keeping what the officer already wrote.
  document.querySelectorAll("[data-quick]").forEach(function (b) {
    b.addEventListener("click", function () {
      var box = $("reply"), text = b.getAttribute("data-quick");
      var before = box.value.slice(0, box.selectionStart), after = box.value.slice(box.selectionEnd);
      var lead = before && !/\s$/.test(before) ? " " : "", trail = after && !/^\s/.test(after) ? " " : "";
      box.value = before + lead + text + trail + after;
      var caret = (before + lead + text).length;
      box.focus(); box.setSelectionRange(caret, caret);
    });
  });

  function loadDossiers() {
    var body = $("dossiers").querySelector("tbody"); body.textContent = "";
    if (selected === null) return;
    api("GET", "/officer/conversations/" + selected + "/dossiers").then(function (dossiers) {
      $("dossiers-empty").hidden = dossiers.length > 0;
      dossiers.forEach(function (d) {
        var row = el("tr");
        row.appendChild(el("td", d.code));
        row.appendChild(el("td", d.procedure_code + " " + d.procedure));
        var status = el("select"); status.setAttribute("aria-label", "Trạng thái " + d.code);
        statuses.forEach(function (s) {
          var option = el("option", s.label); option.value = s.code; option.selected = s.code === d.status_code; status.appendChild(option);
        });
        var cell = el("td"); cell.appendChild(status); row.appendChild(cell);
        var note = el("input"); note.value = d.note || ""; note.setAttribute("aria-label", "Ghi chú " + d.code);
        cell = el("td"); cell.appendChild(note); row.appendChild(cell);
        var save = el("button", "Cập nhật"); save.type = "button";
        save.addEventListener("click", function () {
          api("PATCH", "/officer/dossiers/" + d.code, { status: status.value, note: note.value || null })
            .then(function () { save.textContent = "Đã cập nhật"; });
        });
        cell = el("td"); cell.appendChild(save); row.appendChild(cell);
        body.appendChild(row);
      });
    });
  }

  // ---- analytics ---------------------------------------------------------------------------------
  function showTab(stats) {
    $("tab-queue").setAttribute("aria-selected", String(!stats)); $("tab-stats").setAttribute("aria-selected", String(stats));
    $("queue-panel").hidden = stats; $("stats-panel").hidden = !stats;
    if (stats) loadStats();
  }
  $("tab-queue").addEventListener("click", function () { showTab(false); });
  $("tab-stats").addEventListener("click", function () { showTab(true); });

  function draw(id, config) {
    if (charts[id]) charts[id].destroy();
    config.options = Object.assign({ animation: false, responsive: true }, config.options || {});
    charts[id] = new window.Chart($(id), config);
  }
  function loadStats() {
    api("GET", "/analytics?top=10").then(function (report) {
      var days = [], channels = [];
      report.questions_per_day.forEach(function (r) {
        if (days.indexOf(r.day) < 0) days.push(r.day);
        if (channels.indexOf(r.channel) < 0) channels.push(r.channel);
      });
      draw("chart-daily", {
        type: "bar",
        data: { labels: days, datasets: channels.map(function (channel) {
          return { label: CHANNELS[channel] || channel, data: days.map(function (day) {
            var row = report.questions_per_day.find(function (r) { return r.day === day && r.channel === channel; });
            return row ? row.count : 0;
          }) };
        }) },
        options: { scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } }
      });
      draw("chart-top", {
        type: "bar",
        data: { labels: report.top_procedures.map(function (p) { return p.code; }),
                datasets: [{ label: "Số câu hỏi", data: report.top_procedures.map(function (p) { return p.count; }) }] },
        options: { indexAxis: "y" }
      });
      draw("chart-satisfaction", {
        type: "line",
        data: { labels: report.satisfaction_per_day.map(function (r) { return r.day; }),
                datasets: [{ label: "Tỷ lệ hài lòng (%)", data: report.satisfaction_per_day.map(function (r) { return Math.round(r.rate * 100); }) }] },
        options: { scales: { y: { min: 0, max: 100 } } }
      });
      renderUnanswered(report.unanswered_questions);
    });
  }
  // ---- teaching a wording: a short phrase, the procedure found by its name ------------------------
  function renderUnanswered(questions) {
    var body = $("unanswered").querySelector("tbody"); body.textContent = "";
    questions.forEach(function (q, i) {
      var row = el("tr");
      row.appendChild(el("td", q.question)); row.appendChild(el("td", String(q.count)));
      var cell = el("td"); cell.appendChild(teachForm(q.question, "teach-" + i)); row.appendChild(cell);
      body.appendChild(row);
    });
  }
  function teachForm(question, id) {
    var form = el("div", undefined, "teach"), chosen = null, added = null, asked = 0, timer = null;
    var phrase = el("input"); phrase.id = id + "-phrase";
    phrase.setAttribute("aria-label", "Cụm từ của công dân");
    // A short question is the phrase itself; from a long one the officer picks the words that matter.
    if (question.trim().split(/\s+/).length <= TEACH_MAX_WORDS) { phrase.value = question; }
    else { phrase.placeholder = "Vài từ trong: “" + truncate(question, 60) + "”"; }
    var search = el("input"); search.type = "search"; search.id = id + "-search";
    search.placeholder = "Gõ tên hoặc mã thủ tục"; search.setAttribute("aria-label", "Tìm thủ tục theo tên hoặc mã");
    search.autocomplete = "off";
    var results = el("ul", undefined, "results"); results.setAttribute("aria-label", "Thủ tục tìm được");
    var picked = el("p", "Chưa chọn thủ tục.", "chosen");
    var teach = el("button", "Dạy trợ lý"); teach.type = "button"; teach.className = "primary";
    var status = el("p", undefined, "taught"); status.setAttribute("role", "status");
    var phraseLabel = el("label", "Cụm từ công dân hay dùng (tối đa " + TEACH_MAX_WORDS + " từ)"); phraseLabel.htmlFor = phrase.id;
    var searchLabel = el("label", "Thủ tục"); searchLabel.htmlFor = search.id;
    [phraseLabel, phrase, searchLabel, search, results, picked, teach, status].forEach(function (n) { form.appendChild(n); });

    function choose(p) {
      chosen = p; results.textContent = ""; search.value = p.name;
      picked.textContent = "";
      picked.appendChild(document.createTextNode("Đã chọn: "));
      picked.appendChild(el("strong", p.name)); picked.appendChild(document.createTextNode(" (mã " + p.code + ")"));
    }
    function find() {
      var query = search.value.trim(), mine = ++asked;
      if (query.length < 2) { results.textContent = ""; return; }
      api("GET", "/officer/procedures?q=" + encodeURIComponent(query)).then(function (found) {
        if (mine !== asked) return;  // a later search has been typed
        results.textContent = "";
        if (!found.length) { results.appendChild(el("li", "Không tìm thấy thủ tục nào.")); return; }
        found.forEach(function (p) {
          var option = el("button", p.code + " — " + truncate(p.name, 120)); option.type = "button";
          option.title = p.name;
          option.addEventListener("click", function () { choose(p); teach.focus(); });
          var item = el("li"); item.appendChild(option); results.appendChild(item);
        });
      });
    }
    search.addEventListener("input", function () {
      chosen = null; picked.textContent = "Chưa chọn thủ tục.";
      clearTimeout(timer); timer = setTimeout(find, 250);
    });
    search.addEventListener("keydown", function (e) {
      var first = results.querySelector("button");
      if (e.key === "ArrowDown" && first) { e.preventDefault(); first.focus(); }
      if (e.key === "Enter" && first) { e.preventDefault(); first.click(); }
    });
    function say(text, failed) { status.textContent = text; status.className = "taught" + (failed ? " failed" : ""); }
    teach.addEventListener("click", function () {
      if (!phrase.value.trim()) { say("Hãy gõ cụm từ công dân hay dùng.", true); phrase.focus(); return; }
      if (!chosen) { say("Hãy tìm và chọn thủ tục.", true); search.focus(); return; }
      api("POST", "/officer/aliases", { phrase: phrase.value, procedure_code: chosen.code }).then(function (alias) {
        added = alias;
        say("Đã gắn “" + alias.phrase + "” với thủ tục " + chosen.name + " (mã " + alias.procedure_code + "). ");
        var undo = el("button", "Hoàn tác"); undo.type = "button"; undo.className = "secondary";
        undo.addEventListener("click", function () {
          api("DELETE", "/officer/aliases/" + added.id).then(function () {
            say("Đã hoàn tác: trợ lý không còn gắn “" + added.phrase + "” với thủ tục này."); added = null;
          }, function () { say("Chưa hoàn tác được. Vui lòng thử lại.", true); });
        });
        status.appendChild(undo);
      }, function (error) { say(error.detail || "Không gắn được: kiểm tra lại cụm từ và thủ tục.", true); });
    });
    return form;
  }

  api("GET", "/officer/me").then(showApp, showLogin);
})();
