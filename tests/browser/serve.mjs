// End to end in a real browser: `brief serve` on a temp copy of the fixture site,
// a page open in headless Chromium, and edits on disk. The page must change
// without a manual reload, show a build error in the overlay, and drop the overlay
// once the error is fixed.
//
// Usage: node tests/browser/serve.mjs [path/to/brief]   (default target/debug/brief)
// Exits non-zero on any failure.

import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, "../..");
const brief = path.resolve(process.argv[2] ?? process.env.BRIEF_BIN ?? path.join(repo, "target/debug/brief"));
const WAIT = { timeout: 60_000 };

function tempDir(prefix) {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/// Starts `brief serve` and resolves with its URL (the first line it prints).
function startServer(site) {
  const child = spawn(brief, ["--root", site, "serve", "--port", "0"], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const url = new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout });
    lines.once("line", (line) => {
      const match = line.match(/http:\/\/127\.0\.0\.1:\d+\//);
      match ? resolve(match[0]) : reject(new Error(`no URL in ${JSON.stringify(line)}`));
    });
    lines.on("line", (line) => console.log(`  serve: ${line}`));
    child.once("exit", (code) => reject(new Error(`brief serve exited with ${code}`)));
  });
  return { child, url };
}

function check(condition, message) {
  if (!condition) throw new Error(message);
  console.log(`ok - ${message}`);
}

async function main() {
  const site = tempDir("brief-serve-site-");
  const profile = tempDir("brief-serve-profile-");
  fs.cpSync(path.join(repo, "tests/fixtures/basic"), site, { recursive: true });
  const insight = path.join(site, "content/insights/moe.md");
  const good = fs.readFileSync(insight, "utf8");

  const server = startServer(site);
  let context;
  try {
    const base = await server.url;
    context = await chromium.launchPersistentContext(profile, {
      executablePath: "/usr/bin/chromium",
      headless: true,
      args: [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-proxy-server",
      ],
    });
    const page = context.pages()[0] ?? (await context.newPage());
    await page.goto(`${base}insights/moe/`);
    check((await page.textContent("h1")).includes("Mixture of experts cuts"), "the page is served");
    // Wait until the live-reload stream is open, so the edit below is not missed.
    await page.waitForFunction(() => window.__briefLiveReload === "open", null, WAIT);

    fs.writeFileSync(insight, good.replace("Mixture of experts cuts", "Mixture of experts slashes"));
    await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("slashes"), null, WAIT);
    check(true, "an edit on disk shows up without a manual reload");

    fs.writeFileSync(insight, good.replace('title = "', 'title = '));
    const overlay = page.locator("#brief-error-overlay");
    await overlay.waitFor({ state: "visible", ...WAIT });
    const text = await overlay.textContent();
    check(text.includes("moe.md:2"), "the overlay shows the error with file and line");
    check((await page.textContent("h1")).includes("slashes"), "the last good page stays under the overlay");

    fs.writeFileSync(insight, good);
    await overlay.waitFor({ state: "detached", ...WAIT });
    await page.waitForFunction(() => document.querySelector("h1")?.textContent.includes("cuts"), null, WAIT);
    check(true, "fixing the error removes the overlay and shows the fixed page");
  } finally {
    await context?.close();
    server.child.kill();
    fs.rmSync(site, { recursive: true, force: true });
    fs.rmSync(profile, { recursive: true, force: true });
  }
}

main().then(
  () => console.log("browser serve test: passed"),
  (error) => {
    console.error(`browser serve test: FAILED: ${error.stack ?? error}`);
    process.exit(1);
  },
);
