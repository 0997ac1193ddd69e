//! Answering HTTP requests from the in-memory site. Only GET and HEAD are
//! answered. A request path is percent-decoded and must be a plain relative path:
//! `..`, `.`, backslashes and NUL (encoded or not) are refused with 400, and as
//! files are looked up in the built site's map, never on disk, nothing outside
//! the site can be served anyway. HTML responses get the live-reload script
//! injected here, at serve time, so templates and `public/` never carry it. The
//! connection itself (parsing, limits, timeouts) is `conn`'s.

use std::sync::Arc;

use super::conn::{Answer, Request, Response};
use super::hub::{self, Event};
use super::{Live, Snapshot};
use crate::escape::percent_decode;

pub(super) const EVENTS_PATH: &str = "/__brief/events";
const SCRIPT_PATH: &str = "/__brief/live-reload.js";
const LIVE_RELOAD_JS: &str = include_str!("live-reload.js");

/// Shown while no build has succeeded yet; the overlay explains why.
const NO_BUILD_PAGE: &str = "<!doctype html><html><head><meta charset=\"utf-8\">\
    <title>brief: no build yet</title></head><body><p>The site has not built \
    successfully yet. Fix the error and this page reloads.</p></body></html>";

pub(super) fn respond(request: &Request, live: &Live) -> Answer {
    if !matches!(request.method.as_str(), "GET" | "HEAD") {
        let response =
            text_response(405, "only GET and HEAD are allowed\n").header("Allow", "GET, HEAD");
        return Answer::Respond(response);
    }
    if !live.host_allowed(request.host.as_deref()) {
        return Answer::Respond(text_response(403, "unexpected Host header\n"));
    }
    let (path, query) = request
        .target
        .split_once('?')
        .unwrap_or((&request.target, ""));
    let snapshot = live.snapshot();
    let response = match path {
        // The stream's head alone: a HEAD request gets no body (RFC 9110),
        // and a stream is nothing but body.
        EVENTS_PATH if request.method == "HEAD" => Response::new(200, Arc::default())
            .header("Content-Type", "text/event-stream; charset=utf-8")
            .header("Cache-Control", "no-store"),
        EVENTS_PATH => return open_stream(live, &snapshot, query),
        SCRIPT_PATH => bytes_response(200, LIVE_RELOAD_JS.as_bytes().to_vec(), "js"),
        _ => match site_key(path) {
            Some(key) => lookup(&snapshot, &request.target, &key),
            None => text_response(400, "bad request path\n"),
        },
    };
    Answer::Respond(response)
}

/// Hands the connection over to a stream of reload events; it already has a
/// thread of its own.
fn open_stream(live: &Live, snapshot: &Snapshot, query: &str) -> Answer {
    let seen: Option<u64> = query
        .split('&')
        .find_map(|pair| pair.strip_prefix("build="))
        .and_then(|n| n.parse().ok());
    let first = match &snapshot.error {
        Some(text) => Some(Event::BuildError(text.clone())),
        // The page was served by an older build than the current one: it is stale.
        None if seen.is_some_and(|b| b != snapshot.build) => Some(Event::Reload {
            build: snapshot.build,
        }),
        None => None,
    };
    let events = live.hub.subscribe();
    Answer::TakeOver(Box::new(move |out| {
        hub::stream(out, events, first, hub::HEARTBEAT)
    }))
}

/// The site map key for a request path: percent-decoded, without the leading
/// slash, `index.html` appended to folders. `None` for anything that is not a
/// plain path inside the site.
pub(super) fn site_key(path: &str) -> Option<String> {
    let decoded = percent_decode(path)?;
    let rel = decoded.strip_prefix('/')?;
    if rel.contains(['\\', '\0'])
        || rel
            .split('/')
            .any(|segment| segment == ".." || segment == ".")
    {
        return None;
    }
    if rel.is_empty() || rel.ends_with('/') {
        Some(format!("{rel}index.html"))
    } else {
        Some(rel.to_string())
    }
}

/// The response for the site file `key`, asked for as `target` (its path
/// and query).
fn lookup(snapshot: &Snapshot, target: &str, key: &str) -> Response {
    if let Some(bytes) = snapshot.site.files.get(key) {
        return page_response(200, key, bytes, snapshot);
    }
    // A folder asked for without its slash: redirect, so relative links
    // resolve, keeping the query as web servers do.
    if snapshot
        .site
        .files
        .contains_key(&format!("{key}/index.html"))
    {
        let location = match target.split_once('?') {
            Some((path, query)) => format!("{path}/?{query}"),
            None => format!("{target}/"),
        };
        return text_response(301, "moved\n").header("Location", location);
    }
    match snapshot.site.files.get("404.html") {
        Some(bytes) => page_response(404, "404.html", bytes, snapshot),
        None if snapshot.error.is_some() => page_response(
            404,
            "index.html",
            &Arc::new(NO_BUILD_PAGE.as_bytes().to_vec()),
            snapshot,
        ),
        None => text_response(404, "not found\n"),
    }
}

fn page_response(status: u16, key: &str, bytes: &Arc<Vec<u8>>, snapshot: &Snapshot) -> Response {
    let ext = key.rsplit_once('.').map_or("", |(_, ext)| ext);
    let body = if ext == "html" {
        Arc::new(inject_script(bytes, snapshot.build))
    } else {
        Arc::clone(bytes)
    };
    shared_response(status, body, ext)
}

/// Adds the live-reload script before the last `</body>` (or at the end). The
/// script is external, so a theme's Content-Security-Policy of `'self'` allows it.
pub(super) fn inject_script(html: &[u8], build: u64) -> Vec<u8> {
    let tag = format!("<script src=\"{SCRIPT_PATH}\" data-build=\"{build}\"></script>");
    let at = html
        .windows(7)
        .rposition(|w| w.eq_ignore_ascii_case(b"</body>"))
        .unwrap_or(html.len());
    let mut out = Vec::with_capacity(html.len() + tag.len());
    out.extend_from_slice(&html[..at]);
    out.extend_from_slice(tag.as_bytes());
    out.extend_from_slice(&html[at..]);
    out
}

fn shared_response(status: u16, body: Arc<Vec<u8>>, ext: &str) -> Response {
    Response::new(status, body)
        .header("Content-Type", crate::media_type::of_extension(ext))
        // A preview must never show a page the browser cached from an older build.
        .header("Cache-Control", "no-store")
        .header("X-Content-Type-Options", "nosniff")
}

fn bytes_response(status: u16, body: Vec<u8>, ext: &str) -> Response {
    shared_response(status, Arc::new(body), ext)
}

fn text_response(status: u16, text: &str) -> Response {
    bytes_response(status, text.as_bytes().to_vec(), "txt")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_paths_to_site_files() {
        assert_eq!(site_key("/").as_deref(), Some("index.html"));
        assert_eq!(site_key("/issues/").as_deref(), Some("issues/index.html"));
        assert_eq!(site_key("/style.css").as_deref(), Some("style.css"));
        assert_eq!(
            site_key("/insights/a%20b/").as_deref(),
            Some("insights/a b/index.html")
        );
    }

    #[test]
    fn refuses_traversal_in_every_spelling() {
        for path in [
            "/../Cargo.toml",
            "/%2e%2e/Cargo.toml",
            "/%2E%2E/Cargo.toml",
            "/..%2fCargo.toml",
            "/issues/../../x",
            "/..\\Cargo.toml",
            "/%5c..%5cCargo.toml",
            "/a%00.html",
            "/./index.html",
            "/%zz",
            "/%",
            "relative",
            "/%ff%fe",
        ] {
            assert_eq!(site_key(path), None, "{path}");
        }
    }

    #[test]
    fn injects_before_the_last_closing_body() {
        let html = b"<body><p>x</p></BODY></html>";
        let out = String::from_utf8(inject_script(html, 4)).unwrap();
        assert_eq!(
            out,
            "<body><p>x</p><script src=\"/__brief/live-reload.js\" data-build=\"4\"></script></BODY></html>"
        );
        let bare = String::from_utf8(inject_script(b"<p>x</p>", 1)).unwrap();
        assert!(bare.starts_with("<p>x</p><script"));
    }
}
