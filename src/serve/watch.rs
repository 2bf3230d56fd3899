//! Watching the site's sources: `content/`, `templates/`, `static/` and `lemma.yaml`.
//!
//! File system events are gathered until none has come for [`DEBOUNCE`] (an editor's save is
//! often several events: a temporary file, a rename, a close), and sorted into what changed,
//! so each batch gets the cheapest correct rebuild. Editor droppings (`.swp`, `~`, `#…#`,
//! hidden files) are never looked at, and neither is anything else in the site folder
//! (`public/`, the formula cache).

use std::path::{Component, Path, PathBuf};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use notify::event::{AccessKind, AccessMode};
use notify::{Event, EventKind, RecommendedWatcher, RecursiveMode, Watcher as _};

use crate::config::CONFIG_FILE;
use crate::content::discover::is_ignored_name;
use crate::pipeline::session::Changes;

/// How long the sources must stay quiet before a rebuild starts.
pub(crate) const DEBOUNCE: Duration = Duration::from_millis(50);
/// A rebuild starts after this long even if events keep coming.
const MAX_WAIT: Duration = Duration::from_millis(500);

/// The folders watched recursively, by their name in the site folder.
const FOLDERS: [&str; 3] = ["content", "templates", "static"];

/// What one batch of events changed.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    /// `lemma.yaml` changed: everything is built again.
    pub config: bool,
    pub changes: Changes,
}

impl Batch {
    pub(crate) fn is_empty(&self) -> bool {
        !self.config && self.changes.is_empty()
    }
}

pub(crate) struct SourceWatcher {
    root: PathBuf,
    watcher: RecommendedWatcher,
    events: Receiver<notify::Result<Event>>,
    /// The source folders that are symlinks, by name, with the folder they lead to: that
    /// folder is watched, and its events are taken as the source folder's.
    linked: Vec<(String, PathBuf)>,
}

impl SourceWatcher {
    /// Starts watching the site at `root` (an absolute path).
    pub(crate) fn new(root: &Path) -> notify::Result<SourceWatcher> {
        let (sender, events) = mpsc::channel();
        let config = notify::Config::default().with_follow_symlinks(false);
        let mut watcher = RecommendedWatcher::new(sender, config)?;
        watcher.watch(root, RecursiveMode::NonRecursive)?;
        let mut this = SourceWatcher {
            root: root.to_path_buf(),
            watcher,
            events,
            linked: Vec::new(),
        };
        for folder in FOLDERS {
            this.watch_folder(folder);
        }
        Ok(this)
    }

    /// Watches a source folder if it exists (a folder created later is added then). The folder
    /// may be a symlink to one elsewhere, as `build` reads it: the folder it leads to is
    /// watched (the system reports events there). Symlinks inside are not followed
    /// (`with_follow_symlinks(false)`): neither `build` nor `serve` reads through them.
    fn watch_folder(&mut self, name: &str) {
        if let Some(at) = self.linked.iter().position(|(linked, _)| linked == name) {
            let (_, old) = self.linked.remove(at);
            let _ = self.watcher.unwatch(&old);
        }
        let path = self.root.join(name);
        if !path.is_dir() {
            return;
        }
        if !path.is_symlink() {
            let _ = self.watcher.watch(&path, RecursiveMode::Recursive);
            return;
        }
        if let Ok(target) = std::fs::canonicalize(&path)
            && self
                .watcher
                .watch(&target, RecursiveMode::Recursive)
                .is_ok()
        {
            self.linked.push((name.to_string(), target));
        }
    }

    /// Blocks until the sources change, then returns the batch once they are quiet.
    /// `None` when the watcher is gone.
    pub(crate) fn next_batch(&mut self) -> Option<Batch> {
        let mut batch = Batch::default();
        while batch.is_empty() {
            let event = self.events.recv().ok()?;
            self.take(event, &mut batch);
        }
        let started = Instant::now();
        let mut quiet_until = started + DEBOUNCE;
        loop {
            let now = Instant::now();
            let deadline = quiet_until.min(started + MAX_WAIT);
            if now >= deadline {
                break;
            }
            match self.events.recv_timeout(deadline - now) {
                Ok(event) => {
                    if self.take(event, &mut batch) {
                        quiet_until = Instant::now() + DEBOUNCE;
                    }
                }
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => break,
            }
        }
        Some(batch)
    }

    /// Adds an event's paths to `batch`; returns whether any of them matter.
    fn take(&mut self, event: notify::Result<Event>, batch: &mut Batch) -> bool {
        let Ok(event) = event else {
            // The kernel dropped events (queue overflow): look at everything again.
            batch.changes.rescan = true;
            batch.changes.templates = true;
            return true;
        };
        let relevant = match event.kind {
            EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
            EventKind::Access(_) => false,
            _ => true,
        };
        if !relevant {
            return false;
        }
        let mut any = false;
        for path in &event.paths {
            any |= self.classify(path, batch);
        }
        if event.need_rescan() {
            batch.changes.rescan = true;
            any = true;
        }
        any
    }

    /// The components of `path` in the site: below the folder a linked source folder leads
    /// to, that folder's name and the rest; otherwise the path below the root.
    fn site_parts(&self, path: &Path) -> Option<Vec<String>> {
        for (name, target) in &self.linked {
            if let Ok(rest) = path.strip_prefix(target) {
                let mut parts = vec![name.clone()];
                parts.extend(components(rest)?);
                return Some(parts);
            }
        }
        components(path.strip_prefix(&self.root).ok()?)
    }

    /// Sorts one changed path into `batch`; returns whether it matters.
    fn classify(&mut self, path: &Path, batch: &mut Batch) -> bool {
        let Some(parts) = self.site_parts(path) else {
            return false;
        };
        if parts.iter().any(|p| is_ignored_name(p)) {
            return false;
        }
        let (first, rest) = match parts.split_first() {
            Some((first, rest)) => (first.as_str(), rest.join("/")),
            None => return false,
        };
        match first {
            CONFIG_FILE if rest.is_empty() => batch.config = true,
            "templates" => {
                if rest.is_empty() {
                    self.watch_folder(first);
                }
                batch.changes.templates = true;
            }
            "content" | "static" if rest.is_empty() => {
                // The folder itself came or went.
                self.watch_folder(first);
                batch.changes.rescan = true;
            }
            "content" => {
                batch.changes.content.insert(rest);
            }
            "static" => {
                batch.changes.statics.insert(rest);
            }
            _ => return false,
        }
        true
    }
}

/// The components of a relative path, as UTF-8 (others are not site files).
fn components(relative: &Path) -> Option<Vec<String>> {
    relative
        .components()
        .map(|c| match c {
            Component::Normal(part) => part.to_str().map(str::to_owned),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(paths: &[&str]) -> Batch {
        let dir = tempfile::tempdir().unwrap();
        let mut watcher = SourceWatcher::new(dir.path()).unwrap();
        let mut batch = Batch::default();
        for path in paths {
            watcher.classify(&dir.path().join(path), &mut batch);
        }
        batch
    }

    #[test]
    fn paths_sort_into_kinds_of_change() {
        let batch = classify(&[
            "content/2023/a.md",
            "content/2023/fig.png",
            "static/style.css",
            "templates/article.html",
        ]);
        assert!(!batch.config);
        assert!(batch.changes.templates);
        assert!(!batch.changes.rescan);
        let content: Vec<&str> = batch.changes.content.iter().map(String::as_str).collect();
        assert_eq!(content, ["2023/a.md", "2023/fig.png"]);
        let statics: Vec<&str> = batch.changes.statics.iter().map(String::as_str).collect();
        assert_eq!(statics, ["style.css"]);
        assert!(classify(&["lemma.yaml"]).config);
        assert!(classify(&["content"]).changes.rescan);
    }

    #[cfg(unix)]
    #[test]
    fn events_in_a_linked_folder_are_the_source_folders() {
        let real = tempfile::tempdir().unwrap();
        let real = std::fs::canonicalize(real.path()).unwrap();
        let site = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(&real, site.path().join("content")).unwrap();
        let mut watcher = SourceWatcher::new(site.path()).unwrap();
        let mut batch = Batch::default();
        assert!(watcher.classify(&real.join("2024/a.md"), &mut batch));
        let content: Vec<&str> = batch.changes.content.iter().map(String::as_str).collect();
        assert_eq!(content, ["2024/a.md"]);
    }

    #[test]
    fn editor_droppings_and_other_folders_are_ignored() {
        let batch = classify(&[
            "content/.a.md.swp",
            "content/a.md~",
            "content/#a.md#",
            "content/.git/index",
            "templates/.base.html.swx",
            "public/index.html",
            ".lemma-cache/katex/x.seg",
            "lemma.yaml~",
            "notes.txt",
        ]);
        assert!(batch.is_empty(), "{batch:?}");
    }
}
