//! The headers each output file is served with: its `Content-Type` (by
//! extension, from [`crate::media_type`]), its `Cache-Control` and whether it is
//! stored gzip-compressed, from the `[[deploy.rules]]` (first match wins) and
//! brief's defaults after them. Also the two texts derived from the same rules:
//! the `_headers` file that `brief build` writes for Netlify and Cloudflare
//! Pages, and the description of the whole scheme that a deploy stores beside
//! the site, so the next deploy knows whether stored metadata is still current.
//! Pure: no I/O. It reads only the config, so the build (a stage of the
//! pipeline) and `deploy` (a command above it) share it.

use crate::config::{DeployConfig, DeployRule};
use crate::media_type;

/// The search index's shards are named by a hash of their bytes (a changed
/// shard is a new file), so a reader caches them for good. Pages, feeds, the
/// sitemap and the search manifest change with every issue: a short max-age
/// lets readers see a new issue within minutes. Theme files keep their names
/// from build to build (no fingerprint), so they get an hour; other files
/// (images, fonts) a day.
const DEFAULTS: &[(&str, &str)] = &[
    (
        "search/{terms,lists,docs}/*.json",
        "public, max-age=31536000, immutable",
    ),
    ("*.{html,xml,json,txt}", "public, max-age=300"),
    ("*.{css,js,mjs}", "public, max-age=3600"),
    ("*", "public, max-age=86400"),
];

/// The metadata one object is stored with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Metadata<'a> {
    pub(crate) content_type: &'static str,
    pub(crate) cache_control: &'a str,
    pub(crate) gzip: bool,
}

/// The editor's rules, then the defaults.
pub(crate) struct Rules {
    rules: Vec<DeployRule>,
    defaults: Vec<DeployRule>,
}

impl Rules {
    pub(crate) fn new(config: Option<&DeployConfig>) -> Rules {
        let defaults = DEFAULTS
            .iter()
            .map(|(pattern, cache)| {
                DeployRule::new(pattern, Some(cache), Some(false)).expect("valid default rule")
            })
            .collect();
        Rules {
            rules: config.map(|c| c.rules.clone()).unwrap_or_default(),
            defaults,
        }
    }

    /// The metadata of the file at `path` (relative to the output, `/`-separated).
    pub(crate) fn for_path(&self, path: &str) -> Metadata<'_> {
        let default = self
            .defaults
            .iter()
            .find(|r| r.matches(path))
            .expect("the last default rule matches every file");
        let rule = self.rules.iter().find(|r| r.matches(path));
        fn pick(r: &DeployRule) -> Option<&str> {
            r.cache_control.as_deref()
        }
        Metadata {
            content_type: media_type::of_path(path),
            cache_control: rule.and_then(pick).or(pick(default)).unwrap_or_default(),
            gzip: rule.and_then(|r| r.gzip).unwrap_or(false),
        }
    }

    /// Everything that decides an object's metadata, as text: the rules in
    /// order and the media-type table. A deploy stores it beside the site; when
    /// the next deploy finds the same text there, an object whose bytes are
    /// unchanged also has current metadata, and needs no request of its own.
    pub(crate) fn scheme(&self) -> String {
        let mut text = String::from("brief deploy metadata, v1\n");
        for r in self.rules.iter().chain(&self.defaults) {
            let cache = r.cache_control.as_deref().unwrap_or("(default)");
            let gzip = r.gzip.unwrap_or(false);
            text += &format!("rule {:?} cache_control={cache:?} gzip={gzip}\n", r.pattern);
        }
        for (ext, media) in media_type::TYPES {
            text += &format!("type {ext} {media}\n");
        }
        text
    }
}

/// The `_headers` file of Netlify and Cloudflare Pages for these rules.
///
/// Those hosts apply *every* entry that matches a URL and join repeated
/// headers, while brief's rules stop at the first match, so the file has one
/// entry per kind of file and no two entries match the same URL: pages (`/` and
/// every `…/`, which serve an `index.html`), then `/*.<ext>` for each extension
/// brief knows. Each gets the `Cache-Control` the rules give such a file at
/// the site root; rules that single out folders apply to `brief deploy` only.
pub(crate) fn headers_file(config: &DeployConfig) -> Vec<u8> {
    let rules = Rules::new(Some(config));
    let mut text = String::from(
        "# Written by `brief build` from the [deploy] rules of config.toml\n\
         # (headers_file = true). Edit the rules, not this file.\n",
    );
    let mut entry = |url: &str, file: &str| {
        let cache = rules.for_path(file).cache_control;
        text += &format!("{url}\n  Cache-Control: {cache}\n");
    };
    entry("/", "index.html");
    entry("/*/", "index.html");
    for (ext, _) in media_type::TYPES {
        entry(&format!("/*.{ext}"), &format!("file.{ext}"));
    }
    text.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    fn deploy_config(text: &str) -> DeployConfig {
        Config::parse(text, std::path::Path::new("config.toml"))
            .unwrap()
            .deploy
            .unwrap()
    }

    #[test]
    fn defaults_give_pages_a_short_and_images_a_long_max_age() {
        let rules = Rules::new(None);
        let page = rules.for_path("insights/a/index.html");
        assert_eq!(page.content_type, "text/html; charset=utf-8");
        assert_eq!(page.cache_control, "public, max-age=300");
        assert!(!page.gzip);
        assert_eq!(
            rules.for_path("topics/a/rss.xml").cache_control,
            "public, max-age=300"
        );
        assert_eq!(
            rules.for_path("style.css").cache_control,
            "public, max-age=3600"
        );
        assert_eq!(
            rules
                .for_path("search/docs/0123456789ab.json")
                .cache_control,
            "public, max-age=31536000, immutable"
        );
        assert_eq!(
            rules.for_path("search-index.json").cache_control,
            "public, max-age=300"
        );
        assert_eq!(
            rules.for_path("img/a.png").cache_control,
            "public, max-age=86400"
        );
    }

    #[test]
    fn the_first_matching_rule_wins_and_defaults_fill_what_it_leaves_out() {
        let config = deploy_config(
            "[deploy]\n[[deploy.rules]]\npattern = \"*.css\"\ngzip = true\n\
             [[deploy.rules]]\npattern = \"**/*.css\"\ncache_control = \"no-cache\"\n\
             [[deploy.rules]]\npattern = \"insights/**\"\ncache_control = \"max-age=60\"\n",
        );
        let rules = Rules::new(Some(&config));
        let css = rules.for_path("a/style.css");
        assert_eq!(
            (css.cache_control, css.gzip),
            ("public, max-age=3600", true)
        );
        assert_eq!(
            rules.for_path("insights/x/index.html").cache_control,
            "max-age=60"
        );
        assert_ne!(rules.scheme(), Rules::new(None).scheme());
    }

    #[test]
    fn headers_file_has_one_entry_per_kind_of_file() {
        let config = deploy_config(
            "[deploy]\nheaders_file = true\n[[deploy.rules]]\npattern = \"*.html\"\ncache_control = \"no-cache\"\n",
        );
        let text = String::from_utf8(headers_file(&config)).unwrap();
        assert!(
            text.contains("/\n  Cache-Control: no-cache\n/*/\n  Cache-Control: no-cache\n"),
            "{text}"
        );
        assert!(
            text.contains("/*.css\n  Cache-Control: public, max-age=3600\n"),
            "{text}"
        );
        let urls: Vec<_> = text.lines().filter(|l| l.starts_with('/')).collect();
        let unique: std::collections::HashSet<_> = urls.iter().collect();
        assert_eq!(urls.len(), unique.len());
    }
}
