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
import os
from pathlib import Path

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import event_priority
from mkdocs.structure.files import File, Files

from generator import pipeline
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
    result = pipeline.build(project, jobs=1, cache=_Hook.session, **options)  # no fork: serve runs threads
    if first:
        # What the first build keeps in memory (every source's result) lives as long as the
        # server: the cycle collector need never walk it again (at 2,000 transcripts each
        # full collection after a rebuild took a fifth of a second).
        gc.freeze()
    return result


def _project(config: MkDocsConfig) -> pipeline.Project:
    return pipeline.Project(Path(config.config_file_path).resolve().parent)


@event_priority(100)  # the pages exist before any plugin looks at docs/
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    if os.environ.get("YANLU_PREBUILT"):  # `python -m generator site` generated docs/ already
        return config
    try:
        rebuild(_project(config))
    except YanluError as exc:  # the editor's mistake, with file and line: no traceback
        raise PluginError(f"Yanlu could not build the pages:\n{exc.message}") from None
    return config


def on_files(files: Files, config: MkDocsConfig) -> Files:
    """Under ``mkdocs serve`` (and a plain ``mkdocs build``), serve docs/data/*.json at data/, which the
    home page's ../data/corpus.json reaches from the server's root. ``python -m generator site``
    publishes docs/data/ once, beside both scripts (site/data/), not once in each."""
    if os.environ.get("YANLU_PREBUILT"):
        return files
    data = _project(config).data
    for path in sorted(data.glob("*.json")):
        files.append(File(f"data/{path.name}", str(data.parent), config.site_dir, config.use_directory_urls))
    return files


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder) -> LiveReloadServer:
    project = _project(config)
    # docs/ is the generator's output, rewritten by every build: watching it made each save rebuild twice.
    server.unwatch(config.docs_dir)
    for folder in (project.seeds, project.site_config, project.root / "templates"):
        server.watch(str(folder))
    return server
