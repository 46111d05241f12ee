//! `cargo bench --bench check`: the cost of `scope-lint check` on a large tree against a baseline measured in
//! the same run, reading and parsing every file once with pulldown-cmark on one thread.
//!
//! The tree is `$SCOPE_LINT_BENCH_DIR`, or `target/bench-tree` (generated with `bench/make-tree.py` when
//! missing). `$SCOPE_LINT_BENCH_RUNS` (default 5) sets how many runs each measurement takes the best of
//! (the measurements take turns).
//! See `bench/README.md`.

use std::hint::black_box;
use std::panic::{self, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use pulldown_cmark::{Options, Parser};
use scope_lint::Linter;
use scope_lint::doc::source::SourceText;
use scope_lint::doc::{Dialect, Page};
use scope_lint::walk;

fn main() {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let dir = match std::env::var_os("SCOPE_LINT_BENCH_DIR") {
        Some(dir) => PathBuf::from(dir),
        None => default_tree(&manifest),
    };
    let runs: usize = std::env::var("SCOPE_LINT_BENCH_RUNS")
        .ok()
        .and_then(|runs| runs.parse().ok())
        .unwrap_or(5)
        .max(1);
    let threads = rayon::current_num_threads();

    let started = Instant::now();
    let linter = linter(&dir);
    let linter_setup = started.elapsed();
    // Every file is measured: a crash (or an error) anywhere in the tree fails the benchmark.
    fail_on_crashes(&dir, &linter);
    let files = markdown_files(&dir);
    let bytes: u64 = files
        .iter()
        .map(|file| std::fs::metadata(file).map_or(0, |metadata| metadata.len()))
        .sum();
    let mb = bytes as f64 / 1e6;
    println!(
        "tree: {} ({} files, {:.1} MB); {} rayon threads; best of {runs}",
        dir.display(),
        files.len(),
        mb,
        threads
    );

    // The measurements take turns, run after run, so that a change in the machine's load between them
    // does not skew the ratios; each keeps its best time.
    let single_pool = rayon::ThreadPoolBuilder::new()
        .num_threads(1)
        .build()
        .expect("a one-thread pool");
    let mut best = [Duration::MAX; 4];
    let mut events = 0;
    let mut findings = (0, 0);
    for _ in 0..runs {
        events = timed(&mut best[0], || parse_baseline(&dir));
        findings = timed(&mut best[1], || check(&dir, &linter));
        let single_findings = timed(&mut best[2], || {
            single_pool.install(|| check(&dir, &linter))
        });
        assert_eq!(
            findings, single_findings,
            "the same findings on 1 and {threads} threads"
        );
        timed(&mut best[3], || parse_pages(&files));
    }
    let [baseline, parallel, single, page_parse] = best;

    println!("findings: {} in {} files", findings.0, findings.1);
    println!("pulldown-cmark events (baseline): {events}");
    println!();
    row(
        "(a) baseline: walk + read + pulldown-cmark, 1 thread",
        baseline,
        baseline,
        mb,
    );
    row(
        &format!("(b) check_paths, rayon ({threads} threads)"),
        parallel,
        baseline,
        mb,
    );
    row("(c) check_paths, 1 thread", single, baseline, mb);
    row(
        "(d) of which: read + Page::parse only, 1 thread",
        page_parse,
        baseline,
        mb,
    );
    println!(
        "    linter setup (preset load + matcher build, once): {:.1} ms",
        ms(linter_setup)
    );
    println!();
    println!(
        "ratios: (b)/(a) = {:.2}   (c)/(a) = {:.2}   (d)/(a) = {:.2}   parallel speed-up (c)/(b) = {:.2}",
        ratio(parallel, baseline),
        ratio(single, baseline),
        ratio(page_parse, baseline),
        ratio(single, parallel)
    );
    println!(
        "target (b)/(a) <= 1.00: {}",
        if parallel <= baseline {
            "met"
        } else {
            "NOT met"
        }
    );
}

fn linter(dir: &Path) -> Linter {
    Linter::new(
        scope_lint::policy::load_preset("cloudflare", dir, None, scope_lint::rules::CATALOG)
            .expect("the cloudflare preset loads"),
    )
}

/// `target/bench-tree`, generated with `bench/make-tree.py` (2,500 pages, ~17 MB) the first time.
fn default_tree(manifest: &Path) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target"));
    let tree = target.join("bench-tree");
    if !tree.join("src").is_dir() {
        eprintln!("generating {} with bench/make-tree.py", tree.display());
        let status = Command::new("python3")
            .arg(manifest.join("bench/make-tree.py"))
            .arg(&tree)
            .status()
            .expect("python3 runs bench/make-tree.py");
        assert!(status.success(), "bench/make-tree.py failed");
    }
    tree
}

/// Checks the whole tree once; panics (failing the benchmark) naming every file scope-lint crashes on. No
/// file is dropped from the measurement. Other errors (an include cycle in the tree) are shown.
fn fail_on_crashes(dir: &Path, linter: &Linter) {
    let run = panic::catch_unwind(AssertUnwindSafe(|| {
        walk::check_paths(&[dir.to_path_buf()], linter)
    }));
    let Ok(run) = run else {
        panic!("scope-lint panicked while checking {}", dir.display());
    };
    let crashes: Vec<String> = run
        .errors
        .iter()
        .filter(|error| matches!(error, scope_lint::error::Error::Panicked { .. }))
        .map(ToString::to_string)
        .collect();
    assert!(
        crashes.is_empty(),
        "the benchmark tree must check without a crash; fix these first:\n{}",
        crashes.join("\n")
    );
    for error in &run.errors {
        eprintln!("note: {error}");
    }
}

/// Every `.md`, `.mdx` and `.markdown` file below `dir` (skipping hidden entries, as the walk does), sorted.
fn markdown_files(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("read a directory") {
            let path = entry.expect("a directory entry").path();
            let name = path
                .file_name()
                .and_then(|name| name.to_str())
                .unwrap_or("");
            if name.starts_with('.') {
                continue;
            }
            if path.is_dir() {
                stack.push(path);
            } else if walk::EXTENSIONS.iter().any(|extension| {
                path.extension()
                    .and_then(|found| found.to_str())
                    .is_some_and(|found| found.eq_ignore_ascii_case(extension))
            }) {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// (a): find, read and parse every file once with pulldown-cmark (mdBook's options), consuming all events.
fn parse_baseline(dir: &Path) -> usize {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_GFM;
    let mut events = 0;
    for file in markdown_files(dir) {
        let text = std::fs::read_to_string(&file).expect("read a file");
        for event in Parser::new_ext(&text, options) {
            black_box(&event);
            events += 1;
        }
    }
    events
}

/// (b), (c): the library's whole check (walk, read, parse, includes, rules); returns (findings, files).
fn check(dir: &Path, linter: &Linter) -> (usize, usize) {
    let run = walk::check_paths(&[dir.to_path_buf()], linter);
    let findings = run.reports.iter().map(|report| report.findings.len()).sum();
    (findings, run.files)
}

/// (d): reading and building scope-lint's page model only (MDX pre-pass + pulldown-cmark), no rules.
fn parse_pages(files: &[PathBuf]) -> usize {
    let mut units = 0;
    for file in files {
        let text = std::fs::read_to_string(file).expect("read a file");
        let page = Page::parse(SourceText::new(file, text), Dialect::from_path(file));
        units += page.units.len();
    }
    units
}

/// Runs `job` once, keeping the shorter of its time and `best`.
fn timed<T>(best: &mut Duration, job: impl FnOnce() -> T) -> T {
    let started = Instant::now();
    let output = black_box(job());
    *best = (*best).min(started.elapsed());
    output
}

fn row(label: &str, time: Duration, baseline: Duration, mb: f64) {
    println!(
        "{label:<52} {:>8.1} ms  {:>6.1} MB/s  {:>5.2}x baseline",
        ms(time),
        mb / time.as_secs_f64(),
        ratio(time, baseline)
    );
}

fn ms(time: Duration) -> f64 {
    time.as_secs_f64() * 1e3
}

fn ratio(time: Duration, baseline: Duration) -> f64 {
    time.as_secs_f64() / baseline.as_secs_f64()
}
