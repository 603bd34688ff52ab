/* Lotsen web chat. Everything anyone wrote is set with textContent; only the links the server
   marked (URLs from the knowledge base) become <a> elements. No inline script, no storage. */
(function () {
  "use strict";
  var T = {
    sv: { skip: "Hoppa till frågerutan", intro: "Fråga om tillstånd, lov och regler för ditt företag. Lotsen svarar direkt och kan koppla in kommunens företagslotsar.",
          log: "Samtalet med Lotsen", label: "Din fråga", send: "Skicka", hint: "Enter skickar, Skift+Enter ger ny rad. Skriv inte känsliga uppgifter.",
          more: "Fler val", cases: "Mina ärenden", erase: "Glöm mig", other: "English", otherLang: "en",
          privacy: "Kakan lotsen_chat håller ihop ditt samtal i den här webbläsaren och behövs för att chatten ska fungera. Ingen spårning. Svar från en företagslots visas här. Har du stängt sidan kontaktar lotsen dig på e-post eller telefon som du lämnat.",
          me: "Du:", bot: "Lotsen:", writing: "Lotsen skriver …", download: "Ladda ner ", offline: "Anslutningen bröts. Försöker igen …",
          failed: "Det gick inte att skicka. Försök igen.", started: "Ett nytt samtal har börjat." },
    en: { skip: "Skip to the question box", intro: "Ask about permits, licences and rules for your business. Lotsen answers at once and can bring in the municipality's business navigators.",
          log: "The conversation with Lotsen", label: "Your question", send: "Send", hint: "Enter sends, Shift+Enter starts a new line. Do not write sensitive details.",
          more: "More choices", cases: "My cases", erase: "Forget me", other: "Svenska", otherLang: "sv",
          privacy: "The cookie lotsen_chat keeps your conversation together in this browser and is needed for the chat to work. No tracking. A navigator's answer appears here. If you have closed the page, the navigator contacts you by the e-mail or phone you left.",
          me: "You:", bot: "Lotsen:", writing: "Lotsen is writing …", download: "Download ", offline: "The connection was lost. Trying again …",
          failed: "The message could not be sent. Try again.", started: "A new conversation has started." }
  };
  var root = document.documentElement;
  var log = document.getElementById("log");
  var form = document.getElementById("composer");
  var input = document.getElementById("message");
  var status = document.getElementById("status");
  var langButton = document.getElementById("lang");
  var state = { token: null, last: 0, seen: {}, lang: "sv", chosen: null, source: null, busy: false };

  function t(key) { return T[state.lang][key]; }

  function applyLang(lang) {
    if (lang !== "sv" && lang !== "en") { return; }
    state.lang = lang;
    root.lang = lang;
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n]"), function (el) {
      el.textContent = t(el.getAttribute("data-i18n"));
    });
    Array.prototype.forEach.call(document.querySelectorAll("[data-i18n-label]"), function (el) {
      el.setAttribute("aria-label", t(el.getAttribute("data-i18n-label")));
    });
    langButton.textContent = t("other");
    langButton.lang = t("otherLang");
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
        button.addEventListener("click", function () { send({ choice: b.value }); });
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
    return request("/chat/api/history" + lang, { credentials: "same-origin" }).then(function (r) {
      if (!r.ok) { say(r.data.message || t("failed"), true); return; }
      state.token = r.data.token;
      (r.data.lines || []).forEach(render);
      listen();
    }, function () { say(t("failed"), true); });
  }

  function send(body) {
    if (state.busy) { return; }
    state.busy = true;
    body.lang = state.chosen || state.lang;
    log.setAttribute("aria-busy", "true");
    say(t("writing"));
    request("/chat/api/message", {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRF-Token": state.token || "" },
      body: JSON.stringify(body)
    }).then(function (r) {
      if (!r.ok) { say(r.data.message || t("failed"), true); return; }
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
      if (body.text !== undefined) { input.value = ""; }
    }, function () { say(t("failed"), true); }).then(function () {
      state.busy = false;
      log.removeAttribute("aria-busy");
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = input.value.trim();
    if (!text) { input.focus(); return; }
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
    state.chosen = state.lang === "sv" ? "en" : "sv";
    applyLang(state.chosen);
    send({ command: "lang" });
  });
  document.getElementById("my-cases").addEventListener("click", function () { send({ command: "cases" }); });
  document.getElementById("erase").addEventListener("click", function () { send({ command: "erase" }); });
  load();
}());
