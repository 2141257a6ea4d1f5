// Keeps relative times current while a page stays open: every <time> that
// the server wrote with its viewer's zone (data-tz) is reworded each minute
// from its datetime, in the same words as the server's kit.Relative (change
// both together; TestRelativeMatchesTheBrowser runs this file against it).
// The sign-in form's hidden time_zone field gets the browser's zone here too.
(function (root) {
  "use strict";

  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
  var DAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var MINUTE = 60000, HOUR = 60 * MINUTE;
  var formats = {};

  // wall reads an instant's calendar date and clock in an IANA zone.
  function wall(ms, tz) {
    var f = formats[tz];
    if (!f) {
      f = formats[tz] = new Intl.DateTimeFormat("en-GB", {
        timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric"
      });
    }
    var p = {};
    f.formatToParts(new Date(ms)).forEach(function (x) { p[x.type] = parseInt(x.value, 10); });
    return { y: p.year, m: p.month, d: p.day, hh: p.hour % 24, mm: p.minute };
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }

  // days counts calendar days from a's date to b's, as kit.daysBetween does.
  function days(a, b) {
    return Math.round((Date.UTC(b.y, b.m - 1, b.d) - Date.UTC(a.y, a.m - 1, a.d)) / (24 * HOUR));
  }

  // relative mirrors kit.Relative.
  function relative(ms, now, tz) {
    var d = now - ms;
    if (d > -MINUTE && d < MINUTE) return "just now";
    if (d >= MINUTE && d < HOUR) return Math.floor(d / MINUTE) + " min ago";
    if (d <= -MINUTE && d > -HOUR) return "in " + Math.floor(-d / MINUTE) + " min";
    var t = wall(ms, tz), n = wall(now, tz);
    var clock = pad(t.hh) + ":" + pad(t.mm);
    var k = days(t, n);
    if (k === 0) return "today " + clock;
    if (k === 1) return "yesterday " + clock;
    if (k === -1) return "tomorrow " + clock;
    if (k >= 2 && k <= 6) return DAYS[new Date(Date.UTC(t.y, t.m - 1, t.d)).getUTCDay()] + " " + clock;
    if (t.y === n.y) return t.d + " " + MONTHS[t.m - 1];
    return t.d + " " + MONTHS[t.m - 1] + " " + t.y;
  }

  root.centerdeskRelative = relative;
  if (typeof document === "undefined") return;

  function refresh() {
    var now = Date.now();
    document.querySelectorAll("time[datetime][data-tz]").forEach(function (el) {
      var ms = Date.parse(el.getAttribute("datetime"));
      if (isNaN(ms)) return;
      try {
        var text = relative(ms, now, el.getAttribute("data-tz"));
        if (el.textContent !== text) el.textContent = text;
      } catch (e) { /* a zone this browser does not know: keep the server's words */ }
    });
  }

  // The sign-in form tells the server the browser's zone, which becomes the
  // user's if they have none yet.
  function fillZone() {
    var zone = "";
    try { zone = Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return; }
    document.querySelectorAll("input[type=hidden][name=time_zone]").forEach(function (el) {
      if (!el.value) el.value = zone;
    });
  }

  function start() {
    fillZone();
    refresh();
    setInterval(refresh, MINUTE);
    // A laptop waking from sleep shows a page whose timers were paused.
    document.addEventListener("visibilitychange", function () {
      if (!document.hidden) refresh();
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})(this);
