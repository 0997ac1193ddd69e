//! `brief email`: [`edition`] models a site and renders one edition: a daily
//! issue's, or a week's (see [`crate::week`]), as text, HTML or a complete
//! message ([`crate::eml`]). The editions themselves are rendered by `render`
//! from the `email*.html` and `email*.txt` templates, like every other page (the
//! plain text of their bodies comes from `render::email_text`); the daily ones
//! are also files of every build. This command only chooses which one to print.

use std::path::Path;

use chrono::NaiveDate;

use crate::config::Config;
use crate::eml::{self, Envelope};
use crate::error::{Diagnostic, Diagnostics};
use crate::memory::Memory;
use crate::render::{Edition, Renderer};
use crate::week::{self, IsoWeek};

/// What `brief email` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Text,
    Html,
    /// A complete RFC 5322 message holding both.
    Eml,
}

/// Which edition `brief email` prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Which {
    /// The issue of a day; default: the latest.
    Day(Option<NaiveDate>),
    /// A week (default: the latest with insights), of one topic or all.
    Week {
        week: Option<IsoWeek>,
        topic: Option<String>,
    },
}

/// Models the site under `root` (drafts left out) and renders the edition
/// `which` in `format`, with the warnings of loading the site.
pub fn edition(
    root: &Path,
    which: &Which,
    format: Format,
) -> Result<(Vec<u8>, Diagnostics), Diagnostics> {
    let config = Config::load(root)?;
    // Before rendering: a message without a sender is refused at once.
    let from = match format {
        Format::Eml => Some(eml::sender(&config)?),
        _ => None,
    };
    let ((edition, envelope), warnings) =
        crate::with_renderer(root, &config, false, &Memory::nothing(), |r| {
            match which {
                Which::Day(date) => daily(r, *date),
                Which::Week { week, topic } => weekly(r, *week, topic.as_deref()),
            }
            .map_err(Diagnostics::from)
        })?;
    let bytes = match (format, from) {
        (Format::Eml, Some(from)) => {
            eml::message(&config, &from, &envelope, &edition.text, &edition.html)
        }
        (Format::Html, _) => edition.html.into_bytes(),
        _ => edition.text.into_bytes(),
    };
    Ok((bytes, warnings))
}

/// The edition of the issue dated `date` (default: the latest).
fn daily(r: &Renderer, date: Option<NaiveDate>) -> Result<(Edition, Envelope), Diagnostic> {
    let site = r.site;
    let n = match date {
        None => site.issues.len().checked_sub(1).ok_or_else(|| {
            Diagnostic::error("the site has no issues yet, so there is no email edition")
                .at(&site.config.path)
                .hint("add insights with `brief import FILES` or `brief new \"Title\"`")
        })?,
        Some(day) => site
            .issues
            .binary_search_by_key(&day, |issue| issue.date)
            .map_err(|_| missing_issue(day, r))?,
    };
    let issue = &site.issues[n];
    let envelope = Envelope {
        subject: r.issue_title(n),
        date: site.config.timezone.midnight(issue.date),
        id: format!("issue-{}", issue.date),
    };
    Ok((r.issue_edition(n)?, envelope))
}

/// The edition of `wanted` (default: the latest week with insights), of
/// `topic` or of the whole site. Dated its newest day with an insight.
fn weekly(
    r: &Renderer,
    wanted: Option<IsoWeek>,
    topic: Option<&str>,
) -> Result<(Edition, Envelope), Diagnostic> {
    let config = r.site.config;
    let week = week::select(r.site, wanted, topic)?;
    let id = match week.topic {
        Some(t) => format!("week-{}-{}", week.id, config.topics[t].slug),
        None => format!("week-{}", week.id),
    };
    let envelope = Envelope {
        subject: r.week_title(&week),
        date: config.timezone.midnight(week.last_day),
        id,
    };
    Ok((r.week_edition(&week)?, envelope))
}

fn missing_issue(wanted: NaiveDate, r: &Renderer) -> Diagnostic {
    let recent: Vec<String> = r
        .site
        .issues
        .iter()
        .rev()
        .take(5)
        .map(|issue| issue.date.to_string())
        .collect();
    let hint = if recent.is_empty() {
        "the site has no issues yet".to_string()
    } else {
        format!(
            "the latest issues are dated {}; run `brief email` without a date for the latest",
            recent.join(", ")
        )
    };
    Diagnostic::error(format!("no issue is dated {wanted}")).hint(hint)
}
