//! The `brief` command line: parse arguments, dispatch to the library, print
//! diagnostics, exit 0 (success), 1 (content, config or template error) or 2 (usage).

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand};

use brief::error::Diagnostics;

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
    /// Build the site into public/ (or --output).
    Build(BuildArgs),
    /// Build, serve, watch for changes, rebuild and live-reload browsers.
    Serve(ServeArgs),
    /// Validate config, content, templates and every internal link; writes nothing.
    Check {
        /// Include drafts in the check.
        #[arg(long)]
        drafts: bool,
    },
}

#[derive(Args)]
struct ImportArgs {
    /// Raw insight files or folders (folders are walked recursively for .txt and .md).
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// Date of the imported insights (YYYY-MM-DD); default: a date in the file
    /// name, else the file's modification date.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// Show what would be created and merged without writing anything.
    #[arg(long)]
    dry_run: bool,
}

#[derive(Args)]
struct NewArgs {
    /// The insight's title; the file name is derived from it.
    title: String,
    /// The insight's date (YYYY-MM-DD); default: today in the site's time zone.
    #[arg(long, value_name = "YYYY-MM-DD")]
    date: Option<String>,
    /// A topic slug from config.toml; repeat for several.
    #[arg(long = "topic", value_name = "SLUG")]
    topics: Vec<String>,
}

#[derive(Args)]
struct BuildArgs {
    /// Output directory, default public/ under the site root.
    #[arg(long, short, value_name = "DIR")]
    output: Option<PathBuf>,
    /// Override base_url from config.toml (e.g. for a staging deploy).
    #[arg(long, value_name = "URL")]
    base_url: Option<String>,
    /// Include insights marked `draft = true`.
    #[arg(long)]
    drafts: bool,
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
    match run(cli) {
        Ok(warnings) => {
            print_diagnostics(&warnings);
            ExitCode::SUCCESS
        }
        Err(errors) => {
            print_diagnostics(&errors);
            let n = errors.error_count();
            eprintln!(
                "error: {n} error{} found; nothing was changed",
                if n == 1 { "" } else { "s" }
            );
            ExitCode::from(1)
        }
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
        Command::Build(args) => {
            let options = brief::BuildOptions {
                output: args.output,
                base_url: args.base_url,
                drafts: args.drafts,
            };
            let (summary, warnings) = brief::build(&root, &options)?;
            println!("{summary}");
            Ok(warnings)
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
        Command::Init { .. } | Command::Import(_) | Command::New(_) | Command::Check { .. } => {
            Err(brief::error::Diagnostic::error("this command is not available yet").into())
        }
    }
}
