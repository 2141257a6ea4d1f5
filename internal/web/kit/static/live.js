// Centerdesk live updates for agents' pages: one EventSource on /live,
// applied to whatever the page shows (see docs: the issue 5 DOM contract).
// - message: the ticket on screen gets the new <article>s appended
// - ticket: the inbox rows and view counts are fetched again; the ticket
//   on screen gets its header, properties, history and customer panel
//   again (the properties form only if the agent is not editing it: then
//   a notice says who changed what, and saving shows the conflict)
// - presence: #presence says who else views or replies to the ticket
// - notification: the header's bell count
// - resync: something may have been missed; reload all of the above
// Each message is also dispatched on document.body as a "live:<type>"
// event (detail: the message), for other scripts and htmx triggers.
(function () {
  "use strict";

  var retryDelay = 1000;
  var source = null;
  var opened = false;

  function byId(id) { return document.getElementById(id); }

  // --- the stream -----------------------------------------------------

  function connect() {
    source = new EventSource("/live");
    source.onopen = function () {
      retryDelay = 1000;
      // After a drop, what happened meanwhile was not sent: reload it.
      if (opened) { resync(); }
      opened = true;
    };
    source.onmessage = function (e) {
      var msg;
      try { msg = JSON.parse(e.data); } catch (err) { return; }
      apply(msg);
    };
    source.onerror = function () {
      // The browser retries by itself unless the answer was not a stream
      // (signed out, shutting down): then retry here, backing off.
      if (source.readyState === EventSource.CLOSED) {
        source.close();
        setTimeout(connect, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      }
    };
  }

  function apply(msg) {
    switch (msg.type) {
      case "message": onMessage(msg); break;
      case "ticket": onTicket(msg); break;
      case "presence": onPresence(msg); break;
      case "notification": onNotification(msg); break;
      case "resync": resync(); break;
    }
    document.body.dispatchEvent(new CustomEvent("live:" + msg.type, { detail: msg, bubbles: true }));
  }

  function resync() {
    refreshConversation();
    refreshInbox();
    refreshTicket(null);
  }

  // --- the conversation on a ticket page -------------------------------

  var conversationBusy = false;
  var conversationAgain = false;

  function onMessage(msg) {
    var conv = byId("conversation");
    if (conv && String(msg.ticket_id) === conv.dataset.ticketId) {
      refreshConversation();
      refreshTicket(null); // a message moves the ticket's version on too
    }
  }

  // refreshConversation appends the messages after data-last-message, one
  // fetch at a time (a message arriving meanwhile asks for another round).
  function refreshConversation() {
    var conv = byId("conversation");
    if (!conv) { return; }
    if (conversationBusy) { conversationAgain = true; return; }
    conversationBusy = true;
    var url = "/tickets/" + encodeURIComponent(conv.dataset.ticketId) +
      "/conversation?after=" + encodeURIComponent(conv.dataset.lastMessage || "0");
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { appendMessages(conv, html); })
      .catch(function () {})
      .then(function () {
        conversationBusy = false;
        if (conversationAgain) { conversationAgain = false; refreshConversation(); }
      });
  }

  function appendMessages(conv, html) {
    if (!html) { return; }
    var tpl = document.createElement("template");
    tpl.innerHTML = html;
    var last = Number(conv.dataset.lastMessage || 0);
    var articles = tpl.content.querySelectorAll("article[data-message-id]");
    for (var i = 0; i < articles.length; i++) {
      var a = articles[i];
      var id = Number(a.dataset.messageId);
      if (byId(a.id)) { continue; } // already shown (the author's own page)
      conv.appendChild(document.importNode(a, true));
      if (id > last) { last = id; }
    }
    conv.dataset.lastMessage = String(last);
  }

  // --- the inbox --------------------------------------------------------

  var inboxTimer = null;

  function onTicket(msg) {
    var props = byId("properties");
    if (props && String(msg.id) === props.dataset.ticketId) { refreshTicket(msg); }
    // A burst of changes (a bulk action) costs one refresh.
    if (inboxTimer) { return; }
    inboxTimer = setTimeout(function () { inboxTimer = null; refreshInbox(); }, 300);
  }

  function refreshInbox() {
    var table = byId("inbox");
    var rows = byId("inbox-rows");
    var view = table ? table.dataset.viewId : "";
    var query = view ? "?view=" + encodeURIComponent(view) : "";
    if (rows) {
      // The rows' own address keeps the page the agent is on.
      var own = rows.getAttribute("hx-get") || "";
      swapFrom(own.indexOf("/inbox/rows") === 0 ? own : "/inbox/rows" + query, rows, keepTicked(rows));
    }
    var views = byId("views");
    if (views) { swapFrom("/inbox/counts" + query, views); }
  }

  // keepTicked remembers the rows ticked for a bulk action and returns what
  // ticks them again after the rows are replaced.
  function keepTicked(rows) {
    var ticked = {};
    rows.querySelectorAll("input[type=checkbox]:checked").forEach(function (c) { ticked[c.value] = true; });
    return function () {
      rows.querySelectorAll("input[type=checkbox]").forEach(function (c) {
        if (ticked[c.value]) { c.checked = true; }
      });
    };
  }

  // swapFrom replaces el's content with the fragment at url, then calls
  // after. A fragment that is el itself (same id) gives its content.
  function swapFrom(url, el, after) {
    fetch(url, { credentials: "same-origin", headers: { "HX-Request": "true" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (html === null) { return; }
        var tpl = document.createElement("template");
        tpl.innerHTML = html;
        var same = tpl.content.getElementById ? tpl.content.getElementById(el.id) : null;
        var src = same || tpl.content;
        el.replaceChildren.apply(el, Array.prototype.slice.call(src.childNodes).map(function (n) {
          return document.importNode(n, true);
        }));
        if (after) { after(); }
      })
      .catch(function () {});
  }

  // --- the ticket's properties on a ticket page ---------------------------

  var ticketBusy = false;
  var ticketAgain = false;

  // The properties form remembers being edited, so a colleague's change
  // does not wipe the agent's edit: it is left for the save to reconcile.
  document.addEventListener("input", markEdited);
  document.addEventListener("change", markEdited);
  function markEdited(e) {
    var form = e.target && e.target.closest ? e.target.closest("#properties-form") : null;
    if (form) { form.dataset.edited = "1"; }
  }

  // refreshTicket fetches the ticket page again and swaps in the parts
  // that show its properties; msg (null on a resync) names who changed it.
  function refreshTicket(msg) {
    var props = byId("properties");
    if (!props) { return; }
    if (ticketBusy) { ticketAgain = true; return; }
    ticketBusy = true;
    fetch("/tickets/" + encodeURIComponent(props.dataset.ticketId), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : ""; })
      .then(function (html) { if (html) { swapTicketParts(html, msg); } })
      .catch(function () {})
      .then(function () {
        ticketBusy = false;
        if (ticketAgain) { ticketAgain = false; refreshTicket(null); }
      });
  }

  function swapTicketParts(html, msg) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    ["ticket-meta", "history", "customer-story"].forEach(function (id) {
      var now = byId(id);
      var fresh = doc.getElementById(id);
      if (now && fresh) {
        now.replaceChildren.apply(now, Array.prototype.slice.call(fresh.childNodes).map(function (n) {
          return document.importNode(n, true);
        }));
      }
    });
    var props = byId("properties");
    var fresh = doc.getElementById("properties");
    var form = byId("properties-form");
    if (!props || !fresh || fresh.dataset.version === props.dataset.version) { return; }
    if (form && form.dataset.edited === "1") {
      var notice = byId("properties-notice");
      if (notice) {
        notice.textContent = (msg && msg.by ? msg.by + " changed" : "This ticket changed") +
          " while you were editing. Saving will show you what changed.";
        notice.hidden = false;
      }
      return;
    }
    var node = document.importNode(fresh, true);
    props.replaceWith(node);
    if (window.htmx) { window.htmx.process(node); }
  }

  // --- presence -----------------------------------------------------------

  function onPresence(msg) {
    var box = byId("presence");
    if (box && String(msg.ticket_id) === box.dataset.ticketId) {
      renderPresence(box, msg.agents || []);
    }
  }

  function renderPresence(box, agents) {
    var parts = agents.map(function (a) {
      var p = document.createElement("p");
      p.className = a.state;
      p.dataset.agentId = String(a.id);
      p.textContent = a.name + (a.state === "replying" ? " is replying" : " is viewing");
      return p;
    });
    box.replaceChildren.apply(box, parts);
  }

  // The ticket page says the agent is here every 20 seconds (entries expire
  // after 45), replying while the composer has focus and text or was typed
  // in lately, and that they left when the page goes away.
  function startPresence() {
    var box = byId("presence");
    var conv = byId("conversation");
    var ticketId = (box && box.dataset.ticketId) || (conv && conv.dataset.ticketId);
    if (!ticketId) { return; }
    var url = "/tickets/" + encodeURIComponent(ticketId) + "/presence";
    var body = byId("composer-body");
    var lastInput = 0;
    var sent = "";

    function state() {
      if (!body) { return "viewing"; }
      var focused = document.activeElement === body && body.value.trim() !== "";
      return focused || Date.now() - lastInput < 20000 ? "replying" : "viewing";
    }
    function send(force) {
      var s = state();
      if (!force && s === sent) { return; }
      sent = s;
      fetch(url, { method: "POST", credentials: "same-origin", body: new URLSearchParams({ state: s }) })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (ans) { if (ans && box) { renderPresence(box, ans.agents || []); } })
        .catch(function () {});
    }
    if (body) {
      body.addEventListener("input", function () { lastInput = Date.now(); send(false); });
      body.addEventListener("focus", function () { send(false); });
      body.addEventListener("blur", function () { lastInput = 0; send(false); });
    }
    send(true);
    setInterval(function () { send(true); }, 20000);
    // Sending the composer reloads this same ticket: no need to say "left"
    // and make colleagues' notices flicker.
    var staying = false;
    document.addEventListener("submit", function (e) {
      if (e.target && e.target.id === "composer") { staying = true; }
    });
    window.addEventListener("pagehide", function () {
      if (staying) { staying = false; return; }
      sent = "left";
      navigator.sendBeacon(url, new URLSearchParams({ state: "left" }));
    });
    window.addEventListener("pageshow", function (e) {
      if (e.persisted) { send(true); } // back from the cache
    });
  }

  // --- notifications ------------------------------------------------------

  function onNotification(msg) {
    var count = byId("notifications-count");
    if (!count || typeof msg.unread !== "number") { return; }
    count.textContent = String(msg.unread);
    count.hidden = msg.unread === 0;
  }

  function start() {
    startPresence();
    if (window.EventSource) { connect(); }
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
