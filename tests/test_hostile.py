"""Hostile and broken input (issue 14): nothing in it runs, nothing breaks silently, publishing is all or nothing.

``tests/roots/hostile/`` is a tiny project whose configuration and transcripts hold what text
copied from the open web holds: markup, Markdown links to ``javascript:``, YAML look-alikes,
control characters, and a seed that ``sources.yaml`` does not list, whose first line becomes a
title. It is published once per module with ``python -m generator site``, as an editor would.

Each refusal starts from a copy of that published project (inputs, docs/, site/ and cache),
breaks one thing, runs the command and checks what the editor sees: exit status 1, the file
(and line) named with a fix, no traceback, and site/ and docs/ unchanged byte for byte.
Accepted input is checked in the built HTML and in Chromium: no ``javascript:`` or ``data:``
address anywhere, no page showing its header as text.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from helpers_project import ROOT, line_of, replace_in, run_cli
from test_site import Site, make_project

ROOTS = Path(__file__).resolve().parent / "roots"
HOSTILE = ROOTS / "hostile"
EVENT = "hostile-2024-test"
SEED = "000_hostile.txt"
SCRIPTS = ("zh-hans", "zh-hant")


# ------------------------------------------------------------------ the project, published once


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` with its bytes (and every symlink with its target)."""
    found = {}
    for path in sorted(folder.rglob("*")) if folder.exists() else ():
        key = str(path.relative_to(folder))
        if path.is_symlink():
            found[key] = b"-> " + os.fsencode(os.readlink(path))
        elif path.is_file():
            found[key] = path.read_bytes()
    return found


def snapshot(root: Path) -> dict[str, dict[str, bytes]]:
    return {"site": tree_bytes(root / "site"), "docs": tree_bytes(root / "docs")}


def changed(before: dict, after: dict) -> list[str]:
    """What differs between two snapshots, file by file."""
    out = []
    for tree in before:
        for name in sorted(before[tree].keys() | after[tree].keys()):
            if before[tree].get(name) != after[tree].get(name):
                state = "gone" if name not in after[tree] else "new" if name not in before[tree] else "changed"
                out.append(f"{tree}/{name} {state}")
    return out


def env_for_cli() -> dict:
    env = dict(os.environ)
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Path:
    """tests/roots/hostile published once with `python -m generator site`: it must be accepted."""
    root = make_project(tmp_path_factory.mktemp("hostile") / "project", HOSTILE).root
    run = run_cli(root, "site")
    assert run.returncode == 0, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    return root


@pytest.fixture(scope="module")
def hostile_site(published) -> Site:
    return Site(published)


@pytest.fixture(scope="module", params=["hostile", "injection"])
def accepted_site(request, tmp_path_factory) -> Site:
    """Each accepted fixture, published: tests/roots/hostile and tests/roots/injection (test_site.py's)."""
    if request.param == "hostile":
        return request.getfixturevalue("hostile_site")
    root = make_project(tmp_path_factory.mktemp(request.param) / "project", ROOTS / request.param).root
    run = run_cli(root, "site")
    assert run.returncode == 0 and "Traceback" not in run.stderr, run.stdout + run.stderr
    return Site(root)


@pytest.fixture
def copy(published, tmp_path) -> Path:
    """A copy of the published project (inputs, docs/, site/, cache) that a test may break."""
    dest = tmp_path / "project"
    shutil.copytree(published, dest, symlinks=True)
    return dest


def refused(root: Path, where: str, line: int | None = None, *args: str, command: str = "site",
            timeout: float = 120) -> str:
    """Run the command on a broken copy: exit 1, the file (and line) named with a fix, no traceback,
    site/ and docs/ as they were, byte for byte. Returns what the editor was told (stderr)."""
    before = snapshot(root)
    run = run_cli(root, command, *args, timeout=timeout)
    told = run.stdout + run.stderr
    assert run.returncode == 1, f"exit status {run.returncode}:\n{told}"
    assert "Traceback" not in told, told
    place = f"{where}, line {line}:" if line else where
    assert place in run.stderr, f"the message does not name {place!r}:\n{run.stderr}"
    assert "Fix:" in run.stderr, run.stderr
    after = snapshot(root)
    assert not changed(before, after), "a refused run changed the output:\n" + "\n".join(changed(before, after)[:20])
    return run.stderr


def with_line(path: Path, old: str, new: str) -> int:
    """Replace ``old`` by ``new`` in a file; the 1-based line where it now stands."""
    number = line_of(path, old)
    replace_in(path, old, new)
    return number


# ------------------------------------------------------------------ 1. links: http(s) or relative only


@pytest.mark.parametrize("url", ["javascript:alert(1)", "JaVaScRiPt:alert(document.cookie)",
                                 "data:text/html,<script>alert(1)</script>", "vbscript:msgbox(1)", "file:///etc/passwd"])
def test_a_source_url_that_is_not_a_web_address_is_refused_with_file_line_and_fix(copy, url):
    sources = copy / "site_config" / "sources.yaml"
    line = with_line(sources, 'url: https://example.org/hostile?a=1&b="2"', f"url: {json.dumps(url)}")
    told = refused(copy, "site_config/sources.yaml", line)
    assert "is not a web address" in told and "https://" in told


# ------------------------------------------------------------------ 2. headers by serializer; control characters


@pytest.mark.parametrize("file, old, char", [
    ("events.yaml", "敌意测试 ---", "\u0085"),           # NEL: a line break to YAML
    ("events.yaml", "<b>北京</b>", "\u0080"),
    ("speakers.yaml", "主持人 [点我]", "\u2028"),          # line separator
    ("topics.yaml", "脚本 <b>bold</b>", "\u009f"),
    ("sources.yaml", "发布方", "\x1b"),                   # ESC, a C0 control
])
def test_a_control_character_in_configuration_is_refused_with_file_line_and_fix(copy, file, old, char):
    line = with_line(copy / "site_config" / file, old, old[:2] + char + old[2:])
    told = refused(copy, f"site_config/{file}", line)
    assert f"U+{ord(char):04X}" in told and "Delete it" in told


def test_a_character_yaml_refuses_is_a_message_with_file_and_line_not_a_reader_error(copy):
    line = with_line(copy / "site_config" / "topics.yaml", "脚本 <b>bold</b>", "脚本\ufffe <b>bold</b>")
    told = refused(copy, "site_config/topics.yaml", line)
    assert "U+FFFE" in told and "ReaderError" not in told


@pytest.mark.parametrize("old", ['"[broken"', '"q-0123456789\\ntemplate: evil.html"', "q-01234", "index"])
def test_an_alias_that_is_not_a_paragraph_id_is_refused(copy, old):
    aliases = copy / "site_config" / "aliases.yaml"
    aliases.write_text(f"aliases:\n  - old: {old}\n    new: q-abcdefabcd\n", encoding="utf-8")
    told = refused(copy, "site_config/aliases.yaml", 2)
    assert "is not a paragraph id" in told and "q-1a2b3c4d5e" in told


def test_pages_headers_are_written_by_a_serializer_and_hold_every_value_whole(hostile_site):
    """Event names, notes and an unlisted seed's first line that look like YAML or hold line
    breaks YAML knows (U+0085, U+2028) stay in their field: MkDocs reads the header back whole."""
    from mkdocs.utils.meta import get_data

    corpus = hostile_site.corpus
    auto = next(e for e in corpus["events"] if e["id"] != EVENT)
    assert "\u0085" in auto["name"]["zh-Hans"] and "title:" in auto["name"]["zh-Hans"], "the fixture lost its first line"
    for script in SCRIPTS:
        for event in corpus["events"]:
            text = (hostile_site.project / "docs" / script / "events" / f"{event['id']}.md").read_text(encoding="utf-8")
            body, meta = get_data(text)
            assert set(meta) == {"title", "description", "yl_cite"}, meta  # yl_cite: the cite button's facts
            name = event["name"][{"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[script]]
            assert html.unescape(meta["title"]) == name
            assert {facts["event"] for facts in meta["yl_cite"]["sources"].values()} == {name}
            assert body.lstrip().startswith("# "), body[:80]


def test_no_page_shows_its_header_as_text_and_the_title_is_the_events_name(accepted_site):
    hostile_site = accepted_site
    problems = []
    for page in hostile_site.pages():
        text = page.article.text()
        if '"description"' in text or "description:" in text:  # every header has a description
            problems.append(f"{page.rel}: the article shows a header: {text[:120]!r}")
    for script in SCRIPTS:
        for event in hostile_site.corpus["events"]:
            page = hostile_site.event_page(script, event["id"])
            h1 = page.article.find("h1").text()
            name = event["name"][{"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[script]]
            if h1 != name:
                problems.append(f"{page.rel}: <h1> reads {h1!r}, not the event's name {name!r}")
            title = page.dom.find("title").text()
            if not title.startswith(name):
                problems.append(f"{page.rel}: <title> reads {title!r}")
    assert not problems, "\n".join(problems)


def _runnable(value: str) -> bool:
    """Whether a browser would take an address as javascript:, data: or vbscript: (it drops
    leading controls and spaces, and tabs and newlines anywhere)."""
    cleaned = re.sub(r"[\t\n\r]", "", html.unescape(value)).lstrip("\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0b\x0c\x0e\x0f"
                                                                     "\x10\x11\x12\x13\x14\x15\x16\x17\x18\x19\x1a\x1b"
                                                                     "\x1c\x1d\x1e\x1f ").lower()
    return cleaned.startswith(("javascript:", "data:", "vbscript:"))


def test_no_address_in_the_published_site_can_run_code(accepted_site):
    problems = []
    for page in accepted_site.pages():
        for element in page.dom.iter():
            for attribute in ("href", "src", "action", "formaction", "xlink:href", "data", "poster"):
                value = element.attrs.get(attribute)
                if value and _runnable(value):
                    problems.append(f"{page.rel}: <{element.tag} {attribute}={value!r}>")
            if any(a.startswith("on") for a in element.attrs) and page.article in element.ancestors():
                problems.append(f"{page.rel}: an event handler on <{element.tag}> in the article")
        for raw in ("<script>alert", "<img src=x", "<b>北京</b>", 'href="javascript:', "href='javascript:"):
            if raw in page.html:
                problems.append(f"{page.rel}: the page's HTML holds {raw!r}")
    assert not problems, "\n".join(problems[:40])


def test_the_original_link_is_the_configured_web_address_exactly(hostile_site):
    for script in SCRIPTS:
        page = hostile_site.event_page(script, EVENT)
        links = [a.attrs["href"] for a in page.article.find_all("a", "yl-external")]
        assert links == ['https://example.org/hostile?a=1&b="2"'], links


def test_control_characters_in_a_seed_are_removed_and_recorded_in_the_cleaning_report(hostile_site):
    removals = [r for r in hostile_site.cleaning_report["removals"] if r["rule"] == "control"]
    seed_line = line_of(HOSTILE / "seeds" / SEED, "这一行藏着控制字符")
    assert [(r["seed"], r["line"], r["text"]) for r in removals] == [(SEED, seed_line, "\u0085\u2028\u0080")], removals
    for paragraph in hostile_site.corpus["paragraphs"]:
        for key in ("text", "zh-Hans", "zh-Hant"):
            assert not re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]", paragraph[key]), paragraph
    shown = "".join(e.text() for e in hostile_site.event_page("zh-hans", EVENT).article.find_all("p", "yl-text"))
    assert "这一行藏着控制字符和行分隔符还有，链接" in shown


# ------------------------------------------------------------------ 3. patterns with a budget


@pytest.mark.parametrize("key, pattern", [("noise", "^(a+)+$"), ("noise", "(a*)*b"), ("trim", "(a|a)+$"),
                                          ("headings", "^(\\d+\\s?)+$")])
def test_a_pattern_that_could_hang_the_build_is_refused_naming_it_its_file_and_line(copy, key, pattern):
    seed = copy / "seeds" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "\n" + "a" * 50_000 + "!\n\n" + "1 " * 20_000 + "x\n", encoding="utf-8")
    sources = copy / "site_config" / "sources.yaml"
    if key == "noise":
        line = with_line(sources, "noise: ['^广告']", f"noise: ['^广告', {json.dumps(pattern)}]")
    else:
        line = with_line(sources, "noise: ['^广告']", f"noise: ['^广告']\n    {key}: [{json.dumps(pattern)}]") + 1
    started = time.monotonic()
    told = refused(copy, "site_config/sources.yaml", line, timeout=60)
    assert time.monotonic() - started < 30
    assert f"pattern '{pattern}'" in told and "could take hours" in told


# ------------------------------------------------------------------ 4. structure checked


def test_an_empty_or_blank_keyword_is_refused(copy):
    topics = copy / "site_config" / "topics.yaml"
    line = with_line(topics, "keywords: [脚本, 控制字符]", 'keywords: [脚本, "  "]')
    told = refused(copy, "site_config/topics.yaml", line)
    assert "item 2 of the list is empty" in told


def test_a_source_listed_twice_in_one_event_is_refused(copy):
    events = copy / "site_config" / "events.yaml"
    replace_in(events, "sources: [hostile-transcript]", "sources: [hostile-transcript, hostile-transcript]")
    told = refused(copy, "site_config/events.yaml", line_of(events, "- id: hostile-2024-test"))
    assert "lists source 'hostile-transcript' twice" in told


@pytest.mark.parametrize("file, entry", [
    ("events.yaml", "  - {id: index, name: 首页, date: 2024-01-01, participants: [], sources: []}\n"),
    ("speakers.yaml", "  - {id: pagefind, name: 某人}\n"),
    ("topics.yaml", "  - {id: assets, name: 资产, keywords: [资产]}\n"),
    ("sources.yaml", "  - {id: participants, seed: 000_hostile.txt, event: hostile-2024-test, title: t, script: zh-Hans}\n"),
])
def test_an_id_the_site_uses_for_its_own_pages_or_anchors_is_refused_with_a_fix(copy, file, entry):
    path = copy / "site_config" / file
    path.write_text(path.read_text(encoding="utf-8") + entry, encoding="utf-8")
    line = len(path.read_text(encoding="utf-8").splitlines())
    told = refused(copy, f"site_config/{file}", line)
    assert "a name the site uses for a page, folder or anchor of its own" in told and "Choose another id" in told


# ------------------------------------------------------------------ 5. publishing all or nothing


def test_a_theme_template_with_a_syntax_error_leaves_site_unchanged_and_names_the_template_and_line(copy):
    template = copy / "templates" / "overrides" / "main.html"
    line = with_line(template, "{% block extrahead %}", "{% block extrahead %}{{ oops }")
    told = refused(copy, "templates/overrides/main.html", line)
    assert "TemplateSyntaxError" in told and "site/ is unchanged" in told


def test_a_broken_mkdocs_yml_is_named_with_its_line_before_anything_is_written(copy):
    """The generator reads mkdocs.yml's Markdown extensions (the index copies are rendered with them)."""
    config = copy / "mkdocs.yml"
    config.write_text(config.read_text(encoding="utf-8") + "  - [unclosed\n", encoding="utf-8")
    told = refused(copy, "mkdocs.yml", command="build")
    assert re.search(r'mkdocs\.yml", line \d+', told), told


def test_a_broken_link_fails_the_strict_build_with_mkdocs_own_message_and_leaves_site_unchanged(copy):
    (copy / "docs" / "zh-hans" / "extra.md").write_text("# 多余的页\n\n[坏链接](nowhere.md)\n", encoding="utf-8")
    told = refused(copy, "mkdocs.yml")
    assert "WARNING" in told and "'nowhere.md'" in told and "extra.md" in told, told


def test_a_build_after_publishing_leaves_the_published_data_as_published_and_the_next_site_brings_it(copy):
    # site/data/ shares its files with docs/data/ where the disk allows (hard links): a build rewrites docs/data/,
    # the published site must keep what it was published with until the next publish. Published here, not only
    # copied: a copy of the tree holds no hard links.
    first = run_cli(copy, "site")
    assert first.returncode == 0, first.stderr
    published = copy / "site" / "data" / "corpus.json"
    before = published.read_bytes()
    replace_in(copy / "seeds" / SEED, "最后一句", "最后的一句话")
    built = run_cli(copy, "build")
    assert built.returncode == 0, built.stderr
    assert "最后的一句话" in (copy / "docs" / "data" / "corpus.json").read_text(encoding="utf-8")
    assert published.read_bytes() == before
    again = run_cli(copy, "site")
    assert again.returncode == 0, again.stderr
    assert published.read_bytes() == (copy / "docs" / "data" / "corpus.json").read_bytes() != before
    assert not list(copy.glob(".site.*")), list(copy.glob(".site.*"))


@pytest.mark.parametrize("moment", ["zh-hant/assets", "zh-hans/index.html"])  # MkDocs begun; a page written
def test_a_kill_during_publishing_leaves_the_previous_site_byte_for_byte(copy, moment):
    before = tree_bytes(copy / "site")
    replace_in(copy / "seeds" / SEED, "最后一句", "最后的一句话")  # the next site differs
    run = subprocess.Popen([sys.executable, "-m", "generator", "--root", str(copy), "site"], cwd=copy, env=env_for_cli(),
                           stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    deadline = time.monotonic() + 90
    try:
        while time.monotonic() < deadline and run.poll() is None:
            if any((staging / moment).exists() for staging in copy.glob(".site.new-*")):
                break
            time.sleep(0.005)
        assert run.poll() is None, f"publishing ended (exit {run.returncode}) before {moment} was written"
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
        run.wait()
    assert tree_bytes(copy / "site") == before
    # The next run publishes the new text and clears what the killed one left beside site/.
    again = run_cli(copy, "site")
    assert again.returncode == 0, again.stderr
    assert not list(copy.glob(".site.*")), list(copy.glob(".site.*"))
    assert "最后的一句话" in (copy / "site" / "zh-hans" / "events" / EVENT / "index.html").read_text(encoding="utf-8")


def test_two_site_runs_at_once_end_with_a_correct_site_and_no_traceback(copy):
    replace_in(copy / "seeds" / SEED, "最后一句", "最后的一句话")
    runs = [subprocess.Popen([sys.executable, "-m", "generator", "--root", str(copy), "site"], cwd=copy, env=env_for_cli(),
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    told = [run.communicate(timeout=180) for run in runs]
    for run, (out, err) in zip(runs, told):
        assert run.returncode == 0, out + err
        assert "Traceback" not in out + err
    assert any("Waiting: another `python -m generator` run is writing" in err for _out, err in told), told
    first = tree_bytes(copy / "site")
    assert not list(copy.glob(".site.*"))
    assert "最后的一句话" in first[f"zh-hans/events/{EVENT}/index.html"].decode("utf-8")
    # Correct means: what one run alone publishes from the same input, byte for byte.
    alone = run_cli(copy, "site")
    assert alone.returncode == 0, alone.stderr
    assert tree_bytes(copy / "site") == first


# ------------------------------------------------------------------ 7. size


def test_a_seed_no_transcript_could_be_is_refused_before_anything_is_written(copy):
    with open(copy / "seeds" / "002_dump.txt", "w", encoding="utf-8") as dump:
        line = "转储：" + "一行很长的重复文字，" * 100 + "\n"
        for _ in range(21_000_000 // len(line.encode("utf-8")) + 1):
            dump.write(line)
    told = refused(copy, "seeds/002_dump.txt")
    assert re.search(r"is 2\d\.\d MB; no transcript is that long", told), told


def test_a_very_large_seed_is_warned_about_and_its_oversized_page_refused_before_mkdocs(copy):
    lines = [f"赵一鸣: 第{i}个问题，关于模型价格和开源生态的讨论，我们需要认真看待这件事情的第{i * 7}个方面。\n\n"
             for i in range(40_000)]
    seed = copy / "seeds" / SEED
    seed.write_text(seed.read_text(encoding="utf-8") + "".join(lines), encoding="utf-8")
    size = seed.stat().st_size
    assert size > 5_000_000
    site_before = tree_bytes(copy / "site")
    started = time.monotonic()
    run = run_cli(copy, "site", timeout=240)
    assert run.returncode == 1, run.stdout + run.stderr
    assert "Traceback" not in run.stderr
    assert f"Warning: seeds/{SEED} is {size / 1e6:.1f} MB" in run.stderr
    assert f"docs/zh-hans/events/{EVENT}.md: this page would be" in run.stderr and f"(from seeds/{SEED})" in run.stderr
    assert "Fix:" in run.stderr
    assert time.monotonic() - started < 120
    assert tree_bytes(copy / "site") == site_before


# ------------------------------------------------------------------ 8. operating-system errors


def as_other_user() -> list[str]:
    """A command prefix that drops root's right to write anywhere (root ignores file permissions)."""
    return ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"] if os.geteuid() == 0 else []


def test_a_read_only_docs_folder_is_a_clear_message_not_a_permission_error_traceback(published):
    if os.geteuid() == 0 and not shutil.which("setpriv"):
        pytest.fail("running as root needs setpriv (util-linux) to drop the right to write", pytrace=False)
    work = Path(tempfile.mkdtemp(prefix="yanlu-readonly-"))  # not under pytest's root-only folder
    try:
        os.chmod(work, 0o755)
        root = work / "project"
        shutil.copytree(published, root, symlinks=True)
        replace_in(root / "seeds" / SEED, "最后一句", "最后的一句话")  # docs/ must be written
        if os.geteuid() == 0:
            for path in [root, *root.rglob("*")]:
                if not path.is_symlink():
                    os.chown(path, 65534, 65534)
        for path in [root / "docs", *(root / "docs").rglob("*")]:
            if os.geteuid() == 0:
                os.chown(path, 0, 0)
            if path.is_dir():
                path.chmod(0o555)
        before = snapshot(root)
        run = subprocess.run([*as_other_user(), sys.executable, "-m", "generator", "--root", str(root), "site"],
                             cwd=root, env=env_for_cli(), capture_output=True, text=True, timeout=120)
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Traceback" not in run.stderr and "PermissionError" not in run.stderr
        assert re.search(r"Error: docs/\S*: Permission denied", run.stderr), run.stderr
        assert "Fix: Give yourself permission to write there" in run.stderr
        assert not changed(before, snapshot(root))
    finally:
        for path in [work, *work.rglob("*")]:
            if path.is_dir() and not path.is_symlink():
                path.chmod(0o755)
        shutil.rmtree(work)


def test_a_file_where_the_cache_folder_should_be_is_a_clear_message(copy):
    shutil.rmtree(copy / ".yanlu-cache")
    (copy / ".yanlu-cache").write_text("not a folder\n", encoding="utf-8")
    told = refused(copy, ".yanlu-cache")
    assert "Not a directory" in told and "A file stands where a folder should be: move or delete .yanlu-cache" in told


def test_a_full_disk_while_publishing_is_a_clear_message_and_leaves_site_unchanged(published, tmp_path):
    site_size = sum(len(b) for b in tree_bytes(published / "site").values())
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(disk)], capture_output=True, text=True)
    if mounted.returncode:
        pytest.skip(f"cannot mount a small file system here to fill it: {mounted.stderr.strip()}")
    try:
        root = disk / "project"
        shutil.copytree(published, root, symlinks=True)
        replace_in(root / "seeds" / SEED, "最后一句", "最后的一句话")
        with open(disk / "filler", "wb") as filler:  # leave room for docs/ and half a site beside site/
            filler.write(b"\0" * (shutil.disk_usage(disk).free - site_size // 2 - 1_000_000))
        before_site = tree_bytes(root / "site")
        run = run_cli(root, "site")
        assert run.returncode == 1, run.stdout + run.stderr
        assert "Traceback" not in run.stderr, run.stderr
        assert "No space left on device" in run.stderr and "The disk is full" in run.stderr, run.stderr
        assert tree_bytes(root / "site") == before_site
        assert not list(root.glob(".site.*")), "the half-built site was left on the full disk"
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


# ------------------------------------------------------------------ 9. the page scripts, in Chromium

from test_browser import open_page  # noqa: E402  (the `browser` fixture is the session's, in conftest.py)


@pytest.fixture(scope="module")
def served(published):
    """http://127.0.0.1:PORT/site/ — the published hostile site, served from the project folder."""
    log_path = published / "http-server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen([sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1",
                                   "--directory", str(published)], stdout=log, stderr=subprocess.STDOUT)
    port, deadline = None, time.monotonic() + 15
    while port is None and time.monotonic() < deadline and server.poll() is None:
        match = re.search(r"port (\d+)", log_path.read_text(encoding="utf-8", errors="replace"))
        port = int(match.group(1)) if match else time.sleep(0.05)
    try:
        assert port, log_path.read_text(encoding="utf-8", errors="replace")
        yield f"http://127.0.0.1:{port}/site/"
    finally:
        server.terminate()
        server.wait(timeout=5)
        log_path.unlink(missing_ok=True)


def watch(page) -> dict:
    """Record what a page does that it must not: dialogs (alert), requests that leave 127.0.0.1."""
    seen = {"dialogs": [], "remote": []}
    page.on("dialog", lambda dialog: (seen["dialogs"].append(dialog.message), dialog.dismiss()))
    page.on("request", lambda request: urlsplit(request.url).scheme in ("http", "https")
            and urlsplit(request.url).hostname != "127.0.0.1" and seen["remote"].append(request.url))
    return seen


@pytest.mark.browser
def test_a_malformed_hash_shows_the_notice_and_throws_nothing(browser, served):
    with open_page(browser) as page:
        page.goto(f"{served}zh-hans/events/{EVENT}/#q-%E0%A4%A")
        notice = page.locator(".yl-notice")
        notice.wait_for(state="visible", timeout=5_000)
        assert "找不到" in notice.inner_text()
        page.evaluate("location.hash = '#%ZZ'")
        page.wait_for_timeout(100)
        assert page.locator(".yl-notice").count() == 1
        assert not page.js_errors, page.js_errors


@pytest.mark.browser
def test_hostile_pages_run_nothing_and_every_address_is_http_or_the_sites_own(browser, served, hostile_site):
    with open_page(browser) as page:
        seen = watch(page)
        for script in SCRIPTS:
            for event in hostile_site.corpus["events"]:
                page.goto(f"{served}{script}/events/{event['id']}/")
                page.wait_for_load_state("networkidle")
                protocols = page.evaluate("""() => [...document.querySelectorAll('[href], [src], [action]')]
                    .map(e => new URL(e.getAttribute('href') || e.getAttribute('src') || e.getAttribute('action'),
                                      location.href).protocol)""")
                assert set(protocols) <= {"http:", "https:"}, (event["id"], sorted(set(protocols)))
                page.evaluate("() => document.querySelectorAll('article details').forEach(d => { d.open = true; })")
                for link in page.locator("article a").all():  # following any of them runs nothing
                    if link.get_attribute("href", timeout=1_000).startswith("#"):
                        link.click(timeout=2_000)
            for path in ("speakers/zhao-yiming/", "topics/scripts/"):
                page.goto(f"{served}{script}/{path}")
                page.wait_for_load_state("networkidle")
        assert seen == {"dialogs": [], "remote": []}, seen
        assert not page.js_errors, page.js_errors


@pytest.mark.browser
def test_search_excerpts_show_angle_brackets_as_written(browser, served):
    with open_page(browser) as page:
        page.goto(f"{served}zh-hans/")
        box = page.locator("header input.yl-search__input")
        box.click()
        box.press_sequentially("比较", delay=20)
        page.wait_for_function("() => document.querySelectorAll('.yl-search__excerpt').length > 0", timeout=10_000)
        shown = page.evaluate("() => [...document.querySelectorAll('.yl-search__excerpt')].map(e => e.textContent)")
        marked = page.evaluate("() => document.querySelector('.yl-search__results').innerHTML")
        assert any("<script>alert(1)</script> 和 <img src=x onerror=alert(1)>，还有 a < b > c" in text for text in shown), shown
        assert not any("&lt;script" in text or "&gt;，" in text for text in shown), shown
        assert "<img" not in marked and "<script" not in marked
        # what the transcript wrote as an entity stays as written (never decoded)
        box.fill("")
        box.press_sequentially("实体", delay=20)
        page.wait_for_function("() => [...document.querySelectorAll('.yl-search__excerpt')]"
                               ".some(e => e.textContent.includes('实体'))", timeout=10_000)
        shown = page.evaluate("() => [...document.querySelectorAll('.yl-search__excerpt')].map(e => e.textContent)")
        assert any("最后一句 &lt;b&gt； 写成实体的样子" in text for text in shown), shown
        assert not page.js_errors, page.js_errors


@pytest.mark.browser
def test_a_browser_without_resize_observer_fetches_nothing_from_another_host(browser, served):
    with open_page(browser) as page:
        page.add_init_script("delete window.ResizeObserver;")
        seen = watch(page)
        page.goto(f"{served}zh-hans/events/{EVENT}/")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("() => typeof ResizeObserver") == "function"  # the site's stand-in
        page.set_viewport_size({"width": 600, "height": 800})
        page.wait_for_timeout(200)
        assert seen["remote"] == [], seen
        assert not page.js_errors, page.js_errors


def test_add_writes_a_first_line_with_control_characters_into_configuration_that_reads_back(copy, tmp_path):
    """`add` turns a transcript's first line into a title in sources.yaml: written by a serializer,
    with what YAML would take for a line break escaped, so the next run reads it back whole."""
    transcript = tmp_path / "网页.txt"
    first = "网页标题\u0085[点我](javascript:alert(1))\u2028template: evil"
    transcript.write_text(first + "\n\n孙三: 第一段话。\n\n李四: 第二段话。\n\n孙三: 第三段话。\n\n李四: 第四段话。\n",
                          encoding="utf-8")
    added = run_cli(copy, "add", str(transcript))
    assert added.returncode == 0, added.stdout + added.stderr
    sources = (copy / "site_config" / "sources.yaml").read_text(encoding="utf-8")
    assert "\u0085" not in sources and "\u2028" not in sources and "\\u0085" in sources
    built = run_cli(copy, "build")
    assert built.returncode == 0, built.stdout + built.stderr
    corpus = json.loads((copy / "docs" / "data" / "corpus.json").read_text(encoding="utf-8"))
    assert first in [s["title"] for s in corpus["sources"]]


def test_publishing_says_what_it_is_doing_and_that_it_is_still_at_work_during_a_long_stage(copy, monkeypatch):
    from generator import publish as publishing
    from generator.pipeline import Project

    monkeypatch.setattr(publishing, "PROGRESS_EVERY", 0.2)  # MkDocs takes about a second here
    said = []
    publishing.publish(Project(copy), copy / "site", say=said.append)
    assert said[0] == "Generating docs/ …" and any(s.startswith("Building both scripts with MkDocs") for s in said)
    assert any(re.fullmatch(r"MkDocs is still building mkdocs(\.zh-hant)?\.yml \([\d.]+ s\) …", s) for s in said), said
    assert said[-1] == "Replacing site/ …", said
