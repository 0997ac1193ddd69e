//! `gen_corpus`: writes a deterministic synthetic digest (see `corpus.rs`).
//!
//! `cargo run --release --example gen_corpus -- --insights N --out DIR [--raw DIR]
//! [--hugo DIR] [--zola DIR] [--seed S] [--distinct-code]`

mod corpus;

use std::path::PathBuf;
use std::process::ExitCode;

use corpus::Options;

fn main() -> ExitCode {
    let options = match parse_args(std::env::args().skip(1)) {
        Ok(o) => o,
        Err(msg) => {
            eprintln!("error: {msg}\nusage: gen_corpus --insights N --out DIR [--raw DIR] [--hugo DIR] [--zola DIR] [--seed S] [--distinct-code]");
            return ExitCode::from(2);
        }
    };
    match corpus::run(&options) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn parse_args(mut args: impl Iterator<Item = String>) -> Result<Options, String> {
    let (mut insights, mut out, mut raw, mut hugo, mut zola, mut seed) =
        (None, None, None, None, None, 42);
    let mut distinct_code = false;
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--insights" => {
                insights = Some(value()?.parse().map_err(|e| format!("--insights: {e}"))?)
            }
            "--out" => out = Some(PathBuf::from(value()?)),
            "--raw" => raw = Some(PathBuf::from(value()?)),
            "--hugo" => hugo = Some(PathBuf::from(value()?)),
            "--zola" => zola = Some(PathBuf::from(value()?)),
            "--seed" => seed = value()?.parse().map_err(|e| format!("--seed: {e}"))?,
            "--distinct-code" => distinct_code = true,
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(Options {
        insights: insights.ok_or("--insights is required")?,
        out: out.ok_or("--out is required")?,
        raw,
        hugo,
        zola,
        seed,
        distinct_code,
    })
}
