//! The email editions: a daily issue's (`email.html`, `email.txt`, files of
//! every build and what `brief email` prints) and a week's (`email_week.html`,
//! `email_week.txt`, for `brief email --week`), each rendered from one context
//! plus the `email` settings. Which week, and which of its insights, is
//! [`crate::week`]'s choice; sending is the `email` command's business.

use tera::Value;

use super::context::Fields;
use super::values::{object, plain};
use super::Renderer;
use crate::error::Diagnostic;
use crate::week::Week;

/// An edition's two bodies.
#[derive(Debug, Clone)]
pub(crate) struct Edition {
    pub(crate) html: String,
    pub(crate) text: String,
}

impl Renderer<'_> {
    /// The email edition of issue `n`, as `brief email` prints it.
    pub(crate) fn issue_edition(&self, n: usize) -> Result<Edition, Diagnostic> {
        self.email_edition("email", self.issue_context(n))
    }

    /// The weekly edition of `week` (`email_week.html`, `email_week.txt`).
    pub(crate) fn week_edition(&self, week: &Week) -> Result<Edition, Diagnostic> {
        self.email_edition("email_week", self.week_context(week))
    }

    /// `<stem>.html` and `<stem>.txt` rendered from `fields` and the `email`
    /// settings. The HTML is absolutized as a whole: an email has no base URL
    /// to resolve the site's root-relative links against.
    pub(super) fn email_edition(
        &self,
        stem: &str,
        mut fields: Fields,
    ) -> Result<Edition, Diagnostic> {
        fields.insert("email", self.email_settings());
        let html = self.render_page(&format!("{stem}.html"), &fields)?;
        Ok(Edition {
            html: super::feeds::absolutize(&html, &self.site.config.origin),
            text: self.render_page(&format!("{stem}.txt"), &fields)?,
        })
    }

    /// The `email` object of the email templates.
    fn email_settings(&self) -> Value {
        let config = self.site.config;
        let footer = if config.email.footer.is_empty() {
            let site = [("site", config.title.as_str())];
            self.theme.words.say("email_footer", &site)
        } else {
            config.email.footer.clone()
        };
        object([
            ("footer", plain(&footer)),
            ("manage_url", plain(&config.email.manage_url)),
        ])
    }

    /// The `week` object of the weekly edition (see the README).
    fn week_context(&self, week: &Week) -> Fields {
        let title = self.week_title(week);
        let description = self.titles(week.headline());
        let mut ctx = self.base_context("week", &title, "/", &description);
        let issues: Vec<Value> = week.issues.iter().map(|&n| self.issue_ref(n)).collect();
        ctx.insert(
            "week",
            object([
                ("count", week.insights.len().into()),
                ("end", plain(&week.id.last_day().to_string())),
                ("headline", self.insight_values(week.headline())),
                ("id", plain(&week.id.to_string())),
                ("issues", issues.into()),
                ("number", week.id.week.into()),
                (
                    "range_display",
                    plain(&week.id.range_display(&self.site.config.dates)),
                ),
                ("rest", self.insight_values(week.rest())),
                ("start", plain(&week.id.first_day().to_string())),
                ("title", plain(&title)),
                (
                    "topic",
                    week.topic.map_or_else(Value::none, |t| self.topic_value(t)),
                ),
                ("year", week.id.year.into()),
            ]),
        );
        ctx
    }
}
