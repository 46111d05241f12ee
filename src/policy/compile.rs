//! Compiling a policy file (merged over its preset) into a [`Policy`]: globs, regexes, severities, call-out
//! policies; every problem is reported with its file and line.

use super::*;

/// A policy file and the preset file it is merged over.
pub(super) struct Layers {
    /// The policy file.
    pub(super) file: PolicyFile,
    /// Whether `file` is a preset's own: its patterns are known to compile.
    pub(super) file_is_preset: bool,
    /// The preset `file` extends (empty when none).
    pub(super) base: PolicyFile,
}

/// Merges the policy file of `layers` over its base (the extended preset) and resolves names against
/// `table`.
pub(super) fn compile(
    layers: Layers,
    mut problems: TomlProblems<'_>,
    root: &Path,
    table: &CapabilityTable,
    conventions: &'static Conventions,
    rules: &'static [RuleMeta],
) -> Result<Policy> {
    let Layers {
        file,
        file_is_preset,
        base,
    } = layers;
    let origin = problems.source().path().display().to_string();
    let exclude = globs(
        file.exclude.or(base.exclude).unwrap_or_default(),
        &mut problems,
    );
    let dialects = file
        .dialects
        .or(base.dialects)
        .unwrap_or_default()
        .into_iter()
        .filter_map(|(pattern, dialect)| {
            compile_glob(&pattern, Some(dialect.span()), &mut problems)
                .map(|glob| (glob, dialect.into_inner()))
        })
        .collect();
    let partials = partials(
        file.partials.or(base.partials).unwrap_or_default(),
        conventions,
        &mut problems,
    );
    let severities = severities(
        file.rules.or(base.rules).unwrap_or_default(),
        rules,
        &mut problems,
    );
    let render = render(
        file.render.or(base.render).unwrap_or_default(),
        &mut problems,
    );
    // The base is a preset (or empty): its patterns, and a preset's own, are known to compile.
    let (callouts, from_preset) = match file.callouts {
        Some(own) => (own, file_is_preset),
        None => (base.callouts.unwrap_or_default(), true),
    };
    let callouts = callouts
        .into_iter()
        .filter_map(|callout| compile_callout(callout, from_preset, table, &render, &mut problems))
        .collect();
    let max_file_size = max_file_size(file.max_file_size.or(base.max_file_size), &mut problems);
    // The preset's sections name the preset's resource types: with a table of one's own, those it lacks
    // are skipped rather than reported (a section of one's own `[reference]` must exist).
    let reference = match (file.reference, base.reference) {
        (Some(own), _) => reference(own, table, Some(&mut problems)),
        (None, inherited) => reference(inherited.unwrap_or_default(), table, None),
    };
    problems.finish(Policy {
        max_file_size,
        conventions,
        root: root.to_path_buf(),
        origin,
        exclude,
        command_line_exclude: GlobSet::empty(),
        dialects,
        partials,
        severities,
        render,
        callouts,
        reference,
    })
}

pub(super) fn max_file_size(value: Option<Spanned<i64>>, problems: &mut TomlProblems<'_>) -> u64 {
    let Some(value) = value else {
        return crate::read::DEFAULT_MAX_FILE_SIZE;
    };
    match u64::try_from(*value.get_ref()) {
        Ok(bytes) if bytes > 0 => bytes,
        _ => {
            problems.push(
                Some(value.span()),
                format!(
                    "`max-file-size` must be a positive number of bytes, not {}",
                    value.get_ref()
                ),
            );
            crate::read::DEFAULT_MAX_FILE_SIZE
        }
    }
}

pub(super) fn reference(
    file: ReferenceFile,
    table: &CapabilityTable,
    mut problems: Option<&mut TomlProblems<'_>>,
) -> ReferencePolicy {
    let mut sections = Vec::new();
    for (id, heading) in file.sections.unwrap_or_default() {
        match table.resource_types.iter().position(|kind| kind.id == id) {
            Some(kind) => sections.push((kind, heading.into_inner())),
            None => {
                let Some(problems) = problems.as_deref_mut() else {
                    continue;
                };
                problems.push(
                Some(heading.span()),
                format!(
                    "[reference] sections names resource type `{id}`, which the capability table ({}) does not define",
                    table.origin
                ),
            );
            }
        }
    }
    sections.sort_unstable();
    let pages = file.pages.unwrap_or_default();
    let pages = match problems {
        Some(problems) => globs(pages, problems),
        None => {
            let mut builder = GlobSetBuilder::new();
            for pattern in &pages {
                if let Ok(glob) = Glob::new(pattern.get_ref()) {
                    builder.add(glob);
                }
            }
            builder.build().unwrap_or_else(|_| GlobSet::empty())
        }
    };
    ReferencePolicy { pages, sections }
}

pub(super) fn partials(
    file: PartialsFile,
    conventions: &Conventions,
    problems: &mut TomlProblems<'_>,
) -> PartialsPolicy {
    PartialsPolicy {
        pattern: file
            .pattern
            .unwrap_or_else(|| conventions.partials_pattern.to_owned()),
        files: globs(file.files.unwrap_or_default(), problems),
        placement: file.placement.unwrap_or_default(),
    }
}

pub(super) fn render(file: RenderFile, problems: &mut TomlProblems<'_>) -> RenderPolicy {
    RenderPolicy {
        mdx: file
            .mdx
            .map_or(CalloutForm::Directive, |form| mdx_form(form, problems)),
        markdown: file
            .markdown
            .map_or(CalloutForm::GfmAlert, |form| markdown_form(form, problems)),
        paths: file
            .paths
            .into_iter()
            .filter_map(|path| {
                compile_glob(path.glob.get_ref(), Some(path.glob.span()), problems)
                    .map(|glob| (glob, path.form))
            })
            .collect(),
    }
}

/// The `[render] mdx` form, or the default with a problem when it is one an MDX page cannot hold: a Hugo
/// shortcode's `{{<` opens an MDX expression, and the page would no longer compile.
fn mdx_form(form: Spanned<CalloutForm>, problems: &mut TomlProblems<'_>) -> CalloutForm {
    if *form.get_ref() == CalloutForm::Shortcode {
        problems.push(
            Some(form.span()),
            "`shortcode` is a form for Hugo's Markdown pages: in an MDX page `{{<` opens an expression \
             and the page would no longer compile (use `directive`, `aside`, `gfm-alert` or `blockquote`)"
                .to_owned(),
        );
        return CalloutForm::Directive;
    }
    form.into_inner()
}

/// The `[render] markdown` form, or the default with a problem when it is one a Markdown page does not
/// read as a call-out: `<Aside>` is a JSX component and `:::note` an MDX directive, which mdBook and Hugo
/// render as raw HTML and plain text (pages that are MDX under a `.md` name are set with `[dialects]`).
fn markdown_form(form: Spanned<CalloutForm>, problems: &mut TomlProblems<'_>) -> CalloutForm {
    let name = match form.get_ref() {
        CalloutForm::Aside => "aside",
        CalloutForm::Directive => "directive",
        _ => return form.into_inner(),
    };
    problems.push(
        Some(form.span()),
        format!(
            "`{name}` is a form for MDX pages: a Markdown page renders it as raw text, not as a call-out \
             (use `gfm-alert`, `blockquote`, `admonish` or `shortcode`, or map the pages to MDX in \
             [dialects] when they are MDX)"
        ),
    );
    CalloutForm::GfmAlert
}

/// The severity of every rule in `known`: its default, unless `[rules]` (`levels`) sets it.
pub(super) fn severities(
    levels: BTreeMap<Spanned<String>, Spanned<String>>,
    known: &'static [RuleMeta],
    problems: &mut TomlProblems<'_>,
) -> BTreeMap<&'static str, Option<Severity>> {
    let mut severities: BTreeMap<&'static str, Option<Severity>> = known
        .iter()
        .map(|rule| (rule.code, Some(rule.severity)))
        .collect();
    for (code, level) in levels {
        let Some(rule) = catalog::find(known, code.get_ref()) else {
            let hint = catalog::closest(known, code.get_ref())
                .map(|known| format!("; did you mean `{known}`?"))
                .unwrap_or_default();
            problems.push(
                Some(code.span()),
                format!("unknown rule `{}` in [rules]{hint}", code.get_ref()),
            );
            continue;
        };
        let severity = match level.get_ref().as_str() {
            "error" => Some(Severity::Error),
            "warning" => Some(Severity::Warning),
            "off" => None,
            other => {
                problems.push(
                    Some(level.span()),
                    format!(
                        "unknown level `{other}` for {} (expected `error`, `warning` or `off`)",
                        rule.code
                    ),
                );
                continue;
            }
        };
        severities.insert(rule.code, severity);
    }
    severities
}

pub(super) fn compile_callout(
    file: CalloutFile,
    from_preset: bool,
    table: &CapabilityTable,
    render: &RenderPolicy,
    problems: &mut TomlProblems<'_>,
) -> Option<CalloutPolicy> {
    if let Some(kind) = &file.kind {
        check_kind(kind, file.product.get_ref(), render, problems);
    }
    let Some(product) = table.product_index(file.product.get_ref()) else {
        problems.push(
            Some(file.product.span()),
            format!(
                "callout names product `{}`, which the capability table ({}) does not define",
                file.product.get_ref(),
                table.origin
            ),
        );
        return None;
    };
    let noun = table.products[product]
        .noun
        .clone()
        .unwrap_or_else(|| "resource".to_owned());
    let name = table.products[product].name.clone();
    let substitute = |pattern: &str| {
        pattern
            .replace("{noun}", &regex::escape(&noun.to_lowercase()))
            .replace("{product}", &regex::escape(&name.to_lowercase()))
    };
    let contrast = file.contrast.as_ref().and_then(|contrast| {
        let index = table.product_index(contrast.get_ref());
        if index.is_none() {
            problems.push(
                Some(contrast.span()),
                format!(
                    "`contrast` names product `{}`, which the capability table ({}) does not define",
                    contrast.get_ref(),
                    table.origin
                ),
            );
        }
        index
    });
    let example_group = file.example_group.as_ref().and_then(|example| {
        let index = table.groups.iter().position(|group| group.all_names().any(|known| known == example.get_ref()));
        if index.is_none() {
            problems.push(Some(example.span()), format!("`example-group` names `{}`, which is not a permission group in the capability table ({})", example.get_ref(), table.origin));
        }
        index
    });
    let accept_patterns: Vec<(String, Option<std::ops::Range<usize>>)> = match file.accept {
        Some(patterns) => patterns
            .into_iter()
            .map(|pattern| (pattern.get_ref().clone(), Some(pattern.span())))
            .collect(),
        None => DEFAULT_ACCEPT
            .iter()
            .map(|pattern| ((*pattern).to_owned(), None))
            .collect(),
    };
    // The built-in phrasings compile with any short noun and name: they are built on first use.
    let lazy = noun.to_lowercase().len() + name.to_lowercase().len() <= LAZY_SUBSTITUTION_BYTES;
    let accept = accept_patterns
        .into_iter()
        .filter_map(|(pattern, span)| match span {
            None if lazy => Some(PolicyRegex::lazy(case_insensitive(&substitute(&pattern)))),
            _ => {
                let pattern = case_insensitive(&substitute(&pattern));
                compile_regex(&pattern, span, problems)
                    .map(|regex| PolicyRegex::compiled(pattern, regex))
            }
        })
        .collect();
    // A preset's `require` patterns compile with any short noun and name (tested with each preset, as the
    // built-in phrasings are): they are built on first use too.
    let require = file
        .require
        .into_iter()
        .filter_map(|require| {
            let pattern = case_insensitive(&substitute(require.pattern.get_ref()));
            let regex = if lazy && from_preset {
                PolicyRegex::lazy(pattern)
            } else {
                let regex = compile_regex(&pattern, Some(require.pattern.span()), problems)?;
                PolicyRegex::compiled(pattern, regex)
            };
            Some((
                regex,
                require
                    .describe
                    .replace("{noun}", &noun)
                    .replace("{product}", &name),
            ))
        })
        .collect();
    let pages = file
        .pages
        .into_iter()
        .filter_map(|page| page_requirement(page, problems))
        .collect();
    let template_text = format!("{} {}", file.template, file.title.as_deref().unwrap_or(""));
    for name in unknown_placeholders(&template_text) {
        problems.push(
            Some(file.product.span()),
            format!(
                "the call-out template for `{}` uses unknown placeholder `{{{name}}}` (known: {})",
                file.product.get_ref(),
                TEMPLATE_PLACEHOLDERS.join(", ")
            ),
        );
    }
    if file.contrast.is_none() && template_text.contains("{contrast") {
        problems.push(
            Some(file.product.span()),
            format!(
                "the call-out template for `{}` uses `{{contrast}}` but sets no `contrast` product",
                file.product.get_ref()
            ),
        );
    }
    Some(CalloutPolicy {
        product,
        kind: file.kind.map_or_else(
            || "note".to_owned(),
            |kind| kind.into_inner().to_ascii_lowercase(),
        ),
        title: file.title,
        template: file.template.trim().to_owned(),
        contrast,
        example_group,
        where_listed: file.where_listed.unwrap_or(true),
        listing: file
            .listing
            .unwrap_or_else(|| vec![ListingKind::Table, ListingKind::List]),
        pages,
        accept,
        require,
    })
}

/// A call-out `kind` must be one that every form the policy renders accepts: otherwise the inserted
/// call-out would not be recognised (or rendered) and the fix would be dropped.
pub(super) fn check_kind(
    kind: &Spanned<String>,
    product: &str,
    render: &RenderPolicy,
    problems: &mut TomlProblems<'_>,
) {
    let mut forms = vec![
        (render.mdx, "`[render] mdx`"),
        (render.markdown, "`[render] markdown`"),
    ];
    forms.extend(
        render
            .paths
            .iter()
            .map(|(_, form)| (*form, "`[[render.paths]]`")),
    );
    let mut reported: Vec<CalloutForm> = Vec::new();
    let wanted = kind.get_ref().to_ascii_lowercase();
    for (form, origin) in forms {
        if form.kinds().contains(&wanted.as_str()) || reported.contains(&form) {
            continue;
        }
        reported.push(form);
        problems.push(
            Some(kind.span()),
            format!(
                "call-out kind `{}` for `{product}` cannot be rendered as a {} ({origin}); it accepts {}",
                kind.get_ref(),
                form.describe(),
                form.kinds().join(", ")
            ),
        );
    }
}

pub(super) fn page_requirement(
    page: Spanned<PageFile>,
    problems: &mut TomlProblems<'_>,
) -> Option<PageRequirement> {
    let span = page.span();
    let (pattern, heading) = match page.into_inner() {
        PageFile::Glob(pattern) => (pattern, None),
        PageFile::Detailed { path, heading } => (path, heading),
    };
    let glob = compile_glob(&pattern, Some(span), problems)?;
    Some(PageRequirement {
        glob,
        pattern,
        heading,
    })
}

/// Compiles a phrase `pattern` (its flags included), or records why it does not compile.
pub(super) fn compile_regex(
    pattern: &str,
    span: Option<std::ops::Range<usize>>,
    problems: &mut TomlProblems<'_>,
) -> Option<PhraseRegex> {
    match build(pattern) {
        Ok(regex) => Some(regex),
        Err(error) => {
            let message = error.to_string();
            let last = message
                .lines()
                .last()
                .unwrap_or("invalid regex")
                .trim()
                .to_owned();
            problems.push(
                span,
                format!("invalid regular expression `{pattern}`: {last}"),
            );
            None
        }
    }
}

/// A policy pattern as compiled: policy phrasings match case-insensitively.
fn case_insensitive(pattern: &str) -> String {
    format!("(?i){pattern}")
}

pub(super) fn compile_glob(
    pattern: &str,
    span: Option<std::ops::Range<usize>>,
    problems: &mut TomlProblems<'_>,
) -> Option<GlobMatcher> {
    match Glob::new(pattern) {
        Ok(glob) => Some(glob.compile_matcher()),
        Err(error) => {
            problems.push(span, format!("invalid glob `{pattern}`: {}", error.kind()));
            None
        }
    }
}

pub(super) fn globs(patterns: Vec<Spanned<String>>, problems: &mut TomlProblems<'_>) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        match Glob::new(pattern.get_ref()) {
            Ok(glob) => {
                builder.add(glob);
            }
            Err(error) => problems.push(
                Some(pattern.span()),
                format!("invalid glob `{}`: {}", pattern.get_ref(), error.kind()),
            ),
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}
