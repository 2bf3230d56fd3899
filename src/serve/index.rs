//! The search index of the previewed site, made on a thread of its own: Pagefind takes a
//! while on a large archive, and the pages of an edit should not wait for it. Only the parts
//! of the index whose articles changed are made again (see [`crate::search`]), one at a time,
//! so an edit to one article costs one part, and the thread's memory is one part's. The index
//! may trail an edit by the time its parts take; parts asked for meanwhile join the waiting
//! request, the newest version of a part replacing an older one. Drafts are indexed, as the
//! preview shows them.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Condvar, Mutex, PoisonError};

use super::state::{AppState, Served};
use crate::output::SitePath;
use crate::search::{self, PartInput};
use crate::site::Site;

/// The thread that makes the index, and what it was last asked for.
pub(super) struct Indexer {
    waiting: Arc<Request>,
    /// The recipe of each part last asked for: an edit that leaves a part's articles as they
    /// were asks nothing for it.
    asked: Vec<u128>,
}

impl Indexer {
    pub(super) fn start(state: AppState) -> Indexer {
        let waiting = Arc::new(Request::default());
        let incoming = Arc::clone(&waiting);
        std::thread::spawn(move || serve_requests(&incoming, &state));
        Indexer {
            waiting,
            asked: Vec::new(),
        }
    }

    /// Asks for the parts of the index of `site` that changed since the last ask.
    pub(super) fn request(&mut self, site: &Site, drafts: bool) {
        let parts = search::parts(site, drafts);
        let recipes: Vec<u128> = parts.iter().map(|part| part.recipe).collect();
        if recipes == self.asked {
            return;
        }
        let changed = parts
            .into_iter()
            .filter(|part| self.asked.get(part.number) != Some(&part.recipe))
            .map(|part| search::part_input(site, part))
            .collect();
        self.asked = recipes;
        self.waiting.add(changed, self.asked.len());
    }

    /// Takes the index off the site (search was switched off), if it has one.
    pub(super) fn withdraw(&mut self) {
        if !self.asked.is_empty() {
            self.asked.clear();
            self.waiting.add(Vec::new(), 0);
        }
    }
}

/// The parts asked for and not begun yet, and how many parts the index has now.
#[derive(Default)]
struct Pending {
    parts: BTreeMap<usize, PartInput>,
    count: usize,
}

/// The waiting request, shared with the thread.
#[derive(Default)]
struct Request {
    pending: Mutex<Option<Pending>>,
    asked: Condvar,
}

impl Request {
    fn add(&self, parts: Vec<PartInput>, count: usize) {
        let mut waiting = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        let pending = waiting.get_or_insert_with(Pending::default);
        for input in parts {
            pending.parts.insert(input.part.number, input);
        }
        pending.parts.retain(|&number, _| number < count);
        pending.count = count;
        self.asked.notify_one();
    }

    /// The waiting request, once there is one.
    fn take(&self) -> Pending {
        let mut waiting = self.pending.lock().unwrap_or_else(PoisonError::into_inner);
        loop {
            if let Some(pending) = waiting.take() {
                return pending;
            }
            waiting = self
                .asked
                .wait(waiting)
                .unwrap_or_else(PoisonError::into_inner);
        }
    }
}

/// Makes the parts of each request and publishes them, each replacing the files of its last
/// version; parts beyond the index's new end are removed.
fn serve_requests(incoming: &Request, state: &AppState) {
    let mut published: BTreeMap<usize, BTreeSet<String>> = BTreeMap::new();
    loop {
        let Pending { parts, count } = incoming.take();
        for (number, input) in parts {
            match search::make_part(number, &input.documents) {
                Ok(files) => publish(state, &mut published, number, files),
                Err(message) => eprintln!("warning: search index: {message}"),
            }
            drop(input);
            crate::memory::give_back();
        }
        let beyond: Vec<usize> = published.range(count..).map(|(&n, _)| n).collect();
        let mut removed = Vec::new();
        for number in beyond {
            removed.extend(published.remove(&number).unwrap_or_default());
        }
        let mut files = Vec::new();
        if count == 0 {
            // No index at all: search was switched off.
            removed.push(search::PARTS_FILE.to_string());
        } else {
            files.push(served(search::parts_file(count)));
        }
        state.write().apply(files, &removed);
    }
}

/// Serves the files of part `number`, removing those of its last version that it no longer has.
fn publish(
    state: &AppState,
    published: &mut BTreeMap<usize, BTreeSet<String>>,
    number: usize,
    files: BTreeMap<SitePath, Vec<u8>>,
) {
    let files: Vec<(String, Served)> = files.into_iter().map(served).collect();
    let now: BTreeSet<String> = files.iter().map(|(path, _)| path.clone()).collect();
    let before = published.insert(number, now.clone()).unwrap_or_default();
    let removed: Vec<String> = before.difference(&now).cloned().collect();
    state.write().apply(files, &removed);
}

/// A file of the index as the server holds it.
fn served((path, bytes): (SitePath, Vec<u8>)) -> (String, Served) {
    let path = path.as_str().to_string();
    let served = Served::new(&path, bytes.into());
    (path, served)
}
