// The ticket page's macro picker: typing in the filter box shows only the
// macros whose name holds every word typed; Enter inserts the first one
// shown. The list works without script too (each macro is a submit
// button), only unfiltered.
(function () {
  "use strict";

  function visibleChoices(list) {
    return Array.prototype.filter.call(list.querySelectorAll("li"), function (li) { return !li.hidden; });
  }

  function filter(box) {
    var list = document.getElementById("macro-list");
    var none = document.getElementById("macro-none");
    if (!list) { return; }
    var words = box.value.toLowerCase().split(/\s+/).filter(Boolean);
    list.querySelectorAll("li").forEach(function (li) {
      var name = li.dataset.name || "";
      li.hidden = !words.every(function (w) { return name.indexOf(w) >= 0; });
    });
    if (none) { none.hidden = visibleChoices(list).length > 0; }
  }

  document.addEventListener("input", function (e) {
    if (e.target && e.target.id === "macro-filter") { filter(e.target); }
  });

  // Enter in the filter box submits the form implicitly, as if with its
  // first button, which the filter may have hidden: then the first macro
  // shown is inserted instead. Caught before htmx sees the submission.
  document.addEventListener("submit", function (e) {
    if (!e.target || e.target.id !== "macro-picker") { return; }
    var item = e.submitter && e.submitter.closest ? e.submitter.closest("li") : null;
    if (!item || !item.hidden) { return; }
    e.preventDefault();
    e.stopImmediatePropagation();
    var first = visibleChoices(document.getElementById("macro-list"))[0];
    // After this submission has ended: a form ignores one begun inside it.
    if (first) { setTimeout(function () { first.querySelector("button").click(); }, 0); }
  }, true);
})();
