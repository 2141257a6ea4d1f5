// The philosophy page's print button: shown only when script runs, since
// without it the browser's own Print does the same (the print stylesheet
// in philosophy.css lays the page out either way).
(function () {
  "use strict";
  var button = document.getElementById("print-philosophy");
  if (!button) return;
  button.hidden = false;
  button.addEventListener("click", function () { window.print(); });
})();
