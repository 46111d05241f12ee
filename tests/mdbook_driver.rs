//! The real mdBook pipeline in-process (mdbook-driver): `[preprocessor.scope-lint]` in a fixture book's
//! book.toml is replaced by the library's `ScopeLint` preprocessor, ordered by the table's `before`.

use std::path::Path;

use mdbook_driver::MDBook;
use mdbook_driver::builtin_renderers::MarkdownRenderer;
use mdbook_preprocessor::book::BookItem;
use scope_lint::mdbook::ScopeLint;

fn book(name: &str) -> MDBook {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/books")
        .join(name);
    let mut book = MDBook::load(root).expect("the fixture book loads");
    book.with_preprocessor(ScopeLint::default());
    book
}

fn chapter_content(items: &[BookItem], name: &str) -> Option<String> {
    items.iter().find_map(|item| match item {
        BookItem::Chapter(chapter) if chapter.name == name => Some(chapter.content.clone()),
        BookItem::Chapter(chapter) => chapter_content(&chapter.sub_items, name),
        _ => None,
    })
}

#[test]
fn check_mode_fails_the_build_with_the_finding() {
    let error = book("check")
        .preprocess_book(&MarkdownRenderer::new())
        .expect_err("the check fails");
    let message = format!("{error:#}");
    assert!(
        message.contains("the book has 1 finding at the failing level (fail-on = \"error\")"),
        "{message}"
    );
}

#[test]
fn inject_mode_inserts_the_callout_after_the_include_is_resolved_by_scope_lint() {
    let (book, _) = book("inject")
        .preprocess_book(&MarkdownRenderer::new())
        .expect("the build succeeds");
    let content = chapter_content(&book.items, "Permissions").expect("the chapter is there");
    let note = content.find("> [!NOTE]").expect("the call-out is injected");
    let table = content.find("| AI Gateway Run").unwrap();
    let zone = content.find("## Zone permissions").unwrap();
    assert!(
        table < note && note < zone,
        "in the Account section, after its listing:\n{content}"
    );
    assert!(
        content.contains("- AI Gateway Edit"),
        "the links preprocessor still expands the include after us"
    );
    assert_eq!(content.matches("> [!NOTE]").count(), 1);
}
