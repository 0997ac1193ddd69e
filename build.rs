// The default theme is embedded with include_dir!, which cannot tell cargo to
// re-embed when a theme file changes; this does.
fn main() {
    println!("cargo:rerun-if-changed=themes/default");
}
