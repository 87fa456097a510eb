"""The MkDocs hook (generator/mkdocs_hook.py) as `mkdocs serve` runs it: builds in one process,
an editor's mistake as a clean MkDocs error, and no fork from a threaded process."""

from __future__ import annotations

import logging
import os
import shutil
import threading
from pathlib import Path

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort

from generator import pipeline, search
from helpers_project import ROOT, line_of, replace_in
from test_incremental import EDITS, differences, inputs_of, make_fixture, tree


def mkdocs_project(dest: Path) -> pipeline.Project:
    """tests/roots/incremental with the repository's MkDocs configs and generator/ beside them (as the hook wants)."""
    project = make_fixture(dest)
    for name in ("mkdocs.yml", "mkdocs.zh-hant.yml"):
        shutil.copy2(ROOT / name, dest / name)
    os.symlink(ROOT / "generator", dest / "generator", target_is_directory=True)
    (dest / "docs" / "zh-hans").mkdir(parents=True)  # MkDocs checks docs_dir exists before the hook runs
    return project


def serve_build(project: pipeline.Project):
    """One rebuild as `mkdocs serve` does it: the configuration loaded again, then built (the hook runs first)."""
    config = load_config(config_file=str(project.root / "mkdocs.yml"), site_dir=str(project.root / "site" / "zh-hans"))
    mkdocs_build(config)


@pytest.fixture(autouse=True)
def not_prebuilt(monkeypatch):
    monkeypatch.delenv("YANLU_PREBUILT", raising=False)


def test_an_edit_between_two_builds_in_one_process_equals_a_fresh_build(tmp_path, monkeypatch):
    project = mkdocs_project(tmp_path / "p")
    serve_build(project)
    assert (project.root / "site" / "zh-hans" / "speakers" / "wang-xiaoming" / "index.html").exists()
    EDITS["letter case"](project.root)
    processed = []
    real = pipeline._process_source
    monkeypatch.setattr(pipeline, "_process_source", lambda raw, *a, **k: processed.append(raw.seed) or real(raw, *a, **k))
    shutil.rmtree(project.cache)  # the hook's session alone must be enough for the unchanged sources
    serve_build(project)
    assert processed == ["qa.txt"]
    fresh = inputs_of(project, tmp_path / "fresh")
    pipeline.build(fresh, index_copies=False)
    assert differences(tree(project.docs), tree(fresh.docs)) == []
    assert not (project.docs / search.SEARCH_DIR).exists(), "a preview has no search: it writes no index copies"
    # The command line's build after the previews writes them, as a build from nothing does.
    pipeline.build(project)
    whole = inputs_of(project, tmp_path / "fresh-whole")
    pipeline.build(whole)
    assert (whole.docs / search.SEARCH_DIR).is_dir()
    assert differences(tree(project.docs), tree(whole.docs)) == []
    parts = sorted((project.root / "site" / "zh-hans" / "speakers" / "wang-xiaoming").glob("*/index.html"))
    assert parts, "the speaker's quotes are on parts of the page, one a year"
    page = "".join(part.read_text(encoding="utf-8") for part in parts)
    assert "AGI是一种信念" in page and "agi是一种信念" not in page


def test_an_edit_to_the_markdown_extensions_remakes_the_index_copies_as_from_nothing(tmp_path):
    """What search takes of the pages is the pages as MkDocs renders them with mkdocs.yml's Markdown extensions."""
    project = mkdocs_project(tmp_path / "p")
    pipeline.build(project)
    copy = project.docs / search.SEARCH_DIR / search.PAGEFIND_INPUT / "events" / "header-panel" / "index.html"
    assert " participants " not in copy.read_text(encoding="utf-8")  # attr_list read {: #participants }
    replace_in(project.root / "mkdocs.yml", "  - attr_list\n", "")
    pipeline.build(project)
    assert " participants " in copy.read_text(encoding="utf-8"), "the copy was not made again"
    fresh = inputs_of(project, tmp_path / "fresh")
    pipeline.build(fresh)
    assert differences(tree(project.docs), tree(fresh.docs)) == []


def test_an_editors_mistake_is_a_clean_mkdocs_error_with_file_and_line(tmp_path, caplog):
    project = mkdocs_project(tmp_path / "p")
    speakers = project.site_config / "speakers.yaml"
    replace_in(speakers, "{id: host-li, name: 李记者", "{id: host-li, nmae: 李记者")
    line = line_of(speakers, "nmae: 李记者")
    with caplog.at_level(logging.ERROR, logger="mkdocs"), pytest.raises(Abort):
        serve_build(project)
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert any(f"site_config/speakers.yaml, line {line}" in message and "nmae" in message for message in errors), errors
    assert not any("Traceback" in message for message in errors)
    assert not any(project.docs.rglob("*.md"))  # nothing written


def test_the_hook_never_forks_though_a_build_of_that_size_would(tmp_path, monkeypatch):
    """`mkdocs serve` runs threads (its server, its watcher): the hook's builds run in its own process."""
    project = mkdocs_project(tmp_path / "p")
    monkeypatch.setattr(pipeline, "PARALLEL_FROM", 1)  # three sources count as a large build
    workers = tmp_path / "workers"
    workers.mkdir()
    real = pipeline._process_source

    def noting_the_process(*args, **kwargs):
        (workers / str(os.getpid())).touch()
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_process_source", noting_the_process)
    stop = threading.Event()
    server = threading.Thread(target=stop.wait, daemon=True)  # as the live-reload server's thread
    server.start()
    try:
        serve_build(project)
    finally:
        stop.set()
        server.join()
    assert [int(p.name) for p in workers.iterdir()] == [os.getpid()]
    pipeline.build(inputs_of(project, tmp_path / "command"), jobs=2)  # the command line does fork
    assert len(list(workers.iterdir())) == 3


# ------------------------------------------------------------------ the generator's HTML blocks, parsed once

def rendered(markdown_text: str, stash: bool) -> tuple[str, set[str]]:
    """A page's Markdown as MkDocs converts it (Yanlu's Markdown extensions), with or without the hook's stash."""
    import markdown

    from generator import mkdocs_hook

    extensions = ["attr_list", "toc", *([mkdocs_hook._BLOCKS] if stash else [])]
    mkdocs_hook._BLOCKS.ids.clear()
    html = markdown.Markdown(extensions=extensions).convert(markdown_text)
    return html, set(mkdocs_hook._BLOCKS.ids)


def test_generated_html_blocks_come_out_as_python_markdown_writes_them_and_their_ids_are_anchors(built):
    from generator.convert import converter_for
    from generator.model import Script
    from generator.render import Renderer

    pages = {p.path: p.content for p in Renderer(built.corpus, Script.HANT, converter_for(built.config)).pages()}
    shown = ["index.md", "events/index.md", "events/baai-2024-peak-dialogue.md", "speakers/li-dahai.md", "topics/price-war.md",
             *sorted(p for p in pages if p.startswith(("speakers/li-dahai/", "topics/price-war/")))]
    for path in shown:
        body = pages[path].split("\n---\n", 1)[1]  # MkDocs takes the front matter off first
        plain, _ = rendered(body, stash=False)
        stashed, ids = rendered(body, stash=True)
        assert stashed == plain, path
        if path.startswith("events/") and path != "events/index.md":
            paragraphs = {p.id for p in built.corpus.paragraphs if p.event == "baai-2024-peak-dialogue"}
            assert paragraphs <= ids, f"{path}: the paragraphs' ids must reach MkDocs' anchor check"


def test_markdown_an_editor_writes_and_html_not_shaped_as_the_generators_are_still_parsed():
    text = ("# Title\n\n[a link](other.md#there) and *emphasis*\n\n"
            "<div class=\"x\">\n\nan unclosed div, a blank line inside\n\n</div>\n\n"
            "<p>closed</p>\n<p>twice on one block</p>\n\n"
            "<div id=\"kept\">generated <b>&lt;b&gt;</b></div>\n")
    stashed, ids = rendered(text, stash=True)
    plain, _ = rendered(text, stash=False)
    assert stashed == plain
    assert '<a href="other.md#there">a link</a>' in stashed and "<em>emphasis</em>" in stashed
    assert ids == {"kept"}  # only the block it took: the others went to Python-Markdown (and MkDocs' scan)


def test_a_publish_after_an_edit_is_what_a_publish_from_nothing_is(tmp_path, monkeypatch):
    """Publishing starts MkDocs and Pagefind beside the generator's pass over the cache (publish.EARLY_NICE):
    with nothing changed they go on; after an edit the ones whose part of docs/ the generator changed are
    started again on what it wrote, so the site is byte for byte what a publish from nothing gives."""
    from generator import publish
    project = mkdocs_project(tmp_path / "p")
    publish.publish(project)
    started, indexed = [], []
    build, index = publish.mkdocs_build, publish.start_pagefind
    monkeypatch.setattr(publish, "mkdocs_build", lambda *a, early=False: started.append(early) or build(*a, early=early))
    monkeypatch.setattr(publish, "start_pagefind", lambda *a, early=False: indexed.append(early) or index(*a, early=early))
    publish.publish(project)
    assert (started, indexed) == ([True, True], [True]), "nothing changed: the runs started early went on"
    started.clear(), indexed.clear()
    EDITS["a word"](project.root)
    fresh = mkdocs_project(tmp_path / "fresh")  # the same inputs (site_config/published-ids.txt too), no docs/ or cache
    for folder in ("seeds", "site_config", "templates"):
        shutil.rmtree(fresh.root / folder, ignore_errors=True)
        shutil.copytree(project.root / folder, fresh.root / folder)
    publish.publish(project)
    assert (started, indexed) == ([True, True, False, False], [True, False]), "the edit changed both scripts and search"
    assert "价格战对我们影响很小" in (project.root / "site" / "zh-hans" / "events" / "qa-interview" / "index.html").read_text(encoding="utf-8")
    publish.publish(fresh)
    assert differences(tree(project.root / "site"), tree(fresh.root / "site")) == []
