"""Repository hygiene: URL form, citation metadata, workflow syntax, pins."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import jsonschema
import pytest
import yaml

from edition import data

TRACKING = re.compile(r"^(utm_.*|fbclid|gclid|mc_.*|cid|taid|ocid|smid|cmpid)$", re.IGNORECASE)
# Hosts cited over plain http, each with its reason. Everything else must be https.
HTTP_ONLY = {
    host: "seen only over http in the copies consulted (archive, legacy or mirror page); https not confirmed offline"
    for host in [
        "acronym.org.uk", "alwasatnews.com", "articles.chicagotribune.com", "articles.latimes.com", "austindailyherald.com",
        "businessweek.com", "covid-19.chinadaily.com.cn", "country-data.com", "country-studies.com", "digitaljournal.com", "ed.mdict.net",
        "en.cncnews.cn", "en.imam-khomeini.ir", "en.kremlin.ru", "en.peacereporter.net", "en.people.cn",
        "en.special.kremlin.ru", "eng.kavkaz-uzel.eu", "exaronews.com", "fouman.com", "ifs.tuwien.ac.at",
        "ilmessaggero.it", "lubbockonline.com", "mideastweb.org", "oldtmt.vedomosti.ru",
        "reference.allrefer.com", "syriatimes.sy", "tass.com", "theguardian.com", "theledger.com",
    ]
}
# Query keys that look like tracking but are part of an article's address on that host, each with its reason.
NOT_TRACKING = {
    ("english.alahednews.news", "cid"): "the site's section id; the article address as found carries it",
}
# External URLs the book's prose may name outside the bibliography, each with its reason.
TEXT_URLS_ALLOWED = {
    "https://www.lawfaremedia.org/article/the-persian-russian-connection": "the essay's canonical address (provenance)",
}


def _host(url: str) -> str:
    return urlsplit(url).netloc.lower().removeprefix("www.")


def bibliography_urls() -> list[str]:
    return [entry.fields["url"] for entry in data.load_bibliography().entries.values()]


def test_bibliography_urls_use_https_unless_listed_and_carry_no_tracking() -> None:
    problems = []
    for url in bibliography_urls():
        parts = urlsplit(url)
        if parts.scheme == "http" and _host(url) not in HTTP_ONLY:
            problems.append(f"http without a listed reason: {url}")
        if parts.port in (80, 443):
            problems.append(f"default port spelled out: {url}")
        tracking = [k for k, _ in parse_qsl(parts.query) if TRACKING.match(k) and (_host(url), k) not in NOT_TRACKING]
        if tracking:
            problems.append(f"tracking parameters {tracking}: {url}")
    assert not problems, "\n".join(problems)
    assert set(HTTP_ONLY) <= {_host(u) for u in bibliography_urls() if u.startswith("http://")}, (
        "the http allow-list names a host no longer cited over http; remove it")


def test_bibliography_urls_are_not_duplicated() -> None:
    def canonical(url: str) -> str:
        parts = urlsplit(url)
        return f"{_host(url)}{parts.path.rstrip('/')}?{parts.query}"
    counts = Counter(canonical(u) for u in bibliography_urls())
    assert [u for u, n in counts.items() if n > 1] == []


def test_no_external_url_in_the_text_outside_the_bibliography(root: Path) -> None:
    cited = set(bibliography_urls())
    found = []
    for path in data.text_sources(root) + [root / "chapters" / "glossary.md", root / "chapters" / "bibliography.md"]:
        for url in re.findall(r"https?://[^\s)>`\"'\]]+", path.read_text(encoding="utf-8")):
            url = url.rstrip(".,;")
            if url not in cited and url not in TEXT_URLS_ALLOWED:
                found.append(f"{path.name}: {url}")
    assert found == []


def test_citation_cff_is_valid_citation_file_format(root: Path) -> None:
    schema = json.loads((root / "tests" / "schemas" / "citation-file-format-1.2.0.schema.json").read_text())
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    citation["date-released"] = str(citation["date-released"])
    jsonschema.Draft7Validator(schema, format_checker=jsonschema.FormatChecker()).validate(citation)
    broken = dict(citation, authors=[])
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft7Validator(schema).validate(broken)


def test_citation_and_config_agree_on_the_repository(root: Path) -> None:
    citation = yaml.safe_load((root / "CITATION.cff").read_text(encoding="utf-8"))
    config = yaml.safe_load((root / "_config.yml").read_text(encoding="utf-8"))
    assert citation["repository-code"] == config["repository"]["url"]
    assert citation["url"] == config["html"]["baseurl"]


def test_github_workflows_match_the_actions_schema(root: Path) -> None:
    workflows = sorted((root / ".github" / "workflows").glob("*.yml"))
    assert {w.name for w in workflows} >= {"book.yml", "linkcheck.yml"}
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", *map(str, workflows)],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def _steps_using(job: dict, action: str) -> list[dict]:
    return [step for step in job.get("steps", []) if str(step.get("uses", "")).startswith(action)]


def test_pages_are_deployed_only_from_the_tested_build(root: Path) -> None:
    deployers = []
    for path in sorted((root / ".github" / "workflows").glob("*.yml")):
        jobs = yaml.safe_load(path.read_text(encoding="utf-8"))["jobs"]
        for name, job in jobs.items():
            if _steps_using(job, "actions/deploy-pages"):
                deployers.append((path.name, name, job, jobs))
    assert len(deployers) == 1, f"exactly one job may deploy the site; found {[d[:2] for d in deployers]}"
    workflow, name, job, jobs = deployers[0]
    needs = [job["needs"]] if isinstance(job.get("needs"), str) else job.get("needs", [])
    tested = [n for n in needs if any(step.get("run") == "bash .ci/run" for step in jobs[n].get("steps", []))]
    assert tested, f"{workflow}: job {name} deploys without needing the job that runs the tests"
    uploads = [s for n in tested for s in _steps_using(jobs[n], "actions/upload-pages-artifact")]
    assert uploads and all(s["with"]["path"] == "_build/html" for s in uploads), \
        f"{workflow}: the deployed site must be the artifact the tested job built"
    assert "main" in str(job.get("if", "")), f"{workflow}: job {name} must deploy from main only"


def test_the_workflow_checker_rejects_a_broken_workflow(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("on: push\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps: not-a-list\n", encoding="utf-8")
    checker = Path(sys.executable).parent / "check-jsonschema"
    result = subprocess.run([str(checker), "--builtin-schema", "vendor.github-workflows", str(bad)],
                            capture_output=True, text=True)
    assert result.returncode != 0


def test_linkcheck_ignore_entries_each_carry_a_reason(root: Path) -> None:
    lines = (root / "_config.yml").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.strip().startswith("linkcheck_ignore:"))
    entries = []
    for line in lines[start + 1:]:
        if not line.startswith("      - "):
            break
        entries.append(line)
    assert entries, "linkcheck_ignore is empty"
    assert all("#" in line and len(line.split("#", 1)[1].strip()) > 10 for line in entries), entries


def test_every_top_level_requirement_is_pinned_exactly(root: Path) -> None:
    for line in (root / "requirements.txt").read_text().splitlines():
        line = line.strip()
        if not line or line.startswith("#") or line.startswith("-"):
            continue
        assert re.match(r"^[A-Za-z0-9_.\-\[\]]+==[0-9][^ ]*$", line), line


def test_the_repository_tracks_no_symbolic_links(root: Path) -> None:
    """A clean clone gets real files only: a tracked link (a worktree's borrowed .venv, once) points
    into the machine it was made on, and on another it dangles or loops."""
    listed = subprocess.run(["git", "-C", str(root), "ls-files", "-s"], capture_output=True, text=True, check=True).stdout
    links = [line.split("\t", 1)[1] for line in listed.splitlines() if line.startswith("120000 ")]
    assert not links, f"tracked symbolic links: {links}"


def test_the_ignore_rules_keep_an_environment_out_whether_folder_or_link(root: Path) -> None:
    for name in (".venv", ".venv/bin/python"):
        ignored = subprocess.run(["git", "-C", str(root), "check-ignore", "--no-index", "-q", name])
        assert ignored.returncode == 0, f"{name} is not ignored by .gitignore"
