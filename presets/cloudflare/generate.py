#!/usr/bin/env python3
"""Regenerates capabilities.toml from the permissions-table partials of a cloudflare-docs checkout.

Usage: python3 presets/cloudflare/generate.py PATH/TO/cloudflare-docs > presets/cloudflare/capabilities.toml

Every row of the user, account and zone permission tables becomes a group scoped to that table's resource
type; a name found in two tables becomes one group with both scopes. `{props.one}`/`{props.editWord}` rows
give the API name "... Write" with the dashboard name "... Edit" as an alias. The hand-curated facts below
(AI Gateway, Workers AI, R2 bucket scoping, ids, dashboard/API renames) come from
../shared/notes/cloudflare-token-scopes.md.

The ids and scopes the permission-groups API gives are refreshed with `scope-lint import
presets/cloudflare/permission_groups.json --table presets/cloudflare/capabilities.toml` (a listing in the
API's shape with the groups the notes confirm); CI runs it with `--check`, so the table cannot drift from it.
"""
import re
import sys
from pathlib import Path

TABLES = [("user", "user-permissions-table.mdx"), ("account", "account-permissions-table.mdx"),
          ("zone", "zone-permissions-table.mdx")]

# Placeholders whose values differ per tab: (API value, dashboard value).
PLACEHOLDERS = {"one": ("Write", "Edit"), "editWord": ("Write", "Edit"),
                "two": ("Cloudflare", "Argo"), "three": ("", "Cloudflare")}

# Dashboard name -> API name, for groups that the two tabs spell differently.
RENAMES = {
    "Account Filter Lists": "Account Rule Lists", "Bulk URL Redirects": "Mass URL Redirects",
    "L3/4 DDoS Managed Ruleset": "L4 DDoS Managed Ruleset", "Turnstile": "Turnstile Sites",
    "Cloudflare Images": "Images", "Email Security": "Cloud Email Security",
}

PRODUCTS = {  # name prefix -> (id, product name, aliases, noun)
    "AI Gateway": ("ai-gateway", "AI Gateway", [], "gateway"),
    "Workers R2": ("r2", "R2", ["Workers R2", "Cloudflare R2"], "bucket"),
    "Workers AI": ("workers-ai", "Workers AI", [], "model"),
    "Vectorize": ("vectorize", "Vectorize", [], "index"),
    "Workers KV Storage": ("workers-kv", "Workers KV", ["KV"], "namespace"),
    "D1": ("d1", "D1", [], "database"),
    "Queues": ("queues", "Queues", [], "queue"),
}

EXTRA = [  # (name, scopes, id, label, aliases)
    ("AI Gateway Read", ["account"], "4dc8917b4b40457d88d3035d5dadb054", None, []),
    ("AI Gateway Write", ["account"], "6c8a3737f07f46369c1ea1f22138daaf", "AI Gateway Edit", []),
    ("AI Gateway Run", ["account"], "644535f4ed854494a59cb289d634b257", None, []),
    ("AI Audit Read", ["zone"], "19637fbb73d242c0a92845d8db0b95b1", None, []),
    ("AI Audit Write", ["zone"], "1ba6ab4cacdb454b913bbb93e1b8cb8c", None, ["AI Audit Edit"]),
    ("Workers R2 Storage Bucket Item Read", ["r2-bucket"], "6a018a9f2fc74eb6b293b0c548f38b39", None, []),
    ("Workers R2 Storage Bucket Item Write", ["r2-bucket"], "2efd5506f9c8494dacb1fa10a3e7d5b6", None, []),
    ("Workers R2 Data Catalog Read", ["account"], None, None, []),
    ("Workers R2 Data Catalog Write", ["account"], None, None, ["Workers R2 Data Catalog Edit"]),
    ("Workers R2 SQL Read", ["account"], None, None, []),
]
IDS = {"Workers AI Read": "a92d2450e05d4e7bb7d0a64968f83d11", "Workers AI Write": "bacc64e0f6c34fc0883a1223f938a104",
       "API Tokens Read": "0cc3a61731504c89b99ec1be78b77aa0", "Workers Scripts Read": "1a71c399035b4950a1bd1466bbe4f420",
       "DNS Read": "47aa30b6eb97ecae0518b750d6b142b6"}
EXTRA_ALIASES = {"API Gateway Read": ["Account API Gateway Read", "Domain API Gateway Read"],
                 "API Gateway Write": ["Account API Gateway", "Domain API Gateway"],
                 "Pages Read": ["Cloudflare Pages Read"], "Pages Write": ["Cloudflare Pages Write", "Cloudflare Pages Edit"],
                 "Pipelines Read": ["Workers Pipelines Read"], "Pipelines Write": ["Workers Pipelines Write", "Workers Pipelines Edit"]}


def rows(path):
    for line in path.read_text().splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) < 2 or not line.lstrip().startswith("|") or set(cells[0]) <= set("- :") or cells[0] == "Name":
            continue
        yield cells[0]


def expand(raw):
    """The API name and the other names a table row stands for."""
    def sub(which):
        return re.sub(r"\{props\.(\w+)\}", lambda m: PLACEHOLDERS[m.group(1)][which], raw)
    api, dash = " ".join(sub(0).split()), " ".join(sub(1).split())
    for old, new in RENAMES.items():
        if api.startswith(old + " ") and not api.startswith(new):
            api = new + api[len(old):]
    names = {api, dash}
    if api.endswith(" Write"):
        names.add(api[:-len("Write")] + "Edit")
    return api, sorted(n for n in names if n != api)


def product_of(name):
    for prefix, product in PRODUCTS.items():
        if name.startswith(prefix):
            return product
    base = re.sub(r"\s+(Read|Write|Edit|Revoke|Report|Run|Purge)$", "", name).rstrip(":").strip() or name
    base = re.sub(r"\s+-\s+(Read|Write)\s+PCAPs API$", "", base)
    slug = re.sub(r"[^a-z0-9]+", "-", base.lower()).strip("-")
    return (slug, base, [], None)


def main():
    root = Path(sys.argv[1]) / "src/content/partials/fundamentals"
    groups = {}
    for scope, file in TABLES:
        for raw in rows(root / file):
            api, others = expand(raw)
            group = groups.setdefault(api, {"scopes": [], "aliases": set(), "id": None, "label": None})
            if scope not in group["scopes"]:
                group["scopes"].append(scope)
            group["aliases"].update(others)
    for name, scopes, gid, label, aliases in EXTRA:
        group = groups.setdefault(name, {"scopes": [], "aliases": set(), "id": None, "label": None})
        group["scopes"] = scopes
        group["id"], group["label"] = gid, label
        group["aliases"].update(aliases)
    for name, gid in IDS.items():
        groups[name]["id"] = gid
    for name, aliases in EXTRA_ALIASES.items():
        groups[name]["aliases"].update(aliases)
    taken = {name.lower() for name in groups}
    for name, group in groups.items():
        group["aliases"] = sorted(a for a in group["aliases"] if a.lower() not in taken and a != group["label"])
        for alias in group["aliases"]:
            taken.add(alias.lower())
        if group["label"]:
            group["aliases"] = [a for a in group["aliases"] if a != group["label"]]

    out = ['# The embedded Cloudflare capability table (schema v1).',
           '# Generated by presets/cloudflare/generate.py from the user, account and zone permission tables of',
           '# cloudflare-docs (src/content/partials/fundamentals/*-permissions-table.mdx), plus hand-curated facts',
           '# (AI Gateway, Workers AI, R2 bucket scoping, ids) from the permission-groups API. Edit by hand freely.',
           '', 'schema = "1.0"', '']
    for rid, key, api in [("account", "com.cloudflare.api.account.{account}", "com.cloudflare.api.account"),
                          ("zone", "com.cloudflare.api.account.zone.{zone}", "com.cloudflare.api.account.zone"),
                          ("user", "com.cloudflare.api.user.{user}", "com.cloudflare.api.user"),
                          ("r2-bucket", "com.cloudflare.edge.r2.bucket.{account}_{jurisdiction}_{bucket}",
                           "com.cloudflare.edge.r2.bucket")]:
        out += ['[[resource-types]]', f'id = "{rid}"', f'key = "{key}"', f'api-scope = "{api}"', '']
    products = {}
    for name in groups:
        pid, pname, aliases, noun = product_of(name)
        products.setdefault(pid, (pname, aliases, noun))
    names_used = set()
    for pid, (pname, aliases, noun) in sorted(products.items()):
        if pname.lower() in names_used:
            pname = f"{pname} ({pid})"
        names_used.add(pname.lower())
        out += ['[[products]]', f'id = "{pid}"', f'name = "{pname}"']
        if aliases:
            out.append('aliases = [' + ", ".join(f'"{a}"' for a in aliases) + ']')
        if noun:
            out.append(f'noun = "{noun}"')
        out.append('')
    for name in groups:
        group = groups[name]
        out += ['[[groups]]', f'name = "{name}"']
        if group["id"]:
            out.append(f'id = "{group["id"]}"')
        if group["label"]:
            out.append(f'label = "{group["label"]}"')
        if group["aliases"]:
            out.append('aliases = [' + ", ".join(f'"{a}"' for a in group["aliases"]) + ']')
        out.append(f'product = "{product_of(name)[0]}"')
        out.append('scopes = [' + ", ".join(f'"{s}"' for s in group["scopes"]) + ']')
        out.append('')
    print("\n".join(out).rstrip() + "\n", end="")


main()
