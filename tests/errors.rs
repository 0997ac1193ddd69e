//! One test per bad input of issue 5: each breaks one thing in a copy of the
//! `basic` fixture (already built once, so `public/` holds a previous site), runs
//! the real binary, and asserts the message (file and line), the exit code, and
//! that nothing under the site root was written or lost. The whole stderr of every
//! failing run is a golden file in `tests/snapshots/` (temp paths redacted), so a
//! change to any error's text shows up as a diff.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use common::{
    brief, brief_unprivileged, copy_dir, copy_fixture, repo, shared_dir, snapshot, stderr,
};

const MOE: &str = "content/insights/moe.md";

/// A built copy of the fixture, made once; every test copies it.
fn built_fixture() -> &'static Path {
    static BUILT: OnceLock<PathBuf> = OnceLock::new();
    BUILT.get_or_init(|| {
        let dir = shared_dir("errors-fixture");
        let root = dir.join("site");
        copy_fixture("basic", &root);
        let out = brief(&root, &["build"]);
        assert!(out.status.success(), "{}", stderr(&out));
        dir
    })
}

struct Site {
    _dir: tempfile::TempDir,
    root: PathBuf,
    /// This site's place among those its test made (1 for the first).
    number: usize,
    /// How many golden files each command has had on this site.
    goldens: std::cell::RefCell<BTreeMap<String, usize>>,
}

impl Site {
    fn new() -> Site {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        copy_dir(&built_fixture().join("site"), &root);
        thread_local!(static MADE: std::cell::Cell<usize> = const { std::cell::Cell::new(0) });
        let number = MADE.with(|made| {
            made.set(made.get() + 1);
            made.get()
        });
        Site {
            _dir: dir,
            root,
            number,
            goldens: Default::default(),
        }
    }

    fn write(&self, rel: &str, text: impl AsRef<[u8]>) -> &Site {
        let path = self.root.join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
        self
    }

    fn run(&self, args: &[&str]) -> Output {
        brief(&self.root, args)
    }

    /// Runs `args`, expects exit 1 with every `needles` in stderr, and the site
    /// (content and the previous `public/`) byte-identical afterwards.
    fn fails(&self, args: &[&str], needles: &[&str]) -> String {
        let before = snapshot(&self.root);
        let out = self.run(args);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        for needle in needles {
            assert!(err.contains(needle), "missing {needle:?} in:\n{err}");
        }
        assert_eq!(before, snapshot(&self.root), "the run changed files");
        self.golden(args[0], &err);
        err
    }

    /// Compares `stderr` of `command` with its golden file, named after the test,
    /// the site (when a test checks several) and the run (when a site runs
    /// `command` several times).
    fn golden(&self, command: &str, stderr: &str) {
        let text = stderr
            .replace(&*self.root.to_string_lossy(), "[ROOT]")
            .replace(&*self._dir.path().to_string_lossy(), "[TMP]");
        let test = std::thread::current()
            .name()
            .unwrap_or("unnamed")
            .to_string();
        let mut name = format!("{test}-{}-{command}", self.number);
        let mut goldens = self.goldens.borrow_mut();
        let runs = goldens.entry(command.to_string()).or_default();
        *runs += 1;
        if *runs > 1 {
            name.push_str(&format!("-{runs}"));
        }
        insta::assert_snapshot!(name, text);
    }

    /// `fails` for both `build` and `check`: the same diagnostics in both.
    fn both_fail(&self, needles: &[&str]) {
        self.fails(&["build"], needles);
        let err = self.fails(&["check"], needles);
        assert!(err.contains(" error"), "check ends with a count: {err}");
    }

    /// Runs `build` and `check`; both must succeed with every `needles` in
    /// stderr, which is compared with its golden file.
    fn both_warn(&self, needles: &[&str]) {
        for command in ["build", "check"] {
            let out = self.run(&[command]);
            let err = stderr(&out);
            assert!(out.status.success(), "{command}: {err}");
            for needle in needles {
                assert!(err.contains(needle), "{command}: no {needle:?} in:\n{err}");
            }
            self.golden(command, &err);
        }
    }
}

fn insight(front: &str, body: &str) -> String {
    format!("+++\n{front}\n+++\n{body}\n")
}

// ---- front matter ----------------------------------------------------------

/// One run lists every mistake: each of a file's own (serde stops at the
/// first), and those between the files that parse (a `related` naming no
/// insight, a slug taken twice), which would otherwise wait until the broken
/// files are fixed. A `related` naming a file that does not parse is not one.
#[test]
fn every_mistake_of_a_run_is_listed() {
    Site::new()
        .write(
            "content/insights/a.md",
            insight("title = \"A\"\ndate = 2026-11-22\nweigth = 1\ndraft = \"no\"", "Alpha."),
        )
        .write(
            "content/insights/b.md",
            insight("title = \"B\"\ndate = 2026-11-22\nrelated = [\"missing\", \"a\"]", "Beta."),
        )
        .write(
            "content/insights/c.md",
            insight("title = \"C\"\ndate = 2026-11-22\nslug = \"b\"", "Gamma."),
        )
        .both_fail(&[
            "content/insights/a.md:4:1: error: unknown field `weigth`",
            "content/insights/a.md:5:9: error: invalid type: string \"no\", expected a boolean",
            "content/insights/b.md:4: error: `related` names \"missing\", which is no insight's slug",
            "content/insights/c.md:4: error: duplicate slug \"b\"",
            "4 error",
        ]);
}

#[test]
fn rejects_front_matter_without_closing_line() {
    Site::new()
        .write(MOE, "+++\ntitle = \"x\"\ndate = 2026-11-18\nBody.\n")
        .both_fail(&[
            "content/insights/moe.md:1: error: the front matter opened with `+++` on line 1 is never closed",
            "after line 3",
        ]);
}

#[test]
fn rejects_invalid_toml_front_matter() {
    Site::new()
        .write(MOE, insight("title = \"x\ndate = 2026-11-18", "Body."))
        .both_fail(&[
            "content/insights/moe.md:2:11: error: invalid basic string",
            "quote at both ends",
        ]);
}

#[test]
fn rejects_a_string_where_a_list_goes() {
    Site::new()
        .write(
            MOE,
            insight("title = \"x\"\ndate = 2026-11-18\ntopics = \"chips\"", "B"),
        )
        .both_fail(&[
            "content/insights/moe.md:4:10: error: invalid type: string \"chips\", expected a sequence",
            "write topics = [\"chips\"]",
        ]);
}

#[test]
fn rejects_an_impossible_date() {
    Site::new()
        .write(MOE, insight("title = \"x\"\ndate = 2026-13-01", "B"))
        .both_fail(&[
            "content/insights/moe.md:3:8: error: invalid date, expected month between 01 and 12",
            "month 01-12",
        ]);
    Site::new()
        .write(MOE, insight("title = \"x\"\ndate = \"2026-13-01\"", "B"))
        .both_fail(&["content/insights/moe.md:3: error: invalid date \"2026-13-01\""]);
}

#[test]
fn rejects_unknown_front_matter_key() {
    Site::new()
        .write(MOE, insight("titel = \"x\"\ndate = 2026-11-18", "B"))
        .both_fail(&[
            "content/insights/moe.md:2:1: error: unknown field `titel`",
            "did you mean `title`?",
        ]);
}

#[test]
fn rejects_unknown_topic_and_suggests_the_nearest() {
    Site::new()
        .write(
            MOE,
            insight(
                "title = \"x\"\ndate = 2026-11-18\ntopics = [\"chipz\"]",
                "B",
            ),
        )
        .both_fail(&[
            "content/insights/moe.md:4: error: unknown topic \"chipz\"",
            "did you mean \"chips\"?",
        ]);
}

#[test]
fn rejects_duplicate_slug_across_files() {
    Site::new()
        .write(
            "content/insights/zz.md",
            insight("title = \"x\"\ndate = 2026-11-18\nslug = \"moe\"", "B"),
        )
        .both_fail(&[
            "content/insights/zz.md:4: error: duplicate slug \"moe\": also used by",
            "content/insights/moe.md",
        ]);
}

/// Without `id` keys both ids come from the text: no hint may send the editor
/// to an `id` key that is not there.
#[test]
fn duplicate_text_without_id_keys_is_reported_without_an_id_hint() {
    let moe = std::fs::read_to_string(built_fixture().join("site").join(MOE)).unwrap();
    let body = moe.splitn(3, "+++\n").nth(2).unwrap();
    let err = Site::new()
        .write(
            "content/insights/zz.md",
            insight("title = \"x\"\ndate = 2026-11-18", body.trim_end()),
        )
        .fails(
            &["build"],
            &[
                "content/insights/zz.md:5: error: duplicate id",
                "also used by",
                "neither file has an `id` key, so both ids come from the text",
            ],
        );
    assert!(!err.contains("change the `id`"), "{err}");
}

#[test]
fn duplicate_id_keys_point_at_the_key() {
    Site::new()
        .write(
            "content/insights/zz.md",
            insight("title = \"x\"\nid = \"same\"\ndate = 2026-11-18", "B"),
        )
        .write(
            "content/insights/zy.md",
            insight("title = \"y\"\ndate = 2026-11-18\nid = \"same\"", "C"),
        )
        .both_fail(&[
            "content/insights/zz.md:3: error: duplicate id \"same\": also used by",
            "content/insights/zy.md",
            "change the `id` in one of the two files",
        ]);
}

#[test]
fn rejects_an_empty_file() {
    Site::new()
        .write(MOE, "")
        .both_fail(&["content/insights/moe.md:1: error: the file is empty"]);
}

#[test]
fn lists_every_error_not_only_the_first() {
    Site::new()
        .write(MOE, "")
        .write(
            "content/insights/zz.md",
            insight("titel = \"x\"\ndate = 2026-11-18", "B"),
        )
        .both_fail(&["moe.md:1: error", "zz.md:2:1: error", "2 errors"]);
}

/// A mistake in the config does not hide the content's: the content is
/// read with what of the config reads, and one run lists both.
#[test]
fn a_config_mistake_does_not_hide_the_contents() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write("config.toml", format!("paginat = 20\n{config}"))
        .write(
            "content/insights/zz.md",
            insight("titel = \"x\"\ndate = 2026-11-18", "B"),
        )
        .both_fail(&[
            "config.toml:1:1: error: unknown field `paginat`",
            "zz.md:2:1: error: unknown field `titel`",
            "2 errors",
        ]);
}

#[test]
fn accepts_bom_and_crlf() {
    let site = Site::new();
    site.write(
        MOE,
        "\u{feff}+++\r\ntitle = \"Windows\"\r\ndate = 2026-11-19\r\ntopics = [\"pricing\"]\r\n+++\r\nSaved on Windows.\r\n",
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::read_to_string(site.root.join("public/insights/moe/index.html")).unwrap();
    assert!(page.contains("Saved on Windows."));
    assert!(site.run(&["check"]).status.success());
}

#[test]
fn builds_a_5_mb_insight() {
    let site = Site::new();
    let paragraph = "A long insight with [a link](/insights/moe/) and `code`. ".repeat(20);
    let body = format!("{paragraph}\n\n").repeat(5 * 1024 * 1024 / (paragraph.len() + 2));
    site.write(MOE, insight("title = \"Big\"\ndate = 2026-11-19", &body));
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let page = std::fs::metadata(site.root.join("public/insights/moe/index.html")).unwrap();
    assert!(page.len() > 5_000_000);
}

// ---- config ----------------------------------------------------------------

#[test]
fn reports_a_missing_config() {
    let site = Site::new();
    std::fs::remove_file(site.root.join("config.toml")).unwrap();
    site.both_fail(&[
        "config.toml: error: cannot read the site config",
        "run `brief init`",
    ]);
}

#[test]
fn rejects_invalid_config_toml() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write("config.toml", format!("{config}\ntitle = \n"))
        .both_fail(&["config.toml:32:9: error: string values must be quoted"]);
}

#[test]
fn rejects_a_language_that_is_no_tag_a_feed_of_nothing_and_a_nameless_topic() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    let config = config
        .replace("language = \"en\"", "language = \"xx-123-!!\"")
        .replace("limit = 20", "limit = 0")
        .replace("name = \"Pricing\"", "name = \"  \"");
    site.write("config.toml", config).both_fail(&[
        "config.toml:4: error: `language` \"xx-123-!!\" is not a language tag",
        "use a BCP 47 tag such as",
        "config.toml:9: error: `feeds.limit` must be at least 1",
        "config.toml:23: error: topic \"pricing\" has an empty `name`",
    ]);
}

/// Alone, a count of 0 is refused too: the config's mistakes are listed
/// with the theme's and content's, read with what of the config reads, and
/// that reading once divided by the 0 (a panic, exit 101).
#[test]
fn rejects_a_zero_count_alone_without_a_panic() {
    for (key, line) in [("paginate = 2", 6), ("issue_size = 3", 5)] {
        let site = Site::new();
        let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
        let name = key.split(' ').next().unwrap();
        let zero = config.replace(key, &format!("{name} = 0"));
        site.write("config.toml", zero).both_fail(&[&format!(
            "config.toml:{line}: error: `{name}` must be at least 1"
        )]);
    }
}

#[test]
fn rejects_a_phrase_the_theme_does_not_have_and_one_without_other() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    let config =
        format!("{config}\n[words]\nisues = \"Editions\"\ninsights = {{ one = \"{{n}} note\" }}\n");
    site.write("config.toml", config).both_fail(&[
        "error: unknown phrase `words.isues`",
        "did you mean `issues`? The theme's phrases are in its words/en.toml",
        "error: `words.insights` has plural forms but no `other`, which every language uses",
    ]);
}

#[test]
fn rejects_an_unknown_theme() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write("config.toml", format!("theme = \"fancy\"\n{config}"))
        .both_fail(&[
            "config.toml:1: error: unknown theme \"fancy\": there is no folder themes/fancy/",
        ]);
}

#[test]
fn rejects_base_url_without_scheme() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    let config = config.replace("https://example.org/", "example.org/digest");
    site.write("config.toml", config).both_fail(&[
        "config.toml:3: error: invalid `base_url` \"example.org/digest\": it has no scheme",
        "did you mean \"https://example.org/digest/\"?",
    ]);
}

#[test]
fn rejects_an_issue_title_with_a_misspelt_placeholder() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write("config.toml", format!("issue_title = \"No. {{nuber}}\"\n{config}"))
        .both_fail(&[
            "config.toml:1: error: invalid `issue_title`: {nuber} is not a placeholder (there are {number} and {date})",
            "hint: write a title such as \"Issue #{number} — {date}\"",
        ]);
}

#[test]
fn rejects_an_unknown_highlight_theme_at_its_line_with_the_closest() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("highlight_theme_dark = \"base16-ocean.darkk\"\n{config}"),
    )
    .both_fail(&[
        "config.toml:1: error: unknown highlight theme \"base16-ocean.darkk\" in `highlight_theme_dark`",
        "hint: did you mean \"base16-ocean.dark\"?",
    ]);
}

#[test]
fn rejects_an_issue_title_set_twice() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    let config = format!(
        "issue_title = \"No. {{number}}\"\n{config}\n[words]\nissue_title = \"Nr. {{number}}\"\n"
    );
    site.write("config.toml", config).both_fail(&[
        "config.toml:1: error: `issue_title` is set twice: here and in `[words]`",
        "hint: keep one of them: `issue_title` is the `[words]` phrase of that name",
    ]);
}

// ---- templates -------------------------------------------------------------

fn search_template(content: &str) -> String {
    format!("{{% extends \"base.html\" %}}\n{{% block content %}}\n{content}\n{{% endblock content %}}\n")
}

#[test]
fn reports_template_syntax_error_with_line() {
    Site::new()
        .write(
            "templates/search.html",
            search_template("<p>{{ page.title }</p>"),
        )
        .both_fail(&[
            "templates/search.html:3:18: error: template error: Found `}` but expected }}.",
        ]);
}

/// Tera stops parsing at the first template with a syntax error: every one
/// is listed all the same, each at its line, and with them the other
/// templates' mistakes Tera finds only once every template parses (they
/// took a run each to show).
#[test]
fn reports_the_syntax_error_of_every_template_and_the_others_mistakes() {
    Site::new()
        .write(
            "templates/search.html",
            search_template("<p>{{ page.title }</p>"),
        )
        .write("templates/topics.html", search_template("<p>{% if %}</p>"))
        .write("templates/part.html", "{% macro m(x) %}{{ x }}{% endmacro m %}")
        .write(
            "templates/insight.html",
            search_template("{{ insight.title | nofilter }}"),
        )
        .write(
            "templates/subscribe.html",
            "{% extends \"base.html\" %}\n{% block main %}{{ words.isues }}{% endblock main %}\n",
        )
        // Its parent does not parse: what blocks it may fill is not known.
        .write(
            "templates/child.html",
            "{% extends \"part.html\" %}{% block body %}{% endblock body %}",
        )
        .both_fail(&[
            "templates/search.html:3:18: error: template error: Found `}` but expected }}.",
            "templates/topics.html:3:",
            "templates/part.html:1:4: error: template error: Unknown tag",
            "hint: Tera 2, brief's template language, has no `macro` or `import` tags",
            "templates/insight.html:3:20: error: template error: Unknown filter `nofilter`",
            "templates/subscribe.html:2:20: error: template error: unknown phrase `words.isues`",
            "templates/subscribe.html:2:10: error: template error: Block `main` is not defined in any parent template",
            "hint: a template that extends another fills only the blocks defined above it",
            "6 errors",
        ]);
}

/// Tera stops a component that calls itself without end, naming no
/// template: the one being rendered is named.
#[test]
fn reports_a_component_calling_itself_at_its_template() {
    Site::new()
        .write(
            "templates/search.html",
            "{% extends \"base.html\" %}\n\
             {% component down(n: integer) %}{{ <down n={n + 1} /> }}{% endcomponent down %}\n\
             {% block content %}{{ <down n={1} /> }}{% endblock content %}\n",
        )
        .both_fail(&[
            "templates/search.html: error: template error: Maximum render recursion depth",
            "hint: a component calls itself",
        ]);
}

#[test]
fn reports_unknown_template_variable_with_line() {
    Site::new()
        .write(
            "templates/search.html",
            search_template("<p>{{ nosuch.thing }}</p>"),
        )
        .both_fail(&[
            "templates/search.html:3:7: error: template error: Variable `nosuch` is not defined.",
            "Available variables: dir, feeds, json_ld, kind, page, site",
            "hint:",
        ]);
}

/// A phrase a template names is read in when the theme loads, which moves
/// what follows it on its line: the column reported is still the template's.
#[test]
fn reports_the_column_of_an_error_after_a_phrase() {
    Site::new()
        .write(
            "templates/search.html",
            search_template("<p>{{ words.search }} {{ nosuch.thing }}</p>"),
        )
        .both_fail(&[
            "templates/search.html:3:26: error: template error: Variable `nosuch` is not defined.",
        ]);
}

/// A template's `words.NAME` that names no phrase is an error when the theme
/// loads, at its place, with the closest phrase: through `say` it printed
/// nothing, and `check` passed.
#[test]
fn rejects_a_phrase_a_template_names_that_the_theme_does_not_have() {
    Site::new()
        .write(
            "templates/search.html",
            search_template("<p>{{ words.nope | say(n=2) }} {{ words.isues }}</p>"),
        )
        .both_fail(&[
            "templates/search.html:3:7: error: template error: unknown phrase `words.nope`",
            "templates/search.html:3:35: error: template error: unknown phrase `words.isues`",
            "did you mean `words.issues`?",
        ]);
}

/// `issue_title` is checked as a title wherever it is set: at the top of the
/// config, under `[words]`, or in a theme's words.
#[test]
fn rejects_an_issue_title_phrase_with_an_unknown_placeholder_or_plural_forms() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[words]\nissue_title = \"Nr {{number}} {{foo}}\"\n"),
    )
    .both_fail(&[
        "error: `words.issue_title` is not a title: {foo} is not a placeholder (there are {number} and {date})",
        "hint: write a title such as \"Issue #{number} — {date}\"",
    ]);
    let site = Site::new();
    site.write("themes/mine/words/en.toml", "issue_title = { one = \"x\", other = \"Nr {number}\" }\n")
        .write("config.toml", format!("theme = \"mine\"\n{config}"))
        .both_fail(&["en.toml:1: error: phrase `issue_title` has plural forms, but an issue's title has one form"]);
}

/// A build makes no weekly edition, so `check` renders the latest one: a
/// broken `email_week.txt` fails there, not first in a mailer's job.
#[test]
fn check_renders_the_weekly_edition_templates() {
    let site = Site::new();
    site.write(
        "templates/email_week.txt",
        format!(
            "{{{{ wek.title }}}}\n{}",
            std::fs::read_to_string(repo().join("themes/default/templates/email_week.txt"))
                .unwrap()
        ),
    );
    site.fails(
        &["check"],
        &["templates/email_week.txt:1:4: error: template error: Variable `wek` is not defined."],
    );
}

/// A static file where the build writes a file of its own is named, with
/// what is there, before anything renders (it was "two pages want the same
/// output file", blaming slugs).
#[test]
fn rejects_a_static_file_at_a_path_the_build_writes() {
    Site::new()
        .write("static/robots.txt", "User-agent: *\n")
        .write("static/search/index.html", "<p>mine</p>")
        // A file where the site needs a folder: once, it passed `check` and
        // failed `build` halfway, leaving a commit no later build completed.
        .write("static/subscribe", "mine")
        .both_fail(&[
            "error: the static file /robots.txt is at the place of the file /robots.txt the site writes",
            "error: the static file /search/index.html is at the place of the page /search/",
            "error: the static file /subscribe is at the place of the folder /subscribe/, which holds the page /subscribe/",
            "hint: brief writes there itself",
        ]);
}

#[test]
fn reports_missing_templates() {
    Site::new()
        .write(
            "templates/search.html",
            "{% extends \"bsae.html\" %}\n{% block content %}x{% endblock content %}\n",
        )
        .both_fail(&[
            "templates/search.html:1:12: error: template error: Unknown template `bsae.html` (extended by `search.html`)",
            "did you mean \"base.html\"?",
        ]);
    Site::new()
        .write(
            "templates/search.html",
            search_template("{% include \"nope.html\" %}"),
        )
        .both_fail(&[
            "templates/search.html:3:12: error: template error: Unknown template `nope.html`",
            "hint: there is no template \"nope.html\"",
        ]);
}

#[test]
fn reports_unknown_filters_before_rendering() {
    Site::new()
        .write(
            "templates/search.html",
            search_template("<p>{{ page.title | nosuchfilter }}</p>"),
        )
        .both_fail(&[
            "templates/search.html:3:20: error: template error: Unknown filter `nosuchfilter`",
            "hint: brief adds `say`, `wrap`, `json_script`",
        ]);
}

#[test]
fn reports_include_and_extends_loops_instead_of_overflowing() {
    Site::new()
        .write("templates/loop.html", "<p>\n{% include \"loop.html\" %}\n")
        .write("templates/search.html", search_template("{% include \"loop.html\" %}"))
        .both_fail(&[
            "templates/loop.html:2:12: error: templates include each other in a loop: loop.html → loop.html",
        ]);
    Site::new()
        .write("templates/a.html", "{% include \"b.html\" %}")
        .write(
            "templates/b.html",
            "{% if x %}{% include \"a.html\" %}{% endif %}",
        )
        .both_fail(&["loop: a.html → b.html → a.html"]);
    Site::new()
        .write("templates/a.html", "{% extends \"b.html\" %}")
        .write("templates/b.html", "{% extends \"a.html\" %}")
        .both_fail(&["templates/a.html: error: templates extend each other in a loop: a.html → b.html → a.html"]);
}

// ---- content ---------------------------------------------------------------

#[test]
fn check_reports_broken_markdown_links_at_their_line() {
    let site = Site::new();
    site.write(
        "content/insights/zz.md",
        insight(
            "title = \"x\"\ndate = 2026-11-18",
            "See [this](/insights/price-wars/) and\n[that](../moe/#nope), ![img](/img/x.png), [ok](../moe/).\n\
             [日本](/insights/日本/)",
        ),
    );
    // A link of letters other than ASCII is escaped in the pages (`%E6…`),
    // and still reported once, at its source.
    let err = site.fails(
        &["check"],
        &[
            "content/insights/zz.md:5:5: error: broken link to /insights/price-wars/: no page or file there",
            "did you mean /insights/price-war/?",
            "content/insights/zz.md:6:1: error: broken link to /insights/moe/#nope: that page has no id=\"nope\"",
            "content/insights/zz.md:6:23: error: broken link to /img/x.png",
            "content/insights/zz.md:7:1: error: broken link to /insights/日本/",
            "4 errors, 0 warnings",
        ],
    );
    assert!(
        !err.contains("public/"),
        "reported once, at the source: {err}"
    );
}

#[test]
fn check_reports_broken_template_links_once() {
    let site = Site::new();
    let base = std::fs::read_to_string("themes/default/templates/base.html").unwrap();
    site.write(
        "templates/base.html",
        base.replace(
            "<main id=\"main\"",
            "<a href=\"/about/\">About</a><main id=\"main\"",
        ),
    );
    let err = site.fails(
        &["check"],
        &[
            "error: broken link to /about/",
            "and on ",
            "base.html",
            "1 error, 0 warnings",
        ],
    );
    assert_eq!(err.matches("/about/: no page").count(), 1, "{err}");
}

#[test]
fn rejects_related_slug_that_names_no_insight() {
    let site = Site::new();
    let text = std::fs::read_to_string(site.root.join("content/insights/open-models.md")).unwrap();
    site.write(
        "content/insights/open-models.md",
        text.replace("related = [\"huawei-ramp\"]", "related = [\"huawei-rmap\"]"),
    )
    .both_fail(&[
        "content/insights/open-models.md:6: error: `related` names \"huawei-rmap\", which is no insight's slug",
        "did you mean \"huawei-ramp\"?",
    ]);
}

/// An insight related to itself is left out of its own list (a page never
/// lists itself), and both `build` and `check` say so rather than drop the
/// entry in silence.
#[test]
fn warns_about_an_insight_related_to_itself() {
    let site = Site::new();
    let text = std::fs::read_to_string(site.root.join("content/insights/open-models.md")).unwrap();
    site.write(
        "content/insights/open-models.md",
        text.replace(
            "related = [\"huawei-ramp\"]",
            "related = [\"huawei-ramp\", \"open-models\"]",
        ),
    );
    let warning = "content/insights/open-models.md:6: warning: `related` names \"open-models\", this insight itself: left out";
    for command in [&["build"][..], &["check"]] {
        let out = site.run(command);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{command:?}: {err}");
        assert!(err.contains(warning), "{command:?}: {err}");
    }
    let page =
        std::fs::read_to_string(site.root.join("public/insights/open-models/index.html")).unwrap();
    assert!(page.contains("/insights/huawei-ramp/"));
    assert!(!page.contains("href=\"/insights/open-models/\""));
}

#[test]
fn warns_about_an_insight_dated_in_the_future() {
    let site = Site::new();
    site.write(
        "content/insights/zz.md",
        insight("title = \"Later\"\ndate = 2999-01-01", "Not yet."),
    );
    let before = snapshot(&site.root);
    let out = site.run(&["check"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "content/insights/zz.md:3: warning: dated 2999-01-01T00:00:00+00:00, in the future"
        ),
        "{err}"
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 errors, 1 warning"));
    assert_eq!(before, snapshot(&site.root));
    site.golden("check", &err);
}

#[test]
fn neutralises_raw_html_and_script_links() {
    let site = Site::new();
    site.write(
        MOE,
        insight(
            "title = \"<script>alert(1)</script>\"\ndate = 2026-11-19",
            "<img src=x onerror=alert(1)> [a](javascript:alert(1)) [b](JAVA\tSCRIPT:x) <script>alert(2)</script>",
        ),
    );
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    for file in [
        "public/insights/moe/index.html",
        "public/rss.xml",
        "public/feed.json",
    ] {
        let text = std::fs::read_to_string(site.root.join(file)).unwrap();
        let lower = text.to_lowercase();
        assert!(!lower.contains("<script>alert"), "{file}");
        assert!(!lower.contains("<img src=x"), "{file}");
        assert!(!lower.contains("javascript:"), "{file}");
    }
    let out = site.run(&["check"]);
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn rejects_a_non_utf8_file() {
    Site::new()
        .write(MOE, b"+++\ntitle = \"caf\xe9\"\ndate = 2026-11-18\n+++\n")
        .both_fail(&[
            "content/insights/moe.md: error: the file is not valid UTF-8 (invalid byte at offset 16)",
            "save the file as UTF-8",
        ]);
}

// ---- output ----------------------------------------------------------------

#[test]
fn refuses_an_output_dir_that_holds_the_site() {
    let site = Site::new();
    let root = site.root.to_string_lossy().into_owned();
    let parent = site.root.parent().unwrap().to_string_lossy().into_owned();
    let content = format!("{root}/content");
    let inside = format!("{root}/content/insights/out");
    for (out, why) in [
        (&root, "it contains the site or its content"),
        (&parent, "it contains the site or its content"),
        (&content, "it is the site's content"),
        (&inside, "it lies inside the site's content"),
    ] {
        site.fails(
            &["build", "--output", out],
            &["error: refusing to build into", why],
        );
    }
}

#[test]
fn refuses_a_file_as_output_dir_and_keeps_it() {
    let site = Site::new();
    site.write("notes.txt", "an editor's notes");
    let file = site.root.join("notes.txt").to_string_lossy().into_owned();
    site.fails(
        &["build", "--output", &file],
        &[
            "error: refusing to build into",
            "it is a file, not a folder",
        ],
    );
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "an editor's notes");
}

#[test]
fn a_build_failing_midway_leaves_public_untouched() {
    let site = Site::new();
    let insight_tpl = std::fs::read_to_string("themes/default/templates/insight.html").unwrap();
    // Content changes (so pages would be rewritten) and one template fails to render.
    site.write(
        MOE,
        insight("title = \"Changed\"\ndate = 2026-11-19", "New body."),
    )
    .write(
        "templates/insight.html",
        insight_tpl.replacen("{{", "{{ missing_variable }}{{", 1),
    )
    .fails(&["build"], &["Variable `missing_variable` is not defined"]);
    assert!(!site.root.join("public/.brief-staging").exists());
}

#[test]
fn reports_a_read_only_output_dir_once() {
    let site = Site::new();
    let public = site.root.join("public");
    make_read_only(&public);
    site.write(
        MOE,
        insight("title = \"Changed\"\ndate = 2026-11-19", "New."),
    );
    let before = snapshot(&site.root);
    let out = brief_unprivileged(&site.root, &["build"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(
        err.contains("public: error: cannot write to the output directory: Permission denied"),
        "{err}"
    );
    assert_eq!(
        err.matches("error:").count(),
        2,
        "one error and the count: {err}"
    );
    assert_eq!(before, snapshot(&site.root));
    site.golden("build", &err);
}

fn make_read_only(dir: &Path) {
    use std::os::unix::fs::PermissionsExt;
    for entry in walkdir::WalkDir::new(dir) {
        let entry = entry.unwrap();
        let mode = if entry.file_type().is_dir() {
            0o555
        } else {
            0o444
        };
        std::fs::set_permissions(entry.path(), std::fs::Permissions::from_mode(mode)).unwrap();
    }
}

// ---- issue 13: hardening ---------------------------------------------------

#[test]
fn rejects_a_slug_too_long_for_a_file_name() {
    let long = "a".repeat(300);
    Site::new()
        .write(
            "content/insights/zz.md",
            insight(
                &format!("title = \"x\"\ndate = 2026-11-18\nslug = \"{long}\""),
                "B",
            ),
        )
        .both_fail(&[
            "content/insights/zz.md:4: error: slug is 300 characters long: at most 200 fit in a file name",
            "set `slug = \"…\"` to at most 200 characters",
        ]);
}

#[test]
fn rejects_a_file_name_too_long_for_a_slug() {
    let name = format!("content/insights/{}.md", "b".repeat(210));
    Site::new()
        .write(&name, insight("title = \"x\"\ndate = 2026-11-18", "B"))
        .both_fail(&[
            &format!("{name}:2: error: slug is 210 characters long"),
            "(or rename the file)",
        ]);
}

#[test]
fn refuses_to_build_without_a_content_folder() {
    let site = Site::new();
    std::fs::remove_dir_all(site.root.join("content")).unwrap();
    site.both_fail(&[
        "content: error: the folder content/ is missing: refusing to build a site without content",
        "run `brief init` to start a site, or create content/insights/",
    ]);
    std::fs::create_dir(site.root.join("content")).unwrap();
    site.both_fail(&["content/insights: error: the folder content/insights/ is missing"]);
}

#[test]
fn an_empty_insights_folder_still_builds() {
    let site = Site::new();
    std::fs::remove_dir_all(site.root.join("content/insights")).unwrap();
    std::fs::create_dir(site.root.join("content/insights")).unwrap();
    let out = site.run(&["build"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(site.root.join("public/index.html").is_file());
}

#[test]
fn rejects_dates_that_feeds_cannot_express() {
    Site::new()
        .write(
            "content/insights/zz.md",
            insight("title = \"x\"\ndate = 9999-12-31T23:00:00-05:00", "B"),
        )
        .both_fail(&[
            "content/insights/zz.md:3: error: date 9999-12-31T23:00:00-05:00 is outside the years 1 to 9999 that feeds can express",
        ]);
    // A bare date is midnight in the site's zone: year 1 at -05:00 is fine in
    // UTC, but year 9999's last day at +14:00 falls on the day before in UTC, and
    // 0001-01-01 at +05:00 falls in year 0.
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write("config.toml", format!("timezone = \"+05:00\"\n{config}"))
        .write(
            "content/insights/zz.md",
            insight("title = \"x\"\ndate = 0001-01-01", "B"),
        )
        .both_fail(&["content/insights/zz.md:3: error: date 0001-01-01 is outside"]);
}

#[test]
fn rejects_a_script_link_as_manage_url() {
    let site = Site::new();
    let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
    site.write(
        "config.toml",
        format!("{config}\n[email]\nmanage_url = \"javascript:alert(1)\"\n"),
    )
    .both_fail(&[
        "error: invalid `email.manage_url` \"javascript:alert(1)\": the link's scheme must be http, https or mailto, not \"javascript\"",
        "use an https:// or mailto: link",
    ]);
}

#[test]
fn rejects_base_urls_with_spaces_or_quotes() {
    for (url, why) in [
        ("https://example.org/my digest/", "it contains a space"),
        ("https://example.org/\\\"x/", "it contains a quote (\")"),
    ] {
        let site = Site::new();
        let config = std::fs::read_to_string(site.root.join("config.toml")).unwrap();
        let config = config.replace("https://example.org/", url);
        site.write("config.toml", config)
            .both_fail(&["config.toml:3: error: invalid `base_url`", why]);
    }
    Site::new().fails(
        &["build", "--base-url", "https://example.org/a\"b/"],
        &["error: invalid --base-url \"https://example.org/a\\\"b/\": it contains a quote"],
    );
}

/// A symlinked `.md`, a FIFO and a folder named `x.md` are named in a warning;
/// the FIFO is never opened (the build would block on it).
#[cfg(unix)]
#[test]
fn warns_about_content_entries_that_are_not_regular_files() {
    let site = Site::new();
    let insights = site.root.join("content/insights");
    std::os::unix::fs::symlink(insights.join("moe.md"), insights.join("linked.md")).unwrap();
    let fifo = insights.join("pipe.md");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success(), "mkfifo");
    std::fs::create_dir(insights.join("folder.md")).unwrap();
    site.both_warn(&[
        "content/insights/linked.md: warning: skipped: a symbolic link",
        "content/insights/pipe.md: warning: skipped: not a regular file (a FIFO, socket or device)",
        "content/insights/folder.md: warning: skipped: a folder named like a content file",
    ]);
}

/// A hidden folder in `static/` (`.well-known`) is not published: said at
/// every build and check, not dropped in silence.
#[test]
fn warns_that_a_hidden_static_folder_is_not_published() {
    let site = Site::new();
    site.write("static/.well-known/security.txt", "Contact: x\n");
    site.both_warn(&[
        "static/.well-known: warning: this folder is not published",
        "hint: put its files on the host another way",
    ]);
    assert!(!site.root.join("public/.well-known").exists());
}

/// A template that renders nothing makes empty pages: said at the template,
/// with how many, at build and check (a theme's file left empty by mistake).
#[test]
fn warns_of_a_template_that_makes_empty_pages() {
    let site = Site::new();
    site.write("templates/insight.html", "\n");
    site.both_warn(&[
        "templates/insight.html: warning: template insight.html made",
        "empty pages",
    ]);
}
