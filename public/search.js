// Type-ahead search over the sharded index brief writes: no server, no
// dependencies. The manifest (search-index.json) names every other file; a
// query loads only the files of its words and the cards of the results it
// shows, so a first query costs tens of kilobytes whatever the site's size.
// The files are described in the README ("Search index"); the word rules
// mirror src/render/search/words.rs (keep them in step).
//
// Every word must match (in the title, topics or text), each as a prefix of an
// indexed word; a title match scores 3 and another 1, then newer ranks first.
// Keyboard: Down/Up move through the results, Enter opens the focused result
// (or the first one from the input), Escape returns to the input.
(function () {
  "use strict";
  var PAGE = 10;
  // A prefix reads at most this many files of words, and expands to at most
  // this many words (the most frequent): typing "c" must not load the index.
  var PREFIX_FILES = 2;
  var PREFIX_WORDS = 50;
  var MIN_CHARS = 2;
  var MAX_CHARS = 40;
  var input = document.getElementById("search-input");
  var list = document.getElementById("search-results");
  var status = document.getElementById("search-status");
  var more = document.getElementById("search-more");
  var form = input && input.form;
  if (!input || !list || !status) return;
  var indexUrl = new URL(input.getAttribute("data-index"), window.location.href);
  // The messages, in the site's language: the page's `search-words` (from the
  // theme's words/*.toml), plural forms picked by the browser's CLDR rules.
  var wordsElement = document.getElementById("search-words");
  var words = wordsElement ? JSON.parse(wordsElement.textContent) : {};
  var plurals = pluralRules(document.documentElement.lang);
  var manifest = null;
  var files = {};
  var generation = 0;
  var shown = PAGE;

  // ---- loading ------------------------------------------------------------------

  function load(url, options) {
    if (!files[url]) {
      files[url] = fetch(url, options).then(function (r) {
        if (!r.ok) {
          var error = new Error(r.status + " for " + url);
          error.gone = r.status === 404;
          throw error;
        }
        return r.json();
      });
      files[url].catch(function () { delete files[url]; });
    }
    return files[url];
  }

  // A file the manifest names is gone: the site was deployed since the
  // manifest was loaded (or cached). Fetch it again past the cache, once
  // until a search succeeds, then search again.
  var refetched = false;
  function refetchManifest() {
    refetched = true;
    files = {};
    status.textContent = say(words.loading, {});
    load(indexUrl.href, { cache: "no-cache" })
      .then(function (data) { manifest = data; render(); })
      .catch(function () { status.textContent = say(words.failed, {}); });
  }

  function shard(dir, hash) {
    return load(new URL("search/" + dir + "/" + hash + ".json", indexUrl).href);
  }

  // The index of the last entry of `firsts` ([first, hash], sorted) whose
  // first is not greater than `word`; -1 if none.
  function lastNotAfter(firsts, word) {
    var lo = 0, hi = firsts.length;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (firsts[mid][0] <= word) lo = mid + 1; else hi = mid;
    }
    return lo - 1;
  }

  // Deltas → ascending numbers.
  function undelta(deltas) {
    var out = new Array(deltas.length), at = 0;
    for (var i = 0; i < deltas.length; i++) { at += deltas[i]; out[i] = at; }
    return out;
  }

  // ---- words ----------------------------------------------------------------------

  // Letters of scripts written without spaces (Chinese, Japanese kana, Thai,
  // Lao, Burmese, Khmer): the
  // index holds a run of them as its pairs of characters (one alone as
  // itself), and a query is split alike. The ranges of SOUTHEAST_ASIAN and
  // WIDE in src/text/unspaced.rs.
  var UNSPACED = /[\u0e00-\u0e7f\u0e80-\u0eff\u1000-\u109f\u1780-\u17ff\u3005-\u3007\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\u{20000}-\u{2fa1f}\u{30000}-\u{323af}]/u;

  // A word's pieces as the index holds them: each stretch of unspaced letters
  // as its pairs, each other stretch whole.
  function pieces(word) {
    var out = [], chars = Array.from(word), start = 0;
    for (var i = 1; i <= chars.length; i++) {
      var unspaced = UNSPACED.test(chars[start]);
      if (i < chars.length && UNSPACED.test(chars[i]) === unspaced) continue;
      var stretch = chars.slice(start, i);
      if (!unspaced) out.push({ word: stretch.join(""), chars: stretch.length });
      else if (stretch.length === 1) out.push({ word: stretch[0], unspaced: true });
      for (var j = 1; unspaced && j < stretch.length; j++) out.push({ word: stretch[j - 1] + stretch[j], unspaced: true });
      start = i;
    }
    return out;
  }

  // "u.s." → "us", "e.g." → "eg": ASCII letters alone between dots, after no
  // letter or digit and before none, as one word (the index joins them so).
  var ABBREVIATION = /(?<![\p{Alphabetic}\p{N}\p{M}])[a-z](?:\.[a-z])+(?![\p{Alphabetic}\p{N}\p{M}])/gu;
  function joinAbbreviations(text) {
    return text.replace(ABBREVIATION, function (letters) { return letters.replace(/\./g, ""); });
  }

  // The query's words: lowercased, split as the index splits text. Stop words
  // are dropped, except the last word while it is being typed (a prefix).
  function queryWords(query) {
    var typing = !/\s$/.test(query);
    var parts = [];
    joinAbbreviations(query.normalize("NFC").toLowerCase()).split(/[^\p{Alphabetic}\p{N}\p{M}]+/u).filter(Boolean).forEach(function (w) {
      parts.push.apply(parts, pieces(w));
    });
    return parts.filter(function (p, i) {
      if (p.unspaced) return true;
      if (p.chars < MIN_CHARS || p.chars > MAX_CHARS) return false;
      return manifest.stop_words.indexOf(p.word) === -1 || (typing && i === parts.length - 1);
    }).map(function (p) { return p.word; }).filter(function (w, i, all) { return all.indexOf(w) === i; });
  }

  // The indexed words `prefix` expands to, each with its entry:
  // [word, [count, title deltas, other deltas]].
  function expand(prefix) {
    var at = Math.max(0, lastNotAfter(manifest.terms, prefix));
    var wanted = manifest.terms.slice(at, at + PREFIX_FILES).filter(function (f, n) {
      return n === 0 || f[0].lastIndexOf(prefix, 0) === 0;
    });
    return Promise.all(wanted.map(function (f) { return shard("terms", f[1]); })).then(function (loaded) {
      var found = [];
      loaded.forEach(function (file) {
        file.terms.forEach(function (word, n) {
          if (word.lastIndexOf(prefix, 0) === 0) found.push([word, file.postings[n]]);
        });
      });
      found.sort(function (a, b) { return (b[0] === prefix) - (a[0] === prefix) || b[1][0] - a[1][0]; });
      return found.slice(0, PREFIX_WORDS);
    });
  }

  // The whole list of `word` (one not complete beside it): [title, other] keys.
  function wholeList(word) {
    var at = lastNotAfter(manifest.lists, word);
    return shard("lists", manifest.lists[at][1]).then(function (file) {
      var n = file.terms.indexOf(word);
      return file.lists[n];
    });
  }

  function complete(entry) {
    return entry[1].length + entry[2].length === entry[0];
  }

  // What one query word matches: {keys: Map key → 3 (title) or 1, count,
  // exact, partial}. `whole` asks for every match (to intersect words or page
  // far); otherwise the heads beside the words, which hold each word's first
  // results (`partial` when a head is not the whole list).
  function matches(prefix, whole) {
    return expand(prefix).then(function (terms) {
      var partial = !whole && !terms.every(function (t) { return complete(t[1]); });
      return Promise.all(terms.map(function (t) {
        return whole && !complete(t[1]) ? wholeList(t[0]) : [t[1][1], t[1][2]];
      })).then(function (lists) {
        var keys = new Map();
        lists.forEach(function (pair) {
          undelta(pair[0]).forEach(function (k) { keys.set(k, 3); });
          undelta(pair[1]).forEach(function (k) { if (!keys.has(k)) keys.set(k, 1); });
        });
        // Heads cut short count each word's whole list: exact for one word,
        // an upper bound for a prefix of several (an insight may have both).
        var count = partial ? terms.reduce(function (sum, t) { return sum + t[1][0]; }, 0) : keys.size;
        return { keys: keys, count: count, exact: !partial || terms.length === 1, partial: partial };
      });
    });
  }

  // Ranked keys of the insights that match every word: [key, score].
  function search(words, whole) {
    return Promise.all(words.map(function (w) { return matches(w, whole); })).then(function (per) {
      if (words.length > 1 && !whole && per.some(function (m) { return m.partial; })) return search(words, true);
      var hits = [];
      per[0].keys.forEach(function (score, key) {
        var total = score;
        for (var i = 1; i < per.length; i++) {
          var s = per[i].keys.get(key);
          if (!s) return;
          total += s;
        }
        hits.push([key, total]);
      });
      hits.sort(function (a, b) { return b[1] - a[1] || b[0] - a[0]; });
      var single = per.length === 1;
      return { hits: hits, count: single ? per[0].count : hits.length, exact: single ? per[0].exact : true, partial: single && per[0].partial };
    });
  }

  // The card of `key`: [title, slug, day, [topic indices], text].
  function card(key) {
    var at = lastNotAfter(manifest.docs, key);
    return shard("docs", manifest.docs[at][1]).then(function (file) {
      if (!file.ascending) file.ascending = undelta(file.keys);
      return file.docs[file.ascending.indexOf(key)];
    });
  }

  // ---- showing ----------------------------------------------------------------------

  function escapeRegExp(s) {
    return s.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  }

  // Matches of the words at the start of a word of `text`; pairs of unspaced
  // letters wherever they are.
  function matcher(words) {
    return new RegExp(words.map(function (w) {
      return (UNSPACED.test(w) ? "" : "(?<![\\p{Alphabetic}\\p{N}\\p{M}])") + escapeRegExp(w);
    }).join("|"), "giu");
  }

  // Text with every match wrapped in <mark>, built as DOM nodes so nothing
  // from the index is ever parsed as HTML. Pairs of unspaced letters overlap
  // (供应, 应链): each match is looked for again one character on, and
  // overlapping or touching matches make one mark (供应链).
  function highlight(text, words) {
    var frag = document.createDocumentFragment();
    var re = matcher(words);
    var marked = [];
    var match;
    while ((match = re.exec(text)) !== null) {
      var start = match.index, end = start + match[0].length;
      re.lastIndex = start + (text.codePointAt(start) > 0xffff ? 2 : 1);
      if (end === start) continue;
      var previous = marked[marked.length - 1];
      if (previous && start <= previous[1]) previous[1] = Math.max(previous[1], end);
      else marked.push([start, end]);
    }
    var last = 0;
    marked.forEach(function (span) {
      frag.appendChild(document.createTextNode(text.slice(last, span[0])));
      var mark = document.createElement("mark");
      mark.textContent = text.slice(span[0], span[1]);
      frag.appendChild(mark);
      last = span[1];
    });
    frag.appendChild(document.createTextNode(text.slice(last)));
    return frag;
  }

  // About 200 characters of the text around the first match.
  function snippet(text, words) {
    var match = matcher(words).exec(text);
    var at = match ? match.index : 0;
    var start = Math.max(0, at - 60);
    if (start > 0) {
      var space = text.indexOf(" ", start);
      if (space !== -1 && space < at) start = space + 1;
    }
    var end = Math.min(text.length, start + 200);
    return (start > 0 ? "…" : "") + text.slice(start, end) + (end < text.length ? "…" : "");
  }

  function resultItem(doc, words) {
    var li = document.createElement("li");
    var a = document.createElement("a");
    a.href = manifest.insights + doc[1] + "/";
    a.className = "result-title";
    a.appendChild(highlight(doc[0], words));
    var meta = document.createElement("p");
    meta.className = "result-meta";
    var topics = doc[3].map(function (t) { return manifest.topics[t]; });
    var time = document.createElement("time");
    time.dateTime = doc[2];
    time.textContent = dayText(doc[2]);
    meta.appendChild(time);
    if (topics.length) meta.appendChild(document.createTextNode(" · " + topics.join(", ")));
    li.appendChild(a);
    // A one-sentence insight is all headline: its card has no text to show.
    if (doc[4]) {
      var p = document.createElement("p");
      p.appendChild(highlight(snippet(doc[4], words), words));
      li.appendChild(p);
    }
    li.appendChild(meta);
    return li;
  }

  function counted(found, query) {
    if (!found.count) return say(words.none, { query: query });
    var n = found.count;
    var text = say(found.exact ? words.results : words.about, { n: n });
    return text + (n > found.shown ? say(words.shown, { n: found.shown }) : "");
  }

  // ---- words --------------------------------------------------------------------

  function pluralRules(lang) {
    try {
      return new Intl.PluralRules(lang || "en");
    } catch (e) {
      return new Intl.PluralRules("en");
    }
  }

  // A phrase with its {names} filled in; a phrase of plural forms (an object)
  // gives the form for `values.n`. As the `say` filter of the templates does.
  // `phrase` with its {placeholders} filled; a phrase of plural forms picks
  // the form `=N` of the exact count first (as the theme's words do: English
  // forms in a language the theme has no words for), then the language's.
  function say(phrase, values) {
    if (phrase && typeof phrase === "object") {
      var n = values.n || 0;
      phrase = phrase["=" + n] || phrase[plurals.select(n)] || phrase.other;
    }
    return String(phrase || "").replace(/\{(\w+)\}/g, function (all, name) {
      return name in values ? String(values[name]) : all;
    });
  }

  // A day (YYYY-MM-DD) as the pages write it (src/text/dates.rs): English as
  // "19 November 2026", other languages in CLDR's long form, which the
  // browser has too; the ISO form where it has none.
  var pageLang = document.documentElement.lang || "en";
  var english = /^en\b/i.test(pageLang);
  var dayFormat = (function () {
    try {
      return new Intl.DateTimeFormat(english ? "en" : pageLang, english
        ? { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" }
        : { dateStyle: "long", timeZone: "UTC" });
    } catch (e) {
      return null;
    }
  })();
  function dayText(iso) {
    var date = new Date(iso + "T00:00:00Z");
    if (!dayFormat || isNaN(date)) return iso;
    if (!english) return dayFormat.format(date);
    var parts = {};
    dayFormat.formatToParts(date).forEach(function (p) { parts[p.type] = p.value; });
    return parts.day + " " + parts.month + " " + parts.year;
  }

  function render() {
    var query = input.value;
    var mine = ++generation;
    if (!manifest) return;
    // `terms`, not `words`: that is the page's messages, which this function says too.
    var terms = queryWords(query);
    if (!terms.length) {
      list.textContent = "";
      status.textContent = query.trim() ? say(words.longer, {}) : "";
      if (more) more.hidden = true;
      return;
    }
    var want = shown;
    search(terms, false)
      .then(function (found) {
        // Paging past the heads beside the words needs the whole lists.
        return found.partial && want > found.hits.length ? search(terms, true) : found;
      })
      .then(function (found) {
        var keys = found.hits.slice(0, want);
        return Promise.all(keys.map(function (h) { return card(h[0]); })).then(function (docs) {
          if (mine !== generation) return;
          found.shown = docs.length;
          var frag = document.createDocumentFragment();
          docs.forEach(function (doc) { frag.appendChild(resultItem(doc, terms)); });
          list.textContent = "";
          list.appendChild(frag);
          status.textContent = counted(found, query.trim());
          if (more) more.hidden = found.count <= docs.length;
          refetched = false;
        });
      })
      .catch(function (error) {
        if (mine !== generation) return;
        if (error && error.gone && !refetched) refetchManifest();
        else status.textContent = say(words.failed, {});
      });
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

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  status.textContent = say(words.loading, {});
  load(indexUrl.href)
    .then(function (data) {
      manifest = data;
      status.textContent = "";
      render();
    })
    .catch(function () { status.textContent = say(words.failed, {}); });
  input.addEventListener("input", function () { shown = PAGE; render(); remember(); });
  if (more) more.addEventListener("click", function () { shown += PAGE; render(); });
  document.addEventListener("keydown", onKey);
  if (form) form.addEventListener("submit", function (event) { event.preventDefault(); });
})();
