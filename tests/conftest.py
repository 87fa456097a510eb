"""Shared fixtures: the real project built once, and tiny projects for edge cases."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.pipeline import Project, build_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = sorted(p.name for p in (ROOT / "seeds").iterdir() if p.suffix in (".txt", ".md", ".srt", ".vtt"))
EXPECTED = ROOT / "tests" / "expected"
CHROMIUM = Path("/usr/bin/chromium")
# Without these Chromium keeps trying to reach the (closed) network.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]


@pytest.fixture(scope="session")
def built():
    """The corpus of the real seeds and site_config/, built once per test run."""
    return build_corpus(Project(ROOT))


@pytest.fixture
def project_copy(tmp_path) -> Project:
    """A copy of the real project's inputs that a test may break."""
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    shutil.copytree(ROOT / "site_config", tmp_path / "site_config")
    return Project(tmp_path)


def expected_lines(seed: str) -> dict[int, tuple[str, str, str]]:
    """The hand-checked reading of a seed: line → (what, speaker, kind). See tests/expected/attribution/NOTES.md."""
    rows = {}
    for row in (EXPECTED / "attribution" / f"{seed[:-4]}.tsv").read_text(encoding="utf-8").splitlines():
        number, what, speaker, kind, _excerpt = row.split("\t")
        rows[int(number)] = (what, speaker, kind)
    return rows


# One Chromium for the session (Playwright's sync API runs one instance per process): the browser
# tests of test_browser.py and test_hostile.py share it.
@pytest.fixture(scope="session")
def browser():
    """Headless Chromium from Debian, or None when it is not installed (each test then fails)."""
    if not CHROMIUM.exists():
        yield None
        return
    from playwright.sync_api import sync_playwright

    playwright = sync_playwright().start()
    try:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    except Exception:
        playwright.stop()
        raise
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()


# ------------------------------------------------------------------ the published site, served (browser tests)

INPUT_DIRS = ("seeds", "site_config", "templates", "generator")
INPUT_FILES = ("mkdocs.yml", "mkdocs.zh-hant.yml")
PREFIX = "/yanlu/"
EVENT = "apsara-2024-o1-panel"  # the 云栖大会 panel: long, Simplified source


@pytest.fixture(scope="session")
def published_project(tmp_path_factory) -> Path:
    """A copy of the project's inputs, published into www/yanlu/ (both scripts and the root page)."""
    from generator.pipeline import Project
    from generator.publish import publish

    root = tmp_path_factory.mktemp("yanlu-browser")
    for name in INPUT_DIRS:
        shutil.copytree(ROOT / name, root / name, ignore=shutil.ignore_patterns("__pycache__"))
    for name in INPUT_FILES:
        shutil.copy2(ROOT / name, root / name)
    add_a_correction(Project(root))
    publish(Project(root), root / "www" / "yanlu")
    return root


CORRECTED_ID = "q-00000c0de1"  # an id as published before a (made-up) correction of one of 朱军's paragraphs
CORRECTED_ON = "2024-10-01"


def add_a_correction(project) -> None:
    """An alias entry as `aliases` writes it, so the site shows a correction (修订于, the earlier words)."""
    from generator.config import yaml_value
    from generator.pipeline import build_corpus
    said = [p for p in build_corpus(project, write_cache=False).corpus.paragraphs
            if p.event == EVENT and p.speaker == "zhu-jun"]
    target = said[-2]
    entry = {"old": CORRECTED_ID, "new": target.id, "date": CORRECTED_ON, "note": "test", "earlier": target.text[:-1] + "。。"}
    path = project.site_config / "aliases.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("aliases: []", "aliases:") + f"  - {yaml_value(entry)}\n",
                    encoding="utf-8")


@pytest.fixture(scope="session")
def published_corpus(published_project) -> dict:
    return json.loads((published_project / "docs" / "data" / "corpus.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def published_base(published_project) -> str:
    """http://127.0.0.1:PORT/yanlu/ — python -m http.server on a free port, bound to 127.0.0.1."""
    log_path = published_project / "http-server.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            [sys.executable, "-u", "-m", "http.server", "0", "--bind", "127.0.0.1", "--directory", str(published_project / "www")],
            stdout=log, stderr=subprocess.STDOUT,
        )
    port = None
    deadline = time.monotonic() + 15
    while port is None and time.monotonic() < deadline:
        text = log_path.read_text(encoding="utf-8", errors="replace")
        match = re.search(r"port (\d+)", text)
        if match:
            port = int(match.group(1))
        elif server.poll() is not None:
            break
        else:
            time.sleep(0.05)
    if port is None:
        server.kill()
        server.wait()
        pytest.fail("python -m http.server did not start:\n" + log_path.read_text(encoding="utf-8", errors="replace"),
                    pytrace=False)
    try:
        yield f"http://127.0.0.1:{port}{PREFIX}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=5)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        if server.returncode not in (0, -15):
            print("http.server log:\n" + log_path.read_text(encoding="utf-8", errors="replace"))
