// The recognition feed's live part: when a badge is awarded anywhere, the
// live stream (live.js) dispatches "live:award" on the body; the feed's
// first page then offers to show it, without moving what the reader is
// reading.
(function () {
  "use strict";

  function start() {
    var feed = document.getElementById("award-feed");
    var note = document.getElementById("new-awards");
    if (!note || note.dataset.live !== "1") { return; }
    var count = 0;
    document.body.addEventListener("live:award", function (e) {
      var id = e.detail && e.detail.id;
      if (!id || (feed && document.getElementById("award-" + id))) { return; }
      count++;
      note.querySelector("span").textContent = count === 1 ? "A new badge was awarded." : count + " new badges were awarded.";
      note.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", start);
})();
