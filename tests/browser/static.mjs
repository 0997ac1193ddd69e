// A tiny static host for the browser tests: serves a built site under a path
// prefix, index.html for folders and 404.html for misses, as static hosts do.

import { readFileSync, statSync } from "node:fs";
import { createServer } from "node:http";
import { extname, join, normalize } from "node:path";
import { gzipSync } from "node:zlib";

const types = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".json": "application/json", ".svg": "image/svg+xml", ".xml": "application/xml", ".txt": "text/plain; charset=utf-8",
};

// Serves `out` under `prefix` on a loopback port; resolves to { server, origin }.
// With `gzip`, every file is sent gzip-compressed (level 6, as hosts do) and
// `onServe(path, compressedBytes)` hears of it (path relative to `out`).
export async function serveSite(out, prefix, { gzip = false, onServe = () => {} } = {}) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, "http://x").pathname);
    let file = null;
    let rel = "";
    if (path.startsWith(prefix)) {
      rel = normalize(path.slice(prefix.length)).replace(/^(\.\.[/\\])+/, "");
      file = join(out, rel, rel === "." || path.endsWith("/") ? "index.html" : "");
    }
    try {
      if (!file || !file.startsWith(out) || !statSync(file).isFile()) throw new Error("missing");
      const headers = { "content-type": types[extname(file)] ?? "application/octet-stream" };
      let body = readFileSync(file);
      if (gzip) {
        body = gzipSync(body, { level: 6 });
        headers["content-encoding"] = "gzip";
        onServe(rel, body.length);
      }
      res.writeHead(200, headers);
      res.end(body);
    } catch {
      res.writeHead(404, { "content-type": types[".html"] });
      res.end(readFileSync(join(out, "404.html")));
    }
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return { server, origin: `http://127.0.0.1:${server.address().port}` };
}
