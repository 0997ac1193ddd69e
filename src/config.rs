//! `config.toml` → [`Config`]. The raw serde structs reject unknown keys (a typo must
//! not pass silently); [`Config::parse`] then checks values and resolves them into
//! typed forms (base URL split into origin and path, time zone, topics), so nothing
//! downstream sees an unchecked string.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use chrono::{
    DateTime, FixedOffset, NaiveDate, NaiveDateTime, Offset as _, TimeDelta, TimeZone as _,
};
use serde::Deserialize;

use crate::error::{Diagnostic, Diagnostics};
use crate::hints::{closest, find_key_line, toml_diagnostic};
use crate::mailbox::Mailbox;
use crate::printable::{make_printable, make_printable_line, printable};
use crate::text::dates::{locale_of, Dates};
use crate::urls::{check_http_url, check_link, split_base_url};

mod deploy;
pub(crate) mod issue_title;
mod mistakes;

pub use deploy::Target;
pub(crate) use deploy::{parse_endpoint, DeployConfig, DeployRule};

pub(crate) const CONFIG_FILE: &str = "config.toml";

/// Boilerplate lines a scanning service puts around the insights.
pub(crate) const DEFAULT_SKIP_LINES: &[&str] = &[
    "We scan new podcasts and send you the top 5 insights daily.",
    "Get your free personalized podcast brief",
];

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default = "default_title")]
    title: String,
    #[serde(default)]
    description: String,
    #[serde(default = "default_base_url")]
    base_url: String,
    #[serde(default = "default_language")]
    language: String,
    #[serde(default)]
    timezone: Option<String>,
    #[serde(default = "default_theme")]
    theme: String,
    #[serde(default)]
    issue_title: Option<String>,
    #[serde(default = "default_issue_size")]
    issue_size: usize,
    #[serde(default = "default_paginate")]
    paginate: usize,
    #[serde(default = "default_highlight_theme")]
    highlight_theme: String,
    #[serde(default = "default_highlight_theme_dark")]
    highlight_theme_dark: String,
    #[serde(default)]
    feeds: FeedsConfig,
    #[serde(default)]
    import: ImportConfig,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    email: EmailConfig,
    #[serde(default)]
    deploy: Option<deploy::RawDeploy>,
    #[serde(default)]
    topics: Vec<RawTopic>,
    #[serde(default)]
    extra: toml::Table,
    #[serde(default)]
    words: toml::Table,
}

fn default_title() -> String {
    "Insight digest".into()
}
fn default_base_url() -> String {
    "http://localhost:1111/".into()
}
fn default_language() -> String {
    "en".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_issue_size() -> usize {
    5
}
fn default_paginate() -> usize {
    20
}
/// The code highlighting themes brief has: syntect's built-in ones (a test in
/// `markdown` holds the two lists to each other).
pub(crate) const HIGHLIGHT_THEMES: [&str; 7] = [
    "InspiredGitHub",
    "Solarized (dark)",
    "Solarized (light)",
    "base16-eighties.dark",
    "base16-mocha.dark",
    "base16-ocean.dark",
    "base16-ocean.light",
];

fn default_highlight_theme() -> String {
    "InspiredGitHub".into()
}
fn default_highlight_theme_dark() -> String {
    "base16-ocean.dark".into()
}
fn yes() -> bool {
    true
}
fn default_feed_limit() -> usize {
    20
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct FeedsConfig {
    #[serde(default = "yes")]
    pub(crate) rss: bool,
    #[serde(default = "yes")]
    pub(crate) atom: bool,
    #[serde(default = "yes")]
    pub(crate) json: bool,
    /// Per-topic RSS feeds at `/topics/<slug>/rss.xml`.
    #[serde(default = "yes")]
    pub(crate) topics: bool,
    /// Items per feed (issues in site feeds, insights in topic feeds).
    #[serde(default = "default_feed_limit")]
    pub(crate) limit: usize,
    /// A WebSub hub: feeds link it (`rel="hub"`), and `brief ping` notifies it.
    #[serde(default)]
    pub(crate) websub_hub: Option<String>,
}

impl Default for FeedsConfig {
    fn default() -> Self {
        FeedsConfig {
            rss: true,
            atom: true,
            json: true,
            topics: true,
            limit: default_feed_limit(),
            websub_hub: None,
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct ImportConfig {
    /// Lines dropped verbatim (after trimming) from raw insight files.
    #[serde(default = "default_skip_lines")]
    pub(crate) skip_lines: Vec<String>,
    /// The line after which insights are related to the lead insight(s) above it.
    #[serde(default = "default_related_marker")]
    pub(crate) related_marker: String,
    /// Shingle (Jaccard) similarity at or above which two insights are one.
    #[serde(default = "default_near_duplicate_threshold")]
    pub(crate) near_duplicate_threshold: f64,
}

fn default_skip_lines() -> Vec<String> {
    DEFAULT_SKIP_LINES.iter().map(|s| s.to_string()).collect()
}
fn default_related_marker() -> String {
    "Related Insights".into()
}
fn default_near_duplicate_threshold() -> f64 {
    0.6
}

impl Default for ImportConfig {
    fn default() -> Self {
        ImportConfig {
            skip_lines: default_skip_lines(),
            related_marker: default_related_marker(),
            near_duplicate_threshold: default_near_duplicate_threshold(),
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// Pass raw HTML in Markdown through. Off by default: bodies come from scraped
    /// text, so HTML is shown as text and never runs.
    #[serde(default)]
    pub unsafe_html: bool,
    /// Typographic quotes and dashes.
    #[serde(default)]
    pub smart_punctuation: bool,
}

/// The email edition of each issue (`/issues/<date>/email.html` and `email.txt`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub(crate) struct EmailConfig {
    /// Where a reader manages or cancels the subscription: a URL, or the mailer's
    /// merge tag (e.g. `{{ unsubscribe_url }}`) that it substitutes when sending.
    /// Empty: the footer asks readers to reply instead.
    #[serde(default)]
    pub(crate) manage_url: String,
    /// A line closing every email edition; empty: a default naming the site.
    #[serde(default)]
    pub(crate) footer: String,
    /// The sender of `brief email --eml` messages: `Name <local@domain>`.
    #[serde(default)]
    pub(crate) from: String,
    /// Their recipient (one mailbox); empty: the `from` address.
    #[serde(default)]
    pub(crate) to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTopic {
    slug: String,
    name: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    keywords: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Topic {
    pub(crate) slug: String,
    pub(crate) name: String,
    pub(crate) description: String,
    pub(crate) keywords: Vec<String>,
}

/// The site's time zone: an IANA name or a fixed offset.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum SiteTz {
    Named(chrono_tz::Tz),
    Fixed(FixedOffset),
}

impl SiteTz {
    fn parse(s: &str) -> Option<SiteTz> {
        let s = s.trim();
        if s.eq_ignore_ascii_case("utc") || s == "Z" {
            return Some(SiteTz::Fixed(FixedOffset::east_opt(0)?));
        }
        if s.starts_with('+') || s.starts_with('-') {
            return parse_offset(s).map(SiteTz::Fixed);
        }
        chrono_tz::Tz::from_str(s).ok().map(SiteTz::Named)
    }

    /// Midnight of `day` in this zone: what a date without a time means.
    pub(crate) fn midnight(&self, day: NaiveDate) -> DateTime<FixedOffset> {
        self.local(day.and_hms_opt(0, 0, 0).expect("midnight exists"))
    }

    /// The instant a wall-clock time (a datetime without an offset) names
    /// here. When clocks go back, the time shown twice is the first; when they
    /// go forward, a time they skip is read on the clock before the jump, so
    /// it lands as far after the jump as it was after the last valid time
    /// (midnight skipped to 01:00 is 01:00, on the same day, never the day
    /// before).
    pub(crate) fn local(&self, naive: NaiveDateTime) -> DateTime<FixedOffset> {
        match self {
            SiteTz::Fixed(off) => off.from_local_datetime(&naive).unwrap().fixed_offset(),
            SiteTz::Named(tz) => tz
                .from_local_datetime(&naive)
                .earliest()
                .map(|at| at.fixed_offset())
                .unwrap_or_else(|| {
                    // A gap lasts hours, never a day: the offset a day before
                    // is the one the clocks had before it.
                    let before = tz
                        .from_local_datetime(&(naive - TimeDelta::days(1)))
                        .earliest()
                        .map_or(0, |at| at.offset().fix().local_minus_utc());
                    let utc = naive - TimeDelta::seconds(i64::from(before));
                    tz.from_utc_datetime(&utc).fixed_offset()
                }),
        }
    }

    /// The calendar day `at` falls on in this zone: which issue it belongs to.
    pub(crate) fn day_of(&self, at: &DateTime<FixedOffset>) -> NaiveDate {
        match self {
            SiteTz::Fixed(off) => at.with_timezone(off).date_naive(),
            SiteTz::Named(tz) => at.with_timezone(tz).date_naive(),
        }
    }
}

fn parse_offset(s: &str) -> Option<FixedOffset> {
    let sign = if s.starts_with('-') { -1 } else { 1 };
    let digits: String = s[1..].chars().filter(|c| *c != ':').collect();
    if digits.len() != 4 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let hours: i32 = digits[..2].parse().ok()?;
    let minutes: i32 = digits[2..].parse().ok()?;
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

/// The checked configuration of a site.
#[derive(Debug, Clone)]
pub struct Config {
    pub(crate) title: String,
    pub(crate) description: String,
    /// Absolute, always ending in `/`, e.g. `https://example.org/digest/`.
    pub(crate) base_url: String,
    /// `https://example.org`: prefixed to a site path to make it absolute.
    pub(crate) origin: String,
    /// The path part of `base_url`, starting and ending with `/`.
    pub base_path: String,
    pub(crate) language: String,
    /// How days and months read in `language`.
    pub(crate) dates: Dates,
    /// `issue_title`, checked: the site's own name for an issue, over the
    /// theme's phrase of that name (see `words.rs`).
    pub(crate) issue_title: Option<String>,
    pub(crate) timezone: SiteTz,
    pub(crate) theme: String,
    pub issue_size: usize,
    pub paginate: usize,
    pub(crate) highlight_theme: String,
    pub(crate) highlight_theme_dark: String,
    pub(crate) feeds: FeedsConfig,
    pub(crate) import: ImportConfig,
    pub(crate) markdown: MarkdownConfig,
    pub(crate) email: EmailConfig,
    /// `[deploy]`, if the site has one.
    pub(crate) deploy: Option<DeployConfig>,
    pub(crate) topics: Vec<Topic>,
    pub(crate) extra: toml::Table,
    /// `[words]`: the site's own phrases over its theme's (see `words.rs`).
    pub(crate) words: toml::Table,
    /// Where the config was read from, for messages.
    pub path: PathBuf,
}

/// A config read even though it has mistakes: what of it reads, defaults in
/// place of what does not, and the mistakes. A build or check with a broken
/// config still reads the theme and content with it, so one run lists every
/// mistake (see `crate::load_config`).
pub(crate) struct Lenient {
    pub(crate) config: Config,
    pub(crate) errors: Diagnostics,
    /// Whether every `[[topics]]` entry read: content naming a topic can then
    /// be checked against the topics the editor meant.
    pub(crate) topics_intact: bool,
}

impl Config {
    /// Reads `config.toml` under `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let lenient = Config::load_lenient(root)?;
        lenient.errors.into_result()?;
        Ok(lenient.config)
    }

    /// Reads `config.toml` under `root` even when it has mistakes (see
    /// [`Lenient`]); `Err` when there is no config to read at all (missing,
    /// unreadable, not TOML).
    pub(crate) fn load_lenient(root: &Path) -> Result<Lenient, Diagnostics> {
        let path = root.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            let d = Diagnostic::io("read the site config", &path, &e);
            if e.kind() == std::io::ErrorKind::NotFound {
                d.hint("run `brief init` to create a site, or pass --root DIR")
            } else {
                d
            }
        })?;
        let mut lenient = Config::parse_lenient(&text, &path)?;
        let theme = &lenient.config.theme;
        if theme != "default" && !root.join("themes").join(theme).is_dir() {
            lenient.errors.push(
                Diagnostic::error(format!(
                    "unknown theme {theme:?}: there is no folder themes/{theme}/"
                ))
                .at(&path)
                .line(find_key_line(&text, "theme").unwrap_or(1))
                .hint("set `theme = \"default\"` (built in) or create themes/<name>/templates/"),
            );
            lenient.config.theme = "default".into();
        }
        Ok(lenient)
    }

    pub fn parse(text: &str, path: &Path) -> Result<Config, Diagnostics> {
        let lenient = Config::parse_lenient(text, path)?;
        lenient.errors.into_result()?;
        Ok(lenient.config)
    }

    /// `text` as a config even when it has mistakes (see [`Lenient`]); `Err`
    /// when it is not TOML at all.
    pub(crate) fn parse_lenient(text: &str, path: &Path) -> Result<Lenient, Diagnostics> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let mut errors = Diagnostics::default();
        let mut topics_intact = true;
        let raw: RawConfig = match toml::from_str(text) {
            Ok(raw) => raw,
            // Every key serde refuses is listed; the values of the others are
            // still checked below.
            Err(e) => match mistakes::keys_that_read::<RawConfig>(text, path) {
                Some(read) if read.mistakes.has_errors() => {
                    errors.extend(read.mistakes.sorted());
                    topics_intact = read.topics_intact;
                    toml::Value::Table(read.kept)
                        .try_into()
                        .map_err(|_| errors.clone())?
                }
                _ => {
                    let first = deploy::credential_error(toml_diagnostic(&e, text, path, 0));
                    return Err(first.into());
                }
            },
        };
        let key_line = |key: &str| find_key_line(text, key).unwrap_or(1);

        let (origin, base_path) = match split_base_url(&raw.base_url) {
            Ok(parts) => parts,
            Err(msg) => {
                let hint = match split_base_url(&format!("https://{}", raw.base_url.trim())) {
                    Ok((origin, path)) => format!("did you mean \"{origin}{path}\"?"),
                    Err(_) => "use an absolute URL such as \"https://example.org/\" or \"https://example.org/digest/\"".into(),
                };
                errors.push(
                    Diagnostic::error(format!("invalid `base_url` {:?}: {msg}", raw.base_url))
                        .at(path)
                        .line(key_line("base_url"))
                        .hint(hint),
                );
                (String::new(), "/".into())
            }
        };
        let timezone = match raw.timezone.as_deref() {
            None => SiteTz::Fixed(FixedOffset::east_opt(0).unwrap()),
            Some(tz) => SiteTz::parse(tz).unwrap_or_else(|| {
                errors.push(
                    Diagnostic::error(format!("unknown `timezone` {tz:?}"))
                        .at(path)
                        .line(key_line("timezone"))
                        .hint("use an IANA name such as \"Europe/Paris\" or an offset such as \"+08:00\""),
                );
                SiteTz::Fixed(FixedOffset::east_opt(0).unwrap())
            }),
        };
        // What the pages' `lang` attribute and the feeds' language need.
        if locale_of(&raw.language).is_none() {
            errors.push(
                Diagnostic::error(format!(
                    "`language` {:?} is not a language tag",
                    raw.language
                ))
                .at(path)
                .line(key_line("language"))
                .hint("use a BCP 47 tag such as \"en\", \"de\", \"pt-BR\" or \"zh-Hant\""),
            );
        }
        let mut title = raw.title;
        make_printable_line(&mut title);
        if title.is_empty() {
            errors.push(
                Diagnostic::error("`title` is empty")
                    .at(path)
                    .line(key_line("title"))
                    .hint("name the site: every page's title, feed and email shows it"),
            );
        }
        // A feed of no items would leave every subscriber with nothing: a site
        // without feeds turns them off (`rss`, `atom`, `json`).
        let counts = [
            ("issue_size", "issue_size", raw.issue_size),
            ("paginate", "paginate", raw.paginate),
            ("feeds.limit", "limit", raw.feeds.limit),
        ];
        for (name, key, value) in counts {
            if value == 0 {
                errors.push(
                    Diagnostic::error(format!("`{name}` must be at least 1"))
                        .at(path)
                        .line(key_line(key)),
                );
            }
        }
        let threshold = raw.import.near_duplicate_threshold;
        if !(0.0..=1.0).contains(&threshold) || threshold.is_nan() {
            errors.push(
                Diagnostic::error("`import.near_duplicate_threshold` must be between 0 and 1")
                    .at(path)
                    .line(key_line("near_duplicate_threshold")),
            );
        }
        if let Err(msg) = check_link(&raw.email.manage_url) {
            errors.push(
                Diagnostic::error(format!(
                    "invalid `email.manage_url` {:?}: {msg}",
                    raw.email.manage_url
                ))
                .at(path)
                .line(key_line("manage_url"))
                .hint("use an https:// or mailto: link, or your mailer's merge tag such as \"{{ unsubscribe_url }}\""),
            );
        }
        if let Some(hub) = &raw.feeds.websub_hub {
            if let Err(msg) = check_http_url(hub) {
                errors.push(
                    Diagnostic::error(format!("invalid `feeds.websub_hub` {hub:?}: {msg}"))
                        .at(path)
                        .line(key_line("websub_hub"))
                        .hint("use the hub's absolute URL, such as \"https://pubsubhubbub.appspot.com/\""),
                );
            }
        }
        for (key, value) in [("from", &raw.email.from), ("to", &raw.email.to)] {
            if value.is_empty() {
                continue;
            }
            if let Err(msg) = Mailbox::parse(value) {
                errors.push(
                    Diagnostic::error(format!("invalid `email.{key}` {value:?}: {msg}"))
                        .at(path)
                        .line(key_line(key))
                        .hint("write a mailbox such as \"Weekly Digest <digest@example.org>\""),
                );
            }
        }
        for (key, name) in [
            ("highlight_theme", &raw.highlight_theme),
            ("highlight_theme_dark", &raw.highlight_theme_dark),
        ] {
            if !HIGHLIGHT_THEMES.contains(&name.as_str()) {
                let hint = match closest(name, HIGHLIGHT_THEMES.into_iter()) {
                    Some(near) => format!("did you mean {near:?}?"),
                    None => format!("the themes are {}", HIGHLIGHT_THEMES.join(", ")),
                };
                errors.push(
                    Diagnostic::error(format!("unknown highlight theme {name:?} in `{key}`"))
                        .at(path)
                        .line(key_line(key))
                        .hint(hint),
                );
            }
        }
        let issue_title = raw
            .issue_title
            .as_deref()
            .map(|t| printable(t).into_owned());
        if let Some(Err(msg)) = issue_title.as_deref().map(issue_title::check) {
            errors.push(
                Diagnostic::error(format!("invalid `issue_title`: {msg}"))
                    .at(path)
                    .line(key_line("issue_title"))
                    .hint("write a title such as \"Issue #{number} — {date}\""),
            );
        }
        if issue_title.is_some() && raw.words.contains_key("issue_title") {
            errors.push(
                Diagnostic::error("`issue_title` is set twice: here and in `[words]`")
                    .at(path)
                    .line(key_line("issue_title"))
                    .hint("keep one of them: `issue_title` is the `[words]` phrase of that name"),
            );
        }
        let topics = check_topics(raw.topics, text, path, &mut errors);
        let deploy = raw
            .deploy
            .map(|d| deploy::check(d, text, path, &mut errors));
        let mut email = raw.email;
        make_printable(&mut email.footer);
        let config = Config {
            title,
            description: printable(&raw.description).into_owned(),
            base_url: format!("{origin}{base_path}"),
            origin,
            base_path,
            dates: Dates::of(&raw.language),
            issue_title,
            // The tag as BCP 47 writes it (`pt_BR` and `pt-br` are `pt-BR`), for
            // every `lang` and feed language alike.
            language: locale_of(&raw.language)
                .map_or_else(|| printable(&raw.language).into_owned(), |l| l.to_string()),
            timezone,
            theme: raw.theme,
            // At least 1 even when refused above: the lenient config is still
            // used to list the theme's and content's mistakes, and a list of
            // pages of 0 items would divide by zero.
            issue_size: raw.issue_size.max(1),
            paginate: raw.paginate.max(1),
            highlight_theme: raw.highlight_theme,
            highlight_theme_dark: raw.highlight_theme_dark,
            feeds: FeedsConfig {
                limit: raw.feeds.limit.max(1),
                ..raw.feeds
            },
            import: raw.import,
            markdown: raw.markdown,
            email,
            deploy,
            topics,
            extra: raw.extra,
            words: raw.words,
            path: path.to_path_buf(),
        };
        Ok(Lenient {
            config,
            errors,
            topics_intact,
        })
    }

    /// Replaces `base_url` (for `--base-url` and for `serve`, whose own URL is
    /// always valid).
    pub(crate) fn set_base_url(&mut self, url: &str) -> Result<(), Diagnostic> {
        let (origin, base_path) = split_base_url(url).map_err(|msg| {
            Diagnostic::error(format!("invalid --base-url {url:?}: {msg}"))
                .hint("use an absolute URL such as \"https://example.org/\"")
        })?;
        self.base_url = format!("{origin}{base_path}");
        self.origin = origin;
        self.base_path = base_path;
        Ok(())
    }

    pub(crate) fn topic(&self, slug: &str) -> Option<&Topic> {
        self.topics.iter().find(|t| t.slug == slug)
    }

    /// A site path (`/issues/`) with the base path prefixed: what links use.
    pub(crate) fn url(&self, site_path: &str) -> String {
        // `concat` allocates once; `format!` grows its buffer as it writes, and
        // every page asks for several URLs.
        [&self.base_path, site_path.trim_start_matches('/')].concat()
    }

    /// A site path as an absolute URL: what feeds, sitemaps and OpenGraph use.
    pub(crate) fn permalink(&self, site_path: &str) -> String {
        [
            &self.origin,
            &self.base_path,
            site_path.trim_start_matches('/'),
        ]
        .concat()
    }
}

fn check_topics(
    raw: Vec<RawTopic>,
    text: &str,
    path: &Path,
    errors: &mut Diagnostics,
) -> Vec<Topic> {
    let mut seen = HashSet::new();
    let mut topics = Vec::with_capacity(raw.len());
    // The lines where each slug is set, in order: a slug defined twice is
    // named at its second definition.
    let mut slug_lines: HashMap<String, std::vec::IntoIter<usize>> = HashMap::new();
    for t in raw {
        let line = slug_lines
            .entry(t.slug.clone())
            .or_insert_with(|| slug_lines_of(text, &t.slug).into_iter())
            .next()
            .unwrap_or(1);
        if let Some(problem) = slug_problem(&t.slug) {
            errors.push(
                Diagnostic::error(problem.message("topic slug", &t.slug))
                    .at(path)
                    .line(line)
                    .hint("use lowercase letters, digits and dashes, e.g. \"export-controls\""),
            );
        }
        if !seen.insert(t.slug.clone()) {
            errors.push(
                Diagnostic::error(format!("topic {:?} is defined twice", t.slug))
                    .at(path)
                    .line(line),
            );
        }
        let mut name = t.name;
        make_printable_line(&mut name);
        if name.is_empty() {
            errors.push(
                Diagnostic::error(format!("topic {:?} has an empty `name`", t.slug))
                    .at(path)
                    .line(line)
                    .hint(
                        "give it the name its pages and tags show, e.g. name = \"Export controls\"",
                    ),
            );
        }
        topics.push(Topic {
            slug: t.slug,
            name,
            description: printable(&t.description).into_owned(),
            keywords: t.keywords,
        });
    }
    topics
}

/// Lowercase ASCII letters, digits, `-` and `_`; not empty; no leading dot.
fn is_valid_slug(s: &str) -> bool {
    !s.is_empty()
        && s.bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

/// The longest slug. A slug names a folder of the output (`insights/<slug>/`),
/// and common file systems stop file names at 255 bytes; a limit well under that
/// leaves room for the `-2` of a second insight with the same headline.
pub(crate) const MAX_SLUG_LEN: usize = 200;

/// Why a slug cannot be used (see [`slug_problem`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum SlugProblem {
    TooLong,
    NotASegment,
}

impl SlugProblem {
    /// The message for `slug`, the `what` of a file (`slug`, `topic slug`).
    pub(crate) fn message(self, what: &str, slug: &str) -> String {
        match self {
            SlugProblem::TooLong => format!(
                "{what} is {} characters long: at most {MAX_SLUG_LEN} fit in a file name",
                slug.len()
            ),
            SlugProblem::NotASegment => format!("{what} {slug:?} is not a valid URL segment"),
        }
    }
}

/// What keeps `slug` from being a URL segment and a file name, if anything.
pub(crate) fn slug_problem(slug: &str) -> Option<SlugProblem> {
    if !is_valid_slug(slug) {
        Some(SlugProblem::NotASegment)
    } else if slug.len() > MAX_SLUG_LEN {
        Some(SlugProblem::TooLong)
    } else {
        None
    }
}

/// The lines (from 1) that set a topic's `slug` to `slug`, in order: `slug =
/// "ai"` on a line of its own or in an inline table.
fn slug_lines_of(text: &str, slug: &str) -> Vec<usize> {
    let quoted = format!("\"{slug}\"");
    text.lines()
        .enumerate()
        .filter(|(_, line)| {
            line.match_indices(&quoted).any(|(at, _)| {
                let before = line[..at].trim_end();
                before
                    .strip_suffix('=')
                    .is_some_and(|key| key.trim_end().ends_with("slug"))
            })
        })
        .map(|(i, _)| i + 1)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(text, Path::new("config.toml"))
    }

    /// The errors of a config that `parse` refuses, as printed.
    fn refusal(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn defaults_fill_an_empty_config() {
        let c = parse("").unwrap();
        assert_eq!(c.issue_size, 5);
        assert_eq!(c.paginate, 20);
        assert_eq!(c.base_path, "/");
        assert!(c.feeds.rss && c.feeds.atom && c.feeds.json);
    }

    #[test]
    fn base_url_path_is_kept_and_normalised() {
        let c = parse("base_url = \"https://example.org/digest\"").unwrap();
        assert_eq!(c.origin, "https://example.org");
        assert_eq!(c.base_path, "/digest/");
        assert_eq!(c.url("/issues/"), "/digest/issues/");
        assert_eq!(c.permalink("rss.xml"), "https://example.org/digest/rss.xml");
    }

    #[test]
    fn rejects_counts_of_zero_and_a_language_that_is_no_tag_at_their_lines() {
        let err = refusal("language = \"xx-123-!!\"\npaginate = 0\n[feeds]\nlimit = 0");
        for needle in [
            "config.toml:1: error: `language` \"xx-123-!!\" is not a language tag",
            "config.toml:2: error: `paginate` must be at least 1",
            "config.toml:4: error: `feeds.limit` must be at least 1",
        ] {
            assert!(err.contains(needle), "{err}");
        }
        for language in ["en", "de", "pt-BR", "pt_BR", "zh-Hant", "sr-Latn-RS", "ar"] {
            let toml = format!("language = \"{language}\"");
            assert!(parse(&toml).is_ok(), "{language}");
        }
        // Written as BCP 47 writes it, wherever it is written.
        for (given, tag) in [
            ("pt_BR", "pt-BR"),
            ("pt-br", "pt-BR"),
            ("ZH-hant", "zh-Hant"),
            ("en", "en"),
        ] {
            let config = parse(&format!("language = \"{given}\"")).unwrap();
            assert_eq!(config.language, tag, "{given}");
        }
        assert!(parse("language = \"\"").is_err());
    }

    #[test]
    fn a_topic_name_is_one_line_and_not_empty() {
        let c =
            parse("[[topics]]\nslug = \"ai\"\nname = \"\"\"\nArtificial\n  intelligence\"\"\"\n")
                .unwrap();
        assert_eq!(c.topics[0].name, "Artificial intelligence");
        let c = parse("title = \"\"\"\nThe\n  digest\"\"\"\n").unwrap();
        assert_eq!(c.title, "The digest");
        let err = refusal("title = \"  \"");
        assert!(
            err.contains("config.toml:1: error: `title` is empty"),
            "{err}"
        );
        let err = refusal("[[topics]]\nslug = \"ai\"\nname = \" \\u0007 \"\n");
        assert!(
            err.contains("config.toml:2: error: topic \"ai\" has an empty `name`"),
            "{err}"
        );
    }

    #[test]
    fn rejects_base_url_without_scheme() {
        let err = parse("title = \"x\"\nbase_url = \"example.org\"").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("config.toml:2"), "{msg}");
        assert!(msg.contains("no scheme"), "{msg}");
    }

    #[test]
    fn rejects_a_script_link_as_manage_url_at_its_line() {
        let err = refusal("[email]\nmanage_url = \"javascript:alert(1)\"");
        assert!(
            err.contains("config.toml:2: error: invalid `email.manage_url`"),
            "{err}"
        );
    }

    #[test]
    fn rejects_a_relative_websub_hub_and_a_bad_sender_at_their_lines() {
        let err = refusal("[feeds]\nwebsub_hub = \"hub.example.org\"\n[email]\nfrom = \"Digest\"");
        assert!(
            err.contains("config.toml:2: error: invalid `feeds.websub_hub` \"hub.example.org\": it has no scheme"),
            "{err}"
        );
        assert!(
            err.contains("config.toml:4: error: invalid `email.from` \"Digest\""),
            "{err}"
        );
        let c = parse("[feeds]\nwebsub_hub = \"https://hub.example.org/\"").unwrap();
        assert_eq!(
            c.feeds.websub_hub.as_deref(),
            Some("https://hub.example.org/")
        );
    }

    #[test]
    fn rejects_unknown_key_with_a_suggestion() {
        let err = refusal("titel = \"x\"");
        assert!(err.contains("config.toml:1:1"), "{err}");
        assert!(err.contains("unknown field `titel`"), "{err}");
        assert!(err.contains("did you mean `title`?"), "{err}");
    }

    #[test]
    fn rejects_a_credential_in_the_deploy_section() {
        let err = refusal("[deploy]\ntarget = \"s3://b/\"\nsecret_access_key = \"x\"");
        assert!(err.contains("config.toml:3:1"), "{err}");
        assert!(
            err.contains("`secret_access_key` looks like a credential"),
            "{err}"
        );
        assert!(err.contains("AWS_SECRET_ACCESS_KEY"), "{err}");
    }

    #[test]
    fn checks_deploy_values_with_their_lines() {
        let text = "[deploy]\ntarget = \"my-bucket\"\nendpoint = \"s3.example.net\"\n\n[[deploy.rules]]\npattern = \"[\"\n";
        let err = refusal(text);
        assert!(
            err.contains("config.toml:2: error: invalid `deploy.target`"),
            "{err}"
        );
        assert!(
            err.contains("config.toml:3: error: invalid `deploy.endpoint`"),
            "{err}"
        );
        assert!(
            err.contains("config.toml:6: error: invalid `[[deploy.rules]]`"),
            "{err}"
        );
        let c = parse("[deploy]\ntarget = \"s3://b/digest\"").unwrap();
        let d = c.deploy.unwrap();
        assert_eq!((d.max_deletes, d.headers_file), (256, false));
        assert_eq!(d.target.unwrap().prefix, "digest/");
    }

    /// Asserts that `text` is refused with exactly the errors `expected`
    /// (each the start of one, in order).
    fn refused_with(text: &str, expected: &[&str]) {
        let e = parse(text).unwrap_err();
        let lines: Vec<String> = e.0.iter().map(ToString::to_string).collect();
        assert_eq!(lines.len(), expected.len(), "{lines:#?}");
        for (line, want) in lines.iter().zip(expected) {
            assert!(line.starts_with(want), "{want}\n{lines:#?}");
        }
    }

    /// serde stops at the first mistake; a run lists them all, at their
    /// lines, and still checks the values of the keys that read.
    #[test]
    fn every_mistake_of_the_config_is_listed() {
        let text =
            "title = \"T\"\nisue_size = 3\ntimezone = \"Mars/Olympus\"\nissue_size = \"five\"\n\
                    [feeds]\nlimt = 3\nrss = true\n[[topics]]\nslug = \"a\"\nname = \"A\"\n\
                    [[topics]]\nslug = \"b\"\n";
        let expected = [
            "config.toml:2:1: error: unknown field `isue_size`",
            "config.toml:4:14: error: invalid type: string \"five\", expected usize",
            "config.toml:6:1: error: unknown field `limt`",
            "config.toml:11:1: error: missing field `name`",
            "config.toml:3: error: unknown `timezone` \"Mars/Olympus\"",
        ];
        refused_with(text, &expected);
    }

    /// A topic defined twice is named where it is defined again, and a slug
    /// that is also a keyword elsewhere does not mislead the line.
    #[test]
    fn a_topic_defined_twice_is_named_at_its_second_definition() {
        let text = "[[topics]]\nslug = \"chips\"\nname = \"Chips\"\n\
                    [[topics]]\nslug = \"ai\"\nname = \"AI\"\nkeywords = [\"chips\"]\n\
                    [[topics]]\nslug   =   \"chips\"\nname = \"Chips again\"\n";
        let e = refusal(text);
        assert!(
            e.contains("config.toml:9: error: topic \"chips\" is defined twice"),
            "{e}"
        );
    }

    /// An entry of `[[topics]]` or `[[deploy.rules]]` is read key by key once
    /// it does not read whole: each of its mistakes at its own line.
    #[test]
    fn every_mistake_of_an_array_entry_is_listed_at_its_line() {
        let text = "[[topics]]\nslug = \"a\"\nname = \"A\"\nkeyword = [\"x\"]\ndescription = 4\n\
                    [[topics]]\nslug = \"b\"\n\
                    [deploy]\ntarget = \"s3://b/p/\"\n[[deploy.rules]]\npattern = \"*.html\"\n\
                    cache_contrl = \"x\"\ngzip = \"yes\"\n";
        let expected = [
            "config.toml:4:1: error: unknown field `keyword`",
            "config.toml:5:15: error: invalid type: integer `4`, expected a string",
            "config.toml:6:1: error: missing field `name`",
            "config.toml:12:1: error: unknown field `cache_contrl`",
            "config.toml:13:8: error: invalid type: string \"yes\", expected a boolean",
        ];
        refused_with(text, &expected);
    }

    #[test]
    fn parses_time_zones() {
        let c = parse("timezone = \"+08:00\"").unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        assert_eq!(
            c.timezone.midnight(day).to_rfc3339(),
            "2026-11-18T00:00:00+08:00"
        );
        let c = parse("timezone = \"Europe/Paris\"").unwrap();
        assert_eq!(
            c.timezone.midnight(day).to_rfc3339(),
            "2026-11-18T00:00:00+01:00"
        );
        assert!(parse("timezone = \"Mars/Olympus\"").is_err());
    }

    /// America/Santiago's clocks went from 00:00 to 01:00 on 6 September
    /// 2026: a date of that day is its first instant, 01:00, not 20:00 the
    /// day before (the wall time read as UTC); a time in the skipped hour
    /// lands after the jump; a time shown twice when clocks go back is the
    /// first; a time after a jump keeps its own offset.
    #[test]
    fn wall_clock_times_around_daylight_saving_jumps() {
        let at = |zone: &str, local: &str| {
            let c = parse(&format!("timezone = \"{zone}\"")).unwrap();
            let naive = NaiveDateTime::parse_from_str(local, "%Y-%m-%dT%H:%M:%S").unwrap();
            c.timezone.local(naive).to_rfc3339()
        };
        let santiago = "America/Santiago";
        let day = NaiveDate::from_ymd_opt(2026, 9, 6).unwrap();
        let c = parse(&format!("timezone = \"{santiago}\"")).unwrap();
        assert_eq!(
            c.timezone.midnight(day).to_rfc3339(),
            "2026-09-06T01:00:00-03:00"
        );
        assert_eq!(c.timezone.day_of(&c.timezone.midnight(day)), day);
        assert_eq!(
            at(santiago, "2026-09-06T00:30:00"),
            "2026-09-06T01:30:00-03:00"
        );
        assert_eq!(
            at("America/New_York", "2026-03-08T12:00:00"),
            "2026-03-08T12:00:00-04:00"
        );
        assert_eq!(
            at("America/New_York", "2026-11-01T01:30:00"),
            "2026-11-01T01:30:00-04:00"
        );
        assert_eq!(
            at("Europe/Paris", "2026-11-18T09:15:00"),
            "2026-11-18T09:15:00+01:00"
        );
    }
}
