// Type-ahead search over search-index.json: no server, no dependencies.
// Every term must match (in the title, topics or body); title matches rank
// higher, then newer insights. Keyboard: Down/Up move through the results,
// Enter opens the focused result (or the first one from the input), Escape
// returns to the input.
(function () {
  "use strict";
  var MAX_RESULTS = 50;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var form = input && input.form;
  if (!input || !list || !status) return;
  var entries = null;

  function terms(query) {
    return query.toLowerCase().split(/\s+/).filter(Boolean);
  }

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Text with every occurrence of a term wrapped in <mark>, built as DOM nodes
  // so nothing from the index is ever parsed as HTML.
  function highlight(text, words) {
    var frag = document.createDocumentFragment();
    var re = new RegExp(words.map(escapeRegExp).join("|"), "gi");
    var last = 0;
    var match;
    while ((match = re.exec(text)) !== null) {
      if (!match[0]) { re.lastIndex++; continue; }
      frag.appendChild(document.createTextNode(text.slice(last, match.index)));
      var mark = document.createElement("mark");
      mark.textContent = match[0];
      frag.appendChild(mark);
      last = match.index + match[0].length;
    }
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // About 200 characters of the body around the first matching term.
  function snippet(entry, words) {
    var body = entry.body;
    var at = -1;
    for (var i = 0; i < words.length && at === -1; i++) at = entry.lowerBody.indexOf(words[i]);
    var start = Math.max(0, at - 60);
    if (start > 0) {
      var space = body.indexOf(" ", start);
      if (space !== -1 && space < at) start = space + 1;
    }
    var end = Math.min(body.length, start + 200);
    return (start > 0 ? "…" : "") + body.slice(start, end) + (end < body.length ? "…" : "");
  }

  function score(entry, words) {
    var total = 0;
    for (var i = 0; i < words.length; i++) {
      if (entry.lowerTitle.indexOf(words[i]) !== -1) total += 3;
      else if (entry.lowerRest.indexOf(words[i]) !== -1) total += 1;
      else return 0;
    }
    return total;
  }

  function resultItem(entry, words) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = entry.url;
    a.className = "result-title";
    a.appendChild(highlight(entry.title, words));
    var p = document.createElement("p");
    p.appendChild(highlight(snippet(entry, words), words));
    var meta = document.createElement("p");
    meta.className = "result-meta";
    meta.textContent = entry.date + (entry.topics.length ? " · " + entry.topics.join(", ") : "");
    li.appendChild(a);
    li.appendChild(p);
    li.appendChild(meta);
    return li;
  }

  function render() {
    var query = input.value.trim();
    var words = terms(query);
    list.textContent = "";
    if (!entries) return;
    if (!words.length) { status.textContent = ""; return; }
    var hits = [];
    for (var i = 0; i < entries.length; i++) {
      var s = score(entries[i], words);
      if (s > 0) hits.push({ e: entries[i], s: s });
    }
    hits.sort(function (a, b) { return b.s - a.s || (a.e.date < b.e.date ? 1 : a.e.date > b.e.date ? -1 : 0); });
    var shown = hits.slice(0, MAX_RESULTS);
    status.textContent = hits.length
      ? hits.length + (hits.length === 1 ? " result" : " results") + (hits.length > MAX_RESULTS ? ", the first " + MAX_RESULTS + " shown" : "")
      : "No results for “" + query + "”.";
    var frag = document.createDocumentFragment();
    shown.forEach(function (h) { frag.appendChild(resultItem(h.e, words)); });
    list.appendChild(frag);
  }

  // Keeps the query in the address bar, so reloading or going back restores it.
  function remember() {
    var url = new URL(window.location.href);
    if (input.value.trim()) url.searchParams.set("q", input.value.trim());
    else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  function links() {
    return Array.prototype.slice.call(list.querySelectorAll("a.result-title"));
  }

  function onKey(event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (at === -1 && document.activeElement !== input) return;
    if (event.key === "ArrowDown" && all.length) {
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at !== -1) {
      if (at === 0) input.focus(); else all[at - 1].focus();
    } else if (event.key === "Escape" && at !== -1) {
      input.focus();
    } else if (event.key === "Enter" && document.activeElement === input && all.length) {
      window.location.href = all[0].href;
    } else {
      return;
    }
    event.preventDefault();
  }

  function load(data) {
    entries = data.map(function (e) {
      e.lowerTitle = e.title.toLowerCase();
      e.lowerBody = e.body.toLowerCase();
      e.lowerRest = e.topics.join(" ").toLowerCase() + " " + e.lowerBody;
      return e;
    });
    status.textContent = "";
    render();
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  status.textContent = "Loading the index…";
  fetch(input.getAttribute("data-index"))
    .then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return r.json();
    })
    .then(load)
    .catch(function () { status.textContent = "The search index could not be loaded."; });
  input.addEventListener("input", function () { render(); remember(); });
  document.addEventListener("keydown", onKey);
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
})();
