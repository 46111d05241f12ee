#!/usr/bin/env python3
"""Generate a large, real-looking Cloudflare-style docs tree for benchmarking scope-lint.

    bench/make-tree.py OUT_DIR [--pages 2500] [--mb 17] [--seed 20250101] [--mdx-share 0.8]

Writes OUT_DIR/src/content/docs/<product>/...(.mdx|.md) and OUT_DIR/src/content/partials/<product>/*.mdx.

Sources, read at run time only (nothing from them is kept in the repository):
  * /work/shared/corpus/cloudflare-docs-2022  (Hugo layout, ~1,500 real pages), and
  * /work/shared/corpus/cloudflare-docs       (current Astro/Starlight MDX pages and partials),
  or the directories named by --corpus-2022 / --corpus-current (env SCOPE_LINT_CORPUS_2022 / _CURRENT).
Pages are built by sampling real pages and concatenating them (later ones demoted one heading level) up to a
sampled size, then converting a share of them to Starlight MDX: front matter, an
`import { Render, Tabs, TabItem } from "~/components";` line, `:::note`/`:::caution` asides, `<Render file=...
/>` of partials that exist in the generated tree, `<Tabs>` around step lists, and, in some pages, API-token
permission tables and lists with AI Gateway rows (with or without the account-scope call-out, a few with a
false "scope it to a single gateway" claim, some with the API Gateway/API Shield decoy, some with R2
per-bucket rows). The rest stay Hugo-flavoured Markdown (`.md`, `{{<Aside>}}` shortcodes).

With --book, writes an mdBook instead (OUT/book.toml, OUT/src/SUMMARY.md, --pages chapters grouped by product,
GFM `> [!NOTE]` alerts, `{{#include}}` of partials, the same permission sections), for bench/mdbook-overhead.sh.

Without the corpus, the same pipeline runs on synthetic Hugo-style pages, so the script always works.
Output is deterministic for given arguments (fixed seed, sorted inputs). Python 3.8+, standard library only.
"""

import argparse
import json
import math
import os
import random
import re
import shutil
import sys
from pathlib import Path

DEFAULT_2022 = "/work/shared/corpus/cloudflare-docs-2022"
DEFAULT_CURRENT = "/work/shared/corpus/cloudflare-docs"

IMPORT_LINE = 'import { Render, Tabs, TabItem } from "~/components";'

AIG_ROWS = [
    ("AI Gateway Read", "Grants read access to [AI Gateway](/ai-gateway/) gateways, logs and analytics."),
    ("AI Gateway Edit", "Grants write access to [AI Gateway](/ai-gateway/) gateways and their settings."),
    ("AI Gateway Run", "Grants access to run requests through any [AI Gateway](/ai-gateway/) in the account."),
]

CALLOUT_BODY = (
    "AI Gateway permissions (AI Gateway Read/Edit/Run) are account-scoped only. Unlike R2 (which supports "
    "per-bucket token scoping), there is currently no resource type to scope an API token to a single AI "
    "Gateway. A token with AI Gateway Run can call any gateway in the account; it cannot be restricted to one."
)
CALLOUT_TITLE = "AI Gateway tokens are account-scoped"

FALSE_CLAIMS = [
    "To limit the blast radius, scope the API token to a single gateway so that it can only reach that gateway.",
    "You can restrict the token to one AI Gateway by selecting it under **Account Resources**.",
    "For production, create a separate token per gateway, scoped to that specific gateway only.",
]

FALLBACK_GROUPS = [
    "Account Analytics Read", "Account Settings Read", "Account Settings Edit", "Billing Read", "Billing Edit",
    "Cloudflare Pages Read", "Cloudflare Pages Edit", "D1 Read", "D1 Edit", "DNS Read", "DNS Edit",
    "Load Balancing: Monitors and Pools Read", "Load Balancing: Monitors and Pools Edit", "Logs Read",
    "Logs Edit", "Stream Read", "Stream Edit", "Workers KV Storage Read", "Workers KV Storage Edit",
    "Workers R2 Storage Read", "Workers R2 Storage Edit", "Workers Scripts Read", "Workers Scripts Edit",
    "Workers AI Read", "Workers AI Edit", "Zone Read", "Zone Settings Edit", "Cache Purge",
]

LANGS = ["bash", "sh", "json", "javascript", "typescript", "toml", "yaml", "python", "txt"]


# --------------------------------------------------------------------------------------------------------
# Reading the corpus


def split_front_matter(text):
    """(front matter lines without the fences or None, body)."""
    if text.startswith("---\n"):
        end = text.find("\n---", 4)
        if end != -1:
            after = text.find("\n", end + 4)
            after = len(text) if after == -1 else after + 1
            return text[4:end].split("\n"), text[after:]
    return None, text


def fm_value(lines, key):
    for line in lines or []:
        if line.startswith(key + ":"):
            value = line[len(key) + 1:].strip()
            if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
                value = value[1:-1]
            return value
    return None


class Source:
    def __init__(self, product, rel_dir, slug, text, flavour):
        self.product = product
        self.rel_dir = rel_dir  # path below the product directory, e.g. "how-to/purge"
        self.slug = slug
        self.flavour = flavour  # "hugo" or "mdx"
        fm, body = split_front_matter(text)
        self.fm = fm or []
        self.body = body
        self.title = fm_value(self.fm, "title") or slug.replace("-", " ").capitalize()
        self.weight = fm_value(self.fm, "weight")
        self.content_type = fm_value(self.fm, "pcx-content-type") or fm_value(self.fm, "pcx_content_type")


def read_2022(root):
    pages, partials = [], {}
    content = root / "content"
    for path in sorted(content.rglob("*.md")):
        rel = path.relative_to(content)
        parts = rel.parts
        if len(parts) < 2:
            continue
        product = parts[0]
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        if "_partials" in parts or (path.name.startswith("_") and path.name != "_index.md"):
            name = path.stem.lstrip("_")
            partials.setdefault(product, {})[name] = text
            continue
        slug = "index" if path.name == "_index.md" else path.stem
        rel_dir = "/".join(parts[1:-1])
        pages.append(Source(product, rel_dir, slug, text, "hugo"))
    return pages, partials


def read_current(root):
    pages, partials = [], {}
    base = root / "src" / "content"
    for path in sorted((base / "docs").rglob("*.mdx")):
        parts = path.relative_to(base / "docs").parts
        if len(parts) < 2:
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        pages.append(Source(parts[0], "/".join(parts[1:-1]), path.stem, text, "mdx"))
    for path in sorted((base / "partials").rglob("*.mdx")):
        parts = path.relative_to(base / "partials").parts
        if len(parts) != 2:
            continue
        text = path.read_text(encoding="utf-8", errors="replace").replace("\r\n", "\n")
        partials.setdefault(parts[0], {})[path.stem] = text
    return pages, partials


def permission_groups(current_partials):
    """Real permission-group names from the current permissions tables (placeholders read as Edit)."""
    names = []
    for name in ("account-permissions-table", "zone-permissions-table", "user-permissions-table"):
        text = current_partials.get("fundamentals", {}).get(name, "")
        for line in text.split("\n"):
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if len(cells) < 2 or not line.startswith("|") or set(cells[0]) <= set("-: ") or cells[0] == "Name":
                continue
            group = re.sub(r"\{props\.\w+\}", "Edit", cells[0])
            names.append((group, re.sub(r"\{props\.\w+\}", "Edit", cells[1])))
    return names or [(group, "Grants access to " + group.rsplit(" ", 1)[0] + ".") for group in FALLBACK_GROUPS]


# --------------------------------------------------------------------------------------------------------
# Synthetic fallback corpus (Hugo-flavoured, like cloudflare-docs-2022)

WORDS = (
    "account zone request response worker script route domain record token permission gateway cache "
    "origin certificate rule policy firewall header endpoint bucket object tunnel network device user "
    "dashboard setting analytics log event traffic limit plan feature configuration binding secret key "
    "deployment environment namespace storage database query page site rate edge server client proxy "
    "resolver address application integration provider model prompt inference latency region"
).split()
VERBS = "select configure enable disable create delete update review refer verify choose add remove send".split()
SYN_PRODUCTS = [
    "workers", "pages", "r2", "dns", "ssl", "waf", "cache", "cloudflare-one", "analytics", "logs", "rules",
    "load-balancing", "stream", "images", "fundamentals", "bots", "ddos-protection", "ai-gateway",
]


def synth_sentence(rng):
    words = [rng.choice(WORDS) for _ in range(rng.randint(6, 18))]
    if rng.random() < 0.3:
        words.insert(rng.randrange(len(words)), "[" + rng.choice(WORDS) + "](/" + rng.choice(SYN_PRODUCTS) + "/)")
    if rng.random() < 0.25:
        words.insert(rng.randrange(len(words)), "`" + rng.choice(WORDS) + "`")
    words[0] = rng.choice(VERBS).capitalize()
    return " ".join(words) + "."


def synth_paragraph(rng):
    return " ".join(synth_sentence(rng) for _ in range(rng.randint(2, 6)))


def synth_block(rng, partial_names):
    roll = rng.random()
    if roll < 0.45:
        return synth_paragraph(rng)
    if roll < 0.6:
        return "\n".join(f"{i + 1}. {synth_sentence(rng)}" for i in range(rng.randint(3, 7)))
    if roll < 0.7:
        return "\n".join(f"- {synth_sentence(rng)}" for _ in range(rng.randint(2, 6)))
    if roll < 0.8:
        lines = [f'{rng.choice(["curl", "wrangler", "npx"])} {rng.choice(WORDS)} --{rng.choice(WORDS)} "$VALUE"'
                 for _ in range(rng.randint(1, 8))]
        return "```" + rng.choice(LANGS) + "\n" + "\n".join(lines) + "\n```"
    if roll < 0.88:
        head = "| " + " | ".join(w.capitalize() for w in rng.sample(WORDS, 3)) + " |\n| --- | --- | --- |\n"
        rows = "\n".join("| " + " | ".join(rng.choice(WORDS) for _ in range(3)) + " |" for _ in range(rng.randint(2, 8)))
        return "{{<table-wrap>}}\n\n" + head + rows + "\n\n{{</table-wrap>}}"
    if roll < 0.96 or not partial_names:
        kind = rng.choice(['type="note"', 'type="note" header="Note"', 'type="warning" header="Important"', ""])
        return "{{<Aside " + kind + ">}}\n" + synth_paragraph(rng) + "\n{{</Aside>}}".replace("{{<Aside >}}", "{{<Aside>}}")
    return '{{<render file="_' + rng.choice(partial_names) + '.md">}}'


def synthetic_corpus(rng, count=700):
    pages, partials = [], {}
    for product in SYN_PRODUCTS:
        names = [f"{rng.choice(WORDS)}-{rng.choice(WORDS)}" for _ in range(4)]
        partials[product] = {name: "\n\n".join(synth_block(rng, []) for _ in range(rng.randint(1, 4))) + "\n"
                             for name in names}
    for index in range(count):
        product = SYN_PRODUCTS[index % len(SYN_PRODUCTS)]
        title = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 4))).capitalize()
        slug = title.lower().replace(" ", "-")
        blocks = [f"# {title}", synth_paragraph(rng)]
        for _ in range(rng.randint(1, 5)):
            blocks.append("## " + " ".join(rng.choice(WORDS) for _ in range(rng.randint(1, 4))).capitalize())
            blocks += [synth_block(rng, sorted(partials[product])) for _ in range(rng.randint(1, 5))]
        fm = f"---\npcx-content-type: how-to\ntitle: {title}\nweight: {rng.randint(1, 20)}\n---\n\n"
        rel_dir = rng.choice(["", "get-started", "how-to", "reference", "platform", "configuration"])
        pages.append(Source(product, rel_dir, slug, fm + "\n\n".join(blocks) + "\n", "hugo"))
    return pages, partials


# --------------------------------------------------------------------------------------------------------
# Text helpers (fence-aware)

FENCE = re.compile(r"^\s*(```+|~~~+)")
HEADING = re.compile(r"^(#{1,6})\s+(.*)$")


def outside_fences(lines):
    """Yields (index, line, in_fence) for each line."""
    fence = None
    for index, line in enumerate(lines):
        match = FENCE.match(line)
        if match:
            marker = match.group(1)
            if fence is None:
                fence = marker[0] * len(marker)
                yield index, line, True
                continue
            if marker.startswith(fence):
                fence = None
                yield index, line, True
                continue
        yield index, line, fence is not None


def demote(body):
    lines = body.split("\n")
    for index, line, in_fence in list(outside_fences(lines)):
        if not in_fence:
            match = HEADING.match(line)
            if match and len(match.group(1)) < 6:
                lines[index] = "#" + line
    return "\n".join(lines)


def drop_h1(body):
    lines = body.split("\n")
    for index, line, in_fence in outside_fences(lines):
        if in_fence:
            return body
        if line.startswith("# "):
            del lines[index]
            if index < len(lines) and not lines[index].strip():
                del lines[index]
            return "\n".join(lines)
        if line.strip() and not line.startswith("{{<"):
            return body
    return body


def h2_positions(lines):
    return [index for index, line, in_fence in outside_fences(lines) if not in_fence and line.startswith("## ")]


def insert_section(body, section, rng):
    """Inserts a block of text before a random H2 (a new section between two) or at the end."""
    lines = body.rstrip("\n").split("\n")
    positions = h2_positions(lines)
    if positions and rng.random() < 0.6:
        at = rng.choice(positions)
        lines[at:at] = section.rstrip("\n").split("\n") + [""]
    else:
        lines += [""] + section.rstrip("\n").split("\n")
    return "\n".join(lines) + "\n"


def take_sections(body, need, level=3):
    """The leading sections of a page (cut before headings of `level`), as many as `need` bytes call for
    (at least one)."""
    lines = body.split("\n")
    cuts = [index for index, line, in_fence in outside_fences(lines)
            if not in_fence and re.match("^" + "#" * level + r"\s", line)] + [len(lines)]
    taken = 0
    for cut in cuts:
        taken = cut
        if cut and len("\n".join(lines[:cut]).encode()) >= need:
            break
    return "\n".join(lines[:taken]).strip("\n") or body


def yaml_string(text):
    return json.dumps(text, ensure_ascii=False)


def first_sentence(body):
    for line in body.split("\n"):
        line = line.strip()
        if line and line[0].isalpha() and not line.startswith(("import ", "export ")):
            line = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", line)
            line = re.sub(r"[`*_{}<>]", "", line)
            sentence = line.split(". ")[0].rstrip(".")
            return sentence[:160] + "."
    return None


# --------------------------------------------------------------------------------------------------------
# Conversion to Starlight MDX

ASIDE_OPEN = re.compile(r'\{\{<\s*Aside\s*(?:type="(\w+)")?\s*(?:header="([^"]*)")?\s*>\}\}')
ASIDE_CLOSE = re.compile(r"\{\{<\s*/Aside\s*>\}\}")
RENDER = re.compile(r'\{\{<\s*render\s+file="_?([^"]+?)(?:\.md)?"\s*(?:product="([^"]*)")?\s*>\}\}')
BUTTON = re.compile(r'\{\{<\s*button\s+type="(\w+)"\s+href="([^"]*)"\s*>\}\}\s*\n?(.*?)\n?\{\{<\s*/button\s*>\}\}', re.S)
DROP = re.compile(r"^[ \t]*\{\{<\s*/?(?:table-wrap|content-column|button-group)\s*>\}\}[ \t]*$\n?", re.M)
YOUTUBE = re.compile(r'\{\{<\s*youtube\s+id="([^"]*)"\s*>\}\}')
OTHER_SHORTCODE = re.compile(r"\{\{<[^}]*>\}\}")


def aside_kind(kind):
    return {"warning": "caution", "danger": "danger", "tip": "tip"}.get(kind or "note", "note")


def convert_body(body, product, rng, used, refs):
    """Hugo shortcodes -> Starlight MDX. `used` collects components, `refs` (product, file) partials."""
    jsx_asides = rng.random() < 0.15

    def open_aside(match):
        kind, header = aside_kind(match.group(1)), match.group(2)
        title = header if header and header.rstrip(":") not in ("Note", "Warning", "Important") or (header and rng.random() < 0.3) else None
        if jsx_asides:
            used.add("Aside")
            return f'<Aside type="{kind}"' + (f' title="{title}"' if title else "") + ">"
        return f":::{kind}" + (f"[{title}]" if title else "")

    body = ASIDE_OPEN.sub(open_aside, body)
    body = ASIDE_CLOSE.sub("</Aside>" if jsx_asides else ":::", body)

    def render(match):
        file, other = match.group(1), match.group(2)
        target = other or product
        refs.append((target, file))
        used.add("Render")
        if other or rng.random() < 0.2:
            return f'<Render file="{file}" product="{target}" />'
        return f'<Render file="{file}" />'

    body = RENDER.sub(render, body)

    def button(match):
        used.add("LinkButton")
        return f'<LinkButton variant="{match.group(1)}" href="{match.group(2)}">{match.group(3).strip()}</LinkButton>'

    body = BUTTON.sub(button, body)
    body = DROP.sub("", body)

    def youtube(match):
        used.add("YouTube")
        return f'<YouTube id="{match.group(1)}" />'

    body = YOUTUBE.sub(youtube, body)
    body = OTHER_SHORTCODE.sub("", body)
    # Bare `{` in prose would be a JS expression in MDX; the real docs escape them. JSX (tags, attribute
    # lines of a multi-line tag, expressions) and code are left alone.
    lines = body.split("\n")
    in_tag = False
    for index, line, in_fence in list(outside_fences(lines)):
        stripped = line.strip()
        if in_fence:
            continue
        if in_tag:
            in_tag = not stripped.endswith(">")
            continue
        if stripped.startswith("<"):
            in_tag = re.match(r"<[A-Za-z][\w.]*\s*$", stripped) is not None or (
                not stripped.endswith(">") and re.match(r"<[A-Za-z]", stripped) is not None)
            continue
        if "{" in line and "`" not in line and not stripped.startswith(("import", "export", "{/*")):
            lines[index] = line.replace("{", "\\{")
    return "\n".join(lines)


def tabs_around_steps(body, rng, used):
    """Wraps one section's step list in Dashboard/API tabs, as the real docs do."""
    lines = body.split("\n")
    positions = h2_positions(lines)
    candidates = []
    for n, start in enumerate(positions):
        end = positions[n + 1] if n + 1 < len(positions) else len(lines)
        section = "\n".join(lines[start + 1:end])
        if re.search(r"^1\. ", section, re.M) and "```" not in section and ":::" not in section and "<" not in section:
            candidates.append((start, end))
    if not candidates:
        return body
    start, end = rng.choice(candidates)
    used.update(("Tabs", "TabItem"))
    inner = "\n".join(lines[start + 1:end]).strip("\n")
    api = (
        "To do the same with the API, send a request with an [API token](/fundamentals/api/get-started/create-token/):\n\n"
        "```bash\ncurl \"https://api.cloudflare.com/client/v4/accounts/$ACCOUNT_ID/" + rng.choice(WORDS) + "s\" \\\n"
        "  --header \"Authorization: Bearer $CLOUDFLARE_API_TOKEN\"\n```"
    )
    wrapped = ['', '<Tabs syncKey="dashPlusAPI"> <TabItem label="Dashboard">', "", inner, "",
               '</TabItem> <TabItem label="API">', "", api, "", "</TabItem> </Tabs>", ""]
    return "\n".join(lines[:start + 1] + wrapped + lines[end:])


def mdx_front_matter(source, product, body, rng):
    out = ["---", "title: " + yaml_string(source.title)]
    description = first_sentence(body)
    if description:
        out.append("description: " + yaml_string(description))
    out.append("pcx_content_type: " + (source.content_type or rng.choice(["how-to", "concept", "reference"])))
    if source.weight and source.weight.isdigit():
        out += ["sidebar:", "  order: " + source.weight]
    out += ["products:", "  - " + product, "---", ""]
    return "\n".join(out)


def mdx_imports(used, body):
    """Adds the import line unless the page has one; extra components get a second import."""
    if re.search(r'^import .* from "~/components";?$', body, re.M):
        return body
    if not used:
        return body
    extra = sorted(used - {"Render", "Tabs", "TabItem"})
    lines = [IMPORT_LINE]
    if extra:
        lines.append("import { " + ", ".join(extra) + ' } from "~/components";')
    return "\n".join(lines) + "\n\n" + body.lstrip("\n")


# --------------------------------------------------------------------------------------------------------
# Permission content


def table(rows, header=("Name", "Description")):
    width = max(len(header[0]), *(len(row[0]) for row in rows))
    out = [f"| {header[0].ljust(width)} | {header[1]} |", f"| {'-' * width} | {'-' * len(header[1])} |"]
    out += [f"| {name.ljust(width)} | {description} |" for name, description in rows]
    return "\n".join(out)


def callout(mdx):
    if mdx:
        return f":::note[{CALLOUT_TITLE}]\n{CALLOUT_BODY}\n:::"
    return f"> [!NOTE]\n> **{CALLOUT_TITLE}**\n>\n> {CALLOUT_BODY}"


def permission_section(rng, groups, mdx, product):
    """One section that lists permission groups, in one of several real-world shapes."""
    roll = rng.random()
    with_callout = rng.random() < 0.55
    if roll < 0.45:  # a table with AI Gateway rows among others
        rows = rng.sample(groups, min(len(groups), rng.randint(3, 12)))
        rows += rng.sample(AIG_ROWS, rng.randint(1, 3))
        if rng.random() < 0.3:
            rows.append(("API Gateway Read", "Grants read access to [API Gateway (including API Shield)](/api-shield/)."))
        rows.sort()
        parts = ["## Required API token permissions", "",
                 "Create an [API token](/fundamentals/api/get-started/create-token/) with the following permissions:", "",
                 table(rows)]
        if with_callout:
            parts += ["", callout(mdx)]
        return "\n".join(parts)
    if roll < 0.7:  # a step list naming the groups
        groups_listed = rng.sample(["AI Gateway - Read", "AI Gateway - Edit", "AI Gateway - Run"], rng.randint(1, 3))
        parts = ["## Create an API token", "",
                 "1. [Create an API token](/fundamentals/api/get-started/create-token/) with the following permissions:", ""]
        parts += [f"   - `{group}`" for group in groups_listed]
        parts += ["", "2. Get your [Account ID](/fundamentals/setup/find-account-and-zone-ids/).", "",
                  "3. Send the request with the token in the `Authorization` header."]
        if with_callout:
            parts += ["", callout(mdx)]
        return "\n".join(parts)
    if roll < 0.8:  # a false claim
        return "\n".join(["## Securing your gateway", "",
                          "Use an API token with **AI Gateway Run** for inference traffic. " + rng.choice(FALSE_CLAIMS)])
    if roll < 0.9:  # R2 per-bucket scoping (no finding expected)
        rows = [("Object Read & Write", "Allows the ability to read, write, and list objects in specific buckets."),
                ("Object Read only", "Allows the ability to read and list objects in specific buckets."),
                ("Admin Read & Write", "Allows the ability to create, list, and delete buckets.")]
        return "\n".join(["## Bucket-scoped tokens", "",
                          "R2 tokens can be scoped to a set of buckets:", "", table(rows, ("Permission", "Description"))])
    # API Gateway (API Shield) decoy: not AI Gateway
    rows = [("API Gateway Read", "Grants read access to [API Gateway](/api-shield/) zone resources."),
            ("API Gateway Edit", "Grants write access to [API Gateway](/api-shield/) zone resources."),
            ("Zone Read", "Grants read access to zone resources.")]
    return "\n".join(["## Permissions for API Shield", "", table(rows)])


def render_permissions_section(rng, table_partial):
    edit = rng.choice(["Edit", "Write"])
    return "\n".join([
        "## Account permissions", "",
        "The applicable scope of account permissions is `com.cloudflare.api.account`.", "",
        f'<Render file="{table_partial}" product="fundamentals" params={{{{ editWord: "{edit}", src: "dash" }}}} />',
    ])


def permissions_partial(groups, current_table):
    """The account permissions table partial with the AI Gateway rows (the real one when available)."""
    rows_aig = [f"| {name} | {description} |" for name, description in AIG_ROWS]
    if current_table:
        lines = current_table.split("\n")
        out, placed = [], False
        for line in lines:
            name = line.strip("|").split("|")[0].strip() if line.startswith("|") else ""
            if not placed and line.startswith("|") and name[:1].isalpha() and name != "Name" and name.lower() > "ai gateway run":
                out += [row.replace("AI Gateway Edit", "AI Gateway {props.editWord}") for row in rows_aig]
                placed = True
            out.append(line)
        return "\n".join(out)
    return ("---\ninputParameters: editWord\n---\n\n" + table(sorted(groups[:40] + AIG_ROWS)) + "\n")


# --------------------------------------------------------------------------------------------------------
# --book: an mdBook of GFM chapters (for bench/mdbook-overhead.sh)

GFM_KIND = {"note": "NOTE", "caution": "WARNING", "danger": "CAUTION", "tip": "TIP"}


def to_gfm(body, chapter, partials_root, product, rng, includes):
    """Hugo shortcodes -> mdBook Markdown: asides become `> [!NOTE]` alerts, renders `{{#include}}`s."""
    lines = body.split("\n")
    out, in_aside, prefix = [], False, ""
    for index, line, in_fence in outside_fences(lines):
        opened = None if in_fence else ASIDE_OPEN.search(line)
        if opened and not in_aside:
            indent = line[: len(line) - len(line.lstrip())]
            prefix = indent + "> "
            out.append(prefix + "[!" + GFM_KIND[aside_kind(opened.group(1))] + "]")
            header = opened.group(2)
            if header and header.rstrip(":") not in ("Note", "Warning", "Important"):
                out.append(prefix + "**" + header + "**")
            in_aside = True
            rest = line[opened.end():].strip()
            if rest and not ASIDE_CLOSE.search(rest):
                out.append(prefix + rest)
            if ASIDE_CLOSE.search(line):
                in_aside = False
            continue
        if in_aside and not in_fence and ASIDE_CLOSE.search(line):
            before = ASIDE_CLOSE.sub("", line).strip()
            if before:
                out.append(prefix + before)
            in_aside = False
            continue
        if in_aside:
            out.append((prefix + line.strip() if not in_fence else prefix.rstrip() + " " + line).rstrip())
            continue
        out.append(line)
    body = "\n".join(out)

    def render(match):
        name, other = match.group(1), match.group(2)
        target = other or product
        includes.append((target, name))
        relative = os.path.relpath(partials_root / target / (name + ".md"), chapter.parent)
        return "{{#include " + Path(relative).as_posix() + "}}"

    body = RENDER.sub(render, body)
    body = DROP.sub("", body)
    body = BUTTON.sub(lambda match: f"[{match.group(3).strip()}]({match.group(2)})", body)
    body = YOUTUBE.sub(lambda match: f"[Video](https://www.youtube.com/watch?v={match.group(1)})", body)
    return OTHER_SHORTCODE.sub("", body)


def fresh_src(args):
    """OUT/src, removed first when it exists and --force is given."""
    src = args.out / "src"
    if src.exists():
        if not args.force:
            sys.exit(f"{src} exists (use --force to replace it)")
        shutil.rmtree(src)
    return src


def make_book(args, rng, pages, hugo_partials, groups, origin):
    out = args.out
    src = fresh_src(args)
    partials_root = src / "partials"
    target_total = int(args.mb * 1_000_000)
    mean = target_total / max(1, args.pages)
    sigma = 0.55
    order = list(pages)
    rng.shuffle(order)
    by_product = {}
    for source in pages:
        by_product.setdefault(source.product, []).append(source)
    # Chapters grouped by product, each product led by an index chapter.
    chapters, includes, written, stats = [], [], 0, {"permission_sections": 0, "alerts": 0}
    products = []
    for index in range(args.pages):
        products.append(order[index % len(order)].product)
    counts = {}
    for product in products:
        counts[product] = counts.get(product, 0) + 1
    plan = []
    for product in sorted(counts):
        members = [source for source in order if source.product == product]
        plan.append((product, "index", None))
        plan += [(product, None, members[n % len(members)]) for n in range(counts[product] - 1)]
    plan = plan[: args.pages]
    used_paths = set()
    for index, (product, special, primary) in enumerate(plan):
        remaining = (target_total - written) / (len(plan) - index)
        running = min(2 * mean, max(0.1 * mean, remaining))
        size = min(8 * running, max(600.0, running * math.exp(rng.gauss(0, sigma) - sigma * sigma / 2)))
        if special == "index":
            title = product.replace("-", " ").title()
            rel = f"{product}/index.md"
            body = f"# {title}\n\n" + (first_sentence(by_product[product][0].body) or title) + "\n"
        else:
            title = primary.title
            body = drop_h1(primary.body)
            if len(body.encode()) > 1.5 * size:
                body = take_sections(body, size, level=2) + "\n"
            while len(body.encode()) < size:
                extra = rng.choice(by_product[product]) if rng.random() < 0.7 else rng.choice(pages)
                chunk = take_sections(demote(drop_h1(extra.body)).strip("\n"), size - len(body.encode()))
                body = body.rstrip("\n") + f"\n\n## {extra.title}\n\n" + chunk + "\n"
            body = f"# {title}\n\n" + body.lstrip("\n")
            if rng.random() < (0.35 if product in ("fundamentals", "api", "workers") else 0.06):
                body = insert_section(body, permission_section(rng, groups, False, product), rng)
                stats["permission_sections"] += 1
            stem = primary.slug if primary.slug != "index" else (primary.rel_dir.split("/")[-1] or "overview")
            base = f"{product}/{primary.rel_dir}/{stem}" if primary.rel_dir else f"{product}/{stem}"
            rel, n = base + ".md", 1
            while rel in used_paths:
                n += 1
                rel = f"{base}-{n}.md"
        used_paths.add(rel)
        path = src / rel
        body = to_gfm(body, path, partials_root, product, rng, includes)
        stats["alerts"] += body.count("> [!")
        data = (body.rstrip("\n") + "\n").encode()
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        written += len(data)
        depth = 1 if special is None else 0
        chapters.append((depth, title, rel))
    for product, name in includes:
        path = partials_root / product / (name + ".md")
        if path.exists():
            continue
        text = hugo_partials.get(product, {}).get(name)
        if text is None:
            sample = rng.choice(pages)
            text = sample.body.split("\n\n", 2)[-1][:1500].rsplit("\n", 1)[0]
        _, text = split_front_matter(text)
        text = to_gfm(text, path, partials_root, product, rng, [])
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.strip("\n") + "\n", encoding="utf-8")
    summary = ["# Summary", ""]
    for depth, title, rel in chapters:
        label = title.replace("[", "(").replace("]", ")")
        summary.append("  " * depth + f"- [{label}]({rel})")
    (src / "SUMMARY.md").write_text("\n".join(summary) + "\n", encoding="utf-8")
    (out / "book.toml").write_text(
        '[book]\ntitle = "Cloudflare-style docs (benchmark)"\nlanguage = "en"\n\n[build]\ncreate-missing = false\n',
        encoding="utf-8")
    total = sum(p.stat().st_size for p in src.rglob("*.md"))
    print(f"make-tree --book: {len(chapters)} chapters, {total / 1e6:.1f} MB of Markdown, from {origin}; "
          f"{stats['permission_sections']} permission sections, {stats['alerts']} alerts -> {out}")


# --------------------------------------------------------------------------------------------------------


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    parser.add_argument("out", type=Path)
    parser.add_argument("--pages", type=int, default=2500, help="docs pages to write (partials come on top)")
    parser.add_argument("--mb", type=float, default=17.0, help="target total size in MB (10^6 bytes)")
    parser.add_argument("--seed", type=int, default=20250101)
    parser.add_argument("--mdx-share", type=float, default=0.8, help="share of pages converted to MDX")
    parser.add_argument("--corpus-2022", type=Path, default=Path(os.environ.get("SCOPE_LINT_CORPUS_2022", DEFAULT_2022)))
    parser.add_argument("--corpus-current", type=Path, default=Path(os.environ.get("SCOPE_LINT_CORPUS_CURRENT", DEFAULT_CURRENT)))
    parser.add_argument("--synthetic", action="store_true", help="ignore the corpus, use synthetic text")
    parser.add_argument("--force", action="store_true", help="replace OUT/src if it exists")
    parser.add_argument("--no-permissions", action="store_true",
                        help="no token-permission content: no permission sections, no rendered permission tables, "
                             "no pages built on the permissions/AI Gateway/R2 pages")
    parser.add_argument("--book", action="store_true",
                        help="write an mdBook instead (OUT/book.toml, OUT/src/SUMMARY.md, GFM chapters); "
                             "--pages is the chapter count")
    args = parser.parse_args()
    rng = random.Random(args.seed)

    have_corpus = not args.synthetic and (args.corpus_2022 / "content").is_dir()
    if have_corpus:
        pages, hugo_partials = read_2022(args.corpus_2022)
        if (args.corpus_current / "src" / "content").is_dir():
            current_pages, current_partials = read_current(args.corpus_current)
        else:
            current_pages, current_partials = [], {}
        origin = f"corpus ({len(pages)} Hugo pages, {len(current_pages)} MDX pages)"
    else:
        pages, hugo_partials = synthetic_corpus(rng)
        current_pages, current_partials = [], {}
        origin = "synthetic text (no corpus found)"
    groups = permission_groups(current_partials)
    account_table = current_partials.get("fundamentals", {}).get("account-permissions-table")
    if args.book:
        make_book(args, rng, pages, hugo_partials, groups, origin)
        return

    out = args.out
    src = fresh_src(args)
    docs = src / "content" / "docs"
    partials_dir = src / "content" / "partials"

    # Partials: converted Hugo partials, the current ones, the permissions table with AI Gateway rows.
    partial_texts = {}
    refs_all = []
    for product in sorted(hugo_partials):
        for name in sorted(hugo_partials[product]):
            used, refs = set(), []
            _, body = split_front_matter(hugo_partials[product][name])
            body = convert_body(body, product, rng, used, refs)
            refs_all += refs
            partial_texts[(product, name)] = "---\n{}\n---\n\n" + mdx_imports(used, body.lstrip("\n"))
    for product in sorted(current_partials):
        for name in sorted(current_partials[product]):
            if not (args.no_permissions and "permission" in name):
                partial_texts[(product, name)] = current_partials[product][name]
    if not args.no_permissions:
        partial_texts[("fundamentals", "account-permissions-table")] = permissions_partial(groups, account_table)
        partial_texts[("ai-gateway", "token-permissions")] = (
            "---\n{}\n---\n\n" + table(sorted(rng.sample(groups, min(6, len(groups))) + AIG_ROWS)) + "\n")

    partial_bytes = sum(len(text.encode()) for text in partial_texts.values())
    target_total = int(args.mb * 1_000_000)
    mean = max(1500, (target_total - partial_bytes) / max(1, args.pages))
    sigma = 0.55

    by_product = {}
    for source in pages:
        by_product.setdefault(source.product, []).append(source)
    # Primaries: every Hugo page in turn (shuffled), with the current MDX pages (AI Gateway, permissions, R2)
    # weighted up so that about 4% of pages descend from them.
    order = list(pages)
    rng.shuffle(order)
    mdx_every = max(1, int(1 / 0.04)) if current_pages and not args.no_permissions else 0

    used_paths = set()
    written = 0
    stats = {"mdx": 0, "md": 0, "permission_sections": 0, "render_tables": 0, "tabs": 0}
    for index in range(args.pages):
        if mdx_every and index % mdx_every == 0:
            primary = current_pages[(index // mdx_every) % len(current_pages)]
        else:
            primary = order[index % len(order)]
        product = primary.product
        # The running mean steers the total towards --mb whatever the primaries weigh.
        remaining = (target_total - partial_bytes - written) / (args.pages - index)
        running = min(2 * mean, max(0.1 * mean, remaining))
        size = min(8 * running, max(600.0, running * math.exp(rng.gauss(0, sigma) - sigma * sigma / 2)))
        body = primary.body
        if len(body.encode()) > 1.5 * size:  # a long page: keep its first sections only
            body = take_sections(body, size, level=2) + "\n"
        pool = by_product.get(product) or pages
        while len(body.encode()) < size:
            extra = rng.choice(pool) if rng.random() < 0.7 else rng.choice(pages)
            chunk = drop_h1(extra.body) if extra.flavour == "hugo" else extra.body.split("\n\n", 1)[-1]
            chunk = take_sections(demote(chunk).strip("\n"), size - len(body.encode()))
            body = body.rstrip("\n") + f"\n\n## {extra.title}\n\n" + chunk + "\n"

        to_mdx = primary.flavour == "mdx" or rng.random() < args.mdx_share
        used, refs = set(), []
        if primary.flavour == "mdx":
            for match in re.finditer(r'<Render\s+file="([^"]+)"(?:\s+product="([^"]+)")?', body):
                refs.append((match.group(2) or product, match.group(1)))
        if to_mdx:
            if primary.flavour == "hugo":
                body = convert_body(drop_h1(body), product, rng, used, refs)
            else:
                body = convert_body(body, product, rng, used, refs)
            if rng.random() < 0.15:
                before = body
                body = tabs_around_steps(body, rng, used)
                stats["tabs"] += before != body
            # An aside of our own in some pages, and a <Render> of an existing partial in others.
            if rng.random() < 0.25:
                kind = rng.choice(["note", "caution", "tip", "note[Before you begin]"])
                body = insert_section(body, f":::{kind}\n{first_sentence(body) or 'Review the limits first.'}\n:::", rng)
            candidates = sorted(name for (owner, name) in partial_texts if owner == product
                                and not (args.no_permissions and "permission" in name))
            if candidates and rng.random() < 0.2:
                body = insert_section(body, f'<Render file="{rng.choice(candidates)}" />', rng)
                used.add("Render")
        if args.no_permissions:
            pass
        elif rng.random() < (0.35 if product in ("ai-gateway", "fundamentals", "workers-ai") else 0.05):
            body = insert_section(body, permission_section(rng, groups, to_mdx, product), rng)
            stats["permission_sections"] += 1
        if to_mdx and not args.no_permissions and rng.random() < 0.01:
            body = insert_section(body, render_permissions_section(rng, "account-permissions-table"), rng)
            used.add("Render")
            stats["render_tables"] += 1

        if to_mdx:
            if primary.flavour == "hugo":
                text = mdx_front_matter(primary, product, body, rng) + "\n" + mdx_imports(used, body.lstrip("\n"))
            else:
                fm = "---\n" + "\n".join(primary.fm) + "\n---\n\n" if primary.fm else ""
                text = fm + mdx_imports(used, body.lstrip("\n"))
            extension = ".mdx"
            stats["mdx"] += 1
        else:
            fm = "---\n" + "\n".join(primary.fm) + "\n---\n\n" if primary.fm else ""
            text = fm + body.lstrip("\n")
            extension = ".md"
            stats["md"] += 1
        refs_all += refs

        rel_dir = Path(product) / primary.rel_dir if primary.rel_dir else Path(product)
        stem, n = primary.slug, 1
        while (rel_dir / (stem + extension)).as_posix() in used_paths:
            n += 1
            stem = f"{primary.slug}-{n}"
        rel = (rel_dir / (stem + extension)).as_posix()
        used_paths.add(rel)
        path = docs / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        data = (text.rstrip("\n") + "\n").encode()
        path.write_bytes(data)
        written += len(data)

    # Every <Render> in the generated pages names a partial that exists.
    for product, name in refs_all:
        if (product, name) not in partial_texts:
            sample = rng.choice(pages)
            partial_texts[(product, name)] = "---\n{}\n---\n\n" + sample.body.split("\n\n", 2)[-1][:1500].rsplit("\n", 1)[0] + "\n"
            if sample.flavour == "hugo":
                used = set()
                partial_texts[(product, name)] = convert_body(partial_texts[(product, name)], product, rng, used, [])
    for (product, name), text in sorted(partial_texts.items()):
        path = partials_dir / product / (name + ".mdx")
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text.rstrip("\n") + "\n", encoding="utf-8")

    total = sum(p.stat().st_size for p in src.rglob("*") if p.is_file())
    files = sum(1 for p in src.rglob("*") if p.is_file())
    print(f"make-tree: {files} files ({args.pages} pages: {stats['mdx']} .mdx, {stats['md']} .md; "
          f"{len(partial_texts)} partials), {total / 1e6:.1f} MB, from {origin}; "
          f"{stats['permission_sections']} permission sections, {stats['render_tables']} rendered permission "
          f"tables, {stats['tabs']} tabbed step lists -> {out}")


if __name__ == "__main__":
    main()
