// Suggested articles as a customer types a request (the portal's new
// request form, the help center's contact form): a form marked
// data-suggest asks GET /api/v1/help/suggest with its subject and
// description, lists what it answers in its [data-suggestions] box, and
// sends the articles shown with the request (hidden "suggested" fields) so
// the agent sees them. Without this script the form works the same.
(function () {
  "use strict";
  var form = document.querySelector("form[data-suggest]");
  if (!form) return;
  var box = form.querySelector("[data-suggestions]");
  var list = box && box.querySelector("ul");
  var subject = form.querySelector("[name=subject]");
  var description = form.querySelector("[name=description]");
  if (!list || !subject) return;
  var timer = 0, asked = "", shown = {};

  function words() {
    var text = subject.value + " " + (description ? description.value.slice(0, 300) : "");
    return text.replace(/\s+/g, " ").trim();
  }

  function remember(slug) {
    if (shown[slug]) return;
    shown[slug] = true;
    var input = document.createElement("input");
    input.type = "hidden";
    input.name = "suggested";
    input.value = slug;
    form.appendChild(input);
  }

  function render(items) {
    list.textContent = "";
    items.forEach(function (it) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = it.url;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = it.title;
      var p = document.createElement("p");
      p.textContent = it.snippet;
      li.appendChild(a);
      li.appendChild(p);
      list.appendChild(li);
      remember(it.url.replace(/^.*\/help\/articles\//, ""));
    });
    box.hidden = items.length === 0;
  }

  function ask() {
    var q = words();
    if (q === asked) return;
    asked = q;
    if (q.length < 3) { render([]); return; }
    fetch("/api/v1/help/suggest?q=" + encodeURIComponent(q), { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : []; })
      .then(function (items) { if (q === asked) render(items || []); })
      .catch(function () {});
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(ask, 300);
  }
  subject.addEventListener("input", later);
  if (description) description.addEventListener("input", later);
  if (subject.value) ask();
})();
