//! The `Content-Type` of a site file, by its extension: one table for what
//! `serve` answers and what `deploy` stores, so a page looks the same in the
//! preview and on the host. Text types carry `charset=utf-8` (brief writes UTF-8
//! only); JSON does not, as RFC 8259 defines no charset parameter for it.
//! A leaf: it knows file names, nothing of the site.

/// Every extension brief knows, with its media type.
pub(crate) const TYPES: &[(&str, &str)] = &[
    ("html", "text/html; charset=utf-8"),
    ("css", "text/css; charset=utf-8"),
    ("js", "text/javascript; charset=utf-8"),
    ("mjs", "text/javascript; charset=utf-8"),
    ("xml", "application/xml; charset=utf-8"),
    ("txt", "text/plain; charset=utf-8"),
    ("md", "text/markdown; charset=utf-8"),
    ("json", "application/json"),
    ("webmanifest", "application/manifest+json"),
    ("svg", "image/svg+xml"),
    ("png", "image/png"),
    ("jpg", "image/jpeg"),
    ("jpeg", "image/jpeg"),
    ("gif", "image/gif"),
    ("webp", "image/webp"),
    ("avif", "image/avif"),
    ("ico", "image/x-icon"),
    ("woff2", "font/woff2"),
    ("woff", "font/woff"),
    ("pdf", "application/pdf"),
    ("mp3", "audio/mpeg"),
    ("mp4", "video/mp4"),
    ("wasm", "application/wasm"),
];

/// What a file of unknown type is served as.
pub(crate) const UNKNOWN: &str = "application/octet-stream";

/// The media type of a file with extension `ext` (lowercase, no dot).
pub(crate) fn of_extension(ext: &str) -> &'static str {
    TYPES
        .iter()
        .find(|(e, _)| *e == ext)
        .map_or(UNKNOWN, |(_, t)| t)
}

/// The media type of the file at `path` (`/`-separated), by its extension.
pub(crate) fn of_path(path: &str) -> &'static str {
    let name = path.rsplit('/').next().unwrap_or(path);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => of_extension(&ext.to_ascii_lowercase()),
        _ => UNKNOWN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_types_carry_a_charset_and_unknown_files_are_octet_streams() {
        assert_eq!(of_path("insights/a/index.html"), "text/html; charset=utf-8");
        assert_eq!(of_path("STYLE.CSS"), "text/css; charset=utf-8");
        assert_eq!(of_path("feed.json"), "application/json");
        assert_eq!(of_path("CNAME"), UNKNOWN);
        assert_eq!(of_path(".htaccess"), UNKNOWN);
        assert_eq!(of_path("a.tar.zst"), UNKNOWN);
    }
}
