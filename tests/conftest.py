"""Shared fixtures: the real project built once, and tiny projects for edge cases."""

from __future__ import annotations

import shutil
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
