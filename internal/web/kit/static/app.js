// Centerdesk workspace behaviours: the collapsible phone menu, keyboard
// shortcuts with their help dialog, and row selection in lists. Loaded as an
// external file because the Content-Security-Policy forbids inline script.
(function () {
  "use strict";

  var doc = document;

  // ---- Phone menu: collapsed by script so the page still works without it.
  function setupMenu() {
    var toggle = doc.getElementById("nav-toggle");
    var panel = doc.getElementById("nav-panel");
    if (!toggle || !panel) return;
    var header = toggle.closest(".top");
    header.setAttribute("data-nav", "collapsed");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") !== "true";
      toggle.setAttribute("aria-expanded", String(open));
      header.setAttribute("data-nav", open ? "open" : "collapsed");
    });
  }

  // Close an open <details> menu when focus or a click goes elsewhere.
  function setupSubmenus() {
    doc.addEventListener("click", function (e) {
      doc.querySelectorAll("details.submenu[open]").forEach(function (d) {
        if (!d.contains(e.target)) d.removeAttribute("open");
      });
    });
  }

  // ---- Help dialog
  function helpDialog() { return doc.getElementById("shortcuts"); }

  function openHelp() {
    var d = helpDialog();
    if (d && !d.open && typeof d.showModal === "function") d.showModal();
  }

  function setupHelp() {
    var btn = doc.getElementById("shortcuts-open");
    if (btn) btn.addEventListener("click", openHelp);
  }

  // ---- Lists: j/k move a highlighted row; o/Enter open it; x ticks it.
  // A list is any table with data-keynav (the inbox, search results) or the
  // inbox table itself; rows carry a link to open.
  function listRows() {
    var table = doc.querySelector("table[data-keynav], table#inbox");
    if (!table) return [];
    return Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
  }

  var current = -1;

  function highlight(i) {
    var rows = listRows();
    if (rows.length === 0) return;
    if (i < 0) i = 0;
    if (i >= rows.length) i = rows.length - 1;
    rows.forEach(function (r) { r.classList.remove("is-current"); r.removeAttribute("aria-current"); });
    var row = rows[i];
    row.classList.add("is-current");
    row.setAttribute("aria-current", "true");
    current = i;
    var link = row.querySelector("a[href]");
    if (link) link.focus({ preventScroll: true });
    row.scrollIntoView({ block: "nearest" });
  }

  function currentRow() {
    var rows = listRows();
    if (current >= 0 && current < rows.length && rows[current].classList.contains("is-current")) {
      return rows[current];
    }
    // Follow focus if the user tabbed into a row.
    var active = doc.activeElement;
    var row = active && active.closest ? active.closest("tbody tr") : null;
    if (row) { current = rows.indexOf(row); return row; }
    return null;
  }

  function openRow() {
    var row = currentRow();
    var link = row && row.querySelector("a[href]");
    if (link) { window.location.assign(link.href); return true; }
    return false;
  }

  function toggleRow() {
    var row = currentRow();
    var box = row && row.querySelector("input[type=checkbox]");
    if (!box) return;
    box.checked = !box.checked;
    box.dispatchEvent(new Event("change", { bubbles: true }));
  }

  // ---- Bulk actions: "select all" and a live count of ticked rows.
  function setupBulk() {
    doc.addEventListener("change", function (e) {
      var t = e.target;
      if (t.id === "select-all") {
        doc.querySelectorAll("#inbox-rows input[name=ticket]").forEach(function (b) { b.checked = t.checked; });
      }
      if (t.id === "select-all" || (t.name === "ticket" && t.closest("#inbox-rows"))) updateCount();
    });
    // Rows re-fetched by htmx or live.js keep the count honest.
    doc.addEventListener("htmx:afterSwap", updateCount);
  }

  function updateCount() {
    var out = doc.getElementById("selected-count");
    if (!out) return;
    var n = doc.querySelectorAll("#inbox-rows input[name=ticket]:checked").length;
    out.textContent = n === 1 ? "1 ticket selected" : n + " tickets selected";
    // The bar itself shows and hides in CSS (:has a ticked row).
  }

  // ---- Confirmations: forms with data-confirm ask before submitting.
  function setupConfirm() {
    doc.addEventListener("submit", function (e) {
      var msg = e.target.getAttribute && e.target.getAttribute("data-confirm");
      if (msg && !window.confirm(msg)) e.preventDefault();
    });
  }

  // ---- Keyboard shortcuts
  function typing(el) {
    if (!el) return false;
    var tag = el.tagName;
    return tag === "INPUT" || tag === "TEXTAREA" || tag === "SELECT" || el.isContentEditable;
  }

  var pendingG = 0;

  function onKey(e) {
    if (e.defaultPrevented || e.ctrlKey || e.metaKey || e.altKey) return;
    var target = e.target;
    if (e.key === "Escape") {
      if (typing(target)) { target.blur(); return; }
      doc.querySelectorAll("details.submenu[open]").forEach(function (d) { d.removeAttribute("open"); });
      return; // an open <dialog> closes itself on Escape
    }
    if (typing(target)) return;
    if (helpDialog() && helpDialog().open) return;

    if (pendingG && Date.now() - pendingG < 1500) {
      pendingG = 0;
      if (e.key === "i") { e.preventDefault(); window.location.assign("/inbox"); }
      return;
    }
    pendingG = 0;

    switch (e.key) {
      case "/":
        var s = doc.getElementById("global-search");
        if (s) { e.preventDefault(); s.focus(); s.select(); }
        break;
      case "?":
        e.preventDefault(); openHelp();
        break;
      case "g":
        pendingG = Date.now();
        break;
      case "j":
        if (listRows().length) { e.preventDefault(); highlight(current + 1); }
        break;
      case "k":
        if (listRows().length) { e.preventDefault(); highlight(current < 0 ? 0 : current - 1); }
        break;
      case "o":
        if (openRow()) e.preventDefault();
        break;
      case "Enter":
        // A focused link or button already handles Enter itself.
        if (target && target.closest && target.closest("a, button")) return;
        if (openRow()) e.preventDefault();
        break;
      case "x":
        if (currentRow()) { e.preventDefault(); toggleRow(); }
        break;
      case "r":
        var composer = doc.getElementById("composer-body");
        if (composer) { e.preventDefault(); composer.focus(); }
        break;
    }
  }

  function start() {
    updateCount();
    setupMenu();
    setupSubmenus();
    setupHelp();
    setupBulk();
    setupConfirm();
    doc.addEventListener("keydown", onKey);
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", start);
  else start();
})();
