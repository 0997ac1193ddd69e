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
    /// (English names a month or year once where both ends share it); other
    /// languages give both days in full.
    pub(crate) fn span(&self, first: NaiveDate, last: NaiveDate) -> String {
        if self.cldr.is_some() {
            return format!("{} – {}", self.day(first), self.day(last));
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
    fn spans_leave_out_what_both_ends_share_in_english() {
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
        let zh = Dates::of("zh");
        assert_eq!(
            zh.span(day(2026, 11, 16), day(2026, 11, 22)),
            "2026年11月16日 – 2026年11月22日"
        );
    }
}
