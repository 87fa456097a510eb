"""MkDocs hook: run the generator before each build, watch its inputs.

Kept thin on purpose: all the work is ``pipeline.build()``. The hook holds one
build session (``cache.Session``) for the life of the process, so under
``mkdocs serve`` a save redoes the edited transcript only; what the session
keeps sits under the same keys as the disk cache, so a rebuild here writes
what a fresh build writes (tests/test_hook.py). ``mkdocs serve`` runs threads
(its server, its file watcher), and forking a threaded process can leave the
child waiting on a lock copied while another thread held it: the hook builds
in its own process (``jobs=1``), which for a save that changes a few pages is
also the faster way. MkDocs does not reload hook modules, so after
editing generator code restart ``mkdocs serve``.

``mkdocs serve`` previews one script; ``make serve`` (generator/serve.py) both.
"""

from __future__ import annotations

import gc
import html
import os
import re
from pathlib import Path

import markdown

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from generator import export, pipeline, render
from generator.cache import Session
from generator.model import YanluError


class _Hook:
    """The one session of this process (and the project it builds)."""

    session: Session | None = None
    root: Path | None = None


def rebuild(project: pipeline.Project, **options) -> pipeline.Build:
    """What the hook runs before each build: the generator, in this process, with its session."""
    first = _Hook.root != project.root
    if first:
        _Hook.session, _Hook.root = Session(project.cache, in_memory=True), project.root
    # No fork: serve runs threads. No index copies: a preview has no search (`make site` brings them up to date).
    result = pipeline.build(project, jobs=1, cache=_Hook.session, index_copies=False, **options)
    if first:
        # What the first build keeps in memory (every source's result) lives as long as the
        # server: the cycle collector need never walk it again (at 2,000 transcripts each
        # full collection after a rebuild took a fifth of a second).
        gc.freeze()
        render.compile_templates(project.templates)  # the first build after a start may have rendered nothing
    return result


def session() -> Session | None:
    """The session of this process's builds (None before the first)."""
    return _Hook.session


def _project(config: MkDocsConfig) -> pipeline.Project:
    return pipeline.Project(Path(config.config_file_path).resolve().parent)


# ------------------------------------------------------------------ the generator's HTML, parsed once

# The block-level elements the templates and generator/render.py write as raw HTML blocks.
_BLOCK_START = re.compile(r"<(div|blockquote|ul|ol|dl|nav|p|h3|details)[\s>]")
_ID = re.compile(r'<[a-zA-Z][^>]*?\sid="([^"]*)"')
_ANCHOR_NAME = re.compile(r'<a\s[^>]*?\sname="([^"]*)"')
_BLANK_LINES = re.compile(r"(\n\n+)")


class _HtmlBlocks(markdown.preprocessors.Preprocessor):
    """Hands the raw HTML blocks of a page to Python-Markdown's stash without parsing them.

    Most of a generated page is raw HTML (every paragraph and quote, escaped by the generator),
    which Python-Markdown's HTML block preprocessor reads with html.parser to find where each
    block ends, and MkDocs' anchor scan reads again to collect ids: two thirds of a build. A
    block that starts, after a blank line, with one of the elements the generator writes and ends
    with its closing tag, holding as many opening as closing tags of it, is stored as it is, as
    Python-Markdown would store it (nothing in a raw HTML block is Markdown, and MkDocs checks no
    link inside one); its ids are collected with a regular expression instead. Anything else —
    every line of Markdown an editor wrote in the templates, a block that does not look like the
    generator's — goes on to Python-Markdown and MkDocs as before, so `--strict` still checks
    every Markdown link and anchor.
    """

    def __init__(self, md: markdown.Markdown, ids: set[str]):
        super().__init__(md)
        self.ids = ids

    def run(self, lines: list[str]) -> list[str]:
        # Whitespace is normalised already: a blank line is an empty one. Odd items are the blank lines.
        chunks = _BLANK_LINES.split("\n".join(lines))
        out: list[str] = []
        run: list[str] = []  # generator blocks in a row: one stash entry, one placeholder paragraph

        def flush() -> None:
            if run:
                # What Python-Markdown writes for blocks one after another: each block, a blank line between.
                out.append(self.md.htmlStash.store("\n\n".join(run) + "\n"))
                out.append("\n\n")
                run.clear()

        for k, chunk in enumerate(chunks):
            if k % 2:
                if not run:
                    out.append(chunk)
                continue
            if self._generated(chunk):
                run.append(chunk)
                continue
            flush()
            out.append(chunk)
        flush()
        return "".join(out).split("\n")

    def _generated(self, chunk: str) -> bool:
        start = _BLOCK_START.match(chunk)
        if start is None:
            return False
        tag = start.group(1)
        # The generator writes a space or '>' after a tag's name; anything else is left to Python-Markdown.
        if not chunk.endswith(f"</{tag}>") or chunk.count(f"</{tag}>") != chunk.count(f"<{tag} ") + chunk.count(f"<{tag}>"):
            return False  # not the generator's shape: Python-Markdown reads it
        self.ids.update(map(html.unescape, _ID.findall(chunk)))
        self.ids.update(map(html.unescape, _ANCHOR_NAME.findall(chunk)))
        return True


class _HtmlBlocksExtension(markdown.Extension):
    def __init__(self):
        super().__init__()
        self.ids: set[str] = set()  # of the page being rendered (MkDocs renders one page at a time)

    def extendMarkdown(self, md: markdown.Markdown) -> None:
        # After whitespace normalisation (30) and fenced code (25, when an editor adds it: an HTML example
        # in a code block stays code), before MkDocs' anchor scan (21) and the HTML block parser (20).
        md.preprocessors.register(_HtmlBlocks(md, self.ids), "yanlu_html_blocks", 22)


_BLOCKS = _HtmlBlocksExtension()


def on_page_markdown(markdown_text: str, page, config: MkDocsConfig, files: Files) -> str:
    _BLOCKS.ids.clear()
    return markdown_text


def on_page_content(content: str, page, config: MkDocsConfig, files: Files) -> str:
    """The ids of the blocks MkDocs did not scan, so links from other pages to them are still checked."""
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= _BLOCKS.ids
    return content


@event_priority(100)  # the pages exist before any plugin looks at docs/
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if os.environ.get("YANLU_BARE_MARKDOWN") != "1":  # bench.py's comparison: the same pages without it
        config.markdown_extensions.append(_BLOCKS)
    if os.environ.get("YANLU_PREBUILT"):  # `python -m generator site` generated docs/ already
        return config
    try:
        rebuild(_project(config))
    except YanluError as exc:  # the editor's mistake, with file and line: no traceback
        raise PluginError(f"Yanlu could not build the pages:\n{exc.message}") from None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Under ``mkdocs serve`` (and a plain ``mkdocs build``), serve docs/data/*.json and *.jsonl at data/, which the
    home page's ../data/corpus.json reaches from the server's root. ``python -m generator site`` and
    ``serve`` publish docs/data/ once, beside both scripts (site/data/), not once in each."""
    if os.environ.get("YANLU_PREBUILT"):
        return files
    data = _project(config).data
    for path in (data / name for name in export.FILES if (data / name).exists()):
        files.append(File(f"data/{path.name}", str(data.parent), config.site_dir, config.use_directory_urls))
    return files


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
    project = _project(config)
    # docs/ is the generator's output, rewritten by every build: watching it made each save rebuild twice.
    server.unwatch(config.docs_dir)
    for folder in (project.seeds, project.site_config, project.root / "templates"):
        server.watch(str(folder))
    return server
