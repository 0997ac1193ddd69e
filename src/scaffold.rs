//! `brief init` and `brief new`: files an editor starts from. `init` writes a site
//! that builds at once (the default theme is embedded in the binary, so no theme
//! is copied); `new` writes one insight, ready to edit. Both refuse to overwrite
//! anything. Printing is left to the caller.

use std::path::{Path, PathBuf};

use chrono::{NaiveDate, Utc};

use crate::config::{Config, CONFIG_FILE};
use crate::content::{self, INSIGHTS_DIR};
use crate::error::{Diagnostic, Diagnostics};
use crate::hidden::is_hidden;
use crate::hints::closest;
use crate::import::{create_file, new_headline_slug};
use crate::lock::SiteLock;

/// The config of a new site: every key shown, with what it does.
const CONFIG_TEMPLATE: &str = r##"# Site settings. Every key is optional; the values shown are the defaults
# unless marked otherwise.

title = "My insight digest"                  # not a default: name your site
description = "Short analytical insights, one daily issue at a time."   # an example (default: none)
base_url = "https://example.org/"            # an example (default: http://localhost:1111/): where the site is published; may carry a path
language = "en"                              # dates, and the theme's words: "de" gives "20. November 2026", "Ausgaben"
timezone = "UTC"                             # an IANA name or an offset such as "+08:00"
theme = "default"                            # built in; or a folder under themes/
issue_size = 5                               # insights in each issue's headline
# issue_title = "Issue #{number} — {date}"   # default: the theme's, in the site's language
paginate = 20                                # entries per archive or topic page

[feeds]
rss = true
atom = true
json = true
limit = 20                                   # items per feed
# A WebSub hub: every feed links it, and `brief ping` tells it what changed.
# websub_hub = "https://pubsubhubbub.appspot.com/"

# The email editions (`brief email`); `from` is needed for `brief email --eml`.
# [email]
# from = "My insight digest <digest@example.org>"
# to = ""                                    # default: the from address
# manage_url = "https://example.org/manage"  # or your mailer's merge tag
# footer = ""                                # default: a line naming the site

# The theme's phrases, changed one by one (every name is in the README).
# [words]
# issues = "Editions"
# insights = { one = "{n} note", other = "{n} notes" }

[import]
# Boilerplate lines of raw insight files, dropped wherever they appear.
skip_lines = [
  "We scan new podcasts and send you the top 5 insights daily.",
  "Get your free personalized podcast brief",
]
# Insights below this line are related to the lead insight(s) above it.
related_marker = "Related Insights"
# Word-shingle similarity (0 to 1) from which two texts count as one insight.
near_duplicate_threshold = 0.6

# Topics: `brief import` assigns every topic whose keywords appear in an insight
# (case-insensitive whole words or phrases; a trailing `*` matches a prefix).

[[topics]]
slug = "ai"
name = "Artificial intelligence"
description = "Models, labs and what they can do."
keywords = ["AI", "model*", "LLM*"]

[[topics]]
slug = "policy"
name = "Policy"
description = "Regulation, export controls and industrial policy."
keywords = ["regulat*", "export control*", "sanction*", "policy"]

[[topics]]
slug = "markets"
name = "Markets"
description = "Prices, costs and investment."
keywords = ["price*", "cost*", "invest*", "valuation*"]
"##;

const WELCOME_TITLE: &str = "Welcome to your insight digest";
const WELCOME_BODY: &str =
    "This is an example insight: one self-contained paragraph of analysis, written in \
Markdown. Import raw insight files with `brief import FILE...`, write one by hand with \
`brief new \"TITLE\"`, and preview the site with `brief serve`. Delete this file when you \
have your own.";
const NEW_BODY: &str =
    "Write the insight here: one self-contained paragraph of analysis, in Markdown.";

/// Creates a site in `dir`, which must be absent or empty (hidden entries such as
/// `.git` are allowed). Returns the files written, relative to `dir`.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>, Diagnostics> {
    refuse_non_empty(dir)?;
    ignore_build_files(&dir.join(GITIGNORE))?;
    let today = Utc::now().date_naive();
    let files = [
        (PathBuf::from(CONFIG_FILE), CONFIG_TEMPLATE.to_string()),
        (
            Path::new(INSIGHTS_DIR).join("welcome-to-your-insight-digest.md"),
            insight_file(
                None,
                WELCOME_TITLE,
                today,
                &["ai".to_string()],
                WELCOME_BODY,
            ),
        ),
    ];
    for (path, text) in &files {
        create(&dir.join(path), text)?;
    }
    let written = files.into_iter().map(|(path, _)| path);
    Ok(std::iter::once(PathBuf::from(GITIGNORE))
        .chain(written)
        .collect())
}

const GITIGNORE: &str = ".gitignore";

/// What a site's `.gitignore` keeps out of git: the built site and the cache.
const IGNORED: [&str; 2] = ["/public/", "/.brief-cache/"];

/// Creates `.gitignore` at `path` with [`IGNORED`], or, when the folder has one
/// already (a fresh git repository often does), adds the lines it lacks and
/// keeps the rest as it is.
fn ignore_build_files(path: &Path) -> Result<(), Diagnostic> {
    let mut text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
        Err(e) => return Err(Diagnostic::io("read", path, &e)),
    };
    let existed = !text.is_empty() || path.exists();
    let missing: Vec<&str> = IGNORED
        .into_iter()
        .filter(|line| !text.lines().any(|l| l.trim() == *line))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    // In the file's own line endings (`\r\n` from Windows editors).
    let newline = if text.contains("\r\n") { "\r\n" } else { "\n" };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push_str(newline);
    }
    for line in missing {
        text.push_str(line);
        text.push_str(newline);
    }
    if existed {
        crate::import::replace_file(path, &text).map_err(|e| Diagnostic::io("update", path, &e))
    } else {
        create(path, &text)
    }
}

fn refuse_non_empty(dir: &Path) -> Result<(), Diagnostic> {
    let new_dir = "choose a new or empty directory: `brief init my-digest`";
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        // Not there, yet there: a link to something that does not exist.
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && dir.symlink_metadata().is_ok() => {
            return Err(Diagnostic::error(
                "refusing to create a site here: it is a link to something that does not exist",
            )
            .at(dir)
            .hint("remove the link, or make the folder it points to"));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotADirectory => {
            return Err(Diagnostic::error(
                "refusing to create a site here: it is a file, not a folder",
            )
            .at(dir)
            .hint(new_dir));
        }
        Err(e) => return Err(Diagnostic::io("read the directory", dir, &e)),
    };
    let visible = entries
        .filter_map(Result::ok)
        .find(|e| !is_hidden(&e.file_name()));
    match visible {
        None => Ok(()),
        Some(entry) => Err(Diagnostic::error(format!(
            "refusing to create a site in a non-empty directory (it holds {:?})",
            entry.file_name()
        ))
        .at(dir)
        .hint(new_dir)),
    }
}

/// Writes a new insight titled `title` under `root`, with a slug no other insight
/// has, holding the site's lock. Returns its path relative to `root`.
pub fn new_insight(
    root: &Path,
    title: &str,
    date: Option<NaiveDate>,
    topics: &[String],
) -> Result<PathBuf, Diagnostics> {
    let config = Config::load(root)?;
    let _lock = SiteLock::acquire(root)?;
    let mut title = title.to_string();
    crate::printable::make_one_line(&mut title);
    let title = title.as_str();
    if title.is_empty() {
        return Err(Diagnostic::error("the title is empty")
            .hint("pass a title: `brief new \"What happened\"`")
            .into());
    }
    check_topics(topics, &config)?;
    let date = date.unwrap_or_else(|| config.timezone.day_of(&Utc::now().fixed_offset()));
    // As content files are checked: a file the next build would refuse is
    // not written.
    if !content::feeds_can_express(&config.timezone.midnight(date), &config.timezone) {
        return Err(Diagnostic::error(format!(
            "--date {date} is outside the years 1 to 9999 that feeds can express"
        ))
        .hint("check the year; in the site's time zone, too, it must stay within 1 to 9999")
        .into());
    }
    let dir = root.join(INSIGHTS_DIR);
    // A broken content file must not stop `new`: its file name still counts as taken.
    let slugs: Vec<String> = content::load_insights(root, &config)
        .map(|insights| {
            insights
                .iter()
                .flat_map(content::Insight::slugs_taken)
                .collect()
        })
        .unwrap_or_default();
    let slug = new_headline_slug(title, &content::insight_id(title), |s| {
        slugs.iter().any(|t| t == s) || dir.join(format!("{s}.md")).exists()
    });
    let path = Path::new(INSIGHTS_DIR).join(format!("{slug}.md"));
    let id = new_id(&slug, title);
    create(
        &root.join(&path),
        &insight_file(Some(&id), title, date, topics, NEW_BODY),
    )?;
    Ok(path)
}

fn check_topics(topics: &[String], config: &Config) -> Result<(), Diagnostics> {
    let mut errors = Diagnostics::default();
    for topic in topics.iter().filter(|t| config.topic(t).is_none()) {
        let hint = match closest(topic, config.topics.iter().map(|t| t.slug.as_str())) {
            Some(best) => format!("did you mean {best:?}?"),
            None => {
                let known: Vec<&str> = config.topics.iter().map(|t| t.slug.as_str()).collect();
                format!(
                    "topics are the [[topics]] slugs in config.toml: {}",
                    known.join(", ")
                )
            }
        };
        errors.push(Diagnostic::error(format!("unknown topic {topic:?} in --topic")).hint(hint));
    }
    errors.into_result().map(drop)
}

/// The `id` of a new insight. Not derived from its body, which is a placeholder
/// every new insight shares (two would clash), but from its slug, which no other
/// insight has, and its title. Written into the file, it stays when the editor
/// writes the body: the insight keeps its identity.
fn new_id(slug: &str, title: &str) -> String {
    content::insight_id(&format!("{slug}\n{title}"))
}

/// A hand-written insight, every optional key shown with what it does. Without
/// an `id`, the id is derived from the body (the welcome insight's is its own).
fn insight_file(
    id: Option<&str>,
    title: &str,
    date: NaiveDate,
    topics: &[String],
    body: &str,
) -> String {
    let topics: toml_edit::Array = topics.iter().map(String::as_str).collect();
    let id = id.map_or(String::new(), |id| {
        format!("id = \"{id}\"   # identity: keep it when you edit the text\n")
    });
    format!(
        "+++\n{id}title = {title}\ndate = {date}\ntopics = {topics}   # [[topics]] slugs from config.toml\n\
         sources = []      # raw files it was seen in (brief import fills it)\n\
         related = []      # slugs of related insights\n\
         weight = 0        # higher ranks first within the day's issue\n\
         draft = false     # true keeps it out of the build (see --drafts)\n+++\n{body}\n",
        title = toml_edit::Value::from(title),
        date = date.format("%Y-%m-%d"),
    )
}

fn create(path: &Path, text: &str) -> Result<(), Diagnostic> {
    create_file(path, text).map_err(|e| Diagnostic::io("create", path, &e))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_template_parses_and_the_example_uses_its_topics() {
        let config = Config::parse(CONFIG_TEMPLATE, Path::new("config.toml")).unwrap();
        assert_eq!(config.topics.len(), 3);
        let date = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        let text = insight_file(None, WELCOME_TITLE, date, &["ai".to_string()], WELCOME_BODY);
        let insight =
            content::parse_insight(&text, Path::new("content/insights/w.md"), &config).unwrap();
        assert_eq!(insight.title, WELCOME_TITLE);
        assert_eq!(insight.topics, ["ai"]);
        // The commented `issue_title` is the default theme's English one.
        let uncommented = CONFIG_TEMPLATE.replace("# issue_title", "issue_title");
        let explicit = Config::parse(&uncommented, Path::new("config.toml")).unwrap();
        assert_ne!(uncommented, CONFIG_TEMPLATE);
        let english: toml::Table =
            toml::from_str(include_str!("../themes/default/words/en.toml")).unwrap();
        assert_eq!(
            explicit.issue_title.as_deref(),
            english["issue_title"].as_str()
        );
        assert_eq!(config.issue_title, None);
    }

    #[test]
    fn titles_with_quotes_are_escaped() {
        let config = Config::parse(CONFIG_TEMPLATE, Path::new("config.toml")).unwrap();
        let date = NaiveDate::from_ymd_opt(2026, 11, 18).unwrap();
        let title = r#"The "iPhone" vs 'Android' \ split"#;
        let text = insight_file(Some("0123456789abcdef"), title, date, &[], NEW_BODY);
        let insight = content::parse_insight(&text, Path::new("a.md"), &config).unwrap();
        assert_eq!(insight.title, title);
    }
}
