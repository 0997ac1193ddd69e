//! `brief ping`: tells the WebSub hub (`[feeds] websub_hub`) about every feed
//! of the built output whose content changed since its last successful ping.
//!
//! Feeds are found in the output by file name (`rss.xml`, `atom.xml` and
//! `feed.json` at any depth), so every feed a build writes (site, topic and
//! archive feeds alike) is covered without a list to keep in step with the
//! renderer. The URL sent as `hub.url` is the feed's own `self` link (the topic
//! its subscribers subscribed to, even for a build with `--base-url`), and a
//! feed that does not name the configured hub is not pinged: it was built
//! before the hub was set, and subscribers discover the hub from the feed.
//!
//! The state, a hash of each feed's bytes at its last successful ping keyed by
//! its URL, lives in the build cache (`.brief-cache/websub-pings`), never in the
//! output, which is deployed. A failed ping leaves its feed's state alone, so
//! the next run tries it again. Ping reads the output and writes only that
//! file (whole, by rename), so it takes no site lock: beside a build it reads
//! each feed old or new, never half-written (the build renames files into
//! place), and two pings at once at worst notify the hub twice.

use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::Duration;

use quick_xml::events::{BytesStart, Event};

use crate::config::Config;
use crate::count::Count;
use crate::error::{Diagnostic, Diagnostics};
use crate::fingerprint::hash_of;
use crate::hidden::is_hidden;
use crate::printable::printable;

/// The state file, in the site's build cache directory.
pub const STATE_FILE: &str = "websub-pings";

/// First line of the state file: another format is read as no state (a ping of
/// every feed), never misread.
const STATE_HEADER: &str = "brief-websub-pings 1";

/// The file names of feed documents, wherever they are in the output.
const FEED_FILES: [&str; 3] = ["rss.xml", "atom.xml", "feed.json"];

/// How long one hub request may take, connecting included. A hub answers a
/// publish notification at once and fetches the feed later.
const TIMEOUT: Duration = Duration::from_secs(20);

/// What `brief ping` was asked for.
#[derive(Debug, Clone, Default)]
pub struct PingOptions {
    /// The built output, default `public/` under the site root.
    pub output: Option<PathBuf>,
    /// Show what would be pinged; send nothing and keep the state as it is.
    pub dry_run: bool,
}

/// One feed of the output and what became of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedPing {
    /// The feed's `self` URL (for a feed that has none: its file in the output).
    pub url: String,
    pub outcome: Outcome,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The same bytes as at its last successful ping: nothing to tell.
    Unchanged,
    /// Changed, and `--dry-run` was given.
    WouldPing,
    /// The hub accepted the notification with this (2xx) status.
    Pinged(u16),
    /// The hub refused it (`status`), or could not be reached (`None`).
    Failed { status: Option<u16>, reason: String },
    /// Not sent: the hub could not be reached for an earlier feed of this run.
    NotSent,
    /// Not sent: the feed does not name the hub, or has no `self` link.
    Stale(String),
}

impl Outcome {
    fn failed(&self) -> bool {
        matches!(
            self,
            Outcome::Failed { .. } | Outcome::NotSent | Outcome::Stale(_)
        )
    }
}

/// Every feed of the output, in path order, with its outcome.
#[derive(Debug, Clone)]
pub struct PingReport {
    pub(crate) hub: String,
    pub feeds: Vec<FeedPing>,
    pub(crate) dry_run: bool,
}

impl PingReport {
    /// Whether any changed feed could not be pinged (the run fails).
    pub fn failed(&self) -> bool {
        self.feeds.iter().any(|f| f.outcome.failed())
    }

    fn count(&self, what: impl Fn(&Outcome) -> bool) -> usize {
        self.feeds.iter().filter(|f| what(&f.outcome)).count()
    }

    /// The line a run ends with.
    pub fn summary(&self) -> String {
        let total = self.feeds.len();
        let unchanged = self.count(|o| *o == Outcome::Unchanged);
        let failed = self.count(Outcome::failed);
        let pinged = self.count(|o| matches!(o, Outcome::Pinged(_)));
        let feeds = |n: usize| Count(n, "feed");
        if unchanged == total {
            return format!(
                "nothing to ping: none of the {} changed since the last ping",
                feeds(total)
            );
        }
        if self.dry_run {
            return format!(
                "dry run: would ping {} of {} at {}; nothing was sent",
                self.count(|o| *o == Outcome::WouldPing),
                feeds(total),
                self.hub
            );
        }
        if failed > 0 {
            return format!(
                "{failed} of {} not pinged, the next `brief ping` tries again ({pinged} pinged, {unchanged} unchanged)",
                feeds(total)
            );
        }
        format!(
            "pinged {pinged} of {} at {} ({unchanged} unchanged)",
            feeds(total),
            self.hub
        )
    }
}

impl fmt::Display for FeedPing {
    /// One line per feed that was (or would be) sent, or failed.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = &self.url;
        match &self.outcome {
            Outcome::Unchanged => write!(f, "unchanged {url}"),
            Outcome::WouldPing => write!(f, "would ping {url}"),
            Outcome::Pinged(status) => write!(f, "pinged {url}: the hub answered {status}"),
            Outcome::Failed {
                status: Some(status),
                reason,
            } => write!(
                f,
                "ping of {url} failed: the hub answered {status} {reason}"
            ),
            Outcome::Failed {
                status: None,
                reason,
            } => write!(f, "ping of {url} failed: {reason}"),
            Outcome::NotSent => write!(f, "ping of {url} not sent: the hub is unreachable"),
            Outcome::Stale(why) => write!(f, "{url} not pinged: {why}"),
        }
    }
}

/// Pings the hub for every feed of the output that changed since its last
/// successful ping (see the module doc). Errors that stop the whole run (no hub
/// configured, no built site) are `Err`; a feed that could not be pinged is in
/// the report.
pub fn ping(root: &Path, options: &PingOptions) -> Result<PingReport, Diagnostics> {
    let config = Config::load(root)?;
    let hub = config.feeds.websub_hub.clone().ok_or_else(|| {
        Diagnostic::error("no WebSub hub is configured, so there is nothing to ping")
            .at(&config.path)
            .hint("add `websub_hub = \"https://pubsubhubbub.appspot.com/\"` (your hub) under `[feeds]`, then `brief build`")
    })?;
    let output = options
        .output
        .clone()
        .unwrap_or_else(|| root.join("public"));
    let feeds = read_feeds(&output)?;
    let state_path = root.join(crate::memory::CACHE_DIR).join(STATE_FILE);
    let mut state = State::read(&state_path);
    let client = (!options.dry_run).then(|| Client::new(&hub));
    let mut report = PingReport {
        hub: hub.clone(),
        feeds: Vec::with_capacity(feeds.len()),
        dry_run: options.dry_run,
    };
    let mut reachable = true;
    for feed in feeds {
        let links = feed_links(&feed.path, &feed.bytes);
        let hash = hash_of(&feed.bytes[..]);
        let (url, outcome) = match (links.self_url, links.hubs.contains(&hub)) {
            (None, _) => (feed.shown, Outcome::Stale(no_self_link())),
            (Some(url), false) => (url, Outcome::Stale(not_naming(&hub, &links.hubs))),
            (Some(url), true) if state.0.get(&url) == Some(&hash) => (url, Outcome::Unchanged),
            (Some(url), true) => {
                let outcome = match &client {
                    None => Outcome::WouldPing,
                    Some(_) if !reachable => Outcome::NotSent,
                    Some(client) => client.publish(&url),
                };
                if let Outcome::Pinged(_) = outcome {
                    state.0.insert(url.clone(), hash);
                }
                reachable &= !matches!(outcome, Outcome::Failed { status: None, .. });
                (url, outcome)
            }
        };
        report.feeds.push(FeedPing { url, outcome });
    }
    if !options.dry_run {
        // Feeds no longer built are forgotten: one that comes back is news.
        let current: HashSet<&String> = report.feeds.iter().map(|f| &f.url).collect();
        state.0.retain(|url, _| current.contains(url));
        state.write(&state_path)?;
    }
    Ok(report)
}

fn no_self_link() -> String {
    "it has no `self` link to name it to the hub (is it a feed brief wrote?)".into()
}

/// Why a feed that names another hub, or none, is not pinged: it was built
/// before `websub_hub` was set, or changed.
fn not_naming(hub: &str, named: &[String]) -> String {
    let when = match named.first() {
        None => "it was built before `[feeds] websub_hub` was set".to_string(),
        Some(other) => {
            format!("it names {other}: it was built before `[feeds] websub_hub` changed")
        }
    };
    format!("it does not name the hub {hub}: {when}; run `brief build`, then `brief ping`")
}

/// A feed document of the output.
struct FeedFile {
    /// Its path relative to the output, `/`-separated.
    path: String,
    /// Its path as shown to the user.
    shown: String,
    bytes: Vec<u8>,
}

/// Every feed document in `output`, in path order. Hidden folders (a build's
/// staging area) are skipped and symbolic links not followed.
fn read_feeds(output: &Path) -> Result<Vec<FeedFile>, Diagnostic> {
    if !output.join("index.html").is_file() {
        return Err(Diagnostic::error(format!(
            "{} holds no built site, so there are no feeds to ping",
            output.display()
        ))
        .hint("run `brief build` first"));
    }
    let walker = walkdir::WalkDir::new(output)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    let mut feeds = Vec::new();
    for entry in walker {
        let entry = entry
            .map_err(|e| Diagnostic::error(format!("cannot list {}: {e}", output.display())))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || !FEED_FILES.contains(&name.as_ref()) {
            continue;
        }
        let bytes = std::fs::read(entry.path())
            .map_err(|e| Diagnostic::io("read the feed", entry.path(), &e))?;
        let rel = entry.path().strip_prefix(output).unwrap_or(entry.path());
        feeds.push(FeedFile {
            path: rel.to_string_lossy().replace('\\', "/"),
            shown: entry.path().display().to_string(),
            bytes,
        });
    }
    if feeds.is_empty() {
        return Err(Diagnostic::error(format!(
            "{} holds no feed ({}), so there is nothing to ping",
            output.display(),
            FEED_FILES.join(", ")
        ))
        .hint("switch a feed on under `[feeds]` in config.toml, then `brief build`"));
    }
    Ok(feeds)
}

/// The `self` and `hub` links of a feed document.
#[derive(Debug, Default, PartialEq, Eq)]
struct Links {
    self_url: Option<String>,
    hubs: Vec<String>,
}

/// The links a feed gives in its head: `feed_url` and `hubs` in a JSON Feed,
/// `<link>` (Atom) or `<atom:link>` (RSS) before the first entry or item.
/// Anything unreadable has no links.
fn feed_links(path: &str, bytes: &[u8]) -> Links {
    if path.ends_with(".json") {
        return json_feed_links(bytes);
    }
    let mut reader = quick_xml::Reader::from_reader(bytes);
    let mut links = Links::default();
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if matches!(e.local_name().as_ref(), b"item" | b"entry") => break,
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == b"link" => {
                let (rel, href) = (attribute(&e, b"rel"), attribute(&e, b"href"));
                match (rel.as_deref(), href) {
                    (Some("self"), Some(href)) => links.self_url = Some(href),
                    (Some("hub"), Some(href)) => links.hubs.push(href),
                    _ => {}
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            Ok(_) => {}
        }
    }
    links
}

fn attribute(e: &BytesStart, name: &[u8]) -> Option<String> {
    let value = e.try_get_attribute(name).ok()??;
    value.unescape_value().ok().map(|v| v.into_owned())
}

fn json_feed_links(bytes: &[u8]) -> Links {
    let Ok(feed) = serde_json::from_slice::<serde_json::Value>(bytes) else {
        return Links::default();
    };
    let text = |v: &serde_json::Value| v.as_str().map(str::to_string);
    let hubs = feed["hubs"].as_array().map_or(&[][..], Vec::as_slice);
    Links {
        self_url: text(&feed["feed_url"]),
        hubs: hubs
            .iter()
            .filter(|h| {
                h["type"]
                    .as_str()
                    .is_some_and(|t| t.eq_ignore_ascii_case("websub"))
            })
            .filter_map(|h| text(&h["url"]))
            .collect(),
    }
}

/// Feed URL → hash of its bytes at its last successful ping.
#[derive(Debug, Default, PartialEq, Eq)]
struct State(BTreeMap<String, u64>);

impl State {
    /// The state in `path`; none if it is missing or not in this format (then
    /// every feed is pinged again, which a hub takes in its stride).
    fn read(path: &Path) -> State {
        let text = std::fs::read_to_string(path).unwrap_or_default();
        State::parse(&text).unwrap_or_default()
    }

    fn parse(text: &str) -> Option<State> {
        let mut lines = text.lines();
        if lines.next()? != STATE_HEADER {
            return None;
        }
        let mut state = State::default();
        for line in lines {
            let (hash, url) = line.split_once('\t')?;
            state
                .0
                .insert(url.to_string(), u64::from_str_radix(hash, 16).ok()?);
        }
        Some(state)
    }

    fn text(&self) -> String {
        let mut text = format!("{STATE_HEADER}\n");
        for (url, hash) in &self.0 {
            text.push_str(&format!("{hash:016x}\t{url}\n"));
        }
        text
    }

    /// Writes the state beside `path`, then renames it into place: a ping cut
    /// short leaves the old state or the new one.
    fn write(&self, path: &Path) -> Result<(), Diagnostic> {
        let text = self.text();
        if std::fs::read_to_string(path).is_ok_and(|old| old == text) {
            return Ok(());
        }
        let temp = path.with_extension("tmp");
        let result = path
            .parent()
            .map_or(Ok(()), std::fs::create_dir_all)
            .and_then(|_| std::fs::write(&temp, text))
            .and_then(|_| std::fs::rename(&temp, path));
        result.map_err(|e| {
            Diagnostic::io("write the ping state", path, &e)
                .hint("the pings were sent; the next `brief ping` sends them again")
        })
    }
}

/// Sends publish notifications to one hub.
struct Client {
    agent: ureq::Agent,
    hub: String,
}

impl Client {
    fn new(hub: &str) -> Client {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            // A hub answers where it is asked; a redirected POST would be a GET.
            .max_redirects(0)
            .timeout_global(Some(TIMEOUT))
            .user_agent(concat!("brief/", env!("CARGO_PKG_VERSION")))
            .build();
        Client {
            agent: config.into(),
            hub: hub.to_string(),
        }
    }

    /// `hub.mode=publish`, `hub.url=feed_url`, form-encoded (WebSub, section 5.3
    /// of PubSubHubbub 0.4, which hubs follow for publishers).
    fn publish(&self, feed_url: &str) -> Outcome {
        let sent = self
            .agent
            .post(&self.hub)
            .send_form([("hub.mode", "publish"), ("hub.url", feed_url)]);
        match sent {
            Ok(response) if response.status().is_success() => {
                Outcome::Pinged(response.status().as_u16())
            }
            Ok(mut response) => {
                let status = response.status();
                let said = response
                    .body_mut()
                    .with_config()
                    .limit(4096)
                    .read_to_string()
                    .unwrap_or_default();
                let said = printable(said.lines().find(|l| !l.trim().is_empty()).unwrap_or(""))
                    .trim()
                    .chars()
                    .take(200)
                    .collect::<String>();
                let mut reason = status.canonical_reason().unwrap_or("").to_string();
                if !said.is_empty() {
                    reason.push_str(&format!(" ({said})"));
                }
                Outcome::Failed {
                    status: Some(status.as_u16()),
                    reason,
                }
            }
            Err(e) => Outcome::Failed {
                status: None,
                reason: format!("cannot reach the hub: {e}"),
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_self_and_hub_links_in_each_format() {
        let rss = br#"<?xml version="1.0"?><rss xmlns:atom="http://www.w3.org/2005/Atom"><channel>
            <link>https://ex.org/d/</link>
            <atom:link href="https://ex.org/d/rss.xml" rel="self" type="application/rss+xml"/>
            <atom:link href="https://hub.ex/?a=1&amp;b=2" rel="hub"/>
            <item><atom:link href="https://elsewhere/" rel="self"/></item></channel></rss>"#;
        assert_eq!(
            feed_links("rss.xml", rss),
            Links {
                self_url: Some("https://ex.org/d/rss.xml".into()),
                hubs: vec!["https://hub.ex/?a=1&b=2".into()],
            }
        );
        let atom = br#"<feed xmlns="http://www.w3.org/2005/Atom"><link rel="self" href="https://ex.org/atom.xml"/><entry/></feed>"#;
        assert_eq!(
            feed_links("atom.xml", atom).self_url.as_deref(),
            Some("https://ex.org/atom.xml")
        );
        let json = br#"{"feed_url": "https://ex.org/feed.json", "hubs": [{"type": "WebSub", "url": "https://hub.ex/"}, {"type": "rssCloud", "url": "x"}]}"#;
        assert_eq!(
            feed_links("feed.json", json),
            Links {
                self_url: Some("https://ex.org/feed.json".into()),
                hubs: vec!["https://hub.ex/".into()],
            }
        );
        assert_eq!(feed_links("rss.xml", b"<rss><chan"), Links::default());
        assert_eq!(feed_links("feed.json", b"{"), Links::default());
    }

    #[test]
    fn state_round_trips_and_other_formats_read_as_none() {
        let mut state = State::default();
        state.0.insert("https://ex.org/rss.xml".into(), 0xfeed);
        state.0.insert("https://ex.org/topics/a/rss.xml".into(), 1);
        assert_eq!(State::parse(&state.text()), Some(state));
        assert_eq!(State::parse("brief-websub-pings 0\n1\thttps://x/"), None);
        assert_eq!(State::parse("brief-websub-pings 1\nzz\thttps://x/"), None);
    }
}
