//! indicatif progress bars for the library's [`Progress`] hooks: drawn on
//! stderr only when it is a terminal, so pipes and tests stay clean.

use std::sync::RwLock;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use wiretrace::scan::Progress;

pub struct Bars {
    enabled: bool,
    current: RwLock<Option<ProgressBar>>,
}

impl Bars {
    pub fn new(enabled: bool) -> Bars {
        Bars {
            enabled,
            current: RwLock::new(None),
        }
    }
}

impl Progress for Bars {
    fn stage(&self, name: &'static str, total: u64) {
        if !self.enabled {
            return;
        }
        let bar = ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr());
        let style = ProgressStyle::with_template(
            "{prefix:>12} [{bar:30}] {human_pos}/{human_len} {per_sec} eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.set_prefix(name);
        if let Ok(mut current) = self.current.write() {
            *current = Some(bar);
        }
    }

    fn advance(&self, n: u64) {
        // Called once per sentence and per candidate pair: no lock when
        // nothing is drawn.
        if !self.enabled {
            return;
        }
        if let Ok(current) = self.current.read() {
            if let Some(bar) = current.as_ref() {
                bar.inc(n);
            }
        }
    }

    fn finish_stage(&self) {
        if let Ok(mut current) = self.current.write() {
            if let Some(bar) = current.take() {
                bar.finish_and_clear();
            }
        }
    }
}
