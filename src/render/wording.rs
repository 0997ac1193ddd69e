//! The few words that pages, feeds and the search index share: an issue's title
//! and a summary cut from a body's plain text.

use crate::site::Site;
use crate::words::Words;

/// Issue `n`'s title, e.g. `Issue #3 — 20 November 2026`: the phrase
/// `issue_title` of the site's words (or of its config).
pub(crate) fn issue_title(site: &Site, words: &Words, n: usize) -> String {
    let issue = &site.issues[n];
    let number = itoa::Buffer::new().format(issue.number).to_string();
    let date = site.config.dates.day(issue.date);
    words.say("issue_title", &[("number", &number), ("date", &date)])
}

/// Plain text cut to at most `max` characters on a word boundary.
pub(crate) fn summarize(text: &str, max: usize) -> String {
    let text = text.trim();
    // No more bytes than `max` is no more characters: nothing to count.
    if text.len() <= max {
        return text.to_string();
    }
    // Where character `max` starts, if there is one: the text is longer. In
    // ASCII (most text) that is byte `max`, found without decoding characters:
    // every insight is summarized twice a build, for its page and for search.
    let end = if text.as_bytes()[..max].is_ascii() {
        max
    } else {
        match text.char_indices().nth(max) {
            Some((end, _)) => end,
            None => return text.to_string(),
        }
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
        // Characters, not bytes: the ASCII shortcut and the decoding agree.
        assert_eq!(summarize("éé éé éé", 5), "éé…");
        assert_eq!(summarize("ab éé éé", 5), "ab…");
        assert_eq!(summarize("ééééé", 5), "ééééé");
    }
}
