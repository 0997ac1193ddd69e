//! Reading insight text as an editor does: where sentences end, what an
//! insight's lead sentence is and what follows it in the Markdown, and the
//! headline made from it. Pure functions over strings; a leaf below `content`
//! (which offers the lead split on an insight) and `import` (which makes
//! headlines).

pub mod headline;
pub mod lead;
pub mod sentences;
