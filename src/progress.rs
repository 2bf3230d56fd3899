//! How far a build has come: told by the pipeline as it goes, shown by the `build` command
//! (`src/cmd/progress.rs`). The stages only count; they never print.

/// A stage of a build whose progress is told, in the order a build goes through them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Stage {
    /// Reading the articles and their front matter.
    Loading,
    /// Each article through Markdown and math preparation.
    Articles,
    /// The formulas neither cache has, through KaTeX.
    Formulas,
    /// Rendering the pages and writing them, with the static files.
    Writing,
    /// The parts of the search index.
    Search,
}

impl Stage {
    /// The stage's name as shown to the user.
    pub(crate) fn name(self) -> &'static str {
        match self {
            Stage::Loading => "loading",
            Stage::Articles => "articles",
            Stage::Formulas => "formulas",
            Stage::Writing => "writing",
            Stage::Search => "search index",
        }
    }
}

/// Where a build tells its progress. Called from many threads at once.
pub(crate) trait Progress: Sync {
    /// `stage` starts, with `total` items to go through (0 when not known beforehand).
    fn start(&self, stage: Stage, total: usize);
    /// One more item of the current stage is done.
    fn step(&self);
}

/// Progress that nobody watches.
pub(crate) struct Silent;

impl Progress for Silent {
    fn start(&self, _: Stage, _: usize) {}
    fn step(&self) {}
}
