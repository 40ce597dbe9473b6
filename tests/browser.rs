//! The HTML report in a real browser: headless Chromium opens the file the
//! binary wrote, runs its script, and dumps the resulting DOM and a
//! screenshot. A hostile article (script tags, event handlers, a closing
//! style tag, even in its file name) must render as text.
//!
//! Skipped, and passing, when no Chromium binary is installed (`.ci/run`
//! installs one).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use assert_cmd::Command as CargoCommand;

const CHROMIUM_TIMEOUT: Duration = Duration::from_secs(60);

/// The hostile markup, inside an article's text.
const HOSTILE_MARKUP: &str =
    "<script>document.title='PWNED';document.body.dataset.pwned='1'</script> \
<img src=x onerror=\"document.body.dataset.pwned='1'\"> </style><b id=\"injected\">x</b>";

/// A file name that is itself markup (legal on Linux: no slash in it).
const HOSTILE_NAME: &str = "hostile<img src=x onerror=\"document.body.dataset.pwned='1'\">.txt";

fn find_chromium() -> Option<PathBuf> {
    let fixed = Path::new("/usr/bin/chromium");
    if fixed.is_file() {
        return Some(fixed.to_path_buf());
    }
    let path = std::env::var_os("PATH")?;
    for name in ["chromium", "chromium-browser", "google-chrome"] {
        for dir in std::env::split_paths(&path) {
            let candidate = dir.join(name);
            if candidate.is_file() {
                return Some(candidate);
            }
        }
    }
    None
}

/// Runs `cmd`, killing it after `timeout`; returns its output.
fn run_with_timeout(mut cmd: Command, timeout: Duration) -> Output {
    let mut child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("chromium starts");
    // Drain both pipes on threads so a chatty browser cannot block on a
    // full pipe while we wait.
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stdout.read_to_end(&mut buf);
        buf
    });
    let err = std::thread::spawn(move || {
        let mut buf = Vec::new();
        let _ = stderr.read_to_end(&mut buf);
        buf
    });
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().expect("waiting for chromium") {
            break status;
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish within {timeout:?}");
        }
        std::thread::sleep(Duration::from_millis(50));
    };
    Output {
        status,
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    }
}

fn chromium(binary: &Path, profile: &Path, extra: &[String], page: &Path) -> Output {
    let mut cmd = Command::new(binary);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
        "--virtual-time-budget=3000",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(extra)
    .arg(format!("file://{}", page.display()));
    run_with_timeout(cmd, CHROMIUM_TIMEOUT)
}

/// The bundled corpus plus a hostile article that repeats a sentence of
/// `corpus/000`, so that it joins a family and shows up in every section.
fn hostile_corpus(dir: &Path) {
    let corpus = Path::new(env!("CARGO_MANIFEST_DIR")).join("corpus");
    let mut first = None;
    let mut names: Vec<PathBuf> = std::fs::read_dir(&corpus)
        .expect("corpus folder")
        .map(|e| e.expect("corpus entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    names.sort();
    for path in &names {
        let text = std::fs::read_to_string(path).expect("corpus article");
        if first.is_none() {
            first = Some(text.clone());
        }
        std::fs::write(dir.join(path.file_name().expect("file name")), text).expect("copy");
    }
    let first = first.expect("the corpus has articles");
    let shared = first
        .lines()
        .find(|l| l.starts_with("At least 600 North Korean troops"))
        .expect("corpus/000 has its lead sentence");
    let text = format!(
        "Hostile headline {HOSTILE_MARKUP}\n\n\
         {shared}\n\n\
         {HOSTILE_MARKUP} The rest of this article is nothing but markup that must stay text.\n"
    );
    std::fs::write(dir.join(HOSTILE_NAME), text).expect("hostile article");
}

#[test]
fn html_report_renders_safely_in_chromium() {
    let Some(binary) = find_chromium() else {
        println!("skipping browser test: no chromium binary found");
        return;
    };
    let tmp = tempfile::tempdir().expect("temp dir");
    let corpus = tmp.path().join("corpus");
    std::fs::create_dir(&corpus).expect("corpus dir");
    hostile_corpus(&corpus);
    let report = tmp.path().join("report.html");

    let output = CargoCommand::cargo_bin("wiretrace")
        .expect("the wiretrace binary is built for integration tests")
        .arg("scan")
        .arg(&corpus)
        .arg("--html")
        .arg(&report)
        .arg("--quiet")
        .output()
        .expect("wiretrace runs");
    assert!(
        output.status.success(),
        "scan failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    let html = std::fs::read_to_string(&report).expect("the report was written");
    for external in ["<link", "<script src", "<iframe", "@import", "url("] {
        assert!(
            !html.contains(external),
            "the report loads nothing from elsewhere, yet has {external}"
        );
    }

    // First run: the DOM after the page's script ran.
    let dom_out = chromium(
        &binary,
        &tmp.path().join("profile-dom"),
        &["--dump-dom".to_owned()],
        &report,
    );
    let dom = String::from_utf8_lossy(&dom_out.stdout).into_owned();
    assert!(
        dom_out.status.success() && dom.contains("</html>"),
        "chromium dumped no DOM ({}): {}",
        dom_out.status,
        String::from_utf8_lossy(&dom_out.stderr)
    );
    for id in ["overview", "families", "articles", "filter"] {
        assert!(
            dom.contains(&format!("id=\"{id}\"")),
            "the DOM has no id=\"{id}\""
        );
    }
    assert!(dom.contains("data-ready=\"1\""), "the page's script ran");
    assert!(!dom.contains("data-pwned"), "hostile script or handler ran");
    // As text, the markup keeps its quotes ("&lt;b id="injected"&gt;"); as
    // an element it would start with a real "<".
    assert!(
        !dom.contains("<b id=\"injected\""),
        "hostile markup became an element"
    );
    assert!(
        !dom.contains("<title>PWNED"),
        "hostile script retitled the page"
    );
    assert!(
        dom.contains("&lt;script&gt;document.title='PWNED'"),
        "the hostile markup shows as text"
    );
    assert!(
        dom.contains("&lt;/style&gt;&lt;b id=\"injected\"&gt;"),
        "the closing style tag shows as text"
    );
    assert!(
        dom.contains("hostile&lt;img src=x"),
        "the hostile file name shows as text"
    );
    // The hostile article repeats a corpus sentence: it is in a family.
    let families = dom
        .split("id=\"families\"")
        .nth(1)
        .and_then(|rest| rest.split("id=\"articles\"").next())
        .expect("the families section");
    assert!(
        families.contains("At least 600 North Korean troops")
            && families.contains("hostile&lt;img"),
        "the hostile copy is in a family"
    );

    // Second run: a screenshot, to see the page is drawn.
    let png = tmp.path().join("report.png");
    let shot = chromium(
        &binary,
        &tmp.path().join("profile-shot"),
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".to_owned(),
        ],
        &report,
    );
    let size = std::fs::metadata(&png).map(|m| m.len()).unwrap_or(0);
    assert!(
        size > 10 * 1024,
        "screenshot is {size} bytes ({}): {}",
        shot.status,
        String::from_utf8_lossy(&shot.stderr)
    );
}
