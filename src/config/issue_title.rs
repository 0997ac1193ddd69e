//! `issue_title`: how an issue is named in page titles, feed items and email
//! subjects, e.g. `Issue #{number} — {date}`. Checked when the config is read,
//! so a typo in a placeholder is an error naming the key, not a title that
//! prints `{nmber}` on every page.

use crate::text::is_english;

/// One piece of an issue title pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Number,
    Date,
}

/// A checked `issue_title` pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct IssueTitle(Vec<Piece>);

/// Brief's English title, the default of an English site.
const ENGLISH: &str = "Issue #{number} — {date}";

/// The default of a site in another language: no English word in it.
const NEUTRAL: &str = "#{number} — {date}";

impl IssueTitle {
    /// The default pattern for a site in `language`.
    pub(super) fn default_for(language: &str) -> IssueTitle {
        let pattern = if is_english(language) {
            ENGLISH
        } else {
            NEUTRAL
        };
        IssueTitle::parse(pattern).expect("the built-in patterns are valid")
    }

    /// `pattern` with `{number}` and `{date}` read out; anything else in
    /// braces is an error, said in words that fit after "issue_title ...: ".
    pub(super) fn parse(pattern: &str) -> Result<IssueTitle, String> {
        let mut pieces = Vec::new();
        let mut rest = pattern;
        while let Some(open) = rest.find(['{', '}']) {
            if rest[open..].starts_with('}') {
                return Err("it has a `}` with no `{` before it".into());
            }
            let Some(close) = rest[open..].find('}').map(|c| open + c) else {
                return Err("it has a `{` that is never closed".into());
            };
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            pieces.push(match &rest[open + 1..close] {
                "number" => Piece::Number,
                "date" => Piece::Date,
                other => {
                    return Err(format!(
                        "{{{other}}} is not a placeholder (there are {{number}} and {{date}})"
                    ))
                }
            });
            rest = &rest[close + 1..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Ok(IssueTitle(pieces))
    }

    /// The title of issue `number` of the day `date` (as readers see it).
    pub(crate) fn of(&self, number: usize, date: &str) -> String {
        let mut title = String::new();
        for piece in &self.0 {
            match piece {
                Piece::Text(text) => title.push_str(text),
                Piece::Number => title.push_str(itoa::Buffer::new().format(number)),
                Piece::Date => title.push_str(date),
            }
        }
        title
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_filled_in() {
        let title = IssueTitle::parse("第{number}期 · {date}").unwrap();
        assert_eq!(title.of(12, "2026年11月20日"), "第12期 · 2026年11月20日");
        assert_eq!(IssueTitle::parse("{date}").unwrap().of(3, "d"), "d");
        assert_eq!(IssueTitle::parse("Plain").unwrap().of(3, "d"), "Plain");
    }

    #[test]
    fn english_sites_keep_their_title_and_others_get_no_english_word() {
        let day = "20 November 2026";
        assert_eq!(
            IssueTitle::default_for("en-GB").of(3, day),
            "Issue #3 — 20 November 2026"
        );
        assert_eq!(
            IssueTitle::default_for("fr").of(3, "20 novembre 2026"),
            "#3 — 20 novembre 2026"
        );
    }

    #[test]
    fn unknown_or_broken_placeholders_are_refused() {
        let err = |p: &str| IssueTitle::parse(p).unwrap_err();
        assert_eq!(
            err("Issue {nmber}"),
            "{nmber} is not a placeholder (there are {number} and {date})"
        );
        assert_eq!(err("Issue {number"), "it has a `{` that is never closed");
        assert_eq!(err("Issue number}"), "it has a `}` with no `{` before it");
    }
}
