//! The few words that pages, feeds and the search index share: an issue's title,
//! a day as readers see it, and a summary cut from a body's plain text.

use chrono::NaiveDate;

use crate::site::Site;

pub(crate) fn issue_title(site: &Site, n: usize) -> String {
    let issue = &site.issues[n];
    format!("Issue #{} — {}", issue.number, display_day(issue.date))
}

pub(crate) fn display_day(day: NaiveDate) -> String {
    day.format("%-d %B %Y").to_string()
}

/// Plain text cut to at most `max` characters on a word boundary.
pub(crate) fn summarize(text: &str, max: usize) -> String {
    let text = text.trim();
    // No more bytes than `max` is no more characters: nothing to count.
    if text.len() <= max {
        return text.to_string();
    }
    // Where character `max` starts, if there is one: the text is longer.
    let Some((end, _)) = text.char_indices().nth(max) else {
        return text.to_string();
    };
    let cut = &text[..end];
    let cut = cut.rsplit_once(' ').map_or(cut, |(head, _)| head);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summarize_cuts_on_words() {
        assert_eq!(summarize("short", 10), "short");
        assert_eq!(summarize("one two three four", 12), "one two…");
    }
}
