// The default theme in a real browser (Debian's headless Chromium).
//
//   node tests/browser/theme.mjs path/to/brief [site-dir] [search-word]
//
// Builds the site (default: the fixture) with a base_url that carries a path,
// serves it under that path with a tiny static server (static.mjs), and for the
// home page, an issue, a topic, an insight and search (with a query typed) at
// desktop and phone widths, in light and dark mode: saves a screenshot under
// tests/browser/artifacts/, asserts no horizontal overflow and no console error
// or failed request. Search must find the word and be usable by keyboard.
// Exits non-zero on any failure.

import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";
import { serveSite } from "./static.mjs";

const here = dirname(fileURLToPath(import.meta.url));
const [binary, siteArg, wordArg] = process.argv.slice(2);
if (!binary) {
  console.error("usage: node theme.mjs path/to/brief [site-dir] [search-word]");
  process.exit(2);
}
const site = resolve(siteArg ?? join(here, "..", "fixtures", "basic"));
const word = wordArg ?? "huawei";
const prefix = "/digest/";
const artifacts = join(here, "artifacts");
const failures = [];
const fail = (msg) => { failures.push(msg); console.error(`FAIL ${msg}`); };

const out = mkdtempSync(join(tmpdir(), "brief-theme-"));
execFileSync(resolve(binary), ["--root", site, "build", "-o", out, "--base-url", `https://example.org${prefix}`], { stdio: "inherit" });
mkdirSync(artifacts, { recursive: true });

const { server, origin } = await serveSite(out, prefix);

const profile = mkdtempSync(join(tmpdir(), "brief-chromium-"));
const context = await chromium.launchPersistentContext(profile, {
  executablePath: "/usr/bin/chromium",
  headless: true,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync"],
});

const firstIssue = readFileSync(join(out, "index.html"), "utf8").match(/href="\/digest\/(issues\/\d{4}-\d\d-\d\d\/)"/);
const firstTopic = readFileSync(join(out, "topics", "index.html"), "utf8").match(/href="\/digest\/(topics\/[^"/]+\/)"/);
const firstInsight = readFileSync(join(out, "index.html"), "utf8").match(/href="\/digest\/(insights\/[^"/]+\/)"/);
const pages = [
  ["home", ""],
  ["issue", firstIssue?.[1]],
  ["topic", firstTopic?.[1]],
  ["insight", firstInsight?.[1]],
  ["search", "search/"],
  ["subscribe", "subscribe/"],
  ["code", "insights/code-sample/"],
];
const viewports = [["desktop", 1280, 800], ["phone", 390, 844]];

// Opens a page with console errors and failed requests recorded as failures.
async function open(label, path, width, height, scheme) {
  const page = await context.newPage();
  await page.setViewportSize({ width, height });
  await page.emulateMedia({ colorScheme: scheme });
  page.on("console", (msg) => { if (msg.type() === "error") fail(`${label}: console error: ${msg.text()}`); });
  page.on("pageerror", (err) => fail(`${label}: page error: ${err.message}`));
  page.on("response", (r) => { if (r.status() >= 400) fail(`${label}: ${r.status()} for ${r.url()}`); });
  page.on("requestfailed", (r) => fail(`${label}: request failed: ${r.url()}`));
  await page.goto(origin + prefix + path, { waitUntil: "load" });
  return page;
}

async function assertNoOverflow(page, label) {
  const [scroll, inner] = await page.evaluate(() => [document.documentElement.scrollWidth, window.innerWidth]);
  if (scroll > inner) fail(`${label}: horizontal overflow (${scroll}px wide in a ${inner}px viewport)`);
}

// Highlighted code and search marks must stay readable in either scheme:
// each one's text at least 4.5:1 against the background it is drawn on
// (WCAG AA). The highlight stylesheet's light rules once won in the dark.
async function assertReadableCode(page, label) {
  const faint = await page.evaluate(() => {
    const rgb = (css) => (css.match(/[\d.]+/g) || []).map(Number);
    const luminance = ([r, g, b]) => [r, g, b]
      .map((c) => { c /= 255; return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4; })
      .reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const background = (el) => {
      for (; el; el = el.parentElement) {
        const c = rgb(getComputedStyle(el).backgroundColor);
        if (c.length === 3 || c[3] > 0) return c.slice(0, 3);
      }
      return [255, 255, 255];
    };
    const found = [];
    for (const el of document.querySelectorAll("pre.code span, mark")) {
      if (!el.textContent.trim()) continue;
      const [a, b] = [luminance(rgb(getComputedStyle(el).color)), luminance(background(el))];
      const ratio = (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
      if (ratio < 4.5) found.push(`"${el.textContent.trim().slice(0, 20)}" ${ratio.toFixed(2)}:1`);
    }
    return found;
  });
  if (faint.length) fail(`${label}: faint text: ${faint.slice(0, 5).join("; ")}`);
}

// Types the word, expects highlighted results, then walks them by keyboard.
async function exerciseSearch(page, label, follow) {
  await page.fill("#search-input", "");
  await page.type("#search-input", word, { delay: 20 });
  try {
    await page.waitForSelector("#search-results li", { timeout: 5000 });
  } catch {
    fail(`${label}: no search results for "${word}"`);
    return;
  }
  const marks = await page.$$eval("#search-results mark", (ms) => ms.map((m) => m.textContent.toLowerCase()));
  if (!marks.includes(word.toLowerCase())) fail(`${label}: results do not highlight "${word}"`);
  if (!follow) return;
  await page.keyboard.press("ArrowDown");
  const focused = await page.evaluate(() => document.activeElement?.getAttribute("href"));
  const first = await page.$eval("#search-results a", (a) => a.getAttribute("href"));
  if (!focused || focused !== first) fail(`${label}: ArrowDown does not focus the first result`);
  await page.keyboard.press("ArrowUp");
  if (!(await page.evaluate(() => document.activeElement?.id === "search-input"))) fail(`${label}: ArrowUp does not return to the input`);
  await Promise.all([page.waitForURL(`**${first}`), page.keyboard.press("Enter")]);
  if (!page.url().includes(`${prefix}insights/`)) fail(`${label}: Enter did not open a result (at ${page.url()})`);
}

try {
  for (const [name, path] of pages) {
    if (path === undefined) { fail(`${name}: no such page in the built site`); continue; }
    for (const [device, width, height] of viewports) {
      for (const scheme of ["light", "dark"]) {
        const label = `${name} ${device} ${scheme}`;
        const page = await open(label, path, width, height, scheme);
        if (name === "search") await exerciseSearch(page, label, false);
        await assertNoOverflow(page, label);
        if (name === "code" || name === "search") await assertReadableCode(page, label);
        await page.screenshot({ path: join(artifacts, `${name}-${device}-${scheme}.png`), fullPage: true });
        await page.close();
      }
    }
  }
  const page = await open("search keyboard", "search/", 1280, 800, "light");
  await exerciseSearch(page, "search keyboard", true);
  await page.close();
} finally {
  await context.close();
  server.close();
  rmSync(out, { recursive: true, force: true });
  rmSync(profile, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`${failures.length} browser check(s) failed`);
  process.exit(1);
}
console.log(`browser checks passed: ${pages.length} pages × 2 widths × 2 colour schemes; screenshots in ${artifacts}`);
