//! What a deploy will do, decided before it does anything: the built site's
//! files (hidden ones excluded) with the bytes each would be stored as, set
//! against one listing of the remote prefix. A file is unchanged when the
//! object's ETag is the MD5 of those bytes and the metadata scheme stored with
//! the last deploy is the current one; a missing object or one of another size
//! is uploaded at once; anything else (same size but another ETag, or metadata
//! that may be out of date) is looked at with a HEAD request, which compares
//! the content hash kept in the object's metadata and its headers. Objects
//! under the prefix that the site no longer has are deleted, except hidden keys
//! and folder markers. Uploads are ordered assets, pages, then feeds.
//! No network here: the caller lists and asks.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Write as _;
use std::path::Path;

use rayon::prelude::*;
use sha2::Digest as _;

use super::s3::{Listed, Stored};
use crate::error::{Diagnostic, Diagnostics};
use crate::headers::{Metadata, Rules};
use crate::hidden::{has_hidden_segment, is_hidden};

/// Upload order: a reader of the old site never meets a link to a file that is
/// not there yet, as pages go up after what they use, and feeds and the sitemap
/// (which link to pages) last. The search manifest goes up with the pages, after
/// the shards it names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Phase {
    Assets,
    Pages,
    Feeds,
}

impl Phase {
    pub(crate) const ALL: [Phase; 3] = [Phase::Assets, Phase::Pages, Phase::Feeds];

    fn of(path: &str) -> Phase {
        let name = path.rsplit('/').next().unwrap_or(path);
        match name.rsplit_once('.').map(|(_, ext)| ext) {
            Some("xml") => Phase::Feeds,
            _ if name == "feed.json" || name == "robots.txt" => Phase::Feeds,
            _ if name == crate::render::SEARCH_MANIFEST => Phase::Pages,
            Some("html" | "txt") => Phase::Pages,
            _ => Phase::Assets,
        }
    }
}

impl fmt::Display for Phase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Phase::Assets => "assets",
            Phase::Pages => "pages",
            Phase::Feeds => "feeds and sitemap",
        })
    }
}

/// A file of the built site, as it would be stored.
#[derive(Debug, Clone)]
pub(crate) struct LocalFile<'r> {
    /// Relative to the output directory, `/`-separated.
    pub(crate) path: String,
    pub(crate) key: String,
    pub(crate) metadata: Metadata<'r>,
    /// Of the stored bytes (compressed when `metadata.gzip`).
    pub(crate) size: u64,
    pub(crate) md5: String,
    /// Hex SHA-256 of the file's own (uncompressed) bytes.
    pub(crate) sha256: String,
}

/// Why an object is uploaded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Reason {
    New,
    Changed,
    Metadata(String),
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::New => f.write_str("new"),
            Reason::Changed => f.write_str("content changed"),
            Reason::Metadata(what) => write!(f, "{what} changed"),
        }
    }
}

/// Where a comparison with the listing leaves a file.
pub(crate) enum Verdict {
    Unchanged,
    Upload(Reason),
    /// Only the object's metadata can tell.
    Ask {
        etag_matches: bool,
    },
}

/// The files of the built site under `dir`, with `prefix` before their keys,
/// and a warning for each link passed over. Hidden files and folders (a name
/// starting with `.`) are never deployed, folder links never followed, and a
/// link to a file only followed when the file is inside `dir`: brief writes
/// no link, and one that reached out (committed to a shared `public/`,
/// say, pointing at a key file) would publish what it points to.
pub(crate) fn local_files<'r>(
    dir: &Path,
    prefix: &str,
    rules: &'r Rules,
) -> Result<(Vec<LocalFile<'r>>, Diagnostics), Diagnostics> {
    let mut paths = Vec::new();
    let mut errors = Diagnostics::default();
    let inside = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
    let walker = walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .filter_entry(|e| !is_hidden(e.file_name()));
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(dir).to_path_buf();
                errors.push(Diagnostic::error(format!("cannot read the built site: {e}")).at(path));
                continue;
            }
        };
        // A symlink to a file is deployed as the file; to a folder, skipped.
        if entry.file_type().is_dir() || !entry.path().is_file() {
            continue;
        }
        if entry.path_is_symlink() && !points_inside(entry.path(), &inside) {
            errors.push(
                Diagnostic::warning("not deployed: a link to a file outside the built site")
                    .at(entry.path())
                    .hint("copy the file into the site's static/ folder if it is meant to be published"),
            );
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        match rel.to_str() {
            Some(rel) => paths.push(rel.replace('\\', "/")),
            None => errors.push(
                Diagnostic::error("the file name is not valid UTF-8, so it has no object key")
                    .at(entry.path())
                    .hint("rename the file"),
            ),
        }
    }
    paths.sort_unstable();
    let files: Vec<_> = paths
        .into_par_iter()
        .map(|path| local_file(dir, prefix, rules, path))
        .collect();
    let mut local = Vec::with_capacity(files.len());
    for file in files {
        match file {
            Ok(f) => local.push(f),
            Err(e) => errors.push(e),
        }
    }
    let warnings = errors.into_result()?;
    Ok((local, warnings))
}

/// Whether the link at `path` leads to a file inside the folder `inside`
/// (resolved, links and all).
fn points_inside(path: &Path, inside: &Path) -> bool {
    path.canonicalize()
        .is_ok_and(|target| target.starts_with(inside))
}

fn local_file<'r>(
    dir: &Path,
    prefix: &str,
    rules: &'r Rules,
    path: String,
) -> Result<LocalFile<'r>, Diagnostic> {
    let full = dir.join(&path);
    let raw = std::fs::read(&full).map_err(|e| Diagnostic::io("read", &full, &e))?;
    let metadata = rules.for_path(&path);
    Ok(LocalFile::new(path, prefix, metadata, raw))
}

impl<'r> LocalFile<'r> {
    /// The file at `path` with content `raw`, stored under `prefix`.
    pub(crate) fn new(path: String, prefix: &str, metadata: Metadata<'r>, raw: Vec<u8>) -> Self {
        let sha256 = hex(&sha2::Sha256::digest(&raw));
        let stored = stored_bytes(raw, metadata.gzip);
        LocalFile {
            key: format!("{prefix}{path}"),
            path,
            metadata,
            size: stored.len() as u64,
            md5: hex(&md5::Md5::digest(&stored)),
            sha256,
        }
    }
}

/// The bytes stored for a file: as they are, or gzip-compressed. The gzip
/// stream is the same for the same content (no name, zero mtime, fixed level),
/// so an unchanged file keeps its ETag and is not uploaded again.
pub(crate) fn stored_bytes(raw: Vec<u8>, gzip: bool) -> Vec<u8> {
    if !gzip {
        return raw;
    }
    let mut encoder = flate2::GzBuilder::new()
        .mtime(0)
        .operating_system(255)
        .write(
            Vec::with_capacity(raw.len() / 3),
            flate2::Compression::best(),
        );
    encoder
        .write_all(&raw)
        .and_then(|_| encoder.finish())
        .expect("writing to memory cannot fail")
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// `file` against its object in the listing (if any); `scheme_current`: the
/// metadata scheme stored with the last deploy is this deploy's.
pub(crate) fn compare(file: &LocalFile, remote: Option<&Listed>, scheme_current: bool) -> Verdict {
    let Some(remote) = remote else {
        return Verdict::Upload(Reason::New);
    };
    if remote.size != file.size {
        return Verdict::Upload(Reason::Changed);
    }
    let etag_matches = remote.etag == file.md5;
    if etag_matches && scheme_current {
        Verdict::Unchanged
    } else {
        Verdict::Ask { etag_matches }
    }
}

/// `file` against the metadata a HEAD request returned for its object.
pub(crate) fn compare_stored(
    file: &LocalFile,
    stored: Option<&Stored>,
    etag_matches: bool,
) -> Option<Reason> {
    let Some(stored) = stored else {
        return Some(Reason::New);
    };
    // A store whose ETags are not MD5s (KMS encryption, multipart uploads)
    // still has brief's own hash in the metadata.
    if !etag_matches && stored.sha256.as_deref() != Some(file.sha256.as_str()) {
        return Some(Reason::Changed);
    }
    let m = &file.metadata;
    let encoding = m.gzip.then_some("gzip");
    let differs = |name: &str, have: &Option<String>, want: Option<&str>| {
        (have.as_deref() != want).then(|| {
            format!(
                "{name} {:?} → {:?}",
                have.as_deref().unwrap_or(""),
                want.unwrap_or("")
            )
        })
    };
    differs("Content-Type", &stored.content_type, Some(m.content_type))
        .or_else(|| {
            differs(
                "Cache-Control",
                &stored.cache_control,
                Some(m.cache_control),
            )
        })
        .or_else(|| differs("Content-Encoding", &stored.content_encoding, encoding))
        .map(Reason::Metadata)
}

/// The keys under `prefix` to delete: listed, not a file of the site, not
/// hidden (any segment after the prefix starting with `.`), not a folder
/// marker (a key ending in `/`). Sorted.
pub(crate) fn stale_keys(remote: &[Listed], local: &[LocalFile], prefix: &str) -> Vec<String> {
    let keep: HashSet<&str> = local.iter().map(|f| f.key.as_str()).collect();
    let mut stale: Vec<String> = remote
        .iter()
        .filter_map(|o| {
            let rel = o.key.strip_prefix(prefix)?;
            (!rel.is_empty()
                && !rel.ends_with('/')
                && !has_hidden_segment(rel)
                && !keep.contains(o.key.as_str()))
            .then(|| o.key.clone())
        })
        .collect();
    stale.sort_unstable();
    stale
}

/// Of `stale` keys, those that are files of the search index the stored
/// manifest (`manifest`, the bytes of the last deploy's `search-index.json`,
/// maybe gzip-compressed) names. A reader's browser may hold that manifest
/// (cached for minutes, or in an open search page) and fetch its files after
/// this deploy: they are kept until a later deploy, whose stored manifest no
/// longer names them. A manifest that does not read keeps nothing.
pub(crate) fn search_files_in_use(
    stale: &[String],
    manifest: &[u8],
    prefix: &str,
) -> HashSet<String> {
    let text = match manifest.starts_with(&[0x1f, 0x8b]) {
        true => {
            let mut text = Vec::new();
            let read =
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(manifest), &mut text);
            if read.is_err() {
                return HashSet::new();
            }
            text
        }
        false => manifest.to_vec(),
    };
    let Ok(manifest) = serde_json::from_slice::<serde_json::Value>(&text) else {
        return HashSet::new();
    };
    let named: HashSet<String> = crate::render::SEARCH_DIRS
        .iter()
        .flat_map(|dir| {
            let field = dir.rsplit('/').next().unwrap_or(dir);
            let files = manifest.get(field).and_then(|v| v.as_array());
            files.into_iter().flatten().filter_map(move |entry| {
                let hash = entry.get(1)?.as_str()?;
                Some(format!("{prefix}{dir}/{hash}.json"))
            })
        })
        .collect();
    stale
        .iter()
        .filter(|k| named.contains(*k))
        .cloned()
        .collect()
}

/// The listing by key.
pub(crate) fn by_key(remote: &[Listed]) -> HashMap<&str, &Listed> {
    remote.iter().map(|o| (o.key.as_str(), o)).collect()
}

/// Which phase `file` is uploaded in.
pub(crate) fn phase(file: &LocalFile) -> Phase {
    Phase::of(&file.path)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file<'r>(rules: &'r Rules, path: &str, bytes: &[u8]) -> LocalFile<'r> {
        LocalFile::new(path.into(), "p/", rules.for_path(path), bytes.to_vec())
    }

    fn listed(key: &str, bytes: &[u8]) -> Listed {
        Listed {
            key: key.into(),
            etag: hex(&md5::Md5::digest(bytes)),
            size: bytes.len() as u64,
        }
    }

    #[test]
    fn assets_go_first_and_feeds_last() {
        assert_eq!(Phase::of("style.css"), Phase::Assets);
        assert_eq!(Phase::of("search/docs/0123456789ab.json"), Phase::Assets);
        assert_eq!(Phase::of("search-index.json"), Phase::Pages);
        assert_eq!(Phase::of("insights/a/index.html"), Phase::Pages);
        assert_eq!(Phase::of("issues/2026-11-18/email.txt"), Phase::Pages);
        assert_eq!(Phase::of("topics/a/rss.xml"), Phase::Feeds);
        assert_eq!(Phase::of("feed.json"), Phase::Feeds);
        assert_eq!(Phase::of("sitemap.xml"), Phase::Feeds);
        assert!(Phase::Assets < Phase::Pages && Phase::Pages < Phase::Feeds);
    }

    #[test]
    fn gzip_output_is_the_same_for_the_same_content() {
        let a = stored_bytes(b"<p>same</p>".repeat(100), true);
        let b = stored_bytes(b"<p>same</p>".repeat(100), true);
        assert_eq!(a, b);
        assert!(a.len() < 1100);
    }

    #[test]
    fn the_listing_decides_what_it_can() {
        let rules = Rules::new(None);
        let f = file(&rules, "index.html", b"hello");
        assert!(matches!(
            compare(&f, None, true),
            Verdict::Upload(Reason::New)
        ));
        let same = listed("p/index.html", b"hello");
        assert!(matches!(compare(&f, Some(&same), true), Verdict::Unchanged));
        assert!(matches!(
            compare(&f, Some(&same), false),
            Verdict::Ask { etag_matches: true }
        ));
        let longer = listed("p/index.html", b"hello!");
        assert!(matches!(
            compare(&f, Some(&longer), true),
            Verdict::Upload(Reason::Changed)
        ));
        let other = listed("p/index.html", b"jello");
        assert!(matches!(
            compare(&f, Some(&other), true),
            Verdict::Ask {
                etag_matches: false
            }
        ));
    }

    #[test]
    fn metadata_decides_the_rest() {
        let rules = Rules::new(None);
        let f = file(&rules, "index.html", b"hello");
        let mut stored = Stored {
            content_type: Some("text/html; charset=utf-8".into()),
            cache_control: Some("public, max-age=300".into()),
            content_encoding: None,
            sha256: Some(f.sha256.clone()),
        };
        assert_eq!(compare_stored(&f, Some(&stored), false), None);
        stored.cache_control = Some("max-age=9".into());
        let reason = compare_stored(&f, Some(&stored), true).unwrap();
        assert_eq!(
            reason.to_string(),
            "Cache-Control \"max-age=9\" → \"public, max-age=300\" changed"
        );
        stored.sha256 = None;
        assert_eq!(
            compare_stored(&f, Some(&stored), false),
            Some(Reason::Changed)
        );
        assert_eq!(compare_stored(&f, None, false), Some(Reason::New));
    }

    #[test]
    fn stale_keys_stay_inside_the_prefix_and_skip_hidden_keys() {
        let rules = Rules::new(None);
        let local = [file(&rules, "index.html", b"x")];
        let remote = [
            listed("p/index.html", b"x"),
            listed("p/old/index.html", b"x"),
            listed("p/.brief-deploy", b"x"),
            listed("p/.well-known/a", b"x"),
            listed("p/folder/", b""),
            listed("other/index.html", b"x"),
        ];
        assert_eq!(stale_keys(&remote, &local, "p/"), ["p/old/index.html"]);
    }

    #[test]
    fn the_stored_manifest_keeps_the_stale_files_it_names_even_compressed() {
        let manifest = br#"{"format":2,"terms":[["a","aaa"]],"lists":[],"docs":[[1,"ddd"]]}"#;
        let stale: Vec<String> = [
            "p/search/terms/aaa.json",
            "p/search/docs/old.json",
            "p/x.html",
        ]
        .map(String::from)
        .into();
        let kept = |bytes: &[u8]| {
            let mut kept: Vec<String> = search_files_in_use(&stale, bytes, "p/")
                .into_iter()
                .collect();
            kept.sort();
            kept
        };
        assert_eq!(kept(manifest), ["p/search/terms/aaa.json"]);
        assert_eq!(
            kept(&stored_bytes(manifest.to_vec(), true)),
            ["p/search/terms/aaa.json"]
        );
        assert!(kept(b"not json").is_empty());
    }
}
