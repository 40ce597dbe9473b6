//! indicatif progress bars for the library's [`Progress`] hooks: drawn on
//! stderr only when it is a terminal, so pipes and tests stay clean. With
//! `--timings`, each stage's wall time is also written to stderr when it
//! ends, so a slow run says where its time went: with the processor time
//! all threads spent in it (set beside the wall time, it says how well the
//! stage kept the cores busy), and the resident memory then and the peak
//! so far, so it also says which stage set the peak (where the system
//! reports them).

use std::sync::{Mutex, RwLock};
use std::time::Instant;

use indicatif::{HumanCount, ProgressBar, ProgressDrawTarget, ProgressState, ProgressStyle};
use wiretrace::scan::Progress;

pub struct Bars {
    enabled: bool,
    current: RwLock<Option<ProgressBar>>,
    /// Set with `--timings`: the running stage.
    timings: Option<Mutex<Option<Running>>>,
}

/// A stage being timed.
struct Running {
    name: &'static str,
    began: Instant,
    /// The processor time used when it began.
    processor_then: Option<f64>,
}

impl Bars {
    pub fn new(enabled: bool, timings: bool) -> Bars {
        Bars {
            enabled,
            current: RwLock::new(None),
            timings: timings.then(|| Mutex::new(None)),
        }
    }

    /// Times work the library does not see (reading input, writing
    /// reports) as a stage of its own.
    pub fn time<T>(&self, name: &'static str, work: impl FnOnce() -> T) -> T {
        self.start_timing(name);
        let out = work();
        self.end_timing();
        out
    }

    /// Makes the running stage's bar count bytes out of `total`: segmenting
    /// a stream of articles, whose count is not known ahead, is measured by
    /// the input's bytes read.
    pub fn count_bytes(&self, total: u64) {
        if !self.enabled || total == 0 {
            return;
        }
        if let Ok(current) = self.current.read() {
            if let Some(bar) = current.as_ref() {
                let style = ProgressStyle::with_template(
                    "{prefix:>12} [{bar:24}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
                )
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> ");
                bar.set_style(style);
                bar.set_length(total);
                bar.disable_steady_tick();
            }
        }
    }

    fn start_timing(&self, name: &'static str) {
        if let Some(Ok(mut running)) = self.timings.as_ref().map(Mutex::lock) {
            *running = Some(Running {
                name,
                began: Instant::now(),
                processor_then: processor_seconds(),
            });
        }
    }

    fn end_timing(&self) {
        if let Some(Ok(mut running)) = self.timings.as_ref().map(Mutex::lock) {
            if let Some(Running {
                name,
                began,
                processor_then,
            }) = running.take()
            {
                let cpu = match (processor_then, processor_seconds()) {
                    (Some(then), Some(now)) => format!("  cpu {:>8.2} s", now - then),
                    _ => String::new(),
                };
                let memory = match resident_memory() {
                    Some(m) => format!(
                        "  rss {:>6} MiB  anon {:>6} MiB  peak {:>6} MiB",
                        m.now, m.anonymous, m.peak
                    ),
                    None => String::new(),
                };
                eprintln!(
                    "wiretrace: timing: {name:<12} {:>9.3} s{cpu}{memory}",
                    began.elapsed().as_secs_f64()
                );
            }
        }
    }
}

/// The processor time, user and system, all of the process's threads have
/// used so far, from `/proc/self/stat` (Linux); `None` elsewhere. Its
/// fields 14 and 15 count in the kernel's `USER_HZ`, which is 100 on every
/// Linux architecture.
fn processor_seconds() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat").ok()?;
    // The command name (field 2) is in parentheses and may hold spaces.
    let (_, after_name) = stat.rsplit_once(')')?;
    let mut fields = after_name.split_whitespace().skip(11);
    let user: u64 = fields.next()?.parse().ok()?;
    let system: u64 = fields.next()?.parse().ok()?;
    Some((user + system) as f64 / 100.0)
}

/// A process's resident memory, in MiB.
struct ResidentMemory {
    now: u64,
    /// The part of `now` that is not a file's pages: without swap, what the
    /// process cannot do without. The rest (the mapped sentence texts, see
    /// [`wiretrace::texts`]) the kernel drops when memory runs short.
    anonymous: u64,
    /// The peak of `now` so far.
    peak: u64,
}

/// The process's resident memory, from `/proc/self/status` (Linux); `None`
/// elsewhere or if it cannot be read.
fn resident_memory() -> Option<ResidentMemory> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let field = |name: &str| -> Option<u64> {
        let line = status.lines().find(|l| l.starts_with(name))?;
        let kib: u64 = line[name.len()..]
            .trim()
            .trim_end_matches("kB")
            .trim()
            .parse()
            .ok()?;
        Some(kib / 1024)
    };
    Some(ResidentMemory {
        now: field("VmRSS:")?,
        anonymous: field("RssAnon:")?,
        peak: field("VmHWM:")?,
    })
}

impl Progress for Bars {
    fn stage(&self, name: &'static str, total: u64) {
        self.start_timing(name);
        if !self.enabled {
            return;
        }
        // A stage without a count ahead (total 0) gets a spinner, and the
        // count so far once it has one (segmenting a stream of articles).
        let (length, template) = match total {
            0 => (None, "{prefix:>12} {spinner} {so_far}{elapsed}"),
            _ => (
                Some(total),
                "{prefix:>12} [{bar:30}] {human_pos}/{human_len} {rate} eta {eta}",
            ),
        };
        let bar = ProgressBar::with_draw_target(length, ProgressDrawTarget::stderr());
        // Whole items per second, grouped like the counts: indicatif's own
        // `{per_sec}` prints four decimals.
        let style = ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key(
                "rate",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    let _ = write!(w, "{}/s", HumanCount(state.per_sec() as u64));
                },
            )
            .with_key(
                "so_far",
                |state: &ProgressState, w: &mut dyn std::fmt::Write| {
                    if state.pos() > 0 {
                        let _ = write!(
                            w,
                            "{} ({}/s) ",
                            HumanCount(state.pos()),
                            HumanCount(state.per_sec() as u64)
                        );
                    }
                },
            )
            .progress_chars("=> ");
        bar.set_style(style);
        if total == 0 {
            bar.enable_steady_tick(std::time::Duration::from_millis(120));
        }
        bar.set_prefix(name);
        if let Ok(mut current) = self.current.write() {
            *current = Some(bar);
        }
    }

    fn advance(&self, n: u64) {
        // Called from every thread of the long stages: no lock when
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
        self.end_timing();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    #[cfg(target_os = "linux")]
    fn processor_time_is_read_and_grows_with_work() {
        let before = processor_seconds().expect("/proc/self/stat has utime and stime");
        // Work until the count moves, however busy the machine is, up to a
        // minute: only a count that never moves fails.
        let began = Instant::now();
        let mut x = 0u64;
        let mut after = before;
        while after < before + 0.05 && began.elapsed().as_secs() < 60 {
            for _ in 0..1_000_000 {
                x = std::hint::black_box(x.wrapping_mul(31).wrapping_add(7));
            }
            after = processor_seconds().expect("/proc/self/stat has utime and stime");
        }
        assert!(after >= before + 0.05, "{before} s, then {after} s");
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn resident_memory_is_read_and_the_peak_is_never_below_now() {
        let m = resident_memory().expect("/proc/self/status has VmRSS, RssAnon and VmHWM");
        assert!(
            m.now > 0 && m.peak >= m.now && m.anonymous <= m.now,
            "rss {} MiB, anon {} MiB, peak {} MiB",
            m.now,
            m.anonymous,
            m.peak
        );
    }
}
