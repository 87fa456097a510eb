"""serve: `make serve` previews both scripts from one server, one rebuild per save, as a build from nothing."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.pipeline import Project
from generator.serve import Preview
from helpers_project import ROOT, replace_in, seed_name

INPUTS = ("seeds", "site_config", "templates", "generator", "mkdocs.yml", "mkdocs.zh-hant.yml")
EVENT = "apsara-2024-o1-panel"


def copy_inputs(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for name in INPUTS:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, dest / name)
    return dest


def files_of(folder: Path) -> dict[str, bytes]:
    # MkDocs' sitemap carries the day it was built; nothing else may differ. data/ is a link to docs/data/.
    return {str(Path(top, name).relative_to(folder)): Path(top, name).read_bytes()
            for top, _dirs, names in os.walk(folder, followlinks=True) for name in names
            if not name.startswith("sitemap.xml")}


@pytest.fixture(scope="module", autouse=True)
def prebuilt(monkeypatch_module):
    monkeypatch_module.setenv("YANLU_PREBUILT", "1")  # as `serve` runs MkDocs: the preview runs the generator


@pytest.fixture(scope="module")
def monkeypatch_module():
    with pytest.MonkeyPatch.context() as patch:
        yield patch


def test_a_preview_after_edits_is_what_a_preview_from_nothing_is(tmp_path):
    project = Project(copy_inputs(tmp_path / "project"))
    live = Preview(project, tmp_path / "live", say=lambda _: None)
    assert live.update()
    # An edit of one transcript: a dirty rebuild (only the pages the generator rewrote).
    seed = project.seeds / seed_name("002")
    replace_in(seed, "大模型", "大语言模型")
    messages = []
    live.say = messages.append
    assert live.update() and messages == ["Preview updated: both scripts."]
    assert files_of(tmp_path / "live") == files_of(_fresh(project, tmp_path / "fresh-1"))
    # Edits that rewrite more than pages: a character no transcript used (each script's query map, a static
    # file), a speaker's note (every page that shows it), a paragraph added (an id new to the short links).
    replace_in(seed, "大语言模型", "大语言模型鳄")
    replace_in(project.site_config / "speakers.yaml", "note: 百川智能创始人、CEO", "note: 百川智能创始人（测试）")
    replace_in(seed, "王咏刚(主持人):无论选择开源还是闭源", "王咏刚(主持人):这是预览新加的一段话。\n\n王咏刚(主持人):无论选择开源还是闭源")
    assert live.update() and messages[-1] == "Preview updated: both scripts."
    assert files_of(tmp_path / "live") == files_of(_fresh(project, tmp_path / "fresh-edits"))
    # A transcript dropped into seeds/ and taken out again: pages come and go, so the preview is
    # rebuilt from nothing (no page of the removed event left behind).
    added = project.seeds / "qa-english.txt"
    shutil.copy2(ROOT / "tests" / "roots" / "layouts" / "seeds" / "qa-english.txt", added)
    assert live.update() and messages[-1] == "Preview built: both scripts."
    assert files_of(tmp_path / "live") == files_of(_fresh(project, tmp_path / "fresh-2"))
    added.unlink()
    assert live.update()
    assert files_of(tmp_path / "live") == files_of(tmp_path / "fresh-edits")


def _fresh(project: Project, folder: Path) -> Path:
    preview = Preview(project, folder, say=lambda _: None)
    try:
        assert preview.update()
    finally:
        preview.close()
    return folder


def test_a_mistake_in_a_save_keeps_the_last_preview_and_says_where(tmp_path):
    project = Project(copy_inputs(tmp_path / "project"))
    live = Preview(project, tmp_path / "live", say=lambda _: None)
    assert live.update()
    before = files_of(tmp_path / "live")
    replace_in(project.site_config / "speakers.yaml", "- id:", "- id: [", 1)
    messages = []
    live.say = messages.append
    assert not live.update()
    assert "speakers.yaml" in messages[0] and "The preview is unchanged" in messages[0]
    assert files_of(tmp_path / "live") == before


def test_a_scripts_preview_process_that_stopped_says_so_and_starts_again(tmp_path):
    project = Project(copy_inputs(tmp_path / "project"))
    live = Preview(project, tmp_path / "live", say=lambda _: None)
    try:
        assert live.update()
        seed = project.seeds / seed_name("002")
        messages = []
        live.say = messages.append
        replace_in(seed, "大模型", "大语言模型")
        hant = live.sites[1]
        hant.process.kill()  # it dies while the save runs: its reply never comes
        hant.process.wait()
        hant.start = lambda: None
        assert not live.update()
        assert "zh-hant stopped" in messages[-1] and "It updates on the next save" in messages[-1]
        del hant.start
        assert live.update() and messages[-1] == "Preview built: both scripts."  # that script from nothing
        assert files_of(tmp_path / "live") == files_of(_fresh(project, tmp_path / "fresh"))
    finally:
        live.close()


# ------------------------------------------------------------------ the server, in a browser

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(log: Path, pattern: str, count: int = 1, timeout: float = 90) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        text = log.read_text(encoding="utf-8", errors="replace")
        if len(re.findall(pattern, text)) >= count:
            return text
        time.sleep(0.2)
    pytest.fail(f"`python -m generator serve` never printed {pattern!r} {count}×:\n{log.read_text()}", pytrace=False)


def test_make_serve_toggles_between_scripts_at_the_same_paragraph_and_rebuilds_once_per_save(browser, tmp_path):
    root = copy_inputs(tmp_path / "project")
    port, log = _free_port(), tmp_path / "serve.log"
    with open(log, "wb") as out:
        server = subprocess.Popen([sys.executable, "-u", "-m", "generator", "serve", "--port", str(port)],
                                  cwd=root, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait_for(log, r"Serving both scripts at http://127\.0\.0\.1:" + str(port))
        corpus = json.loads((root / "docs" / "data" / "corpus.json").read_text(encoding="utf-8"))
        pid = [p["id"] for p in corpus["paragraphs"] if p["event"] == EVENT][40]
        context = browser.new_context()
        page = context.new_page()
        page.goto(f"http://127.0.0.1:{port}/zh-hans/events/{EVENT}/#{pid}")
        page.locator("a.yl-script-toggle").click()
        page.wait_for_url(f"http://127.0.0.1:{port}/zh-hant/events/{EVENT}/#{pid}")
        page.wait_for_selector(f"#{pid}.yl-target", state="attached", timeout=5_000)
        assert page.locator("html").get_attribute("lang") == "zh-Hant"
        assert page.locator("h1").count() == 1 and "404" not in page.title()
        # A save: one rebuild, and the open page reloads with the new words in its script.
        first = next(p for p in corpus["paragraphs"] if p["event"] == EVENT and p["kind"] == "speech")
        seed = root / "seeds" / first["seed"]
        line = seed.read_text(encoding="utf-8").splitlines()[first["lines"][-1] - 1]
        replace_in(seed, line, line + "（预览测试）")
        text = _wait_for(log, r"Preview updated: both scripts\.")
        page.wait_for_function("() => !!document.body && document.body.innerText.includes('（預覽測試）')", timeout=60_000)
        time.sleep(2)  # long enough for a second rebuild, if the generator's own writes set one off
        text = log.read_text(encoding="utf-8")
        assert text.count("Preview updated") == 1, text
        assert "not included in the \"nav\"" not in text and "dirty" not in text, text
        # A short link works in the preview too, in the script chosen with the toggle.
        page.goto(f"http://127.0.0.1:{port}/q/#{pid}")
        page.wait_for_url(f"http://127.0.0.1:{port}/zh-hant/events/{EVENT}/#{pid}", timeout=10_000)
        assert page.goto(f"http://127.0.0.1:{port}/zh-hant/no-such-page/").status == 404
        assert page.locator("a[href]").count() >= 2  # the 404 page offers the home pages, not MkDocs' English text
        context.close()
    finally:
        server.terminate()
        server.wait(timeout=10)
