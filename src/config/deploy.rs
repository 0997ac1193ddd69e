//! The `[deploy]` section of `config.toml`: where `brief deploy` uploads the site
//! (an `s3://bucket/prefix/` target, an optional S3-compatible endpoint and
//! region), how many deletions it may make without `--force`, and the rules
//! that give each file its `Cache-Control` and compression. Values are checked
//! and resolved here (target split, endpoint parsed, glob patterns compiled);
//! what the rules mean for a file is [`crate::headers`]'s business.
//! Credentials are never read from the config: a key that looks like one is an
//! error of its own, so a secret pasted here is caught before it is committed.

use std::fmt;
use std::path::Path;

use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics};
use crate::hidden::has_hidden_segment;
use crate::hints::find_key_line;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawDeploy {
    #[serde(default)]
    target: Option<String>,
    #[serde(default)]
    endpoint: Option<String>,
    #[serde(default)]
    region: Option<String>,
    #[serde(default = "default_max_deletes")]
    max_deletes: usize,
    #[serde(default)]
    rules: Vec<RawRule>,
    #[serde(default)]
    headers_file: bool,
}

fn default_max_deletes() -> usize {
    256
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    pattern: String,
    #[serde(default)]
    cache_control: Option<String>,
    #[serde(default)]
    gzip: Option<bool>,
}

/// The checked `[deploy]` section.
#[derive(Debug, Clone)]
pub(crate) struct DeployConfig {
    /// Where to upload; `--target` may stand in for it.
    pub(crate) target: Option<Target>,
    /// An S3-compatible endpoint; none: AWS for the region.
    pub(crate) endpoint: Option<url::Url>,
    pub(crate) region: Option<String>,
    /// A deploy that would delete more objects is refused unless `--force`.
    pub(crate) max_deletes: usize,
    /// The editor's rules, in order; brief's defaults follow them.
    pub(crate) rules: Vec<DeployRule>,
    /// Whether `brief build` writes `_headers` (Netlify, Cloudflare Pages).
    pub(crate) headers_file: bool,
}

/// A bucket and a key prefix (empty, or ending in `/`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub(crate) bucket: String,
    pub(crate) prefix: String,
}

impl Target {
    /// Parses `s3://bucket` or `s3://bucket/some/prefix/` (the trailing `/` is
    /// implied: a prefix always names a folder, so `digest` never matches
    /// `digest-old/`).
    pub fn parse(text: &str) -> Result<Target, String> {
        let rest = text
            .trim()
            .strip_prefix("s3://")
            .ok_or("it must start with s3://, as in \"s3://my-bucket/digest/\"")?;
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        if bucket.is_empty() {
            return Err("it names no bucket".into());
        }
        let valid_bucket = bucket
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"-._".contains(&b));
        if !valid_bucket {
            return Err(format!(
                "{bucket:?} is not a bucket name (lowercase letters, digits, `-`, `.`)"
            ));
        }
        let segments: Vec<&str> = prefix.split('/').filter(|s| !s.is_empty()).collect();
        if let Some(bad) = segments.iter().find(|s| has_hidden_segment(s)) {
            return Err(format!(
                "the prefix segment {bad:?} starts with a dot; deploy leaves hidden keys alone"
            ));
        }
        let prefix = segments.iter().map(|s| format!("{s}/")).collect();
        Ok(Target {
            bucket: bucket.to_string(),
            prefix,
        })
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "s3://{}/{}", self.bucket, self.prefix)
    }
}

/// One `[[deploy.rules]]` entry, its pattern compiled.
#[derive(Debug, Clone)]
pub(crate) struct DeployRule {
    pub(crate) pattern: String,
    matcher: globset::GlobMatcher,
    /// None: the default rules' value for the file.
    pub(crate) cache_control: Option<String>,
    /// None: not compressed.
    pub(crate) gzip: Option<bool>,
}

impl DeployRule {
    /// A rule for files matching `pattern`: a glob over paths relative to the
    /// output directory (`**/*.html`, `images/*`, `*.{css,js}`). A pattern
    /// without `/` matches a file name at any depth, as in `.gitignore`.
    pub(crate) fn new(
        pattern: &str,
        cache_control: Option<&str>,
        gzip: Option<bool>,
    ) -> Result<DeployRule, String> {
        let anchored = pattern.trim_start_matches('/');
        let full = if anchored.contains('/') {
            anchored.to_string()
        } else {
            format!("**/{anchored}")
        };
        // Case-blind, as the media type by extension is: `*.html` is also
        // `PAGE.HTML`'s rule, not the default's.
        let matcher = globset::GlobBuilder::new(&full)
            .literal_separator(true)
            .case_insensitive(true)
            .build()
            .map_err(|e| format!("invalid pattern {pattern:?}: {}", e.kind()))?
            .compile_matcher();
        if let Some(value) = cache_control {
            check_header_value(value)?;
        }
        Ok(DeployRule {
            pattern: pattern.to_string(),
            matcher,
            cache_control: cache_control.map(str::to_string),
            gzip,
        })
    }

    /// Whether the file at `path` (relative, `/`-separated) is this rule's.
    pub(crate) fn matches(&self, path: &str) -> bool {
        self.matcher.is_match(path)
    }
}

fn check_header_value(value: &str) -> Result<(), String> {
    if value.trim().is_empty() {
        return Err("`cache_control` is empty; leave it out for the default".into());
    }
    if value.chars().any(|c| c.is_control()) {
        return Err(format!(
            "`cache_control` {value:?} holds a control character (a line break?)"
        ));
    }
    Ok(())
}

/// Checks `[deploy]`, pushing every problem onto `errors` with its line.
pub(super) fn check(
    raw: RawDeploy,
    text: &str,
    path: &Path,
    errors: &mut Diagnostics,
) -> DeployConfig {
    let mut error = |key: &str, message: String, hint: &str| {
        errors.push(
            Diagnostic::error(message)
                .at(path)
                .line(find_key_line(text, key).unwrap_or(1))
                .hint(hint),
        );
    };
    let target = raw.target.as_deref().and_then(|t| {
        Target::parse(t)
            .map_err(|msg| {
                error(
                    "target",
                    format!("invalid `deploy.target` {t:?}: {msg}"),
                    "write target = \"s3://my-bucket/\" or \"s3://my-bucket/digest/\"",
                )
            })
            .ok()
    });
    let endpoint = raw.endpoint.as_deref().and_then(|e| {
        parse_endpoint(e)
            .map_err(|msg| {
                error(
                    "endpoint",
                    format!("invalid `deploy.endpoint` {e:?}: {msg}"),
                    "write the store's base URL, e.g. endpoint = \"https://s3.example.net\"",
                )
            })
            .ok()
    });
    if raw.region.as_deref().is_some_and(|r| r.trim().is_empty()) {
        error(
            "region",
            "`deploy.region` is empty".into(),
            "leave it out for us-east-1, or name one such as \"eu-west-1\" (R2: \"auto\")",
        );
    }
    let mut rules = Vec::with_capacity(raw.rules.len());
    for rule in raw.rules {
        match DeployRule::new(&rule.pattern, rule.cache_control.as_deref(), rule.gzip) {
            Ok(r) => rules.push(r),
            Err(msg) => errors.push(
                Diagnostic::error(format!("invalid `[[deploy.rules]]` entry: {msg}"))
                    .at(path)
                    .line(value_line(text, &rule.pattern))
                    .hint("patterns are globs over paths in the output: \"*.css\", \"**/*.html\", \"images/**\""),
            ),
        }
    }
    DeployConfig {
        target,
        endpoint,
        region: raw.region,
        max_deletes: raw.max_deletes,
        rules,
        headers_file: raw.headers_file,
    }
}

/// The line of the first `pattern = "<pattern>"`.
fn value_line(text: &str, pattern: &str) -> usize {
    let quoted = format!("{pattern:?}");
    text.lines()
        .position(|l| l.contains("pattern") && l.contains(&quoted))
        .map_or(1, |i| i + 1)
}

/// An S3 endpoint: an absolute http(s) URL with no credentials, query or fragment.
pub(crate) fn parse_endpoint(text: &str) -> Result<url::Url, String> {
    let url = url::Url::parse(text.trim()).map_err(|e| format!("not a URL ({e})"))?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(format!(
            "the scheme must be http or https, not {:?}",
            url.scheme()
        ));
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(
            "it carries credentials; brief reads them from the environment only \
             (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY)"
                .into(),
        );
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err("it must not carry a query or fragment".into());
    }
    Ok(url)
}

/// Whether a config key looks like it holds a credential.
fn looks_like_a_credential(key: &str) -> bool {
    let key = key.to_ascii_lowercase();
    [
        "secret",
        "password",
        "token",
        "access_key",
        "accesskey",
        "key_id",
        "credential",
        "private_key",
    ]
    .iter()
    .any(|word| key.contains(word))
}

/// Turns an "unknown field" error for a credential-looking key into the error
/// that says why brief will not read it (the secret may already be committed).
pub(super) fn credential_error(d: Diagnostic) -> Diagnostic {
    let Some(field) = d
        .message
        .strip_prefix("unknown field `")
        .and_then(|r| r.split('`').next())
        .filter(|f| looks_like_a_credential(f))
    else {
        return d;
    };
    Diagnostic {
        message: format!(
            "`{field}` looks like a credential: brief never reads credentials from config.toml"
        ),
        hint: Some(
            "remove it (and revoke the key if this file was ever committed or shared); \
             set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (and AWS_SESSION_TOKEN) \
             in the environment instead"
                .into(),
        ),
        ..d
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_split_into_bucket_and_folder_prefix() {
        let t = Target::parse("s3://my-bucket/digest").unwrap();
        assert_eq!(
            (t.bucket.as_str(), t.prefix.as_str()),
            ("my-bucket", "digest/")
        );
        assert_eq!(t.to_string(), "s3://my-bucket/digest/");
        assert_eq!(Target::parse("s3://b/").unwrap().prefix, "");
        assert_eq!(Target::parse("s3://b//a//b/").unwrap().prefix, "a/b/");
        assert!(Target::parse("https://b/").is_err());
        assert!(Target::parse("s3:///x").is_err());
        assert!(Target::parse("s3://Bucket/").is_err());
        assert!(Target::parse("s3://b/../x").is_err());
    }

    #[test]
    fn patterns_without_a_slash_match_at_any_depth() {
        let rule = DeployRule::new("*.css", None, None).unwrap();
        assert!(rule.matches("style.css") && rule.matches("a/b/style.css"));
        let rule = DeployRule::new("images/*", None, None).unwrap();
        assert!(rule.matches("images/a.png") && !rule.matches("images/x/a.png"));
        let rule = DeployRule::new("**/*.{html,xml}", None, None).unwrap();
        assert!(rule.matches("index.html") && rule.matches("topics/a/rss.xml"));
        assert!(
            rule.matches("OLD/PAGE.HTML"),
            "case-blind, as media types are"
        );
        assert!(DeployRule::new("[", None, None).is_err());
        assert!(DeployRule::new("*", Some("max-age=1\r\nX-Evil: 1"), None).is_err());
    }

    #[test]
    fn endpoints_with_credentials_are_refused() {
        assert!(parse_endpoint("http://127.0.0.1:8333").is_ok());
        assert!(parse_endpoint("https://key:secret@s3.example.net").is_err());
        assert!(parse_endpoint("ftp://x").is_err());
    }
}
