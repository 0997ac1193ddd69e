//! Days and months as readers of the site's language write them: `20 November
//! 2026` in English, `2026年11月20日` in Chinese and Japanese, `20. November
//! 2026` in German, `20 نوفمبر 2026` in Arabic. Other languages take their long
//! date from the Unicode CLDR (through ICU4X, compiled in: no data files);
//! English, and a language CLDR has no dates for, keep brief's own format, the
//! one English sites have always had. The calendar is always the Gregorian one,
//! as the issues' URLs are.

use chrono::{Datelike, NaiveDate};
use icu_calendar::{Date, Gregorian};
use icu_datetime::fieldsets::{YM, YMD};
use icu_datetime::FixedCalendarDateTimeFormatter;
use icu_locale_core::Locale;

use super::is_english;

/// How dates read in one language. Made once per site (its formatters hold the
/// language's patterns and names), then shared by every page.
#[derive(Debug, Clone, Default)]
pub(crate) struct Dates {
    /// `None`: brief's English format.
    cldr: Option<Cldr>,
}

#[derive(Debug, Clone)]
struct Cldr {
    day: FixedCalendarDateTimeFormatter<Gregorian, YMD>,
    month: FixedCalendarDateTimeFormatter<Gregorian, YM>,
}

/// The locale `language` names: a BCP 47 tag, `_` taken for `-` (`en_US`).
/// `None` when it is no tag.
pub(crate) fn locale_of(language: &str) -> Option<Locale> {
    language.replace('_', "-").parse::<Locale>().ok()
}

impl Dates {
    /// The dates of `language` (a language tag, `-` or `_` between subtags).
    pub(crate) fn of(language: &str) -> Dates {
        if is_english(language) {
            return Dates::default();
        }
        Dates {
            cldr: locale_of(language).and_then(Cldr::of),
        }
    }

    /// A day, e.g. `20 November 2026`.
    pub(crate) fn day(&self, day: NaiveDate) -> String {
        match &self.cldr {
            Some(cldr) => cldr.day.format(&gregorian(day)).to_string(),
            None => day.format("%-d %B %Y").to_string(),
        }
    }

    /// A month, e.g. `November 2026`, from any day of it.
    pub(crate) fn month(&self, day: NaiveDate) -> String {
        match &self.cldr {
            Some(cldr) => cldr.month.format(&gregorian(day)).to_string(),
            None => day.format("%B %Y").to_string(),
        }
    }

    /// A span of days: `16–22 November 2026`, `30 November – 6 December 2026`
    /// (English names a month or year once where both ends share it). Other
    /// languages name the month once within one month, `23.–29. November 2026`,
    /// `23–29 novembre 2026`, `2026年11月23–29日`, and give both days in full
    /// otherwise.
    pub(crate) fn span(&self, first: NaiveDate, last: NaiveDate) -> String {
        if self.cldr.is_some() {
            let (from, to) = (self.day(first), self.day(last));
            let one_month = (first.year(), first.month()) == (last.year(), last.month());
            return one_month
                .then(|| days_of_one_month(&from, first.day(), &to, last.day()))
                .flatten()
                .unwrap_or_else(|| format!("{from} – {to}"));
        }
        let end = self.day(last);
        if first.year() != last.year() {
            format!("{} – {end}", self.day(first))
        } else if first.month() != last.month() {
            format!("{} – {end}", first.format("%-d %B"))
        } else {
            format!("{}–{end}", first.day())
        }
    }
}

impl Cldr {
    /// The formatters of `locale`, or `None` when CLDR has no dates for its
    /// language: ICU then falls back to the root locale (`2026 M11 20`), which
    /// no reader writes, and brief's English format reads better.
    fn of(locale: Locale) -> Option<Cldr> {
        let day =
            FixedCalendarDateTimeFormatter::try_new(locale.clone().into(), YMD::long()).ok()?;
        let root =
            FixedCalendarDateTimeFormatter::try_new(Locale::UNKNOWN.into(), YMD::long()).ok()?;
        let probe = gregorian(NaiveDate::from_ymd_opt(2026, 11, 20)?);
        if day.format(&probe).to_string() == root.format(&probe).to_string() {
            return None;
        }
        let month = FixedCalendarDateTimeFormatter::try_new(locale.into(), YM::long()).ok()?;
        Some(Cldr { day, month })
    }
}

/// `from` and `to`, two days of one month written in full, as one span: the
/// first day's number (and the mark a language writes after it, German's `.`),
/// a dash, then the second day in full. `None` when the two do not read the
/// same but for their day numbers (a language writing other digits, say).
fn days_of_one_month(from: &str, from_day: u32, to: &str, to_day: u32) -> Option<String> {
    let (from_day, to_day) = (from_day.to_string(), to_day.to_string());
    let runs = |text: &str, number: &str| -> Vec<usize> {
        text.match_indices(number)
            .map(|(at, _)| at)
            .filter(|&at| {
                let digit = |c: Option<char>| c.is_some_and(|c| c.is_ascii_digit());
                !digit(text[..at].chars().next_back())
                    && !digit(text[at + number.len()..].chars().next())
            })
            .collect()
    };
    for a in runs(from, &from_day) {
        for b in runs(to, &to_day) {
            let (a_end, b_end) = (a + from_day.len(), b + to_day.len());
            if from[..a] == to[..b] && from[a_end..] == to[b_end..] {
                let mark: usize = from[a_end..]
                    .chars()
                    .take_while(|c| c.is_ascii_punctuation())
                    .map(char::len_utf8)
                    .sum();
                return Some(format!("{}–{}", &from[..a_end + mark], &to[b..]));
            }
        }
    }
    None
}

fn gregorian(day: NaiveDate) -> Date<Gregorian> {
    Date::try_new_gregorian(day.year(), day.month() as u8, day.day() as u8)
        .expect("a chrono date is a valid Gregorian date")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn english_keeps_brief_format() {
        for language in ["en", "en-US", "en_GB", "EN"] {
            let dates = Dates::of(language);
            assert_eq!(dates.day(day(2026, 11, 20)), "20 November 2026");
            assert_eq!(dates.month(day(2026, 11, 20)), "November 2026");
        }
    }

    #[test]
    fn other_languages_read_as_their_readers_write() {
        let cases = [
            ("zh", "2026年11月20日", "2026年11月"),
            ("ja", "2026年11月20日", "2026年11月"),
            ("de", "20. November 2026", "November 2026"),
            ("fr", "20 novembre 2026", "novembre 2026"),
            ("es-ES", "20 de noviembre de 2026", "noviembre de 2026"),
            ("ar", "20 نوفمبر 2026", "نوفمبر 2026"),
        ];
        for (language, long, month) in cases {
            let dates = Dates::of(language);
            assert_eq!(dates.day(day(2026, 11, 20)), long, "{language}");
            assert_eq!(dates.month(day(2026, 11, 3)), month, "{language}");
        }
    }

    #[test]
    fn unknown_languages_and_bad_tags_fall_back_to_english() {
        for language in ["zz", "pa-Arab", "not a tag", ""] {
            assert_eq!(
                Dates::of(language).day(day(2026, 1, 2)),
                "2 January 2026",
                "{language:?}"
            );
        }
    }

    #[test]
    fn spans_name_the_month_once_within_one_month() {
        let en = Dates::of("en");
        assert_eq!(
            en.span(day(2026, 11, 16), day(2026, 11, 22)),
            "16–22 November 2026"
        );
        assert_eq!(
            en.span(day(2026, 11, 30), day(2026, 12, 6)),
            "30 November – 6 December 2026"
        );
        assert_eq!(
            en.span(day(2026, 12, 28), day(2027, 1, 3)),
            "28 December 2026 – 3 January 2027"
        );
        let span =
            |language: &str, from: NaiveDate, to: NaiveDate| Dates::of(language).span(from, to);
        let week = (day(2026, 11, 23), day(2026, 11, 29));
        assert_eq!(span("de", week.0, week.1), "23.–29. November 2026");
        assert_eq!(span("fr", week.0, week.1), "23–29 novembre 2026");
        assert_eq!(span("es", week.0, week.1), "23–29 de noviembre de 2026");
        assert_eq!(
            span("zh", day(2026, 11, 16), day(2026, 11, 22)),
            "2026年11月16–22日"
        );
        // The day's number is found apart from the month's (both 11 here).
        assert_eq!(
            span("ja", day(2026, 11, 11), day(2026, 11, 17)),
            "2026年11月11–17日"
        );
        // Across months, both days in full.
        assert_eq!(
            span("de", day(2026, 11, 30), day(2026, 12, 6)),
            "30. November 2026 – 6. Dezember 2026"
        );
    }
}
