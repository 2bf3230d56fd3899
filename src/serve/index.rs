//! The search index of the previewed site, made on a thread of its own: Pagefind takes a
//! while on a large archive, and the pages of an edit should not wait for it. The index may
//! trail an edit by the time one index takes; requests that queue up meanwhile are merged
//! into the newest. Drafts are indexed, as the preview shows them.

use std::collections::BTreeSet;
use std::sync::mpsc;

use super::state::{AppState, ServeSink};
use crate::output::{OutputFile, Sink};
use crate::search::{self, SearchDocument};
use crate::site::Site;

/// The thread that makes the index, and what it was last asked for.
pub(super) struct Indexer {
    requests: mpsc::Sender<Vec<SearchDocument>>,
    /// The recipe of the last request: an edit that leaves the indexed articles as they were
    /// sends none.
    last: u128,
}

impl Indexer {
    pub(super) fn start(state: AppState) -> Indexer {
        let (requests, incoming) = mpsc::channel();
        std::thread::spawn(move || serve_requests(&incoming, &state));
        Indexer { requests, last: 0 }
    }

    /// Asks for the index of `site` as it is now, if its articles changed since the last ask.
    pub(super) fn request(&mut self, site: &Site, drafts: bool) {
        let articles = search::indexed_articles(site, drafts);
        let recipe = search::index_recipe(site, &articles);
        if recipe == self.last {
            return;
        }
        self.last = recipe;
        let documents = articles
            .iter()
            .map(|&i| search::document(site, i))
            .collect();
        // The thread ends only with the process.
        let _ = self.requests.send(documents);
    }
}

/// Makes the index of the newest request and publishes it, replacing the files of the last.
fn serve_requests(incoming: &mpsc::Receiver<Vec<SearchDocument>>, state: &AppState) {
    let mut published: BTreeSet<String> = BTreeSet::new();
    while let Ok(mut documents) = incoming.recv() {
        while let Ok(newer) = incoming.try_recv() {
            documents = newer;
        }
        let files = match search::make_index(documents) {
            Ok(files) => files,
            Err(message) => {
                eprintln!("warning: search index: {message}");
                continue;
            }
        };
        let sink = ServeSink::default();
        for (path, bytes) in files {
            // A sink in memory does not fail.
            let _ = sink.put(OutputFile::bytes(path, bytes));
        }
        let files = sink.into_files();
        let now: BTreeSet<String> = files.iter().map(|(path, _)| path.clone()).collect();
        let removed: Vec<String> = published.difference(&now).cloned().collect();
        state.write().apply(files, &removed);
        published = now;
    }
}
