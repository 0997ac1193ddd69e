//! brief: a static site generator for a public insight digest.
//!
//! The pipeline runs one way: `config` → `content` → `site` → `render` → `output`.
//! `import` turns raw insight files into content; `serve` and `check` reuse `build`.

pub mod config;
pub mod content;
pub mod error;
