//! Reading the sources again: which articles and files a change concerns, their new text,
//! and the static files and content assets, copied alone.

use std::collections::BTreeSet;

use super::files::{files_under, regular_file};
use super::{Changes, Session};
use crate::content::{Asset, SourceFile, discover, frontmatter};
use crate::diagnostics::{Diagnostic, Diagnostics, display_path};
use crate::output::{OutputFile, Sink, SitePath};
use crate::pipeline::statics::by_precedence;

/// One Markdown file of `content/`.
pub(super) struct Source {
    /// The last version whose front matter parsed: the one in the site.
    pub(super) used: Option<(SourceFile, usize)>,
    /// Errors of the file as it is now, when its front matter does not parse.
    pub(super) broken: Diagnostics,
}

impl Source {
    pub(super) fn new() -> Source {
        Source {
            used: None,
            broken: Diagnostics::new(),
        }
    }
}

impl Session {
    /// The articles (content paths) and output files that `changes` may concern.
    pub(super) fn expand(&self, changes: &Changes) -> (BTreeSet<String>, BTreeSet<String>) {
        let mut articles = BTreeSet::new();
        let mut files = BTreeSet::new();
        let under = |set: &BTreeSet<String>, path: &str| -> Vec<String> {
            let prefix = format!("{path}/");
            set.range(prefix.clone()..)
                .take_while(|p| p.starts_with(&prefix))
                .cloned()
                .collect()
        };
        let known: BTreeSet<String> = self.sources.keys().cloned().collect();
        for path in &changes.content {
            if path.ends_with(".md") {
                articles.insert(path.clone());
            } else {
                files.insert(path.clone());
            }
            articles.extend(under(&known, path));
            files.extend(under(&self.asset_paths, path));
            for found in files_under(&self.config.content_dir(), path) {
                if found.ends_with(".md") {
                    articles.insert(found);
                } else {
                    files.insert(found);
                }
            }
        }
        for path in &changes.statics {
            files.insert(path.clone());
            files.extend(under(&self.static_files, path));
            files.extend(files_under(&self.config.static_dir(), path));
        }
        (articles, files)
    }

    /// Takes a file's new text. Returns `Some(front matter changed)` when the text is now
    /// the one in use, `None` when it is unchanged or its front matter does not parse.
    pub(super) fn take_text(&mut self, content_path: &str, file: SourceFile) -> Option<bool> {
        let source = self.sources.get_mut(content_path)?;
        // The characters replaced count too: a form feed the author turned into a space leaves
        // the same text, but its warning must go.
        if let Some((used, _)) = &source.used
            && used.text == file.text
            && used.replaced == file.replaced
        {
            source.broken = Diagnostics::new();
            return None;
        }
        // The problems of a file that parses are reported by the front half, which reads
        // every file in use again.
        let mut found = Diagnostics::new();
        let Some(parsed) = frontmatter::parse(&file, self.config.timezone, &mut found) else {
            source.broken = found;
            return None;
        };
        source.broken = Diagnostics::new();
        let front = &file.text[..parsed.body_offset];
        let front_changed = source
            .used
            .as_ref()
            .is_none_or(|(old, offset)| old.text[..*offset] != *front);
        source.used = Some((file, parsed.body_offset));
        Some(front_changed)
    }

    /// Reads the named articles again. Returns the content paths whose text in use changed,
    /// and whether any front matter did (or an article came or went).
    pub(super) fn reread(&mut self, paths: &BTreeSet<String>) -> (BTreeSet<String>, bool) {
        let mut changed = BTreeSet::new();
        let mut front_changed = false;
        let content_dir = self.config.content_dir();
        for content_path in paths {
            let read = regular_file(&content_dir, content_path).map(|path| {
                let shown = display_path(&self.config.root, &path);
                SourceFile::read(&path, shown, content_path.clone())
            });
            match read {
                None => {
                    if let Some(gone) = self.sources.remove(content_path) {
                        front_changed |= gone.used.is_some();
                        changed.insert(content_path.clone());
                    }
                }
                Some(Err(problem)) => {
                    let source = self
                        .sources
                        .entry(content_path.clone())
                        .or_insert_with(Source::new);
                    source.broken = Diagnostics::new();
                    source.broken.push(problem);
                }
                Some(Ok(file)) => {
                    self.sources
                        .entry(content_path.clone())
                        .or_insert_with(Source::new);
                    if let Some(front) = self.take_text(content_path, file) {
                        front_changed |= front;
                        changed.insert(content_path.clone());
                    }
                }
            }
        }
        (changed, front_changed)
    }

    /// Walks `content/` again and takes what differs; every static file and content asset,
    /// old and new, joins `files`.
    pub(super) fn rescan(&mut self, files: &mut BTreeSet<String>) -> (BTreeSet<String>, bool) {
        let old_assets = std::mem::take(&mut self.asset_paths);
        let (changed, front_changed, _) = self.discover_content();
        files.extend(old_assets);
        files.extend(self.asset_paths.iter().cloned());
        files.extend(self.static_files.iter().cloned());
        files.extend(files_under(&self.config.static_dir(), ""));
        (changed, front_changed)
    }

    /// Walks `content/` and takes every article's text. Returns the content paths whose text
    /// in use changed, whether any front matter did, and the assets.
    pub(super) fn discover_content(&mut self) -> (BTreeSet<String>, bool, Vec<Asset>) {
        self.found = Diagnostics::new();
        let (files, assets) = discover(
            &self.config.root,
            &self.config.content_dir(),
            &mut self.found,
        );
        self.asset_paths = assets.iter().map(|a| a.content_path.clone()).collect();
        let present: BTreeSet<&str> = files.iter().map(|f| f.content_path.as_str()).collect();
        let gone: Vec<String> = self
            .sources
            .keys()
            .filter(|p| !present.contains(p.as_str()))
            .cloned()
            .collect();
        let mut changed = BTreeSet::new();
        let mut front_changed = false;
        for content_path in gone {
            if let Some(source) = self.sources.remove(&content_path) {
                front_changed |= source.used.is_some();
                changed.insert(content_path);
            }
        }
        for file in files {
            let content_path = file.content_path.clone();
            self.sources
                .entry(content_path.clone())
                .or_insert_with(Source::new);
            if let Some(front) = self.take_text(&content_path, file) {
                front_changed |= front;
                changed.insert(content_path);
            }
        }
        (changed, front_changed, assets)
    }

    /// Copies the static files and content assets at `paths` (output paths) alone.
    pub(super) fn copy_files(&mut self, paths: &BTreeSet<String>, sink: &dyn Sink) -> Vec<String> {
        let mut written = Vec::new();
        for path in paths {
            if regular_file(&self.config.content_dir(), path).is_some() && !path.ends_with(".md") {
                self.asset_paths.insert(path.clone());
            } else {
                self.asset_paths.remove(path);
            }
            match self.static_file(path) {
                Some(file) => match sink.put(file) {
                    Ok(()) => {
                        self.static_files.insert(path.clone());
                        written.push(path.clone());
                    }
                    Err(e) => self.static_errors.push(Diagnostic::whole_file_error(
                        path,
                        format!("cannot copy: {e}"),
                    )),
                },
                None => {
                    self.static_files.remove(path);
                }
            }
        }
        written
    }

    /// The file at output `path`, by the precedence of a build.
    pub(super) fn static_file(&self, path: &str) -> Option<OutputFile> {
        let site_path = SitePath::parse(path).ok()?;
        let asset = regular_file(&self.config.content_dir(), path)
            .filter(|p| p.extension().is_none_or(|ext| ext != "md"));
        let site_static = regular_file(&self.config.static_dir(), path);
        by_precedence(&site_path, asset, site_static)
    }
}
