"""serve: a live preview of both scripts from one server, as ``site/`` will be.

``mkdocs serve`` previews one MkDocs project, so its 简/繁 toggle led to a 404,
and it watched ``docs/`` as well as the generator's inputs: each save rebuilt
twice (once for the input, once for the pages the generator wrote). Here the
generator runs once per save, in this process with its cache session
(``mkdocs_hook.rebuild``, the same as under ``mkdocs serve``); then MkDocs builds
both scripts into one preview folder laid out like ``site/`` (``zh-hans/``,
``zh-hant/``, the root ``index.html`` and ``404.html``, the short links and
the CSL-JSON files), and one MkDocs
live-reload server serves it and watches only the inputs.

A save rebuilds only the pages whose Markdown the generator rewrote (MkDocs'
``dirty`` build: the generator rewrites a page exactly when its content
changes, and the navigation is fixed in mkdocs.yml, so no other page can
change). When that reasoning does not hold, the preview is rebuilt from
nothing: a page added or removed, or a change under ``templates/overrides/``
or to an ``mkdocs*.yml``. ``tests/test_serve.py`` checks that a preview after
edits equals one built from nothing.

There is no search index in the preview (Pagefind runs in ``make site``); the
search box says so.
"""

from __future__ import annotations

import logging
import os
import shutil
import signal
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Callable

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer

from . import mkdocs_hook, pipeline, shortlinks
from .model import YanluError
from .pipeline import Project
from .publish import CONFIGS, ROOT_PAGE, link_tree, not_found_page, publish_data


def _show_mkdocs_warnings() -> None:
    """MkDocs' warnings (a broken link) on the terminal, without its INFO chatter for every build."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        logger.addHandler(handler)
        # Its warning that a dirty build may leave links stale: the module's docstring says why it cannot here.
        handler.addFilter(lambda record: not record.getMessage().startswith("A 'dirty' build"))
    logger.setLevel(logging.WARNING)


class Preview:
    """Both scripts of a project, built into ``folder`` and kept up to date by ``update``."""

    def __init__(self, project: Project, folder: Path, say: Callable[[str], None] = print,
                 lock: Callable[[], AbstractContextManager] = nullcontext):
        self.project, self.folder, self.say, self.lock = project, folder, say, lock
        self._pages: tuple[str, ...] | None = None  # docs/ Markdown files at the last build
        self._theme: tuple | None = None  # what a dirty build cannot follow (see the module's docstring)

    def _docs_pages(self) -> tuple[str, ...]:
        return tuple(sorted(str(p.relative_to(self.project.docs)) for p in self.project.docs.rglob("*.md")))

    def _theme_state(self) -> tuple:
        root = self.project.root
        files = [root / name for name in CONFIGS.values()]
        files += sorted(p for p in (root / "templates" / "overrides").rglob("*") if p.is_file())
        return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())

    def update(self) -> bool:
        """Run the generator, then MkDocs for both scripts; False (and the previous preview kept
        as it was) when the editor's input has a mistake, which is said with its file and line."""
        try:
            with self.lock():
                result = mkdocs_hook.rebuild(self.project)
                pipeline.plan_shortlinks(self.project, result.corpus).write()  # the hook's build writes no short links
                pages, theme = self._docs_pages(), self._theme_state()
                dirty = pages == self._pages and theme == self._theme
                for script, config_file in CONFIGS.items():
                    self._build_script(config_file, self.folder / script, dirty)
                link_tree(self.project.docs / shortlinks.FOLDER, self.folder / "q")  # short links, as published
        except YanluError as exc:
            self.say(f"Error: {exc.message}\nThe preview is unchanged; it updates on the next save.")
            return False
        except MkDocsException as exc:
            self.say(f"Error: MkDocs could not build the preview: {exc}\nIt updates on the next save.")
            return False
        self._pages, self._theme = pages, theme
        (self.folder / "index.html").write_text(ROOT_PAGE, encoding="utf-8")
        (self.folder / "404.html").write_text(not_found_page(""), encoding="utf-8")
        publish_data(self.project, self.folder)  # data/corpus.json beside both scripts, as in site/
        self.say(f"Preview {'updated' if dirty else 'built'}: both scripts.")
        return True

    def _build_script(self, config_file: str, site_dir: Path, dirty: bool) -> None:
        if not dirty:
            shutil.rmtree(site_dir, ignore_errors=True)
        config = load_config(config_file=str(self.project.root / config_file), site_dir=str(site_dir), strict=False)
        mkdocs_build(config, dirty=dirty)


def _stop(_signal, _frame) -> None:
    raise KeyboardInterrupt


def serve(project: Project, host: str = "127.0.0.1", port: int = 8000,
          lock: Callable[[], AbstractContextManager] = nullcontext) -> None:
    """Build the preview, serve it at http://host:port/ and rebuild it once per save until interrupted."""
    os.environ["YANLU_PREBUILT"] = "1"  # the hook's own generator run: the preview runs it, once per save
    _show_mkdocs_warnings()
    signal.signal(signal.SIGTERM, _stop)  # a terminated preview removes its folder, as Ctrl+C does
    folder = Path(tempfile.mkdtemp(prefix="yanlu-preview-"))
    preview = Preview(project, folder, say=lambda text: print(text, flush=True), lock=lock)
    try:
        preview.update()
        server = LiveReloadServer(builder=preview.update, host=host, port=port, root=str(folder))
        server.error_handler = lambda code: (folder / "404.html").read_bytes() if code == 404 else None
        for watched in (project.seeds, project.site_config, project.root / "templates",
                        *(project.root / name for name in CONFIGS.values())):
            server.watch(str(watched))
        print(f"Serving both scripts at http://{host}:{port}/ (Simplified /zh-hans/, Traditional /zh-hant/); "
              "Ctrl+C stops.", flush=True)
        try:
            server.serve()
        except KeyboardInterrupt:
            pass
        finally:
            server.shutdown()
    finally:
        shutil.rmtree(folder, ignore_errors=True)
