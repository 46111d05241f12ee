//! CLI cases: each `tests/cmd/<name>.toml` runs `scope-lint` (in a sandbox copy of `<name>.in/` when there is
//! one) and compares stdout, stderr, the exit code and, with `<name>.out/`, the files afterwards.
//! Bless changed output with `TRYCMD=overwrite cargo test --test cli`.

#[test]
fn cli() {
    trycmd::TestCases::new()
        .env("NO_COLOR", "1")
        .case("tests/cmd/*.toml");
}
