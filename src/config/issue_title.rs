//! `issue_title`: how an issue is named in page titles, feed items and email
//! subjects, e.g. `Issue #{number} — {date}`. It is the theme's phrase
//! `issue_title` (in the site's language) unless the config sets its own,
//! which is checked when the config is read: a typo in a placeholder is an
//! error naming the key, not a title that prints `{nmber}` on every page.

/// Whether `pattern` holds only the placeholders `{number}` and `{date}`;
/// otherwise what is wrong, in words that fit after "issue_title ...: ".
pub(crate) fn check(pattern: &str) -> Result<(), String> {
    let mut rest = pattern;
    while let Some(open) = rest.find(['{', '}']) {
        if rest[open..].starts_with('}') {
            return Err("it has a `}` with no `{` before it".into());
        }
        let Some(close) = rest[open..].find('}').map(|c| open + c) else {
            return Err("it has a `{` that is never closed".into());
        };
        match &rest[open + 1..close] {
            "number" | "date" => {}
            other => {
                return Err(format!(
                    "{{{other}}} is not a placeholder (there are {{number}} and {{date}})"
                ))
            }
        }
        rest = &rest[close + 1..];
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn titles_with_the_two_placeholders_or_none_pass() {
        assert_eq!(check("第{number}期 · {date}"), Ok(()));
        assert_eq!(check("{date}"), Ok(()));
        assert_eq!(check("Plain"), Ok(()));
    }

    #[test]
    fn unknown_or_broken_placeholders_are_refused() {
        let err = |p: &str| check(p).unwrap_err();
        assert_eq!(
            err("Issue {nmber}"),
            "{nmber} is not a placeholder (there are {number} and {date})"
        );
        assert_eq!(err("Issue {number"), "it has a `{` that is never closed");
        assert_eq!(err("Issue number}"), "it has a `}` with no `{` before it");
    }
}
