/* Lotsen's chat on a municipality's own page: one script tag,
     <script src="https://lotsen.kommun.se/chat/widget.js" defer></script>
   adds a button that opens the chat in a frame served by Lotsen. The page's origin must be in
   the profile's web.origins (the chat's frame-ancestors). Nothing else is loaded or stored. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || document.getElementById("lotsen-chat-frame")) { return; }
  var base = new URL(script.src, document.baseURI).origin;
  /* Filled in by Lotsen when it serves this file: the texts of every language the profile offers. */
  var L = /*TEXTS*/{};
  var langs = L.languages || ["sv"];
  var lang = (document.documentElement.lang || "").slice(0, 2).toLowerCase();
  var T = (L.texts || {})[langs.indexOf(lang) >= 0 ? lang : langs[0]] || { open: "Lotsen", title: "Lotsen" };
  var button = document.createElement("button");
  button.type = "button";
  button.textContent = T.open;
  button.setAttribute("aria-expanded", "false");
  button.setAttribute("aria-controls", "lotsen-chat-frame");
  var s = button.style;
  s.position = "fixed"; s.right = "1rem"; s.bottom = "1rem"; s.zIndex = "2147483000";
  s.font = "inherit"; s.fontWeight = "600"; s.padding = ".75rem 1.25rem"; s.minHeight = "2.75rem";
  s.background = "#0b4f8a"; s.color = "#fff"; s.border = "2px solid #fff"; s.borderRadius = "1.5rem"; s.cursor = "pointer";
  var frame = document.createElement("iframe");
  frame.id = "lotsen-chat-frame";
  frame.title = T.title;
  frame.hidden = true;
  var f = frame.style;
  f.position = "fixed"; f.right = "1rem"; f.bottom = "4.5rem"; f.zIndex = "2147483000";
  f.width = "min(26rem, calc(100vw - 2rem))"; f.height = "min(40rem, calc(100vh - 6rem))";
  f.border = "1px solid #8a8f94"; f.borderRadius = ".5rem"; f.background = "#fff"; f.boxShadow = "0 .5rem 2rem rgba(0,0,0,.25)";
  button.addEventListener("click", function () {
    var open = frame.hidden;
    if (open && !frame.src) { frame.src = base + "/chat?embed=1"; }
    frame.hidden = !open;
    button.setAttribute("aria-expanded", open ? "true" : "false");
    if (open) { frame.focus(); }
  });
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && !frame.hidden) { frame.hidden = true; button.setAttribute("aria-expanded", "false"); button.focus(); }
  });
  document.body.appendChild(frame);
  document.body.appendChild(button);
}());
