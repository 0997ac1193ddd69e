// Search in a real browser (Debian's headless Chromium): what it downloads and
// what it shows.
//
//   node tests/browser/search.mjs path/to/brief [site-dir] [--word W]... [--budget BYTES] [--json]
//
// Builds the site (default: the fixture, plus an insight whose title is HTML
// and 1,500 generated ones over 500 days, so that the index has many shards)
// with a base_url that carries a path and serves it under that path with a
// static server (static.mjs) that gzip-compresses every response as a host
// would and counts the compressed bytes. Then, on /search/:
// - the first query (the first --word, default "huawei") must download under
//   --budget bytes (default 300000) of search files (search.js, the manifest
//   and the shards it loads), and load only some of the shards;
// - each later word loads no file twice;
// - results highlight the match, show a date and topics, rank title matches
//   before the others, and a prefix of the word finds it while typing;
// - a Chinese word inside a sentence is found and highlighted, and so is a
//   word typed with an accent in text that writes it as a combining mark;
// - "U.S." is found as one word, and a query too short to search says so;
// - the results can be walked and opened by keyboard;
// - with JavaScript off the page says search needs it;
// - in a German site the messages are German; in a Japanese one (no words
//   of its own) English, one result said as one.
// --json prints the payload figures as JSON (scripts/bench.sh reads them).
// Exits non-zero on any failure.

import { execFileSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveSite } from "./static.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const option = (name) => {
  const at = args.indexOf(name);
  return at === -1 ? undefined : args.splice(at, 2)[1];
};
const words = [];
for (let w; (w = option("--word")) !== undefined;) words.push(w);
const budget = Number(option("--budget") ?? 300000);
const asJson = args.includes("--json") && args.splice(args.indexOf("--json"), 1);
const [binary, siteArg] = args;
if (!binary) {
  console.error("usage: node search.mjs path/to/brief [site-dir] [--word W]... [--budget BYTES] [--json]");
  process.exit(2);
}
if (!words.length) words.push("huawei", "chips", "grid chip");
const prefix = "/digest/";
const failures = [];
const fail = (msg) => { failures.push(msg); console.error(`FAIL ${msg}`); };
const log = (msg) => { if (!asJson) console.log(msg); };

// The fixture gains an insight whose title and text are HTML: search must
// show them as text.
const temp = mkdtempSync(join(tmpdir(), "brief-search-"));
let site = siteArg && resolve(siteArg);
if (!site) {
  site = join(temp, "site");
  cpSync(join(here, "..", "fixtures", "basic"), site, { recursive: true });
  // An insight of the fixture's second day, seen in one source.
  const insight = (slug, title, body, topics = "") =>
    writeFileSync(join(site, "content", "insights", `${slug}.md`),
      `+++\ntitle = "${title}"\ndate = 2026-11-19\nsources = ["${slug}.txt"]\n${topics}+++\n${body}\n`);
  insight("markup", "Huawei <img src=x onerror=alert(1)> tags", "Huawei <b>bold</b> claims & more.");
  // Chinese is written without spaces: its words are found inside sentences.
  insight("zh-chips", "华为芯片供应链出现新变化", "深度求索把价格下调与华为芯片供应挂钩。", 'topics = ["chips"]\n');
  // Hindi: a virama (U+094D) is a mark inside the word, not a break.
  insight("hi-lang", "हिन्दी पाठकों के लिए खोज", "हिन्दी भाषा में चिप की कीमतें गिरीं।");
  // Thai is written without spaces between words, as Chinese is.
  insight("th-chips", "ราคาชิปในเชียงใหม่ลดลง", "ผู้ผลิตเพิ่มกำลังการผลิตภาษาไทย");
  // Letters with dots between them: a reader types "U.S." as the text has it.
  insight("us-rules", "Washington weighs new chip rules", "The U.S. and the U.K. weigh new export rules.");
  // Accents written as combining marks (u + U+0308): a reader types ü.
  insight("zurich", "Zu\u0308rich banks weigh chips", "Zu\u0308rich banks weigh cafe\u0301 chains.",
    'topics = ["chips"]\n');
  // Enough insights over enough days for the index to need many shards, so
  // that loading only some of them means something.
  const words = ["grid", "chip", "model", "price", "robot", "cloud", "agent", "talent"];
  const topics = ["chips", "open-source", "pricing", "energy"];
  for (let n = 0; n < 1500; n++) {
    const day = new Date(Date.UTC(2024, 0, 1) + Math.floor(n / 3) * 86400000).toISOString().slice(0, 10);
    const [a, b] = [words[n % words.length], words[Math.floor(n / words.length) % words.length]];
    writeFileSync(join(site, "content", "insights", `bulk-${n}.md`),
      `+++\ntitle = "Bulk ${n} on ${a}"\ndate = ${day}\ntopics = ["${topics[n % topics.length]}"]\n+++\n` +
      `Note${n} on ${b} and ${a}${n % 97}.\n`);
  }
}
const out = join(temp, "public");
execFileSync(resolve(binary), ["--root", site, "build", "-o", out, "--base-url", `https://example.org${prefix}`],
  { stdio: asJson ? ["ignore", "ignore", "inherit"] : "inherit" });

// Every search file served: path → gzip-compressed bytes.
const served = [];
const isSearchFile = (path) => /^(search\.js|search-index\.json|search\/(terms|lists|docs)\/.*)$/.test(path);
const { server, origin } = await serveSite(out, prefix, {
  gzip: true,
  onServe: (path, bytes) => { if (isSearchFile(path)) served.push([path, bytes]); },
});
const browser = await chromium.launch({
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

// Every file the search adds, and their bytes on disk.
const shardFiles = ["terms", "lists", "docs"].flatMap((d) => {
  try { return readdirSync(join(out, "search", d)).map((f) => join(out, "search", d, f)); } catch { return []; }
});
const shardCount = shardFiles.length;
const diskBytes = [...shardFiles, join(out, "search-index.json"), join(out, "search.js")]
  .reduce((sum, f) => sum + statSync(f).size, 0);
const bytes = (list) => list.reduce((sum, [, n]) => sum + n, 0);

// A search page; with `gone`, missing files are expected (the browser logs
// each 404 as a console error, and the page must get over them).
async function openSearch(options = {}, { gone = false } = {}) {
  const context = await browser.newContext({ ...options, viewport: { width: 1280, height: 800 } });
  const page = await context.newPage();
  page.on("console", (msg) => { if (msg.type() === "error" && !gone) fail(`console error: ${msg.text()}`); });
  page.on("pageerror", (err) => fail(`page error: ${err.message}`));
  page.on("dialog", (d) => { fail(`a dialog opened: ${d.message()}`); d.dismiss(); });
  page.on("response", (r) => { if (r.status() >= 400 && !gone) fail(`${r.status()} for ${r.url()}`); });
  await page.goto(`${origin}${prefix}search/`, { waitUntil: "load" });
  return page;
}

// Types `text` into the search box (replacing it) and waits for the status
// to report the results of exactly this query.
async function query(page, text) {
  await page.fill("#search-input", "");
  await page.type("#search-input", text, { delay: 15 });
  await page.waitForFunction(
    (q) => /result|No results/.test(document.getElementById("search-status").textContent) &&
      document.getElementById("search-input").value === q,
    text, { timeout: 15000 },
  ).catch(() => fail(`"${text}": no result status`));
  // Let any request a stale keystroke started settle before counting.
  await page.waitForLoadState("networkidle");
  return page.$$eval("#search-results li", (lis) => lis.map((li) => ({
    title: li.querySelector("a").textContent,
    href: li.querySelector("a").getAttribute("href"),
    titleMarks: li.querySelectorAll("a mark").length,
    marks: Array.from(li.querySelectorAll("mark"), (m) => m.textContent.toLowerCase()),
    meta: li.querySelector(".result-meta").textContent,
    datetime: li.querySelector(".result-meta time")?.getAttribute("datetime") ?? "",
    elements: li.querySelectorAll("img, b, script").length,
  })));
}

function checkResults(label, results, word) {
  if (!results.length) { fail(`${label}: no results`); return; }
  if (!results.some((r) => r.marks.some((m) => m.startsWith(word.slice(0, 3))))) fail(`${label}: no highlighted match`);
  for (const r of results) {
    // The day as pages write it ("19 November 2026"), in a <time>.
    if (!/^\d{4}-\d\d-\d\d$/.test(r.datetime) || !/^\d{1,2} [A-Z][a-z]+ \d{4}/.test(r.meta)) {
      fail(`${label}: "${r.meta}" shows no date as the pages write it (datetime "${r.datetime}")`);
    }
    if (r.elements) fail(`${label}: markup from the index became elements in "${r.title}"`);
    if (!r.href.startsWith(`${prefix}insights/`)) fail(`${label}: result link ${r.href} is not under ${prefix}`);
  }
  if (!results.some((r) => / · \S/.test(r.meta))) fail(`${label}: no result shows its topics`);
  const firstOther = results.findIndex((r) => r.titleMarks === 0);
  if (firstOther !== -1 && results.slice(firstOther).some((r) => r.titleMarks > 0)) {
    fail(`${label}: a title match ranks below a match in the text only`);
  }
}

const figures = { files: shardCount + 2, bytes: diskBytes, queries: [] };
try {
  const page = await openSearch();
  await page.waitForFunction(() => document.getElementById("search-status").textContent === "");
  const seen = new Set();
  for (const [n, word] of words.entries()) {
    const before = served.length;
    const results = await query(page, word);
    const fetched = served.slice(n === 0 ? 0 : before);
    checkResults(`"${word}"`, results, word);
    for (const [path] of fetched) {
      if (seen.has(path)) fail(`"${word}": ${path} was downloaded again`);
      seen.add(path);
    }
    figures.queries.push({ word, files: fetched.length, gzip_bytes: bytes(fetched), results: results.length });
    log(`"${word}": ${results.length} results shown, ${fetched.length} files, ${bytes(fetched)} bytes gzip`);
  }
  const first = figures.queries[0];
  if (first.gzip_bytes >= budget) fail(`the first query downloaded ${first.gzip_bytes} bytes gzip (budget ${budget})`);
  if (!siteArg && shardCount < 8) fail(`only ${shardCount} shard files: too few to tell whether loading is lazy`);
  if (seen.size - 2 >= shardCount) fail(`every shard was loaded (${shardCount}): loading is not lazy`);

  // How long results take once their files are loaded (reported, not asserted).
  figures.warm_ms = await page.evaluate((word) => new Promise((done) => {
    const input = document.getElementById("search-input");
    const list = document.getElementById("search-results");
    input.value = "";
    input.dispatchEvent(new Event("input"));
    const start = performance.now();
    input.value = word;
    input.dispatchEvent(new Event("input"));
    const poll = () => (list.children.length ? done(Math.round(performance.now() - start)) : requestAnimationFrame(poll));
    poll();
  }), words[0]);
  log(`"${words[0]}" again, files loaded: results in ${figures.warm_ms} ms`);

  // While typing: a prefix finds the word.
  const stem = words[0].slice(0, Math.max(3, words[0].length - 2));
  const typed = await query(page, stem);
  if (!typed.length) fail(`the prefix "${stem}" finds nothing`);
  else if (!typed.some((r) => r.marks.some((m) => m.startsWith(stem)))) fail(`"${stem}": matches not highlighted`);

  // Chinese and Thai: a word inside a sentence (the index holds pairs of
  // characters); accents typed as one character find text written with
  // combining marks; a Hindi word is found across its virama. Each is marked
  // whole.
  const special = [["芯片", "zh-chips"], ["供应链", "zh-chips"], ["价格下调", "zh-chips"],
    ["zürich", "zurich"], ["café", "zurich"], ["हिन्दी", "hi-lang"], ["เชียงใหม่", "th-chips"],
    ["กำลังการผลิต", "th-chips"]];
  for (const [word, slug] of siteArg ? [] : special) {
    const found = await query(page, word);
    const hit = found.find((r) => r.href === `${prefix}insights/${slug}/`);
    if (!hit) fail(`"${word}": ${slug} is not found`);
    else if (!hit.marks.some((m) => m.toLowerCase().includes(word))) fail(`"${word}": not marked whole (${hit.marks})`);
  }

  // "U.S." is one word, in the query as in the index, not two letters too
  // short to search.
  if (!siteArg) {
    const found = await query(page, "U.S.");
    if (!found.some((r) => r.href === `${prefix}insights/us-rules/`)) fail(`"U.S.": us-rules is not found`);
  }
  // A query too short to search says so.
  await page.fill("#search-input", "x");
  await page.waitForFunction(() => /longer/.test(document.getElementById("search-status").textContent), null, { timeout: 15000 })
    .catch(async () => fail(`"x": the status does not ask for a longer word: "${await page.textContent("#search-status")}"`));

  // More results on demand, by keyboard, for a query with more than a page.
  const many = figures.queries.find((q) => q.results === 10);
  if (!siteArg && !many) fail("no query found more than ten results: Show more is not tested");
  await query(page, many ? many.word : words[0]);
  if (many) {
    if (!(await page.isVisible("#search-more"))) fail(`"${many.word}": no Show more button`);
    const shown = (await page.$$("#search-results li")).length;
    await page.focus("#search-more");
    await page.keyboard.press("Enter");
    await page.waitForFunction((n) => document.querySelectorAll("#search-results li").length > n, shown, { timeout: 15000 })
      .catch(() => fail("Show more did not add results"));
  }

  // Keyboard: down to the first result, back up, Enter opens the first.
  await page.focus("#search-input");
  await page.keyboard.press("ArrowDown");
  const firstHref = await page.$eval("#search-results a", (a) => a.getAttribute("href"));
  if ((await page.evaluate(() => document.activeElement?.getAttribute("href"))) !== firstHref) fail("ArrowDown does not focus the first result");
  await page.keyboard.press("ArrowUp");
  if (!(await page.evaluate(() => document.activeElement?.id === "search-input"))) fail("ArrowUp does not return to the input");
  await Promise.all([page.waitForURL(`**${firstHref}`), page.keyboard.press("Enter")]);
  await page.context().close();

  // JavaScript off: a clear message instead.
  const off = await openSearch({ javaScriptEnabled: false });
  const text = await off.textContent("body");
  if (!/needs JavaScript/.test(text)) fail("with JavaScript off the page does not say search needs it");
  await off.context().close();

  // The site deployed again while the page is open: the files the page's
  // manifest names are gone (a rebuild deletes them). Search fetches the
  // manifest again and finds what the new build added.
  if (!siteArg) {
    const open = await openSearch({}, { gone: true });
    await query(open, "huawei");
    writeFileSync(join(site, "content", "insights", "after-deploy.md"),
      '+++\ntitle = "Zyzzyva marks a later deploy"\ndate = 2026-11-21\n+++\nZyzzyva came with a later deploy.\n');
    execFileSync(resolve(binary), ["--root", site, "build", "-o", out, "--base-url", `https://example.org${prefix}`],
      { stdio: "ignore" });
    const found = await query(open, "zyzzyva");
    if (found.length !== 1) fail(`after a deploy, "zyzzyva" finds ${found.length} results, not 1: ` +
      `"${await open.textContent("#search-status")}"`);
    await open.context().close();
  }

  // In German, the script's messages are the theme's German words, their
  // plural forms picked by the browser's rules; in Japanese, which the theme
  // has no words for, the English ones, whose "=1" form names one result.
  if (!siteArg) {
    const config = join(site, "config.toml");
    const english = readFileSync(config, "utf8");
    for (const [language, checks] of [
      ["de", [
        ["huawei", /^(Etwa )?\d+ Ergebnisse?(, die ersten \d+ angezeigt)?$/],
        ["qqqzzz", /^Keine Ergebnisse für „qqqzzz“\.$/],
      ]],
      ["ja", [["zyzzyva", /^1 result$/]]],
    ]) {
      writeFileSync(config, english.replace('language = "en"', `language = "${language}"`));
      execFileSync(resolve(binary), ["--root", site, "build", "-o", out, "--base-url", `https://example.org${prefix}`],
        { stdio: "ignore" });
      const page = await openSearch();
      for (const [word, expected] of checks) {
        await page.fill("#search-input", "");
        await page.type("#search-input", word, { delay: 15 });
        const status = await page.waitForFunction(
          (re) => {
            const text = document.getElementById("search-status").textContent;
            return new RegExp(re).test(text) && text;
          },
          expected.source, { timeout: 15000 },
        ).then((h) => h.jsonValue()).catch(() => null);
        if (!status) fail(`${language}: "${word}" does not show a status matching ${expected}: ` +
          `"${await page.textContent("#search-status")}"`);
      }
      await page.context().close();
    }
  }
} finally {
  await browser.close();
  server.close();
  rmSync(temp, { recursive: true, force: true });
}

if (asJson) console.log(JSON.stringify(figures));
if (failures.length) {
  console.error(`${failures.length} search check(s) failed`);
  process.exit(1);
}
log(`search checks passed: first query ${figures.queries[0].gzip_bytes} bytes gzip of ${shardCount} shard files`);
