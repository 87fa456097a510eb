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

A save renders only the pages whose Markdown the generator rewrote. Each
script's MkDocs site is kept in memory after a build from nothing (``ScriptSite``:
its files, navigation, theme environment and pages, as MkDocs' own build gathers
them), and a save reads and renders again the pages and copies the files that
changed on disk since the last update. That is what a build from nothing writes,
because the generator rewrites a page exactly when its content changes and the
navigation is fixed in mkdocs.yml: no page shows another page's content, and
MkDocs' 404 page and sitemap show only the navigation, the pages' addresses and
the day of the build. When that reasoning does not hold, the preview is rebuilt
from nothing: a file added to or removed from a script's docs/, or a change under
``templates/overrides/`` or to an ``mkdocs*.yml``. ``tests/test_serve.py`` checks
that a preview after edits equals one built from nothing.

There is no search index in the preview (Pagefind runs in ``make site``); the
search box says so.
"""

from __future__ import annotations

import gc
import logging
import os
import shutil
import signal
import tempfile
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Callable

from jinja2 import Environment
# MkDocs' own steps of its build, for one page at a time (private: mkdocs is pinned, and tests/test_serve.py
# compares a preview after edits with one built from nothing).
from mkdocs.commands.build import _build_page, _populate_page
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import MkDocsException
from mkdocs.livereload import LiveReloadServer
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import Files
from mkdocs.structure.nav import Navigation

from . import mkdocs_hook, pipeline, shortlinks
from .model import YanluError
from .pipeline import Project
from .publish import CONFIGS, ROOT_PAGE, link_tree, not_found_page, publish_data, relink
from .render import files_under


def _show_mkdocs_warnings() -> None:
    """MkDocs' warnings (a broken link) on the terminal, without its INFO chatter for every build."""
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("MkDocs %(levelname)s: %(message)s"))
        logger.addHandler(handler)
    logger.setLevel(logging.WARNING)


class _Recorder(BasePlugin):
    """Keeps what a build from nothing gathers, as the last plugin sees it: the navigation, the files, the
    theme's environment. The pages' text is let go once they are written (a kept page needs only its
    anchors, title and table of contents; a save reads a changed page again)."""

    nav: Navigation
    files: Files
    env: Environment

    @event_priority(-100)
    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    @event_priority(-100)
    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        self.env, self.files = env, files
        return env

    @event_priority(-100)
    def on_post_build(self, config: MkDocsConfig) -> None:
        for file in self.files.documentation_pages():
            file.page.markdown = file.page.content = None


class ScriptSite:
    """One script's preview: MkDocs' build from nothing into ``site_dir``, kept in memory, and ``update``,
    which renders the changed pages only (see the module's docstring for why that is a build from nothing)."""

    def __init__(self, config_file: Path, site_dir: Path):
        self.config_file, self.site_dir = config_file, site_dir
        self.config: MkDocsConfig | None = None
        self.recorder = _Recorder()

    def build(self) -> None:
        self.config = None  # until the build succeeds: a failed one is built from nothing again
        shutil.rmtree(self.site_dir, ignore_errors=True)
        config = load_config(config_file=str(self.config_file), site_dir=str(self.site_dir), strict=False)
        self.recorder = _Recorder()
        config.plugins["yanlu-preview"] = self.recorder
        mkdocs_build(config)
        self.config = config

    def update(self, changed: list[str]) -> None:
        """``changed``: the files of docs_dir (paths relative to it, with '/') rewritten since the last update."""
        if self.config is None:
            return self.build()
        config, files, nav, env = self.config, self.recorder.files, self.recorder.nav, self.recorder.env
        config.plugins.on_pre_build(config=config)
        pages = []
        for path in changed:
            file = files.get_file_from_path(path)
            if file is None:  # not a file MkDocs publishes
                continue
            if file.is_documentation_page():
                _populate_page(file.page, config, files)
                pages.append(file.page)
            else:
                file.copy_file()
        # MkDocs' 404 page and sitemap are not written again: they are made of the navigation, the pages'
        # addresses and the day of the build from nothing (each page's update_date), none of which a save changes.
        doc_files = files.documentation_pages()
        for page in pages:
            _build_page(page, config, doc_files, nav, env)
            page.markdown = page.content = None
        for file in doc_files:  # a changed page may have lost an anchor that another page links to
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)


class Preview:
    """Both scripts of a project, built into ``folder`` and kept up to date by ``update``."""

    def __init__(self, project: Project, folder: Path, say: Callable[[str], None] = print,
                 lock: Callable[[], AbstractContextManager] = nullcontext):
        self.project, self.folder, self.say, self.lock = project, folder, say, lock
        self.sites = {script: ScriptSite(project.root / config_file, folder / script)
                      for script, config_file in CONFIGS.items()}
        self._docs: dict[str, dict[str, list[int]]] | None = None  # each script's docs/ files at the last update
        self._theme: tuple | None = None  # what an update cannot follow (see the module's docstring)

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
                whole = self._render()
        except YanluError as exc:
            self.say(f"Error: {exc.message}\nThe preview is unchanged; it updates on the next save.")
            return False
        except MkDocsException as exc:
            self.say(f"Error: MkDocs could not build the preview: {exc}\nIt updates on the next save.")
            return False
        (self.folder / "index.html").write_text(ROOT_PAGE, encoding="utf-8")
        (self.folder / "404.html").write_text(not_found_page(""), encoding="utf-8")
        self._place_data()
        self.say(f"Preview {'built' if whole else 'updated'}: both scripts.")
        return True

    def _render(self) -> bool:
        """The generator, then each script's pages it rewrote, or both sites from nothing (True)."""
        result = mkdocs_hook.rebuild(self.project)
        # The hook's build writes no short links.
        links = pipeline.plan_shortlinks(self.project, result.corpus, mkdocs_hook.session()).write()
        docs = {script: files_under(self.project.docs / script) for script in self.sites}
        theme = self._theme_state()
        whole = (self._docs is None or theme != self._theme
                 or any(docs[script].keys() != self._docs[script].keys() for script in docs))
        if whole:
            self._build_sites()
            link_tree(self.project.docs / shortlinks.FOLDER, self.folder / "q")  # short links, as published
        else:
            for script, site in self.sites.items():
                site.update(sorted(path for path, stamp in docs[script].items() if self._docs[script][path] != stamp))
            relink(links, self.project.docs / shortlinks.FOLDER, self.folder / "q")
        self._docs, self._theme = docs, theme
        return whole

    def _place_data(self) -> None:
        """data/ (corpus.json …) beside both scripts, as in site/: docs/data itself, by a symbolic link made once, so a
        save links nothing (at 2,000 transcripts letting go of the last save's 110 MB files took a tenth of a
        second); linked file by file where the file system has no symbolic links."""
        data = self.folder / "data"
        if data.is_symlink():
            return
        try:
            os.symlink(self.project.data.resolve(), data, target_is_directory=True)
        except OSError:
            publish_data(self.project, self.folder)

    def _build_sites(self) -> None:
        # What the sites keep (every page of both scripts) lives until the next build from nothing: the cycle
        # collector need not walk it after every save (at 2,000 transcripts each full collection took 0.4 s).
        # What the sites kept before is let go and collected first.
        gc.unfreeze()
        for site in self.sites.values():
            site.build()
        gc.collect()
        gc.freeze()


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
