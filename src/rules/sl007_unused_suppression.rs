//! SL007 unused-suppression.

use super::{Context, Finding, Rule, Severity};

macro_rules! doc {
    () => {
        r#"## What it does

Reports an inline suppression that matched no finding, or that is ignored because it has no reason, names
an unknown rule or is misspelled.

Suppressions are comments. In Markdown:

```markdown
<!-- scope-lint-disable-next-line SL003 reason="quotes the claim we correct below" -->
```

and in MDX:

```mdx
{/* scope-lint-disable-file SL004 reason="lists the 2022 group names on purpose" */}
```

`scope-lint-disable-next-line` (or just `scope-lint-disable`) covers findings that start on the first non-blank
line after the comment; `scope-lint-disable-file` covers the whole file. Rules are named by code or name,
separated by spaces or commas. `reason="..."` is required.

## Why

A suppression that no longer matches hides nothing today and will hide a real finding tomorrow; one without a
reason leaves the next maintainer guessing. Both are debt.

## Example

```markdown
<!-- scope-lint-disable-next-line SL003 reason="old wording" -->
AI Gateway tokens are account-scoped only.
```

is reported: nothing on the next line is an SL003 finding.

## How to fix

Delete the suppression, or give it a reason and the right rule. `scope-lint fix` does not change it.
"#
    };
}

#[doc = doc!()]
pub struct UnusedSuppression;

impl Rule for UnusedSuppression {
    fn code(&self) -> &'static str {
        "SL007"
    }
    fn name(&self) -> &'static str {
        "unused-suppression"
    }
    fn summary(&self) -> &'static str {
        "an inline suppression matched nothing, or is ignored (no reason, unknown rule)"
    }
    fn doc(&self) -> &'static str {
        doc!()
    }
    fn default_severity(&self) -> Severity {
        Severity::Warning
    }
    fn reads_suppressions(&self) -> bool {
        true
    }

    fn check(&self, context: &Context<'_>, out: &mut Vec<Finding>) {
        for (suppression, used) in context.suppressions.iter().zip(context.suppressions_used) {
            // Site-wide findings (SL008) come after the per-page pass: it cannot tell whether they match.
            // (A suppression that names no known rule is not one of them: `all` holds for no codes.)
            let site_wide_only = !suppression.codes.is_empty()
                && suppression.codes.iter().all(|code| *code == "SL008");
            if !used && site_wide_only {
                continue;
            }
            let message = match (&suppression.problem, used) {
                (Some(problem), _) => problem.clone(),
                (None, false) => format!(
                    "this suppression of {} matched nothing",
                    suppression.codes.join(", ")
                ),
                (None, true) => continue,
            };
            out.push(
                Finding::new(self, suppression.range.clone(), message)
                    .help("delete it, or fix its rule codes and reason"),
            );
        }
    }
}
