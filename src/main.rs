//! The `brief` command line: parse arguments, dispatch to the library, print
//! diagnostics, exit 0 (success), 1 (content, config or template error) or 2 (usage).

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use brief::count::Count;
use brief::email::{Format, Which};
use brief::error::Diagnostics;
use brief::import::{Change, ImportOptions, ImportReport};
use brief::printable::printable;
use brief::week::IsoWeek;

/// `println!`, but a reader that has gone (`brief init | head -3`) ends the
/// run quietly, as `head` expects, rather than with a panic's backtrace: the
/// work is done by the time brief reports it, and nothing more can be said.
macro_rules! out {
    ($($arg:tt)*) => {
        if let Err(e) = writeln!(std::io::stdout(), $($arg)*) {
            stdout_failed(e);
        }
    };
}

/// Ends the run after a failed write to stdout: silently when the reader has
/// gone, else with the error.
fn stdout_failed(e: std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("error: cannot write to stdout: {e}");
    std::process::exit(1);
}

/// Rendering makes millions of small, short-lived allocations (Tera's lookups,
/// context values) from every thread at once; mimalloc frees them at a fraction of
/// glibc malloc's cost (a fifth of a full build's CPU time went to malloc/free).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A static site generator for a public insight digest: raw insight files become
/// daily issues, topic pages and feeds, previewed live while you edit.
#[derive(Parser)]
#[command(name = "brief", version, about, long_about = None, propagate_version = true)]
struct Cli {
    /// The site's root directory (holding config.toml).
    #[arg(long, global = true, default_value = ".", value_name = "DIR")]
    root: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Scaffold a new site: config.toml, content/insights/ and a first insight.
    Init {
        /// Where to create the site (must be empty or absent); defaults to --root.
        dir: Option<PathBuf>,
    },
    /// Import raw insight files or folders into content/insights/.
    Import(ImportArgs),
    /// Write a new insight file, ready to edit.
    New(NewArgs),
    /// Build the site into public/ (or --output). Deletes only files an earlier
    /// build wrote there; completes a build that was cut short first.
    Build(BuildArgs),
    /// Build, serve, watch for changes, rebuild and live-reload browsers.
    Serve(ServeArgs),
    /// Validate config, content, templates and every internal link; writes nothing.
    Check {
        /// Include drafts in the check.
        #[arg(long)]
        drafts: bool,
    },
    /// Print the email edition of a daily issue (or of a week) to stdout, ready
    /// for a mailer: plain text, HTML, or a complete message.
    Email(EmailArgs),
    /// Notify the WebSub hub (`[feeds] websub_hub`) of every feed that changed
    /// since the last ping.
    Ping(PingArgs),
    /// Give an insight a new slug: its file is renamed, its old URL kept as an
    /// alias (a redirect), and every `related` list naming it rewritten.
    Rename(RenameArgs),
    /// Upload the built site to S3-compatible object storage: only what changed,
    /// assets before pages before feeds, stale objects deleted last.
    Deploy(DeployArgs),
}

#[derive(Args)]
struct PingArgs {
    /// Show what would be pinged; send nothing.
    #[arg(long)]
    dry_run: bool,
    /// The built output to read the feeds from, default public/ under the site root.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
}

#[derive(Args)]
struct RenameArgs {
    /// The insight's slug now (its file name without .md, or its `slug` key).
    #[arg(value_name = "OLD-SLUG")]
    old: String,
    /// The new slug: lowercase letters, digits, `-` and `_`, not used by another insight.
    #[arg(value_name = "NEW-SLUG")]
    new: String,
    /// Show the changes to every file without writing anything.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct DeployArgs {
    /// Print each planned upload and delete with its reason; change nothing.
    #[arg(long)]
    dry_run: bool,
    /// Deploy even if it deletes more objects than `[deploy] max_deletes`.
    #[arg(long)]
    force: bool,
    /// Where to upload, instead of `[deploy] target`: s3://BUCKET/ or s3://BUCKET/PREFIX/.
    #[arg(long, value_name = "URL", value_parser = parse_target)]
    target: Option<brief::config::Target>,
    /// The built site to upload; default public/ under the root.
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Write the URL of every uploaded or deleted file to FILE, one a line
    /// (for a CDN purge).
    #[arg(long, value_name = "FILE")]
    changed_urls: Option<PathBuf>,
    /// Requests to the store at once.
    #[arg(long, short, value_name = "N", default_value_t = brief::deploy::DEFAULT_JOBS as u16,
          value_parser = clap::value_parser!(u16).range(1..=256))]
    jobs: u16,
}

fn parse_target(s: &str) -> Result<brief::config::Target, String> {
    brief::config::Target::parse(s)
}

#[derive(Args)]
struct EmailArgs {
    /// The date; default: the latest issue.
    #[arg(value_name = "YYYY-MM-DD", value_parser = parse_date, conflicts_with = "week")]
    date: Option<chrono::NaiveDate>,
    /// Print the HTML edition instead of the plain-text one.
    #[arg(long, conflicts_with = "eml")]
    html: bool,
    /// Print a complete RFC 5322 message (text and HTML as multipart/alternative),
    /// ready for a mailer; needs `[email] from` in config.toml.
    #[arg(long)]
    eml: bool,
    /// The weekly edition of an ISO week instead of an issue; without a week:
    /// the latest week with insights.
    #[arg(long, value_name = "YYYY-Www", num_args = 0..=1, value_parser = parse_week)]
    week: Option<Option<IsoWeek>>,
    /// Only the insights of this topic (with --week).
    #[arg(long, value_name = "SLUG", requires = "week", conflicts_with = "date")]
    topic: Option<String>,
}

fn parse_week(s: &str) -> Result<IsoWeek, String> {
    s.parse()
}

fn parse_title(s: &str) -> Result<String, String> {
    match s.trim().is_empty() {
        true => Err("the title is empty; pass one, e.g. `brief new \"What happened\"`".into()),
        false => Ok(s.to_string()),
    }
}

fn parse_date(s: &str) -> Result<chrono::NaiveDate, String> {
    brief::content::parse_day(s)
        .ok_or_else(|| format!("{s:?} is not a date; use YYYY-MM-DD, e.g. 2026-11-18"))
}

#[derive(Args)]
struct ImportArgs {
    /// Raw insight files, emails (.eml, mbox) or folders: folders are walked for
    /// .txt, .md, .eml and .mbox files, and a Maildir (cur/, new/) is read as a
    /// mailbox. The site's own folders and output are skipped; files over 16 MiB
    /// and anything but regular files are refused.
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Date of the imported insights (YYYY-MM-DD); default: an email's Date
    /// header, else a date in the file name, else the file's modification date.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// Show what would be created and merged without writing anything.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct NewArgs {
    /// The insight's title; the file name is derived from it.
    #[arg(value_parser = parse_title)]
    title: String,
    /// The insight's date (YYYY-MM-DD); default: today in the site's time zone.
    #[arg(long, value_name = "YYYY-MM-DD", value_parser = parse_date)]
    date: Option<NaiveDate>,
    /// A topic slug from config.toml; repeat for several.
    #[arg(long = "topic", value_name = "SLUG")]
    topics: Vec<String>,
}

#[derive(Args)]
struct BuildArgs {
    /// Output directory, default public/ under the site root. It may not be,
    /// hold or lie inside the site root's config, content/, themes/,
    /// templates/, static/ or .brief-cache/ (links followed).
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Override base_url from config.toml (e.g. for a staging deploy).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include insights marked `draft = true`.
    #[arg(long)]
    drafts: bool,
    /// Build into an output directory that holds files brief did not write (or
    /// links where the build writes): the build replaces those at the paths it
    /// writes, replaces a link itself (never what it points to), and keeps every
    /// other file. brief never deletes a file it did not write, even with --force.
    #[arg(long)]
    force: bool,
}

#[derive(Args)]
struct ServeArgs {
    /// Address to bind; loopback by default. Anything else exposes the preview.
    #[arg(long, default_value = "127.0.0.1", value_name = "ADDR")]
    bind: String,
    /// Port to listen on; if taken, the next free one is used and printed.
    #[arg(long, short, default_value_t = 1111)]
    port: u16,
    /// Include insights marked `draft = true`.
    #[arg(long)]
    drafts: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if let Command::Check { drafts } = cli.command {
        return check(&cli.root, drafts);
    }
    if let Command::Build(args) = &cli.command {
        return build(&cli.root, args);
    }
    // Import can succeed in part (good files imported, bad ones skipped), so it
    // prints its own report and picks its own exit status.
    if let Command::Import(args) = &cli.command {
        return import(&cli.root, args);
    }
    // Like import: some feeds may be pinged and others fail.
    if let Command::Ping(args) = &cli.command {
        return ping(&cli.root, args);
    }
    // A bad argument is a usage error (2), a refusal by the site an error (1).
    if let Command::Rename(args) = &cli.command {
        return rename(&cli.root, args);
    }
    // A failed deploy may have uploaded part of the site: its errors say what
    // was done, so it reports on its own.
    if let Command::Deploy(args) = &cli.command {
        return deploy(&cli.root, args);
    }
    match run(cli) {
        Ok(warnings) => {
            print_diagnostics(&warnings);
            ExitCode::SUCCESS
        }
        Err(errors) => fail(&errors, None),
    }
}

/// `build` prints its summary line, or its errors and what they left changed.
fn build(root: &Path, args: &BuildArgs) -> ExitCode {
    let options = brief::BuildOptions {
        output: args.output.clone(),
        base_url: args.base_url.clone(),
        drafts: args.drafts,
        force: args.force,
    };
    match brief::build(root, &options) {
        Ok((summary, warnings)) => {
            print_diagnostics(&warnings);
            out!("{summary}");
            ExitCode::SUCCESS
        }
        Err(failure) => fail(&failure.errors, failure.changed.as_deref()),
    }
}

/// Prints `errors` and the closing line: what changed (`changed`), or that
/// nothing did.
fn fail(errors: &Diagnostics, changed: Option<&str>) -> ExitCode {
    print_diagnostics(errors);
    let n = errors.error_count();
    eprintln!(
        "error: {} found; {}",
        Count(n, "error"),
        changed.unwrap_or("nothing was changed")
    );
    ExitCode::from(1)
}

/// `check` prints every diagnostic and always a count line, then fails on errors.
fn check(root: &std::path::Path, drafts: bool) -> ExitCode {
    let report = brief::check::check(root, drafts);
    print_diagnostics(&report.diagnostics);
    if report.passed() {
        out!("{report}");
        ExitCode::SUCCESS
    } else {
        eprintln!("{report}");
        ExitCode::from(1)
    }
}

fn print_diagnostics(diagnostics: &Diagnostics) {
    for d in &diagnostics.0 {
        eprintln!("{d}");
    }
}

fn run(cli: Cli) -> Result<Diagnostics, Diagnostics> {
    let root = cli.root;
    match cli.command {
        Command::Build(_) => unreachable!("build is dispatched by main"),
        Command::Import(_) => unreachable!("import is dispatched by main"),
        Command::Rename(_) => unreachable!("rename is dispatched by main"),
        Command::Init { dir } => {
            let dir = dir.unwrap_or(root);
            let files = brief::scaffold::init(&dir)?;
            out!("created a site in {}:", dir.display());
            for file in files {
                out!("  {}", file.display());
            }
            let dir = shell_word(&dir.display().to_string());
            out!("next: import raw insight files with `brief --root {dir} import FILE...`, then `brief --root {dir} serve`");
            Ok(Diagnostics::default())
        }
        Command::New(args) => {
            let path = brief::scaffold::new_insight(&root, &args.title, args.date, &args.topics)?;
            // `--root .` (the default) would print every path as `./…`.
            let shown = if root == Path::new(".") {
                path
            } else {
                root.join(path)
            };
            out!("created {}", shown.display());
            Ok(Diagnostics::default())
        }
        Command::Email(args) => {
            let format = match (args.html, args.eml) {
                (true, _) => Format::Html,
                (_, true) => Format::Eml,
                _ => Format::Text,
            };
            let which = match args.week {
                Some(week) => Which::Week {
                    week,
                    topic: args.topic,
                },
                None => Which::Day(args.date),
            };
            let (bytes, warnings) = brief::email::edition(&root, &which, format)?;
            print_diagnostics(&warnings);
            let mut stdout = std::io::stdout().lock();
            if let Err(e) = stdout.write_all(&bytes).and_then(|_| stdout.flush()) {
                stdout_failed(e);
            }
            Ok(Diagnostics::default())
        }
        Command::Serve(args) => {
            let options = brief::serve::ServeOptions {
                bind: args.bind,
                port: args.port,
                drafts: args.drafts,
            };
            brief::serve::serve(&root, &options)?;
            Ok(Diagnostics::default())
        }
        Command::Check { .. } => unreachable!("check is dispatched by main"),
        Command::Ping(_) => unreachable!("ping is dispatched by main"),
        Command::Deploy(_) => unreachable!("deploy is dispatched by main"),
    }
}

/// One line per feed sent (stdout) or not pinged (stderr), then the summary.
fn ping(root: &Path, args: &PingArgs) -> ExitCode {
    let options = brief::ping::PingOptions {
        output: args.output.clone(),
        dry_run: args.dry_run,
    };
    let report = match brief::ping::ping(root, &options) {
        Ok(report) => report,
        Err(errors) => {
            print_diagnostics(&errors);
            eprintln!("error: nothing was pinged");
            return ExitCode::from(1);
        }
    };
    for feed in &report.feeds {
        match feed.outcome {
            brief::ping::Outcome::Unchanged => {}
            brief::ping::Outcome::WouldPing | brief::ping::Outcome::Pinged(_) => {
                out!("{feed}")
            }
            _ => eprintln!("error: {feed}"),
        }
    }
    if report.failed() {
        eprintln!("error: {}", report.summary());
        ExitCode::from(1)
    } else {
        out!("{}", report.summary());
        ExitCode::SUCCESS
    }
}

fn deploy(root: &Path, args: &DeployArgs) -> ExitCode {
    let options = brief::deploy::DeployOptions {
        dir: args.dir.clone(),
        target: args.target.clone(),
        dry_run: args.dry_run,
        force: args.force,
        changed_urls: args.changed_urls.clone(),
        jobs: usize::from(args.jobs),
        progress: std::io::stderr().is_terminal(),
    };
    match brief::deploy::deploy(root, &options) {
        Ok(report) => {
            print_diagnostics(&report.warnings);
            for action in &report.actions {
                out!("{action}");
            }
            out!("{report}");
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_diagnostics(&errors);
            ExitCode::from(1)
        }
    }
}

fn import(root: &Path, args: &ImportArgs) -> ExitCode {
    let options = ImportOptions {
        paths: args.paths.clone(),
        date: args.date,
        dry_run: args.dry_run,
    };
    let report = match brief::import::import(root, &options) {
        Ok(report) => report,
        Err(errors) => {
            print_diagnostics(&errors);
            eprintln!("error: nothing was imported");
            return ExitCode::from(1);
        }
    };
    print_diagnostics(&report.diagnostics);
    print_import_report(&report, args.dry_run);
    let summary = &report.summary;
    if summary.failed > 0 && summary.files_read == 0 {
        eprintln!("error: nothing was imported (see above)");
    } else if summary.failed > 0 {
        eprintln!("error: some files or messages were not imported (see above); the others were");
    }
    if summary.write_failures > 0 {
        eprintln!(
            "error: {} could not be written (see above)",
            Count(summary.write_failures, "content file")
        );
    }
    if report.failed() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

fn rename(root: &Path, args: &RenameArgs) -> ExitCode {
    use brief::rename::{RenameError, RenameOptions};
    let options = RenameOptions {
        old: args.old.clone(),
        new: args.new.clone(),
        dry_run: args.dry_run,
    };
    let report = match brief::rename::rename(root, &options) {
        Ok(report) => report,
        Err(RenameError::Usage(d)) => {
            eprintln!("{d}");
            return ExitCode::from(2);
        }
        Err(RenameError::Refused(errors)) => {
            print_diagnostics(&errors);
            eprintln!("error: the insight was not renamed");
            return ExitCode::from(1);
        }
    };
    let verb = if args.dry_run { "would " } else { "" };
    for change in &report.changes {
        match &change.moved_to {
            Some(to) => out!("{verb}rename {} → {}", change.path.display(), to.display()),
            None => out!("{verb}update {}", change.path.display()),
        }
        for line in &change.removed {
            out!("  - {line}");
        }
        for line in &change.added {
            out!("  + {line}");
        }
    }
    let files = Count(report.changes.len(), "file");
    if args.dry_run {
        out!("dry run: would change {files}; nothing was written");
    } else {
        out!(
            "renamed {:?} to {:?} in {files}; /insights/{}/ stays as a redirect",
            args.old,
            args.new,
            args.old
        );
    }
    ExitCode::SUCCESS
}

fn print_import_report(report: &ImportReport, dry_run: bool) {
    for near in &report.near_duplicates {
        out!(
            "near-duplicate ({:.0}% similar): {}:{} merged into {}\n  seen: {}\n  kept: {}",
            near.similarity * 100.0,
            near.origin,
            near.line,
            near.into.display(),
            printable(&near.text),
            printable(near.into_text.trim())
        );
    }
    if dry_run {
        for change in &report.changes {
            match change {
                Change::Created { path, title } => {
                    out!("would create {}: {}", path.display(), printable(title))
                }
                Change::Updated {
                    path,
                    sources,
                    related,
                    title,
                } => {
                    out!(
                        "would update {}: sources += {sources:?}, related += {related:?}",
                        path.display()
                    );
                    if let Some(title) = title {
                        out!("  title: {}", printable(title));
                    }
                }
            }
        }
    } else {
        for change in &report.changes {
            if let Change::Updated {
                path,
                title: Some(title),
                ..
            } = change
            {
                out!("retitled {}: {}", path.display(), printable(title));
            }
        }
    }
    out!("{}", report.summary);
    let created = report
        .changes
        .iter()
        .filter(|c| matches!(c, Change::Created { .. }))
        .count();
    let updated = report.changes.len() - created;
    let failures = report.summary.write_failures;
    let left = report.summary.left_to_edit;
    match (dry_run, report.changes.is_empty() && failures == 0) {
        (_, true) if left > 0 => out!(
            "nothing written: {} with YAML front matter {} the sources and related insights above added by hand",
            Count(left, "file"),
            if left == 1 { "needs" } else { "need" }
        ),
        // Nothing read is not "content holds it all": say what stopped it.
        (_, true) if report.summary.files_read == 0 && report.summary.skipped > 0 => {
            out!("nothing imported: no file named could be read (see above)")
        }
        (_, true) if report.summary.files_read == 0 => out!(
            "nothing imported: no raw insight file (.txt, .md, .eml, .mbox, a Maildir) in what was named"
        ),
        (_, true) => {
            out!("nothing to change: content already holds every insight, source and link")
        }
        (true, false) => out!(
            "dry run: would create {} and update {}; nothing was written",
            Count(created, "file"),
            Count(updated, "file")
        ),
        (false, false) if failures > 0 => out!(
            "created {} and updated {} in content/insights/; {failures} could not be written",
            Count(created, "file"),
            Count(updated, "file")
        ),
        (false, false) => out!(
            "created {} and updated {} in content/insights/",
            Count(created, "file"),
            Count(updated, "file")
        ),
    }
}

/// `text` as one word of a POSIX shell command, quoted only when it must
/// be, so a suggested command can be pasted as it is.
fn shell_word(text: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "/._-+,:@%=".contains(c);
    if !text.is_empty() && text.chars().all(plain) {
        text.to_string()
    } else {
        format!("'{}'", text.replace('\'', "'\\''"))
    }
}
