#!/usr/bin/env python3
"""Runs the shell steps of action.yml as the runner would, with a fake GITHUB_* environment, in a temporary
git repository where a pull request (base and head commits) changes a page and a partial.

Asserts the annotations (escaping included: the changed page's name holds `,` and `:`), the job summary,
the action's outputs and the exit status; then the release install path: a checksum-verified download
(from a file:// "release"), and the refusal of an archive whose SHA-256 does not match.

Usage: tests/action/run-action.py SCOPE_LINT_BINARY     (needs git, bash, PyYAML)
"""

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

import yaml

ACTION_DIR = Path(__file__).resolve().parents[2]
BINARY = Path(sys.argv[1]).resolve()

LISTING = "- AI Gateway Read\n- AI Gateway Run\n"
NOTE = "\n> [!NOTE]\n> These AI Gateway groups are account-scoped. A token cannot be restricted to a single gateway.\n"
TABLE_PAGE = "# Tokens 🔑\n\n## Groups\n\n| Name | What |\n| --- | --- |\n| AI Gateway Run | Call gateways. |\n"
ODD_NAME = "docs/team a,b:c 中.md"


def fail(message):
    print(f"run-action: FAIL: {message}", file=sys.stderr)
    sys.exit(1)


def git(repo, *args):
    subprocess.run(
        ["git", "-c", "user.name=t", "-c", "user.email=t@example.invalid", "-c", "commit.gpgsign=false", *args],
        cwd=repo, check=True, capture_output=True,
    )
    head = subprocess.run(["git", "rev-parse", "--verify", "-q", "HEAD"], cwd=repo, capture_output=True, text=True)
    return head.stdout.strip()


def write(repo, name, text):
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def expression(text, context):
    """Substitutes `${{ a.b.c }}` from `context` (a flat dict of dotted names), as the runner would."""
    def value(match):
        name = match.group(1).strip()
        if name not in context:
            fail(f"the harness does not know `{name}`")
        return str(context[name])
    return re.sub(r"\$\{\{(.*?)\}\}", value, text)


def run_action(repo, work, inputs, github):
    """Runs every `run:` step of action.yml; returns (exit status, stdout, action outputs)."""
    action = yaml.safe_load((ACTION_DIR / "action.yml").read_text())
    context = {f"inputs.{name}": spec.get("default", "") for name, spec in action["inputs"].items()}
    context.update({f"inputs.{name}": value for name, value in inputs.items()})
    context.update(github)
    stdout = ""
    for step in action["runs"]["steps"]:
        if "run" not in step:
            continue  # actions/cache: nothing to emulate; the install step finds a cached build or not.
        if "${{" in step["run"]:
            fail(f"step `{step['name']}` interpolates an expression inside `run:`")
        output_file = work / f"output-{step.get('id', 'step')}"
        output_file.write_text("")
        env = dict(os.environ)
        env.update({
            "GITHUB_OUTPUT": str(output_file),
            "GITHUB_STEP_SUMMARY": str(work / "summary.md"),
            "GITHUB_PATH": str(work / "path"),
            "GITHUB_ACTION_PATH": str(ACTION_DIR),
            "RUNNER_TEMP": str(work / "runner-temp"),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
            "GITHUB_SERVER_URL": "https://github.com",
            "GITHUB_REPOSITORY": "docs-team/site",
            "GITHUB_SHA": github["github.sha"],
            "NO_COLOR": "1",
        })
        env.update({key: expression(str(value), context) for key, value in step.get("env", {}).items()})
        if (work / "path").exists():
            env["PATH"] = os.pathsep.join([*(work / "path").read_text().split(), env["PATH"]])
        result = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repo, env=env, capture_output=True, text=True,
        )
        stdout += result.stdout
        sys.stderr.write(result.stderr)
        outputs = dict(
            line.split("=", 1) for line in output_file.read_text().splitlines() if "=" in line
        )
        for name, value in outputs.items():
            context[f"steps.{step.get('id')}.outputs.{name}"] = value
        if result.returncode != 0:
            return result.returncode, stdout, action_outputs(action, context)
    return 0, stdout, action_outputs(action, context)


def action_outputs(action, context):
    return {
        name: expression(spec["value"], {**context, **{k: "" for k in missing_outputs(spec["value"], context)}})
        for name, spec in action["outputs"].items()
    }


def missing_outputs(text, context):
    return [m.strip() for m in re.findall(r"\$\{\{(.*?)\}\}", text) if m.strip() not in context]


def pull_request_repository(root):
    repo = root / "repo"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    write(repo, "docs/unchanged.md", TABLE_PAGE)
    write(repo, "docs/renders.md", "# Renders\n\n## Groups\n\n{{#include listing.md}}\n")
    write(repo, "docs/listing.md", LISTING + NOTE)
    write(repo, ODD_NAME, "# Team\n\nNothing about tokens yet.\n")
    git(repo, "add", ".")
    base = git(repo, "commit", "-qm", "base")
    git(repo, "checkout", "-qb", "feature")
    write(repo, ODD_NAME, TABLE_PAGE)
    write(repo, "docs/listing.md", LISTING)
    head = git(repo, "commit", "-qam", "head")
    return repo, base, head


def check_pull_request(root):
    repo, base, head = pull_request_repository(root)
    work = root / "work"
    work.mkdir()
    # A cached build, as actions/cache restores it: the install step reuses it instead of building.
    cached = work / "runner-temp" / "scope-lint" / "bin"
    cached.mkdir(parents=True)
    shutil.copy2(BINARY, cached / "scope-lint")
    (work / "summary.md").write_text("")
    github = {
        "github.action_ref": "",
        "github.action_repository": "",
        "github.event_name": "pull_request",
        "github.event.pull_request.base.sha": base,
        "github.sha": head,
        "runner.temp": str(work / "runner-temp"),
    }
    status, stdout, outputs = run_action(
        repo, work, {"path": "docs", "sarif-file": str(work / "out.sarif")}, github
    )
    if status != 1:
        fail(f"expected exit status 1, got {status}; stdout:\n{stdout}")
    odd = "docs/team a%2Cb%3Ac 中.md"
    expected = [
        "::error file=docs/renders.md,line=5,col=1,endLine=5,endColumn=24,title=SL001 missing-callout::"
        "section \"Groups\" lists AI Gateway permission groups (AI Gateway Read, AI Gateway Run) (through "
        "docs/listing.md) but has no call-out that they are account-scoped only%0Ahelp: ",
        f"::error file={odd},line=5,col=1,endLine=5,endColumn=16,title=SL001 missing-callout::",
    ]
    annotations = [line for line in stdout.splitlines() if line.startswith("::")]
    if len(annotations) != 2 or any(not a.startswith(e) for a, e in zip(annotations, expected)):
        fail(f"annotations:\n{chr(10).join(annotations)}\nexpected to start with:\n{chr(10).join(expected)}")
    if "unchanged.md" in stdout:
        fail("an unchanged page was checked")
    summary = (work / "summary.md").read_text()
    for needle in [
        "**2 errors** and **0 warnings** in 3 files.",
        "| [SL001](https://scope-lint.github.io/scope-lint/rules/sl001.html) | missing-callout | 2 |",
        "### `docs/team a,b:c 中.md`",
        f"- [line 5](https://github.com/docs-team/site/blob/{head}/docs/team%20a%2Cb%3Ac%20%E4%B8%AD.md#L5): **error** SL001",
        "0 findings went past GitHub's annotation limits",
    ]:
        if needle not in summary:
            fail(f"the job summary lacks {needle!r}:\n{summary}")
    if outputs != {"errors": "2", "warnings": "0"}:
        fail(f"outputs {outputs}")
    if '"ruleId": "SL001"' not in (work / "out.sarif").read_text():
        fail("the SARIF file lacks the findings")
    if (work / "path").read_text().strip() != str(cached):
        fail("the install step did not put the cached build on GITHUB_PATH")


def release(root, tag, tamper):
    """A fake release directory holding the binary's archive and the checksum file."""
    directory = root / f"release-{tamper}" / tag
    directory.mkdir(parents=True)
    archive = directory / f"scope-lint-{tag}-x86_64-unknown-linux-gnu.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        tar.add(BINARY, arcname="scope-lint")
    digest = hashlib.sha256(archive.read_bytes()).hexdigest()
    if tamper:
        digest = digest[::-1]
    (directory / f"scope-lint-{tag}-sha256sums.txt").write_text(f"{digest}  {archive.name}\n")
    return directory.parent


def check_release_install(root):
    tag = "v9.8.7"
    for tamper in (False, True):
        work = root / f"install-{tamper}"
        work.mkdir()
        env = dict(os.environ)
        env.update({
            "ACTION_REF": tag,
            "RELEASE_BASE_URL": (release(root, tag, tamper)).as_uri(),
            "GITHUB_ACTION_PATH": str(ACTION_DIR),
            "GITHUB_PATH": str(work / "path"),
            "RUNNER_TEMP": str(work),
            "RUNNER_OS": "Linux",
            "RUNNER_ARCH": "X64",
        })
        result = subprocess.run(
            ["bash", str(ACTION_DIR / "action" / "install.sh")], env=env, capture_output=True, text=True
        )
        if not tamper:
            if result.returncode != 0 or "verified (sha256" not in result.stdout:
                fail(f"release install: {result.returncode}\n{result.stdout}{result.stderr}")
            if not (work / "scope-lint" / "bin" / "scope-lint").exists():
                fail("release install did not unpack the binary")
        elif result.returncode == 0 or "SHA-256 mismatch" not in result.stderr:
            fail(f"a tampered archive was not refused: {result.returncode}\n{result.stderr}")
        elif (work / "path").exists():
            fail("a refused install still changed GITHUB_PATH")


def main():
    with tempfile.TemporaryDirectory() as temporary:
        root = Path(temporary)
        check_pull_request(root)
        check_release_install(root)
    print("run-action: ok (annotations, summary, outputs, exit status; verified and refused release installs)")


if __name__ == "__main__":
    main()
