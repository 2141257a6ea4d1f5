// The ticket page's knowledge-base search: "Insert link in the reply" puts
// the article's Markdown link at the composer's cursor. Without script the
// search opens the knowledge base's own page instead.
(function () {
  "use strict";
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-kb-insert]");
    if (!button) return;
    var body = document.getElementById("composer-body");
    if (!body) return;
    var text = button.getAttribute("data-kb-insert");
    var at = body.selectionStart != null ? body.selectionStart : body.value.length;
    var before = body.value.slice(0, at), after = body.value.slice(body.selectionEnd || at);
    var pad = before && !/\s$/.test(before) ? " " : "";
    body.value = before + pad + text + after;
    body.focus();
    body.selectionStart = body.selectionEnd = (before + pad + text).length;
    body.dispatchEvent(new Event("input", { bubbles: true }));
  });
})();
