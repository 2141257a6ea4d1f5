// The ticket page's knowledge-base search: "Insert link in the reply" puts
// the article's Markdown link at the composer's cursor; "Insert the
// article's text" fetches the article's content (its Markdown and link)
// and puts it there. Without script the search opens the knowledge base's
// own page instead.
(function () {
  "use strict";
  function insert(text) {
    var body = document.getElementById("composer-body");
    if (!body) return;
    var at = body.selectionStart != null ? body.selectionStart : body.value.length;
    var before = body.value.slice(0, at), after = body.value.slice(body.selectionEnd || at);
    var pad = before && !/\s$/.test(before) ? " " : "";
    body.value = before + pad + text + after;
    body.focus();
    body.selectionStart = body.selectionEnd = (before + pad + text).length;
    body.dispatchEvent(new Event("input", { bubbles: true }));
  }
  document.addEventListener("click", function (e) {
    var button = e.target.closest("[data-kb-insert]");
    if (button) {
      insert(button.getAttribute("data-kb-insert"));
      return;
    }
    button = e.target.closest("[data-kb-insert-from]");
    if (!button) return;
    button.disabled = true;
    fetch(button.getAttribute("data-kb-insert-from"), { credentials: "same-origin" })
      .then(function (r) {
        if (!r.ok) throw new Error("status " + r.status);
        return r.text();
      })
      .then(function (text) { insert("\n" + text + "\n"); })
      .catch(function () { button.textContent = "Could not load the article's text"; })
      .finally(function () { button.disabled = false; });
  });
})();
