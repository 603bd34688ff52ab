/* Lotsen web chat. Everything anyone wrote is set with textContent; only the links the server
   marked (URLs from the knowledge base) become <a> elements. No inline script, no storage. */
(function () {
  "use strict";
  /* The labels of every offered language come from the server's catalogs (/chat/api/texts);
     until they arrive, the page's own (server-rendered) labels stand. */
  var T = {};
  var root = document.documentElement;
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var status = document.getElementById("status");
  var langButton = document.getElementById("lang");
  var langs = (root.getAttribute("data-langs") || "sv en").split(" ");
  var state = { token: null, last: 0, seen: {}, lang: root.lang || langs[0], chosen: null, source: null };
  var FALLBACK = { me: "", bot: "Lotsen:", writing: "…", download: "", offline: "…", failed: "⚠", started: "" };

  function t(key) {
    var texts = T[state.lang] || T[langs[0]];
    return (texts && texts[key]) || FALLBACK[key] || "";
  }

  function next(lang) { return langs[(langs.indexOf(lang) + 1) % langs.length]; }

  function ownName(lang) {
    var name = (T[lang] && T[lang].language) || lang;
    return name.charAt(0).toUpperCase() + name.slice(1);
  }

  function applyLang(lang) {
    if (langs.indexOf(lang) < 0 || !T[lang]) { return; }
    state.lang = lang;
    root.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
    });
    langButton.textContent = ownName(next(lang));
    langButton.lang = next(lang);
    var name = root.getAttribute("data-name-" + lang) || "";
    document.getElementById("muni").textContent = name;
    document.title = "Lotsen – " + name;
  }

  function say(text, error) {
    status.textContent = text || "";
    status.className = error ? "status error" : "status";
  }

  function addParts(p, parts) {
    (parts || []).forEach(function (part) {
      if (part[0] === "a" && /^https?:\/\//.test(part[1])) {
        var a = document.createElement("a");
        a.href = part[1];
        a.textContent = part[1];
        a.rel = "noopener noreferrer";
        a.target = "_blank";
        p.appendChild(a);
      } else {
        p.appendChild(document.createTextNode(String(part[1])));
      }
    });
  }

  function render(line) {
    if (line.id) {
      if (state.seen[line.id]) { return; }
      state.seen[line.id] = true;
      if (line.id > state.last) { state.last = line.id; }
    }
    var mine = line.from === "me";
    var item = document.createElement("div");
    item.className = "msg " + (mine ? "me" : "bot");
    if (line.lang) { item.lang = line.lang; }
    var who = document.createElement("span");
    who.className = "who";
    who.textContent = mine ? t("me") : t("bot");
    item.appendChild(who);
    var p = document.createElement("p");
    addParts(p, line.parts);
    item.appendChild(p);
    if (line.note) {
      var note = document.createElement("p");
      note.className = "note";
      note.textContent = line.note;
      item.appendChild(note);
    }
    if (line.attachment) {
      var file = document.createElement("a");
      file.href = line.attachment.url;
      file.setAttribute("download", line.attachment.name);
      file.textContent = t("download") + line.attachment.name;
      var fp = document.createElement("p");
      fp.appendChild(file);
      item.appendChild(fp);
    }
    if (line.buttons && line.buttons.length) {
      var group = document.createElement("div");
      group.className = "choices";
      line.buttons.forEach(function (b) {
        var button = document.createElement("button");
        button.type = "button";
        button.textContent = b.label;
        button.addEventListener("click", function () {
          /* One press per question: its buttons are done (a second press would answer twice). */
          Array.prototype.forEach.call(group.querySelectorAll("button"), function (other) { other.disabled = true; });
          send({ choice: b.value });
        });
        group.appendChild(button);
      });
      item.appendChild(group);
    }
    if (!mine) {
      Array.prototype.forEach.call(log.querySelectorAll(".choices button"), function (b) { b.disabled = true; });
      if (!state.chosen && line.lang) { applyLang(line.lang); }
    }
    log.appendChild(item);
    log.scrollTop = log.scrollHeight;
  }

  function request(url, options) {
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        return { ok: response.ok, data: data };
      });
    });
  }

  function listen() {
    if (state.source) { state.source.close(); }
    var source = new EventSource("/chat/api/stream?after=" + state.last);
    source.addEventListener("line", function (event) {
      try { render(JSON.parse(event.data)); } catch (e) { /* a broken line is skipped */ }
      if (status.textContent === t("offline")) { say(""); }
    });
    source.addEventListener("error", function () {
      if (source.readyState === EventSource.CONNECTING) { say(t("offline")); }
    });
    state.source = source;
  }

  function load() {
    var lang = state.chosen ? "?lang=" + state.chosen : "";
    return request("/chat/api/texts", { credentials: "same-origin" }).then(function (r) {
      if (r.ok && r.data.texts) { T = r.data.texts; }
    }, function () { /* the page's own labels stay */ }).then(function () {
      return request("/chat/api/history" + lang, { credentials: "same-origin" });
    }).then(function (r) {
      if (!r.ok) { say(r.data.message || t("failed"), true); return; }
      state.token = r.data.token;
      (r.data.lines || []).forEach(render);
      listen();
    }, function () { say(t("failed"), true); });
  }

  /* Sends go one after another, and only after the page has loaded (the post token comes with
     the history): a question typed while the page loads, or while an answer is on its way, waits
     for its turn instead of being lost. */
  var queue = Promise.resolve();

  function send(body) {
    var run = function () { return post(body); };
    queue = queue.then(run, run);
  }

  function post(body) {
    body.lang = state.chosen || state.lang;
    log.setAttribute("aria-busy", "true");
    say(t("writing"));
    var failed = function (message) {
      say(message || t("failed"), true);
      if (body.text !== undefined && !input.value) { input.value = body.text; }  /* to send again */
    };
    return request("/chat/api/message", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": state.token || "" },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { failed(r.data.message); return; }
      say("");
      if (r.data.reset) {
        while (log.firstChild) { log.removeChild(log.firstChild); }
        state.seen = {}; state.last = 0; state.token = r.data.token;
        (r.data.lines || []).forEach(render);
        say(t("started"));
        listen();
        return;
      }
      (r.data.lines || []).forEach(render);
    }, function () { failed(); }).then(function () {
      log.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
    input.value = "";
    send({ text: text });
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });
  langButton.addEventListener("click", function () {
    state.chosen = next(state.lang);
    applyLang(state.chosen);
    send({ command: "lang" });
  });
  document.getElementById("my-cases").addEventListener("click", function () { send({ command: "cases" }); });
  document.getElementById("erase").addEventListener("click", function () { send({ command: "erase" }); });
  queue = load();
}());
