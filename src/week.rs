//! The weekly edition's selection (`brief email --week`): ISO weeks
//! (`2026-W47`), and the insights of one week, optionally of one topic, ranked
//! like an issue. Days are the insights' days in the site's time zone, the same
//! days issues are made of. Pure: site model in, indices out; no IO, no HTML
//! (the edition is rendered by `render` from `email_week.html` and `.txt`).

use std::fmt;
use std::str::FromStr;

use chrono::{Datelike, NaiveDate, Weekday};

use crate::config::Config;
use crate::error::Diagnostic;
use crate::site::{rank, Site};
use crate::text::dates::Dates;
use crate::words::Words;

/// How many recent weeks a "no insights that week" hint names.
const HINT_WEEKS: usize = 5;

/// An ISO 8601 week: Monday to Sunday, numbered within its ISO year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct IsoWeek {
    pub(crate) year: i32,
    pub(crate) week: u32,
}

impl IsoWeek {
    /// The week `day` falls in.
    pub(crate) fn of(day: NaiveDate) -> IsoWeek {
        let w = day.iso_week();
        IsoWeek {
            year: w.year(),
            week: w.week(),
        }
    }

    /// Its Monday.
    pub(crate) fn first_day(self) -> NaiveDate {
        NaiveDate::from_isoywd_opt(self.year, self.week, Weekday::Mon)
            .expect("an IsoWeek is made only from a day or a checked week")
    }

    /// Its Sunday.
    pub(crate) fn last_day(self) -> NaiveDate {
        self.first_day() + chrono::Days::new(6)
    }

    /// Its days as `dates` write a span: `16–22 November 2026` in English.
    pub(crate) fn range_display(self, dates: &Dates) -> String {
        dates.span(self.first_day(), self.last_day())
    }
}

impl fmt::Display for IsoWeek {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-W{:02}", self.year, self.week)
    }
}

impl FromStr for IsoWeek {
    type Err = String;

    /// `YYYY-Www`, e.g. `2026-W47`; a week the year does not have is refused.
    fn from_str(s: &str) -> Result<IsoWeek, String> {
        let usage = || format!("{s:?} is not an ISO week; use YYYY-Www, e.g. 2026-W47");
        let (year, week) = s
            .split_once("-W")
            .or_else(|| s.split_once("-w"))
            .ok_or_else(usage)?;
        let digits = |t: &str, n: usize| t.len() == n && t.bytes().all(|b| b.is_ascii_digit());
        if !digits(year, 4) || !digits(week, 2) {
            return Err(usage());
        }
        let (year, week) = (
            year.parse().map_err(|_| usage())?,
            week.parse().map_err(|_| usage())?,
        );
        match NaiveDate::from_isoywd_opt(year, week, Weekday::Mon) {
            Some(_) => Ok(IsoWeek { year, week }),
            None => Err(format!(
                "{s:?} does not exist: {year} has weeks W01 to W{:02}",
                NaiveDate::from_ymd_opt(year, 12, 28).map_or(52, |d| d.iso_week().week())
            )),
        }
    }
}

/// The insights of one week, ranked like an issue (weight, then sources, then
/// title): `insights[..headline_len]` are its headline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Week {
    pub(crate) id: IsoWeek,
    /// Index into `config.topics` of the one topic asked for.
    pub(crate) topic: Option<usize>,
    pub(crate) insights: Vec<usize>,
    pub(crate) headline_len: usize,
    /// The issues these insights belong to, oldest first.
    pub(crate) issues: Vec<usize>,
    /// The newest day with an insight: the date the edition carries.
    pub(crate) last_day: NaiveDate,
}

impl Week {
    pub(crate) fn headline(&self) -> &[usize] {
        &self.insights[..self.headline_len]
    }

    pub(crate) fn rest(&self) -> &[usize] {
        &self.insights[self.headline_len..]
    }

    /// `Week 47 of 2026`, or `Pricing: week 47 of 2026` for one topic: the
    /// phrases `week_title` and `topic_week_title` of the site's words.
    pub(crate) fn title(&self, config: &Config, words: &Words) -> String {
        let week = self.id.week.to_string();
        let year = self.id.year.to_string();
        let numbers = [("week", week.as_str()), ("year", year.as_str())];
        match self.topic {
            Some(t) => {
                let topic = [("topic", config.topics[t].name.as_str())];
                words.say("topic_week_title", &[&numbers[..], &topic].concat())
            }
            None => words.say("week_title", &numbers),
        }
    }
}

/// The week `wanted` (default: the latest week with insights) of the whole
/// site or of the topic with slug `topic`.
pub(crate) fn select(
    site: &Site,
    wanted: Option<IsoWeek>,
    topic: Option<&str>,
) -> Result<Week, Diagnostic> {
    let config = site.config;
    let topic = topic.map(|slug| find_topic(config, slug)).transpose()?;
    // Newest first, like every insight list of the site.
    let pool: Vec<usize> = match topic {
        Some(t) => site.topics[t].insights.clone(),
        None => (0..site.insights.len()).collect(),
    };
    let week_of = |i: usize| IsoWeek::of(site.insights[i].day);
    let id = match wanted.or_else(|| pool.first().map(|&i| week_of(i))) {
        Some(id) => id,
        None => return Err(no_insights(site, topic, None, &pool)),
    };
    let mut insights: Vec<usize> = pool.iter().copied().filter(|&i| week_of(i) == id).collect();
    if insights.is_empty() {
        return Err(no_insights(site, topic, Some(id), &pool));
    }
    let last_day = insights.iter().map(|&i| site.insights[i].day).max();
    insights.sort_by(|&a, &b| rank(&site.insights[a], &site.insights[b]));
    let mut issues: Vec<usize> = insights.iter().map(|&i| site.issue_of[i]).collect();
    issues.sort_unstable();
    issues.dedup();
    Ok(Week {
        id,
        topic,
        headline_len: insights.len().min(config.issue_size),
        insights,
        issues,
        last_day: last_day.expect("the week has insights"),
    })
}

fn find_topic(config: &Config, slug: &str) -> Result<usize, Diagnostic> {
    config
        .topics
        .iter()
        .position(|t| t.slug == slug)
        .ok_or_else(|| {
            let known: Vec<&str> = config.topics.iter().map(|t| t.slug.as_str()).collect();
            let hint = if known.is_empty() {
                "the site has no topics; add [[topics]] tables to config.toml".to_string()
            } else {
                format!("the topics are: {}", known.join(", "))
            };
            Diagnostic::error(format!("unknown topic {slug:?} for --topic"))
                .at(&config.path)
                .hint(hint)
        })
}

/// No insight in week `id` (or at all), with the latest weeks that have some.
fn no_insights(
    site: &Site,
    topic: Option<usize>,
    id: Option<IsoWeek>,
    pool: &[usize],
) -> Diagnostic {
    let about = topic.map_or(String::new(), |t| {
        format!(" on topic {:?}", site.config.topics[t].slug)
    });
    let mut recent: Vec<IsoWeek> = Vec::new();
    for &i in pool {
        let week = IsoWeek::of(site.insights[i].day);
        if recent.last() != Some(&week) {
            recent.push(week);
        }
        if recent.len() == HINT_WEEKS {
            break;
        }
    }
    let message = match id {
        Some(id) => format!(
            "there are no insights{about} in week {id} ({})",
            // A message: in English, as every message is.
            id.range_display(&Dates::default())
        ),
        None => format!("there are no insights{about} yet, so there is no weekly edition"),
    };
    let hint = if recent.is_empty() {
        "add insights with `brief import FILES` or `brief new \"Title\"`".to_string()
    } else {
        let weeks: Vec<String> = recent.iter().map(IsoWeek::to_string).collect();
        format!(
            "the latest weeks with insights{about} are {}; run `brief email --week` without a week for the latest",
            weeks.join(", ")
        )
    };
    Diagnostic::error(message).hint(hint)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn parses_and_prints_iso_weeks() {
        let w: IsoWeek = "2026-W47".parse().unwrap();
        assert_eq!(
            w,
            IsoWeek {
                year: 2026,
                week: 47
            }
        );
        assert_eq!(w.to_string(), "2026-W47");
        assert_eq!(w.first_day(), day("2026-11-16"));
        assert_eq!(w.last_day(), day("2026-11-22"));
        assert_eq!(
            "2026-w01".parse::<IsoWeek>().unwrap().to_string(),
            "2026-W01"
        );
        for bad in [
            "2026-47",
            "2026-W7",
            "26-W47",
            "2026-W47x",
            "2026-11-18",
            "",
        ] {
            let err = bad.parse::<IsoWeek>().unwrap_err();
            assert!(err.contains("use YYYY-Www"), "{bad}: {err}");
        }
        // 2026 has 53 ISO weeks, 2027 has 52.
        assert!("2026-W53".parse::<IsoWeek>().is_ok());
        let err = "2027-W53".parse::<IsoWeek>().unwrap_err();
        assert_eq!(
            err,
            "\"2027-W53\" does not exist: 2027 has weeks W01 to W52"
        );
        assert!("2026-W00".parse::<IsoWeek>().is_err());
    }

    #[test]
    fn a_day_belongs_to_its_iso_week_across_years() {
        // 1 January 2027 is a Friday: still week 53 of 2026.
        assert_eq!(IsoWeek::of(day("2027-01-01")).to_string(), "2026-W53");
        assert_eq!(IsoWeek::of(day("2026-11-22")).to_string(), "2026-W47");
        assert_eq!(IsoWeek::of(day("2026-11-23")).to_string(), "2026-W48");
    }

    #[test]
    fn ranges_name_months_and_years_once_where_they_agree() {
        let w = |s: &str| {
            s.parse::<IsoWeek>()
                .unwrap()
                .range_display(&Dates::default())
        };
        assert_eq!(w("2026-W47"), "16–22 November 2026");
        assert_eq!(w("2026-W49"), "30 November – 6 December 2026");
        assert_eq!(w("2026-W53"), "28 December 2026 – 3 January 2027");
    }
}
