// Live reload for `brief serve`: injected into pages at serve time, never built
// into a site. Reloads after every successful rebuild; shows a build error in an
// overlay (as text, never as HTML) until the next good build reloads the page.
(() => {
  "use strict";
  const script = document.currentScript;
  const build = script ? script.dataset.build : "";
  const events = new EventSource("/__brief/events?build=" + encodeURIComponent(build));
  // Lets tests (and the curious) see that the stream is open.
  events.addEventListener("open", () => { window.__briefLiveReload = "open"; });
  events.addEventListener("reload", () => location.reload());
  events.addEventListener("build-error", (event) => showError(JSON.parse(event.data)));

  function showError(text) {
    let overlay = document.getElementById("brief-error-overlay");
    if (!overlay) {
      overlay = document.createElement("div");
      overlay.id = "brief-error-overlay";
      overlay.setAttribute("role", "alert");
      overlay.style.cssText =
        "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
        "background:rgba(20,20,24,.94);color:#f5f5f5;font:14px/1.5 ui-monospace,monospace";
      const title = document.createElement("strong");
      title.textContent = "brief: the last change does not build (still showing the last good site)";
      title.style.cssText = "display:block;color:#ff8080;margin-bottom:1rem";
      const close = document.createElement("button");
      close.textContent = "Dismiss";
      close.style.cssText = "float:right";
      close.addEventListener("click", () => overlay.remove());
      const pre = document.createElement("pre");
      pre.style.cssText = "white-space:pre-wrap;margin:0";
      overlay.append(close, title, pre);
      document.body.append(overlay);
    }
    overlay.querySelector("pre").textContent = text;
  }
})();
