//! `lemma build`'s progress: a bar when stderr is a terminal, a few plain lines when it is not
//! (CI, a pipe), nothing with `--quiet`. Either shows only once the build has taken longer than
//! about a second, so a quick build prints its summary line alone.

use std::io::IsTerminal;
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::progress::{Progress, Stage};

/// How long a build runs before its progress shows.
const SHOW_AFTER: Duration = Duration::from_secs(1);
/// Replaces [`SHOW_AFTER`] (in milliseconds), for tests that need progress from a quick build.
const SHOW_AFTER_VARIABLE: &str = "LEMMA_PROGRESS_AFTER_MS";
/// A stage with a known total prints a line at each of these fractions of it, in plain mode.
const PLAIN_STEPS: usize = 4;

/// The progress of one build, shown on stderr.
pub(crate) struct Reporter {
    started: Instant,
    show_after: Duration,
    view: View,
    /// The current stage and when it started.
    stage: Mutex<(Stage, Instant)>,
    /// Items of the current stage, and how many are done: read by every step, without a lock.
    total: AtomicUsize,
    done: AtomicUsize,
}

enum View {
    Bar { bar: ProgressBar, shown: AtomicBool },
    Lines,
}

impl Reporter {
    /// A bar on a terminal, plain lines elsewhere.
    pub(crate) fn for_stderr() -> Reporter {
        let view = if std::io::stderr().is_terminal() {
            let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
            View::Bar {
                bar,
                shown: AtomicBool::new(false),
            }
        } else {
            View::Lines
        };
        let show_after = std::env::var(SHOW_AFTER_VARIABLE)
            .ok()
            .and_then(|ms| ms.parse().ok())
            .map_or(SHOW_AFTER, Duration::from_millis);
        Reporter {
            started: Instant::now(),
            show_after,
            view,
            stage: Mutex::new((Stage::Loading, Instant::now())),
            total: AtomicUsize::new(0),
            done: AtomicUsize::new(0),
        }
    }

    /// Takes the bar off the terminal before the build's diagnostics and summary are printed.
    pub(crate) fn finish(&self) {
        if let View::Bar { bar, .. } = &self.view {
            bar.finish_and_clear();
        }
    }

    fn due(&self) -> bool {
        self.started.elapsed() >= self.show_after
    }

    /// Puts the bar on the terminal once the build has run long enough.
    fn show_bar_when_due(&self, bar: &ProgressBar, shown: &AtomicBool) {
        if !shown.load(Ordering::Relaxed) && self.due() && !shown.swap(true, Ordering::Relaxed) {
            bar.set_draw_target(ProgressDrawTarget::stderr());
            bar.enable_steady_tick(Duration::from_millis(200));
        }
    }

    /// The plain line for `done` of the current stage, at each [`PLAIN_STEPS`] fraction.
    fn plain_line(&self, done: usize) -> Option<String> {
        let total = self.total.load(Ordering::Relaxed);
        let crossed = total > 0
            && done < total
            && done * PLAIN_STEPS / total != (done - 1) * PLAIN_STEPS / total;
        if !crossed {
            return None;
        }
        let (stage, since) = *self.stage.lock().ok()?;
        let left = since.elapsed().mul_f64((total - done) as f64 / done as f64);
        Some(format!(
            "{}: {} / {}, about {} left",
            stage.name(),
            HumanCount(done as u64),
            HumanCount(total as u64),
            rough(left)
        ))
    }
}

impl Progress for Reporter {
    fn start(&self, stage: Stage, total: usize) {
        if let Ok(mut current) = self.stage.lock() {
            *current = (stage, Instant::now());
        }
        self.total.store(total, Ordering::Relaxed);
        self.done.store(0, Ordering::Relaxed);
        match &self.view {
            View::Bar { bar, shown } => {
                bar.set_length(total as u64);
                bar.set_position(0);
                bar.set_prefix(stage.name());
                bar.set_style(bar_style(total));
                bar.reset_eta();
                self.show_bar_when_due(bar, shown);
            }
            View::Lines if self.due() => match total {
                0 => eprintln!("{}…", stage.name()),
                _ => eprintln!("{}: {} to do…", stage.name(), HumanCount(total as u64)),
            },
            View::Lines => {}
        }
    }

    fn step(&self) {
        let done = self.done.fetch_add(1, Ordering::Relaxed) + 1;
        match &self.view {
            View::Bar { bar, shown } => {
                bar.inc(1);
                self.show_bar_when_due(bar, shown);
            }
            View::Lines if self.due() => {
                if let Some(line) = self.plain_line(done) {
                    eprintln!("{line}");
                }
            }
            View::Lines => {}
        }
    }
}

/// A bar for a stage of `total` items, or a spinner with a count when the total is not known.
fn bar_template(total: usize) -> &'static str {
    if total > 0 {
        "{prefix:>9} [{wide_bar}] {human_pos}/{human_len}, about {eta} left"
    } else {
        "{prefix:>9} {spinner} {human_pos}"
    }
}

fn bar_style(total: usize) -> ProgressStyle {
    // The templates are fixed: a bad one is a bug caught by the tests, and the default serves.
    ProgressStyle::with_template(bar_template(total))
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

/// `40 s`, `3 min`: a time left is an estimate, so it is rounded.
fn rough(left: Duration) -> String {
    let seconds = left.as_secs();
    if seconds < 90 {
        format!("{seconds} s")
    } else {
        format!("{} min", (seconds + 30) / 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_left_are_rounded() {
        assert_eq!(rough(Duration::from_millis(40_400)), "40 s");
        assert_eq!(rough(Duration::from_secs(200)), "3 min");
    }

    #[test]
    fn bar_templates_are_valid() {
        for total in [0, 10] {
            let template = bar_template(total);
            assert!(ProgressStyle::with_template(template).is_ok(), "{template}");
        }
    }

    #[test]
    fn plain_lines_come_at_each_quarter_only() {
        let reporter = Reporter {
            started: Instant::now(),
            show_after: Duration::ZERO,
            view: View::Lines,
            stage: Mutex::new((Stage::Formulas, Instant::now())),
            total: AtomicUsize::new(100),
            done: AtomicUsize::new(0),
        };
        let lines: Vec<String> = (1..=100).filter_map(|d| reporter.plain_line(d)).collect();
        assert_eq!(lines.len(), 3, "{lines:?}");
        assert!(
            lines[0].starts_with("formulas: 25 / 100, about "),
            "{lines:?}"
        );
    }
}
