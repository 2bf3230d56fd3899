//! `lemma serve`: the site built in memory, served over HTTP, rebuilt as its sources change.
//!
//! Two threads. The main thread owns the [`Session`] (the site and every stage's result) and
//! runs the watch loop: a batch of changes goes through [`Session::update`] into a
//! [`ServeSink`], and what it wrote is published into the shared [`SiteState`]. The HTTP
//! server (axum on a tokio runtime, [`server`]) runs on a thread of its own and only reads that
//! state. After each publish a message on a broadcast channel tells the pages that changed to
//! reload. Nothing is ever written into `public/`.
//!
//! Errors never stop the server: a batch that breaks the site keeps the last good pages where
//! it could not make new ones, and the errors are shown over every page until fixed.

mod index;
pub(crate) mod server;
pub(crate) mod state;
pub(crate) mod watch;

use indicatif::HumanCount;
use std::collections::BTreeSet;
use std::collections::HashSet;
use std::io;
use std::net::{IpAddr, SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

use url::Url;

use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics, Entry};
use crate::pipeline::BuildOptions;
use crate::pipeline::session::{Progress, Session, Update};
use state::{AppState, Event, ServeSink, SiteState};
use watch::{Batch, SourceWatcher};

/// How `serve` was asked to run.
#[derive(Debug, Clone)]
pub(crate) struct ServeOptions {
    pub root: PathBuf,
    pub bind: IpAddr,
    /// The first port to try; `0` lets the system choose.
    pub port: u16,
    pub drafts: bool,
    pub cache: bool,
    /// Open the site in the default browser once it is served.
    pub open: bool,
    /// How long a client may take to send a request's headers before its connection is closed.
    pub header_timeout: Duration,
}

/// Ports tried after the requested one when it is taken.
const PORT_ATTEMPTS: u16 = 100;

/// Binds `bind:port`, or the next free port after it.
pub(crate) fn bind(bind: IpAddr, port: u16) -> std::io::Result<TcpListener> {
    if port == 0 {
        return TcpListener::bind(SocketAddr::new(bind, 0));
    }
    let mut last_error = None;
    for candidate in port..port.saturating_add(PORT_ATTEMPTS) {
        match TcpListener::bind(SocketAddr::new(bind, candidate)) {
            Ok(listener) => return Ok(listener),
            Err(e) => last_error = Some(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no port to try")))
}

/// The site being previewed: the session, and how it is published to the server.
pub(crate) struct Preview {
    root: PathBuf,
    /// `http://127.0.0.1:1111`, without a path.
    origin: String,
    options: BuildOptions,
    session: Option<Session>,
    config_errors: Vec<Diagnostic>,
    state: AppState,
    /// The diagnostics last printed, so each rebuild prints only what is new.
    printed: BTreeSet<String>,
    indexer: index::Indexer,
    /// When the progress of the background work was last printed.
    progress_printed: Option<Instant>,
}

/// How often the progress of the background work is printed.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

impl Preview {
    /// A preview of the site at `root`, served at `origin`, not read yet: requests wait for
    /// [`Preview::begin`]. The server's requests come to `events`.
    pub(crate) fn new(
        root: &Path,
        origin: &str,
        drafts: bool,
        cache: bool,
        events: mpsc::Sender<Event>,
    ) -> Preview {
        let state = AppState::new(SiteState::new("/"), events);
        let indexer = index::Indexer::start(state.clone());
        Preview {
            root: root.to_path_buf(),
            origin: origin.trim_end_matches('/').to_string(),
            options: BuildOptions {
                drafts,
                live_reload: Some(server::SCRIPT_PATH.to_string()),
                cache_dir: cache.then(|| crate::config::formula_cache_dir(root)),
                search_list: None,
            },
            session: None,
            config_errors: Vec::new(),
            state,
            printed: BTreeSet::new(),
            indexer,
            progress_printed: None,
        }
    }

    /// Reads the site (the front half only: pages are rendered as they are asked for, and in
    /// the background) and lets requests in.
    pub(crate) fn begin(&mut self) {
        // KaTeX starts on every thread while the site is read: the first page needs it.
        warm_up_katex();
        self.reconfigure(false);
        self.state.write().started = true;
    }

    pub(crate) fn state(&self) -> AppState {
        self.state.clone()
    }

    /// The URL of the site's home page.
    pub(crate) fn url(&self) -> String {
        format!("{}{}", self.origin, self.state.read().base_path)
    }

    /// `lemma.yaml` with `base_url` moved to the local server, keeping its path.
    fn load_config(&self) -> Result<Config, Vec<Diagnostic>> {
        let mut config = Config::load(&self.root, None)?;
        let local = format!("{}{}", self.origin, config.base_path);
        config.base_url = Url::parse(&local).map_err(|e| {
            vec![Diagnostic::whole_file_error(
                crate::config::CONFIG_FILE,
                format!("cannot serve at {local}: {e}"),
            )]
        })?;
        Ok(config)
    }

    /// Reads the config again and starts the site anew (keeping the last good site on
    /// errors); its pages are rendered on request and in the background. `announce`: print
    /// the summary and reload the open pages.
    fn reconfigure(&mut self, announce: bool) {
        let config = match self.load_config() {
            Ok(config) => config,
            Err(errors) => {
                self.config_errors = errors;
                self.publish(Update::default(), ServeSink::default(), announce);
                return;
            }
        };
        self.config_errors.clear();
        let sink = ServeSink::default();
        let update = match &mut self.session {
            Some(session) => session.restart(config, &sink),
            None => {
                let (session, update) = Session::start(config, self.options.clone(), &sink);
                self.session = Some(session);
                update
            }
        };
        self.publish(update, sink, announce);
    }

    /// Rebuilds what `batch` changed and publishes it.
    pub(crate) fn apply(&mut self, batch: &Batch) {
        if batch.config || self.session.is_none() {
            self.reconfigure(true);
            return;
        }
        let Some(session) = &mut self.session else {
            return;
        };
        let sink = ServeSink::default();
        let update = session.update(&batch.changes, &sink);
        self.publish(update, sink, true);
    }

    /// Renders the page at output path `file` if it waits, with the articles it shows.
    pub(crate) fn ready(&mut self, file: &str) {
        let Some(session) = &mut self.session else {
            return;
        };
        let sink = ServeSink::default();
        let update = session.ready(file, &sink);
        self.publish(update, sink, false);
    }

    /// Ends the preview: what the session rendered and has not saved yet goes to the disk
    /// cache.
    pub(crate) fn stop(&mut self) {
        if let Some(session) = self.session.take() {
            session.close();
        }
    }

    /// Whether articles or pages are still to be done in the background.
    pub(crate) fn is_partial(&self) -> bool {
        self.session.as_ref().is_some_and(Session::is_partial)
    }

    /// One step of the background work, then its progress now and then.
    pub(crate) fn advance(&mut self) {
        let Some(session) = &mut self.session else {
            return;
        };
        let sink = ServeSink::default();
        let Some(update) = session.advance(&sink) else {
            return;
        };
        let done = !session.is_partial();
        let progress = session.progress();
        self.publish(update, sink, false);
        let Some(progress) = progress else {
            return;
        };
        if done {
            let seconds = progress.started.elapsed().as_secs_f64();
            eprintln!(
                "formulas done: {} rendered in {seconds:.1} s; every page ready",
                HumanCount(progress.done as u64)
            );
        } else if self
            .progress_printed
            .is_none_or(|at| at.elapsed() >= PROGRESS_EVERY)
        {
            if let Some(line) = progress_line(&progress) {
                eprintln!("{line}");
                self.progress_printed = Some(Instant::now());
            }
        }
    }

    /// Puts a rebuild's files and errors into the served state. When `announce` (an edit),
    /// prints its summary and tells the open pages that changed; pages rendered for the first
    /// time (on request, in the background) were open nowhere, so only errors that came or
    /// went reload them.
    fn publish(&mut self, update: Update, sink: ServeSink, announce: bool) {
        let files = sink.into_files();
        let mut diagnostics = Diagnostics::new();
        diagnostics.extend(self.config_errors.iter().cloned());
        diagnostics.extend(update.diagnostics.iter().cloned());
        let errors = state::ErrorBox::new(&diagnostics);
        let base_path = self.session.as_ref().map(|s| s.config().base_path.clone());
        let pending: HashSet<String> = self
            .session
            .iter()
            .flat_map(|s| s.unrendered_files().cloned())
            .collect();
        let message = {
            let mut site = self.state.write();
            let errors_changed = site.errors != errors;
            let base_path_changed = base_path.as_ref().is_some_and(|b| *b != site.base_path);
            if let Some(base_path) = &base_path {
                site.set_base_path(base_path);
            }
            let message = if announce {
                reload_message(
                    &site.base_path_decoded,
                    &files,
                    &update.removed,
                    errors_changed || base_path_changed || update.all_pages,
                )
            } else {
                errors_changed.then(|| "*".into())
            };
            site.apply(files, &update.removed);
            site.set_pending(pending);
            site.errors = errors;
            message
        };
        self.report(&update, &diagnostics, announce);
        // Only a finished site is indexed: articles still waiting stand in it as their front
        // matter alone.
        if let Some(session) = self.session.as_ref().filter(|s| !s.is_partial()) {
            let site = session.site();
            if site.config.reader.search {
                self.indexer.request(site, self.options.drafts);
            } else {
                self.indexer.withdraw();
            }
        }
        if let Some(message) = message {
            // No receiver only means no page is open.
            let _ = self.state.reload.send(message);
        }
    }

    /// Prints the diagnostics not printed before, and the rebuild's summary when `summary`.
    fn report(&mut self, update: &Update, diagnostics: &Diagnostics, summary: bool) {
        let now: BTreeSet<String> = diagnostics.limited().iter().map(Entry::render).collect();
        for line in now.difference(&self.printed) {
            eprintln!("{line}");
        }
        let errors = diagnostics.error_count();
        if errors == 0 && self.printed.iter().any(|l| l.contains(": error: ")) {
            eprintln!("errors fixed");
        }
        self.printed = now;
        if summary && (!update.written.is_empty() || !update.removed.is_empty()) {
            eprintln!(
                "rebuilt in {:.0} ms: {} page(s), {} file(s) in all{}",
                update.seconds * 1000.0,
                update.pages,
                update.written.len(),
                if errors > 0 {
                    format!("; {errors} error(s)")
                } else {
                    String::new()
                }
            );
        }
    }
}

/// `formulas 12,345 / 56,135, about 40 s left`, once the total is known and a formula has
/// been rendered.
fn progress_line(progress: &Progress) -> Option<String> {
    let total = progress.total.filter(|&total| total > 0)?;
    // Known only once a formula has been rendered.
    let left = progress.seconds_left()?;
    Some(format!(
        "formulas {} / {}, about {:.0} s left",
        HumanCount(progress.done as u64),
        HumanCount(total as u64),
        left
    ))
}

/// Starts KaTeX on every rendering thread in the background: a build served from the formula
/// cache never started it, and the first formula an author edits should not wait for it.
fn warm_up_katex() {
    std::thread::spawn(|| {
        rayon::broadcast(|_| {
            let _ = crate::math::render_standalone("x", false, &Default::default());
        });
    });
}

/// What to tell the open pages: the URL paths of the changed pages, or `*` for all of them
/// (when a file that pages load changed: a stylesheet, a script, an image, a font).
fn reload_message(
    base_path: &str,
    files: &[(String, state::Served)],
    removed: &[String],
    everything: bool,
) -> Option<Arc<str>> {
    let is_page = |path: &str, file: &state::Served| {
        file.is_html() || path.ends_with(".xml") || path.ends_with(".txt")
    };
    if everything || !removed.is_empty() || files.iter().any(|(p, f)| !is_page(p, f)) {
        return Some("*".into());
    }
    if files.is_empty() {
        return None;
    }
    let paths: Vec<String> = files
        .iter()
        .map(|(path, _)| {
            format!(
                "{base_path}{}",
                path.strip_suffix("index.html").unwrap_or(path)
            )
        })
        .collect();
    Some(paths.join("\n").into())
}

/// Why `lemma serve` could not start, or stopped.
#[derive(Debug, thiserror::Error)]
pub(crate) enum ServeError {
    #[error("{}: {source}", root.display())]
    Root { root: PathBuf, source: io::Error },
    #[error("cannot listen on {bind}:{port}: {source}")]
    Listen {
        bind: IpAddr,
        port: u16,
        source: io::Error,
    },
    /// The listener has no address to tell the user.
    #[error("{0}")]
    Address(io::Error),
    #[error("cannot watch {}: {source}", root.display())]
    Watch {
        root: PathBuf,
        source: notify::Error,
    },
    #[error("cannot serve: {0}")]
    Server(io::Error),
    #[error("the file watcher stopped")]
    WatcherStopped,
}

/// Runs `lemma serve` until Ctrl-C, which it answers by saving the formulas rendered so far;
/// returns an error when it cannot start or the file watcher stops.
pub(crate) fn run(options: &ServeOptions) -> Result<(), ServeError> {
    crate::memory::keep_large_blocks_mapped();
    let root = std::fs::canonicalize(&options.root).map_err(|source| ServeError::Root {
        root: options.root.clone(),
        source,
    })?;
    let listener = bind(options.bind, options.port).map_err(|source| ServeError::Listen {
        bind: options.bind,
        port: options.port,
        source,
    })?;
    let address = listener.local_addr().map_err(ServeError::Address)?;
    let host = if options.bind.is_unspecified() {
        SocketAddr::new(IpAddr::from([127, 0, 0, 1]), address.port())
    } else {
        address
    };
    let watcher = SourceWatcher::new(&root).map_err(|source| ServeError::Watch {
        root: root.clone(),
        source,
    })?;
    let (events, inbox) = mpsc::channel();
    let mut preview = Preview::new(
        &root,
        &format!("http://{host}"),
        options.drafts,
        options.cache,
        events.clone(),
    );
    // The server takes requests at once; each waits for the page it asks for, not the site.
    server::spawn(listener, preview.state(), options.header_timeout).map_err(ServeError::Server)?;
    stop_on_interrupt(events.clone());
    watch_in_background(watcher, events);
    preview.begin();
    let url = preview.url();
    eprintln!("serving {url} (Ctrl-C to stop)");
    if options.open {
        open_browser(&url);
    }
    loop {
        // Requests and edits come first; the background work goes on between them.
        let event = if preview.is_partial() {
            match inbox.try_recv() {
                Ok(event) => Some(event),
                Err(mpsc::TryRecvError::Empty) => None,
                Err(mpsc::TryRecvError::Disconnected) => return Err(ServeError::WatcherStopped),
            }
        } else {
            Some(inbox.recv().map_err(|_| ServeError::WatcherStopped)?)
        };
        match event {
            None => preview.advance(),
            Some(Event::Changes(batch)) => preview.apply(&batch),
            Some(Event::Page { file, done }) => {
                if let Some(file) = file {
                    preview.ready(&file);
                }
                let _ = done.send(());
            }
            Some(Event::WatcherStopped) => return Err(ServeError::WatcherStopped),
            Some(Event::Stop) => {
                preview.stop();
                return Ok(());
            }
        }
    }
}

/// Asks the watch loop to stop at Ctrl-C (or SIGTERM, SIGHUP), so that the formulas rendered so
/// far reach the disk cache; a second signal, while that is written, ends the process at once.
fn stop_on_interrupt(events: mpsc::Sender<Event>) {
    let asked = std::sync::atomic::AtomicBool::new(false);
    let handler = move || {
        if asked.swap(true, std::sync::atomic::Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("stopping: saving the rendered formulas…");
        if events.send(Event::Stop).is_err() {
            std::process::exit(130);
        }
    };
    // Without a handler Ctrl-C still ends `serve`, only without saving.
    if let Err(e) = ctrlc::set_handler(handler) {
        eprintln!("warning: Ctrl-C will not save the rendered formulas ({e})");
    }
}

/// Watches the sources on a thread of its own, handing each batch of changes to `events`.
fn watch_in_background(mut watcher: SourceWatcher, events: mpsc::Sender<Event>) {
    std::thread::spawn(move || {
        while let Some(batch) = watcher.next_batch() {
            if events.send(Event::Changes(batch)).is_err() {
                return;
            }
        }
        let _ = events.send(Event::WatcherStopped);
    });
}

/// Opens `url` with the desktop's opener; a failure only means the user opens it by hand.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let spawned = if cfg!(windows) {
        std::process::Command::new("cmd")
            .args(["/C", "start", "", url])
            .spawn()
    } else {
        std::process::Command::new(opener).arg(url).spawn()
    };
    if let Err(e) = spawned {
        eprintln!("warning: cannot open a browser ({e}); open {url}");
    }
}
