//! Include expansion is linear: each included file is read once and its facts gathered once, and what a
//! file brings to the page that includes it is never larger than what the files below it hold, however
//! often each is included. (Before, eight files that each include the next ten times gave the first page
//! 10^7 listings: this test would not finish.)

use std::path::{Path, PathBuf};

use scope_lint::Linter;
use scope_lint::facts::Gatherer;
use scope_lint::lint::PageInput;
use scope_lint::policy::load_preset;
use scope_lint::rules::CATALOG;
use scope_lint::source::memory::MemorySources;

const LEVELS: usize = 8;

/// `p0.md` .. `p7.md`, each including the next ten times (with CJK prose); the last lists a group.
fn chain() -> MemorySources {
    let mut files = Vec::new();
    for level in 0..LEVELS {
        let mut text = format!("# レベル {level} 🚀\n\n");
        if level + 1 < LEVELS {
            for _ in 0..10 {
                text.push_str(&format!("{{{{#include p{}.md}}}}\n\n", level + 1));
            }
        } else {
            text.push_str("| Permission | 説明 |\n| --- | --- |\n| AI Gateway Read | 読み取り |\n");
        }
        files.push((PathBuf::from(format!("/docs/p{level}.md")), text));
    }
    MemorySources::new(files)
}

/// `scope-lint check --format concise TARGET` run in `dir`, without colour.
fn check_concise(dir: &Path, target: &str) -> std::process::Output {
    std::process::Command::new(env!("CARGO_BIN_EXE_scope-lint"))
        .args(["check", "--format", "concise", target])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn linter() -> Linter {
    Linter::new(load_preset("cloudflare", Path::new("/"), None, CATALOG).unwrap())
}

#[test]
fn each_included_file_is_read_once_and_listed_once_per_include() {
    for shared in [true, false] {
        let sources = if shared {
            chain()
        } else {
            chain().without_memo()
        };
        let linter = linter();
        let path = Path::new("/docs/p0.md");
        let page = linter.parse(path.into(), path, sources.files()[path].clone());
        let gatherer = Gatherer {
            table: &linter.settings.table,
            policy: linter.policy(),
            matcher: linter.matcher(),
            sources: &sources,
            every_unit: false,
        };
        let facts = gatherer.facts(&page, Some(path), &[]);
        // p1 .. p7, once each.
        assert_eq!(sources.loads(), LEVELS - 1, "memo shared: {shared}");
        // One listing for each of the page's ten includes, each the leaf's table.
        assert_eq!(facts.listings.len(), 10, "memo shared: {shared}");
        for listing in &facts.listings {
            let via = listing.via.as_ref().unwrap();
            assert_eq!(via.path, Path::new("/docs/p7.md"));
            assert_eq!(listing.groups.len(), 1);
        }
    }
}

#[test]
fn the_page_gets_one_finding_for_its_section() {
    let sources = chain();
    let linter = linter();
    let path = Path::new("/docs/p0.md");
    let report = linter.check(
        PageInput {
            display: path.into(),
            location: Some(path),
            relative: path,
            text: sources.files()[path].clone(),
            included: false,
        },
        &sources,
    );
    let findings: Vec<(&str, usize)> = report
        .findings
        .iter()
        .map(|finding| {
            (
                finding.code,
                report.source.position(finding.span.start).line,
            )
        })
        .collect();
    assert_eq!(findings, vec![("SL001", 3)]);
    assert_eq!(sources.loads(), LEVELS - 1);
}

/// An include that climbs two directories above the working directory (`../../shared/x.md` from a page
/// named `p.md`) reaches that file. Before, resolving `..` lexically dropped the second `..`, so the
/// include looked for `shared/x.md` below the working directory, found nothing, and the page's section
/// silently lost the group the partial lists.
#[test]
fn an_include_above_the_working_directory_is_followed() {
    let dir = tempfile::tempdir().unwrap();
    let work = dir.path().join("book/src");
    std::fs::create_dir_all(&work).unwrap();
    std::fs::create_dir_all(dir.path().join("shared")).unwrap();
    std::fs::write(
        dir.path().join("shared/x.md"),
        "| Permission | 説明 |\n| --- | --- |\n| AI Gateway Read | 読み取り 🚀 |\n",
    )
    .unwrap();
    std::fs::write(
        work.join("p.md"),
        "# ページ\n\n## Permissions\n\n{{#include ../../shared/x.md}}\n",
    )
    .unwrap();
    let output = check_concise(&work, "p.md");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "p.md:5:1: SL001 section \"Permissions\" lists AI Gateway permission groups (AI Gateway Read) (through \
         ../../shared/x.md) but has no call-out that they are account-scoped only\nfound 1 error and 0 warnings in 1 file\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

/// On disk, an included file stays parsed only while a page that renders it (directly or through another
/// file) is still to be checked: `a.md` and `b.md` render `p.md` (`b.md` through `q.md`), `c.md` renders
/// nothing.
#[test]
fn a_partial_is_kept_only_while_a_page_that_renders_it_is_still_to_be_checked() {
    use scope_lint::source::fs::FsSources;
    use scope_lint::source::include_graph::{CheckedPage, IncludeGraph, PageIncludes};
    use scope_lint::source::{Sources, file_key};

    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("a.md", "# ア 🚀\n\n{{#include p.md}}\n"),
        ("b.md", "# ビ\n\n{{#include q.md}}\n"),
        ("c.md", "# シ\n"),
        ("q.md", "{{#include p.md}}\n"),
        (
            "p.md",
            "| Permission | 説明 |\n| --- | --- |\n| AI Gateway Read | 読み取り |\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.path().join(name), text).unwrap();
    }
    let linter = Linter::new(load_preset("cloudflare", dir.path(), None, CATALOG).unwrap());
    let policy = linter.policy();
    let sources = FsSources::new(policy);
    let pages: Vec<PathBuf> = ["a.md", "b.md", "c.md"]
        .iter()
        .map(|name| dir.path().join(name))
        .collect();
    let includes: Vec<PageIncludes> = pages
        .iter()
        .map(|page| {
            let text = sources.page(page).unwrap();
            PageIncludes::of(&text, None, page, page, policy, &sources)
        })
        .collect();
    let keys: Vec<PathBuf> = pages.iter().map(|page| file_key(page)).collect();
    let checked: Vec<CheckedPage<'_>> = pages
        .iter()
        .zip(&keys)
        .zip(&includes)
        .map(|((location, key), includes)| CheckedPage {
            location,
            key,
            includes,
        })
        .collect();
    let graph = IncludeGraph::build(&checked, policy, &sources);
    assert_eq!(sources.kept(), 0, "reading the includes parses nothing");
    sources.set_graph(graph, pages.iter().map(PathBuf::as_path));
    let partial = dir.path().join("p.md");
    let dialect = policy.dialect_for(&partial);
    let parsed = sources.load(&partial, dialect).unwrap();
    assert_eq!(parsed.tables.len(), 1);
    assert_eq!(sources.kept(), 1);
    sources.done(&pages[2]);
    sources.done(&pages[0]);
    assert_eq!(sources.kept(), 1, "b.md still renders p.md (through q.md)");
    sources.done(&pages[1]);
    assert_eq!(sources.kept(), 0, "no page left renders p.md");
    assert!(sources.load(&partial, dialect).is_some());
    assert_eq!(sources.kept(), 0, "read again, not kept");
}

/// A `<Render>` partial is looked for below the root and then below each ancestor of its page, nearest
/// first. Places whose first directory is missing or is a file are passed over without reading them, and
/// the partial is found where it is: here two levels up, past a directory with a file named `src`.
#[test]
fn a_render_partial_is_found_in_the_nearest_ancestor_that_holds_it() {
    let dir = tempfile::tempdir().unwrap();
    let page_dir = dir.path().join("site/src/content/docs/ai-gateway/日本");
    let partials = dir.path().join("site/src/content/partials/ai-gateway");
    std::fs::create_dir_all(&page_dir).unwrap();
    std::fs::create_dir_all(&partials).unwrap();
    std::fs::write(page_dir.join("src"), "not a directory 🚀\n").unwrap();
    std::fs::write(
        partials.join("perms.mdx"),
        "| Permission | 説明 |\n| --- | --- |\n| AI Gateway Read | 読み取り |\n",
    )
    .unwrap();
    std::fs::write(
        page_dir.join("page.mdx"),
        "---\ntitle: ページ\n---\n\nimport { Render } from \"~/components\";\n\n## Permissions\n\n<Render file=\"perms\" product=\"ai-gateway\" />\n",
    )
    .unwrap();
    let output = check_concise(dir.path(), "site");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "site/src/content/docs/ai-gateway/日本/page.mdx:9:1: SL001 section \"Permissions\" lists AI Gateway \
         permission groups (AI Gateway Read) (through site/src/content/partials/ai-gateway/perms.mdx) but has \
         no call-out that they are account-scoped only\nfound 1 error and 0 warnings in 2 files\n"
    );
    assert_eq!(output.status.code(), Some(1));
}

/// A page the screen cannot rule out is scanned once for the prefilter's exact readings and its includes
/// are listed from that scan; with a byte-order mark the includes are listed from the unmarked text. Either
/// way the include's position is the page's own (after the mark, on its line and column).
#[test]
fn includes_listed_from_the_prefilter_s_scan_keep_their_positions_with_or_without_a_byte_order_mark()
 {
    for mark in ["", "\u{feff}"] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), "# a\n\n{{#include b.md}}\n").unwrap();
        std::fs::write(
            dir.path().join("b.md"),
            format!(
                "{mark}# 日本 AI\n\n<span>AI</span> Gateway Read 🚀\n\nsee {{{{#include a.md}}}}\n"
            ),
        )
        .unwrap();
        let output = check_concise(dir.path(), ".");
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            "error: ./b.md:5:5: include cycle: ./a.md -> ./b.md -> ./a.md; this include of ./a.md is not followed\n",
            "mark {mark:?}"
        );
        assert_eq!(output.status.code(), Some(2));
    }
}

/// `page.md` includes `p0.md`, which includes `p1.md`, ... to `p{depth - 1}.md`, which lists a group; each
/// file has CJK, RTL and emoji text, and the includes sit after multi-byte text on their line.
fn write_chain(dir: &Path, depth: usize) {
    for level in 0..depth {
        let body = if level + 1 < depth {
            format!(
                "レベル {level} مرحبا 🚀 {{{{#include p{}.md}}}}\n",
                level + 1
            )
        } else {
            "- AI Gateway Read\n- AI Gateway Run\n".to_owned()
        };
        std::fs::write(dir.join(format!("p{level}.md")), body).unwrap();
    }
    std::fs::write(
        dir.join("page.md"),
        "# ページ\n\n## Permissions 권한\n\n🚀 {{#include p0.md}}\n",
    )
    .unwrap();
}

/// Includes are read eight deep: a listing eight includes below the page is reported on it; one nine
/// below is not read, and the run says so (exit 2), naming the chain from the page's first include, instead
/// of passing the page without a word.
#[test]
fn includes_nested_past_the_depth_limit_are_an_error_naming_the_chain() {
    let dir = tempfile::tempdir().unwrap();
    write_chain(dir.path(), 8);
    let output = check_concise(dir.path(), "page.md");
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "page.md:5:3: SL001 section \"Permissions 권한\" lists AI Gateway permission groups (AI Gateway \
         Read, AI Gateway Run) (through p7.md) but has no call-out that they are account-scoped only\n\
         found 1 error and 0 warnings in 1 file\n"
    );
    assert_eq!(String::from_utf8_lossy(&output.stderr), "");
    assert_eq!(output.status.code(), Some(1));

    // Deeper chains are named to the first file not read, a longer one with the rest counted.
    for (depth, target, expected) in [
        (
            9,
            ".",
            "error: ./page.md:5:3: includes nest more than 8 deep: ./page.md -> ./p0.md -> ./p1.md -> \
             ./p2.md -> ./p3.md -> ./p4.md -> ./p5.md -> ./p6.md -> ./p7.md -> ./p8.md; what ./p7.md \
             includes is not read\n",
        ),
        (
            12,
            "page.md",
            "error: page.md:5:3: includes nest more than 8 deep: page.md -> p0.md -> p1.md -> p2.md -> \
             p3.md -> p4.md -> p5.md -> p6.md -> p7.md -> p8.md -> ... (3 more); what p7.md includes is \
             not read\n",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        write_chain(dir.path(), depth);
        let output = check_concise(dir.path(), target);
        assert_eq!(
            String::from_utf8_lossy(&output.stderr),
            expected,
            "depth {depth}"
        );
        assert_eq!(output.status.code(), Some(2), "depth {depth}");
    }
}

/// An included file that is there but cannot be read (a directory, a file over the size limit, one with a
/// NUL byte) is an error at the include that names it, with the page's line and column; a `<Render>`
/// partial that is a directory is the error of the page that renders it, and no other place is searched.
#[test]
fn an_unreadable_include_is_an_error_at_the_include() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(root.join("sub/inner.txt"), "x").unwrap();
    std::fs::write(root.join("nul.md"), "a\0b 🚀").unwrap();
    std::fs::write(
        root.join("page.md"),
        "# ページ\n\n{{#include nul.md}}\n\nمرحبا 👨‍👩‍👧 {{#include sub}}\n",
    )
    .unwrap();
    let docs = root.join("src/content/docs/ai-gateway");
    std::fs::create_dir_all(&docs).unwrap();
    std::fs::create_dir_all(root.join("src/content/partials/ai-gateway/perms.mdx")).unwrap();
    std::fs::write(
        docs.join("page.mdx"),
        "---\ntitle: T\n---\n\n## 권한\n\n<Render file=\"perms\" />\n",
    )
    .unwrap();
    let output = check_concise(root, "page.md");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: page.md:3:1: the included file nul.md: binary file (NUL byte on line 1), not checked\n\
         error: page.md:5:13: the included file sub: not a regular file (a directory), not read\n"
    );
    assert_eq!(output.status.code(), Some(2));
    let output = check_concise(root, "src/content/docs");
    assert_eq!(
        String::from_utf8_lossy(&output.stderr),
        "error: src/content/docs/ai-gateway/page.mdx:7:1: the included file \
         src/content/partials/ai-gateway/perms.mdx: not a regular file (a directory), not read\n"
    );
    assert_eq!(output.status.code(), Some(2));
}

/// A partial rendered by a permissions reference page (which reads names in every unit of its text) and by
/// another page (which reads only listings) is read as each of them reads it, whichever is checked first.
/// Before, the run's memo held one reading of the partial: when the other page was checked first, the
/// reference page lost the group its partial names, and SL008 reported it in about one run in seven.
#[test]
fn a_partial_is_read_as_each_page_that_renders_it_reads_whichever_comes_first() {
    let root = Path::new("/site");
    let files = [
        (
            "src/content/partials/fundamentals/x.mdx",
            "AI Gateway Read — 読み取り 🚀 مرحبا\n",
        ),
        (
            "src/content/docs/fundamentals/api/reference/permissions.mdx",
            "## Account permissions\n\n<Render file=\"x\" product=\"fundamentals\" />\n",
        ),
        (
            "src/content/docs/vectorize/x.mdx",
            "# ベクトル\n\n<Render file=\"x\" product=\"fundamentals\" />\n",
        ),
    ];
    for order in [[1, 2], [2, 1]] {
        let sources = MemorySources::new(
            files
                .iter()
                .map(|(path, text)| (root.join(path), (*text).to_owned())),
        );
        let linter = Linter::new(load_preset("cloudflare", root, None, CATALOG).unwrap());
        let mut reports: Vec<_> = order
            .iter()
            .map(|&index| {
                let (relative, text) = files[index];
                let path = root.join(relative);
                linter.check(
                    PageInput {
                        display: path.clone(),
                        location: Some(&path),
                        relative: Path::new(relative),
                        text: text.to_owned(),
                        included: false,
                    },
                    &sources,
                )
            })
            .collect();
        linter.check_site(&mut reports);
        let undocumented: Vec<&str> = reports
            .iter()
            .flat_map(|report| &report.findings)
            .filter(|finding| {
                finding.code == "SL008" && finding.message.contains("AI Gateway Read")
            })
            .map(|finding| finding.message.as_str())
            .collect();
        assert_eq!(
            undocumented,
            Vec::<&str>::new(),
            "pages checked in order {order:?}"
        );
        let documented_elsewhere = reports
            .iter()
            .flat_map(|report| &report.findings)
            .any(|finding| finding.code == "SL008");
        assert!(
            documented_elsewhere,
            "SL008 runs: the table's other groups are on no page"
        );
    }
}
