// The ticket page's macro picker: typing in the filter box shows only the
// macros whose name holds what was typed; Enter inserts the first one
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

  document.addEventListener("keydown", function (e) {
    if (!e.target || e.target.id !== "macro-filter" || e.key !== "Enter") { return; }
    // Implicit submission would send the first button, shown or not.
    e.preventDefault();
    var list = document.getElementById("macro-list");
    var first = list ? visibleChoices(list)[0] : null;
    if (first) { first.querySelector("button").click(); }
  });
})();
