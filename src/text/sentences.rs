//! Where a sentence of plain English text ends. A stop (`.`, `!`, `?`, `…`,
//! and `؟`, `۔`, `।`) ends a sentence when whitespace and the start of another
//! sentence (a capital, or a letter of a script without case) follow it;
//! a dot does not when it belongs to a number (`$1.10`, `2.5x`: no space after
//! it), an abbreviation that never ends a sentence (`e.g.`, `Dr.`, `vs.`), or
//! one that rarely does (`U.S.`, `Inc.`, an initial) unless a word that usually
//! opens a sentence follows (`… in the U.S. The …`). Closing quotes and brackets
//! after the stop belong to the sentence. The full stops of Chinese and
//! Japanese (`。`, `！`, `？`) end a sentence wherever text follows, with or
//! without a space (those scripts put none), except inside Japanese quoted
//! speech (`「…！」と言った`). Plain text only: Markdown is
//! turned into text before it gets here (see [`super::lead`]).

/// Abbreviations (lowercase, without their last dot) after which a sentence
/// goes on whatever follows: titles before a name, Latin and reference terms.
const NEVER_FINAL: &[&str] = &[
    "mr", "mrs", "ms", "dr", "prof", "sr", "jr", "st", "mt", "ft", "gen", "gov", "sen", "rep",
    "rev", "hon", "capt", "lt", "col", "sgt", "vs", "v", "e.g", "i.e", "cf", "viz", "al", "approx",
    "ca", "fig", "figs", "eq", "vol", "pp", "ch", "sec", "dept", "est",
];

/// Abbreviations that may end a sentence, when a usual sentence opener follows:
/// company suffixes, `etc.` and month names. Dotted abbreviations (`U.S.`,
/// `a.m.`) and single-letter initials are treated the same way.
const MAYBE_FINAL: &[&str] = &[
    "inc", "ltd", "corp", "co", "bros", "llc", "plc", "etc", "jan", "feb", "mar", "apr", "jun",
    "jul", "aug", "sep", "sept", "oct", "nov", "dec",
];

/// Words that usually open a sentence: after `U.S.` or `Inc.` one of them
/// means the sentence ended there (`… the U.S. The gap …`), anything else
/// that it goes on (`the U.S. AI strategy`).
const OPENERS: &[&str] = &[
    "a",
    "after",
    "also",
    "although",
    "an",
    "and",
    "as",
    "at",
    "because",
    "before",
    "but",
    "by",
    "despite",
    "for",
    "he",
    "her",
    "here",
    "his",
    "how",
    "however",
    "i",
    "if",
    "in",
    "instead",
    "it",
    "its",
    "it's",
    "meanwhile",
    "now",
    "on",
    "our",
    "she",
    "since",
    "so",
    "still",
    "such",
    "that",
    "the",
    "their",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "though",
    "thus",
    "we",
    "what",
    "when",
    "while",
    "why",
    "with",
    "yet",
    "you",
];

/// Byte offset just past the first sentence of `text` (its stop and any closing
/// quotes or brackets), or `None` when the text is a single sentence.
pub(crate) fn first_sentence_end(text: &str) -> Option<usize> {
    let mut search_from = 0;
    while let Some(found) = text[search_from..].find(is_stop) {
        let stop = search_from + found;
        let end = after_stop(text, stop);
        if ends_sentence(text, stop, end) {
            return Some(end);
        }
        search_from = end.max(stop + 1);
    }
    None
}

fn is_stop(c: char) -> bool {
    // Also the Arabic question mark, the Urdu full stop and the Devanagari danda.
    matches!(c, '.' | '!' | '?' | '…' | '؟' | '۔' | '।') || is_wide_stop(c)
}

/// The full stop, exclamation and question marks of Chinese and Japanese.
fn is_wide_stop(c: char) -> bool {
    matches!(c, '。' | '！' | '？')
}

pub(crate) fn is_closer(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '”' | '’' | ')' | ']' | '»' | '」' | '』' | '）' | '】' | '》' | '〉'
    )
}

fn is_opener(c: char) -> bool {
    matches!(
        c,
        '"' | '\'' | '“' | '‘' | '(' | '[' | '«' | '「' | '『' | '（' | '【' | '《' | '〈'
    )
}

/// The end of the run of stops starting at `stop` (`?!`, `...`) and of the
/// quotes and brackets that close right after it.
fn after_stop(text: &str, stop: usize) -> usize {
    let rest = &text[stop..];
    let stops = rest.find(|c| !is_stop(c)).unwrap_or(rest.len());
    let closers = rest[stops..]
        .find(|c| !is_closer(c))
        .unwrap_or(rest.len() - stops);
    stop + stops + closers
}

/// Whether `word` (without its last dot) is an abbreviation: a known one, a
/// dotted one (`U.S`, `e.g`) or a single letter.
pub(crate) fn is_abbreviation(word: &str) -> bool {
    let lower = word.to_lowercase();
    let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    single_letter
        || word.contains('.')
        || NEVER_FINAL.contains(&lower.as_str())
        || MAYBE_FINAL.contains(&lower.as_str())
}

/// Whether the stop at `stop`, whose run ends at `end`, ends a sentence.
fn ends_sentence(text: &str, stop: usize, end: usize) -> bool {
    let after = &text[end..];
    let next = after.trim_start();
    if text[stop..end].contains(is_wide_stop) {
        // Japanese quoted speech goes on after its closing bracket: 「…！」と言った。
        return !next.is_empty() && !text[stop..end].ends_with(['」', '』']);
    }
    // No space after it (`$1.10`, `2.5x`, `U.S.'s`, `…and`), or the end.
    if next.len() == after.len() || next.is_empty() {
        return false;
    }
    let next_word = first_word(next);
    if !starts_sentence(next, next_word) {
        return false;
    }
    // Only a single dot can be an abbreviation's; `?`, `!` and `...` end the sentence.
    if text[stop..end].trim_end_matches(is_closer) != "." {
        return true;
    }
    let word = word_before(&text[..stop]);
    let lower = word.to_lowercase();
    if NEVER_FINAL.contains(&lower.as_str()) || (lower == "no" && starts_with_digit(next_word)) {
        return false;
    }
    let single_letter = word.chars().count() == 1 && word.chars().all(char::is_alphabetic);
    let maybe_final = single_letter || word.contains('.') || MAYBE_FINAL.contains(&lower.as_str());
    !maybe_final || OPENERS.contains(&next_word.to_lowercase().as_str())
}

/// Whether `next` (text after a stop and its space) looks like a new sentence:
/// a capital, a letter of a script without case (Arabic, Hebrew, Hindi, …), a
/// digit, a currency sign, an opening quote or bracket before one of those, or
/// a word with a capital inside (`iPhone`).
fn starts_sentence(next: &str, next_word: &str) -> bool {
    let unquoted = next.trim_start_matches(is_opener);
    let Some(c) = unquoted.chars().next() else {
        return false;
    };
    let caseless = c.is_alphabetic() && !c.is_lowercase() && !c.is_uppercase();
    c.is_uppercase()
        || caseless
        || c.is_ascii_digit()
        || matches!(c, '$' | '€' | '£' | '¥')
        || next_word.chars().any(char::is_uppercase)
}

/// The first word of `text`, without opening quotes and trailing punctuation.
fn first_word(text: &str) -> &str {
    let word = text
        .split(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(is_opener);
    word.trim_end_matches(|c: char| !c.is_alphanumeric() && c != '\'')
}

/// The word that ends `before` (the text up to a dot), opening brackets and
/// quotes left out: `(e.g` → `e.g`, `the U.S` → `U.S`.
fn word_before(before: &str) -> &str {
    before
        .rsplit(char::is_whitespace)
        .next()
        .unwrap_or("")
        .trim_start_matches(is_opener)
}

fn starts_with_digit(word: &str) -> bool {
    word.starts_with(|c: char| c.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The sentences of `text`, trimmed, in order.
    fn split(text: &str) -> Vec<&str> {
        let mut rest = text.trim();
        let mut sentences = Vec::new();
        while !rest.is_empty() {
            let end = first_sentence_end(rest).unwrap_or(rest.len());
            let (sentence, after) = rest.split_at(end);
            sentences.push(sentence.trim_end());
            rest = after.trim_start();
        }
        sentences
    }

    #[test]
    fn simple_stops_end_sentences() {
        assert_eq!(
            split("China leads. It also serves! Why? Because."),
            ["China leads.", "It also serves!", "Why?", "Because."]
        );
        assert_eq!(first_sentence_end("One sentence only."), None);
        assert_eq!(first_sentence_end("No stop at all"), None);
    }

    #[test]
    fn abbreviations_do_not_end_sentences() {
        assert_eq!(
            split("While the U.S. AI strategy pursues profits, China commoditizes AI. More."),
            [
                "While the U.S. AI strategy pursues profits, China commoditizes AI.",
                "More."
            ]
        );
        assert_eq!(
            split("Costs fall (e.g. Kimi) and rise, i.e. Nothing changes. Then."),
            [
                "Costs fall (e.g. Kimi) and rise, i.e. Nothing changes.",
                "Then."
            ]
        );
        assert_eq!(
            split("Dr. Li met Mr. Wang and Prof. Chen. They agreed."),
            ["Dr. Li met Mr. Wang and Prof. Chen.", "They agreed."]
        );
        assert_eq!(
            split("It is Nvidia vs. AMD. Then Apple Inc. Chief Tim Cook spoke."),
            [
                "It is Nvidia vs. AMD.",
                "Then Apple Inc. Chief Tim Cook spoke."
            ]
        );
        assert_eq!(
            split("J. R. Smith wrote it. No. 1 is Huawei. The answer is no. It was."),
            [
                "J. R. Smith wrote it.",
                "No. 1 is Huawei.",
                "The answer is no.",
                "It was."
            ]
        );
    }

    #[test]
    fn abbreviations_that_may_end_a_sentence_do_before_an_opener() {
        assert_eq!(
            split("Chips are made in the U.S. The gap is closing."),
            ["Chips are made in the U.S.", "The gap is closing."]
        );
        assert_eq!(
            split("It buys chips, memory, etc. But demand is weak."),
            ["It buys chips, memory, etc.", "But demand is weak."]
        );
        assert_eq!(
            split("It sold to Apple Inc. The deal closed."),
            ["It sold to Apple Inc.", "The deal closed."]
        );
    }

    #[test]
    fn numbers_keep_their_dots() {
        assert_eq!(
            split("Tokens cost $1.10 vs. $10+ per million, a 2.5x gap. Version 2. Then 3.5 more."),
            [
                "Tokens cost $1.10 vs. $10+ per million, a 2.5x gap.",
                "Version 2.",
                "Then 3.5 more."
            ]
        );
        assert_eq!(
            split("Prices fell 40 percent. $5 billion left."),
            ["Prices fell 40 percent.", "$5 billion left."]
        );
    }

    #[test]
    fn quotes_and_brackets_after_the_stop_stay_with_the_sentence() {
        assert_eq!(
            split("It is China's \"new oil.\" Startups follow. (They always do.) Next."),
            [
                "It is China's \"new oil.\"",
                "Startups follow.",
                "(They always do.)",
                "Next."
            ]
        );
        assert_eq!(
            split("He asked \"why?\" and left. ‘Fine,’ she said. “Done.” End."),
            [
                "He asked \"why?\" and left.",
                "‘Fine,’ she said.",
                "“Done.”",
                "End."
            ]
        );
        assert_eq!(
            split("Is it over?! Not yet. It challenges the U.S.'s lead. OK."),
            [
                "Is it over?!",
                "Not yet.",
                "It challenges the U.S.'s lead.",
                "OK."
            ]
        );
    }

    #[test]
    fn scripts_without_case_start_a_sentence_after_a_stop() {
        assert_eq!(
            split("تربط ديب سيك الأسعار بإمدادات هواوي. إذا لم تواكب القدرة، تتأخر؟ نعم."),
            [
                "تربط ديب سيك الأسعار بإمدادات هواوي.",
                "إذا لم تواكب القدرة، تتأخر؟",
                "نعم."
            ]
        );
        assert_eq!(split("המחיר ירד. זה חשוב."), ["המחיר ירד.", "זה חשוב."]);
        assert_eq!(split("कीमतें गिरीं। यह अहम है।"), ["कीमतें गिरीं।", "यह अहम है।"]);
        // Lowercase still goes on: an abbreviation's dot in English.
        assert_eq!(split("The U.S. market grew."), ["The U.S. market grew."]);
    }

    #[test]
    fn chinese_and_japanese_stops_end_a_sentence_without_a_space() {
        assert_eq!(
            split("深度求索将API降价与华为芯片供应挂钩。如果产能跟不上，计划会推迟。"),
            [
                "深度求索将API降价与华为芯片供应挂钩。",
                "如果产能跟不上，计划会推迟。"
            ]
        );
        assert_eq!(
            split("「電力が足りない！」と言った。背景には需要がある？ Yes."),
            [
                "「電力が足りない！」と言った。",
                "背景には需要がある？",
                "Yes."
            ]
        );
        // A stop with nothing after it ends the text, not a sentence before it.
        assert_eq!(split("只有一句。"), ["只有一句。"]);
    }

    #[test]
    fn ellipses_end_a_sentence_only_before_a_new_one() {
        assert_eq!(
            split("He paused... then went on. Wait… The end."),
            ["He paused... then went on.", "Wait…", "The end."]
        );
    }

    #[test]
    fn a_lowercase_word_with_a_capital_inside_can_open_a_sentence() {
        assert_eq!(
            split("Sales fell. iPhone demand held. it did not."),
            ["Sales fell.", "iPhone demand held. it did not."]
        );
    }
}
