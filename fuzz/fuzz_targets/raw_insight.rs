#![no_main]

#[path = "../targets.rs"]
mod targets;

use std::path::PathBuf;
use std::sync::OnceLock;

/// One site per fuzzing process, left in the temporary directory afterwards
/// for a crash to be reproduced in.
fn site() -> &'static PathBuf {
    static SITE: OnceLock<PathBuf> = OnceLock::new();
    SITE.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("brief-fuzz-import-{}", std::process::id()));
        targets::make_import_site(&dir);
        dir
    })
}

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::raw_insight(site(), data));
