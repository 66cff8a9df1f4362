// The officers' console: sign in, a live queue (server-sent events), take / reply / close, the citizen's
// dossiers, analytics charts (Chart.js served by the gateway) and teaching the assistant a wording.
(function () {
  "use strict";
  var $ = function (id) { return document.getElementById(id); };
  var CHANNELS = { rest: "API", web: "Web", kiosk: "Kiosk", telegram: "Telegram", zalo: "Zalo" };
  var conversations = [], selected = null, events = null, charts = {}, statuses = [];

  function api(method, path, body) {
    return fetch(path, {
      method: method, credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-Requested-With": "dvc-officer" },
      body: body === undefined ? undefined : JSON.stringify(body)
    }).then(function (r) {
      if (r.status === 401) { showLogin(); throw new Error("signed out"); }
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.status === 204 ? null : r.json();
    });
  }
  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function showLogin() {
    if (events) { events.close(); events = null; }
    $("app").hidden = true; $("login").hidden = false; $("username").focus();
  }
  function showApp(me) {
    $("login").hidden = true; $("app").hidden = false; $("me").textContent = me.name;
    api("GET", "/officer/dossier-statuses").then(function (list) { statuses = list; });
    events = new EventSource("/officer/events");
    events.addEventListener("queue", function (e) { conversations = JSON.parse(e.data); renderQueue(); });
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
  function renderQueue() {
    var list = $("queue"); list.textContent = "";
    var waiting = conversations.filter(function (c) { return c.status === "waiting"; }).length;
    $("waiting-count").textContent = waiting;
    $("queue-empty").hidden = conversations.length > 0;
    conversations.forEach(function (c) {
      var button = el("button"); button.type = "button"; button.setAttribute("data-id", c.id);
      button.setAttribute("aria-current", String(c.id === selected));
      button.appendChild(el("span", c.status === "waiting" ? "Đang chờ" : "Đang phục vụ", "badge " + c.status));
      button.appendChild(document.createTextNode(" " + label(c)));
      var last = c.transcript.length ? c.transcript[c.transcript.length - 1].text : "";
      button.appendChild(el("div", last.slice(0, 80)));
      button.addEventListener("click", function () { select(c.id); });
      var item = el("li"); item.appendChild(button); list.appendChild(item);
    });
    if (selected !== null && !conversations.some(function (c) { return c.id === selected; })) {
      selected = null; $("conversation").hidden = true;
    }
    renderConversation();
  }
  function current() { return conversations.find(function (c) { return c.id === selected; }); }
  function select(id) { selected = id; renderQueue(); loadDossiers(); }
  function renderConversation() {
    var c = current();
    if (!c) return;
    $("conversation").hidden = false;
    $("conversation-title").textContent = label(c) + (c.officer ? " — " + c.officer : "");
    $("take").hidden = c.status !== "waiting";
    var log = $("transcript"); log.textContent = "";
    var who = { citizen: "Công dân", bot: "Trợ lý ảo", officer: "Cán bộ" };
    c.transcript.forEach(function (line) {
      log.appendChild(el("div", (who[line.author] || line.author) + ": " + line.text, "line " + line.author));
    });
    log.scrollTop = log.scrollHeight;
  }
  $("take").addEventListener("click", function () { api("POST", "/officer/conversations/" + selected + "/take"); });
  $("close").addEventListener("click", function () { api("POST", "/officer/conversations/" + selected + "/close"); });
  $("send").addEventListener("click", function () {
    var text = $("reply").value.trim();
    if (!text) return;
    api("POST", "/officer/conversations/" + selected + "/reply", { text: text })
      .then(function () { $("reply").value = ""; });
  });
  document.querySelectorAll("[data-quick]").forEach(function (b) {
    b.addEventListener("click", function () { $("reply").value = b.getAttribute("data-quick"); $("reply").focus(); });
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
  function renderUnanswered(questions) {
    var body = $("unanswered").querySelector("tbody"); body.textContent = "";
    questions.forEach(function (q) {
      var row = el("tr");
      row.appendChild(el("td", q.question)); row.appendChild(el("td", String(q.count)));
      var phrase = el("input"); phrase.value = q.question; phrase.setAttribute("aria-label", "Cụm từ của công dân");
      var code = el("input"); code.placeholder = "ví dụ 1.004873"; code.size = 10; code.setAttribute("aria-label", "Mã thủ tục");
      var teach = el("button", "Dạy trợ lý"); teach.type = "button";
      teach.addEventListener("click", function () {
        api("POST", "/officer/aliases", { phrase: phrase.value, procedure_code: code.value.trim() })
          .then(function (alias) { $("taught").textContent = "Đã gắn “" + alias.phrase + "” với thủ tục " + alias.procedure_code + "."; },
                function () { $("taught").textContent = "Không gắn được: kiểm tra lại mã thủ tục."; });
      });
      [phrase, code, teach].forEach(function (node) { var cell = el("td"); cell.appendChild(node); row.appendChild(cell); });
      body.appendChild(row);
    });
  }

  api("GET", "/officer/me").then(showApp, showLogin);
})();
