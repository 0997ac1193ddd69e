// Client-side search over /search-index.json: no server, no dependencies.
(function () {
  "use strict";
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  if (!input || !list) return;
  var index = null;

  function terms(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  function highlight(text, words) {
    var frag = document.createDocumentFragment();
    if (!words.length) { frag.appendChild(document.createTextNode(text)); return frag; }
    var re = new RegExp("(" + words.map(escapeRegExp).join("|") + ")", "gi");
    var last = 0;
    text.replace(re, function (match, _g, offset) {
      frag.appendChild(document.createTextNode(text.slice(last, offset)));
      var mark = document.createElement("mark");
      mark.textContent = match;
      frag.appendChild(mark);
      last = offset + match.length;
      return match;
    });
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  function snippet(body, words) {
    var lower = body.toLowerCase();
    var at = words.length ? lower.indexOf(words[0]) : 0;
    var start = Math.max(0, at - 60);
    var text = body.slice(start, start + 200);
    return (start > 0 ? "…" : "") + text + (start + 200 < body.length ? "…" : "");
  }

  function score(entry, words) {
    var title = entry.title.toLowerCase();
    var hay = title + " " + entry.topics.join(" ").toLowerCase() + " " + entry.body.toLowerCase();
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      if (hay.indexOf(words[i]) === -1) return 0;
      total += title.indexOf(words[i]) !== -1 ? 3 : 1;
    }
    return total;
  }

  function render() {
    var query = input.value.trim();
    var words = terms(query);
    list.textContent = "";
    if (!index || !words.length) { status.textContent = ""; return; }
    var hits = index
      .map(function (e) { return { e: e, s: score(e, words) }; })
      .filter(function (h) { return h.s > 0; })
      .sort(function (a, b) { return b.s - a.s || (a.e.date < b.e.date ? 1 : -1); })
      .slice(0, 50);
    status.textContent = hits.length ? hits.length + (hits.length === 50 ? "+" : "") + " results" : "No results for “" + query + "”.";
    hits.forEach(function (h) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = h.e.url;
      a.appendChild(highlight(h.e.title, words));
      var p = document.createElement("p");
      p.appendChild(highlight(snippet(h.e.body, words), words));
      var meta = document.createElement("p");
      meta.textContent = h.e.date + (h.e.topics.length ? " · " + h.e.topics.join(", ") : "");
      li.appendChild(a);
      li.appendChild(p);
      li.appendChild(meta);
      list.appendChild(li);
    });
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  status.textContent = "Loading the index…";
  fetch(input.getAttribute("data-index"))
    .then(function (r) { return r.json(); })
    .then(function (data) { index = data; status.textContent = ""; render(); })
    .catch(function () { status.textContent = "The search index could not be loaded."; });
  input.addEventListener("input", render);
})();
