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

Each script is previewed by a process of its own (``SiteProcess``), so the two
render side by side while the server's process writes the short links. It keeps
its MkDocs site in memory after a build from nothing (``ScriptSite``: the files,
navigation, theme environment and pages, as MkDocs' own build gathers them), and
on a save reads and renders again only the pages, and copies only the files, that
changed on disk since the last save. That is what a build from nothing writes,
because the generator rewrites a page exactly when its content changes and the
navigation is fixed in mkdocs.yml: no page shows another page's content, and
MkDocs' 404 page and sitemap show only the navigation, the pages' addresses and
the day of the build. When that reasoning does not hold, the script is built
from nothing again: a file added to or removed from its docs/, or a change under
``templates/overrides/`` or to an ``mkdocs*.yml``. ``tests/test_serve.py`` checks
that a preview after edits equals one built from nothing.

There is no search index in the preview (Pagefind runs in ``make site``); the
search box says so.
"""

from __future__ import annotations

import gc
import json
import logging
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import traceback
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

_CODE = Path(__file__).resolve().parent.parent  # the folder that holds the generator package this process runs


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
    theme's environment. The pages' text is let go once they are written, by every build and update (a kept page
    needs only its anchors, title and table of contents; a save reads a changed page again)."""

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


def _theme_state(root: Path) -> tuple:
    """What an update cannot follow (see the module's docstring): the MkDocs configurations and the theme's overrides."""
    files = [root / name for name in CONFIGS.values()]
    files += sorted(p for p in (root / "templates" / "overrides").rglob("*") if p.is_file())
    return tuple((str(p), p.stat().st_mtime_ns, p.stat().st_size) for p in files if p.exists())


class ScriptSite:
    """One script's preview: MkDocs' build from nothing into ``site_dir``, kept in memory, and ``refresh``,
    which renders the pages that changed only (see the module's docstring for why that is a build from nothing)."""

    def __init__(self, config_file: Path, docs_dir: Path, site_dir: Path):
        self.config_file, self.docs_dir, self.site_dir = config_file, docs_dir, site_dir
        self.config: MkDocsConfig | None = None  # None: built from nothing at the next refresh
        self.recorder = _Recorder()
        self.docs: dict[str, list[int]] = {}  # docs_dir's files as last rendered, with their sizes and mtimes
        self.theme: tuple = ()

    def refresh(self) -> bool:
        """The site up to date with docs_dir; True when it was built from nothing."""
        docs, theme = files_under(self.docs_dir), _theme_state(self.config_file.parent)
        whole = self.config is None or theme != self.theme or docs.keys() != self.docs.keys()
        if whole:
            self._build()
        else:
            self._update(sorted(path for path, stamp in docs.items() if self.docs[path] != stamp))
        self.docs, self.theme = docs, theme
        return whole

    def _build(self) -> None:
        self.config = None  # until the build succeeds
        # What the site keeps (every page) lives until the next build from nothing: the cycle collector need not
        # walk it after every save (at 2,000 transcripts each full collection took 0.4 s). What it kept before is
        # let go and collected first.
        gc.unfreeze()
        self.recorder = _Recorder()
        shutil.rmtree(self.site_dir, ignore_errors=True)
        config = load_config(config_file=str(self.config_file), site_dir=str(self.site_dir), strict=False)
        config.plugins["yanlu-preview"] = self.recorder
        mkdocs_build(config)
        gc.collect()
        gc.freeze()
        self.config = config

    def _update(self, changed: list[str]) -> None:
        """``changed``: the files of docs_dir (paths relative to it, with '/') rewritten since the last refresh."""
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
        for file in doc_files:  # a changed page may have lost an anchor that another page links to
            file.page.validate_anchor_links(files=files, log_level=config.validation.links.anchors)
        config.plugins.on_post_build(config=config)


def _site_main(config_file: str, docs_dir: str, site_dir: str) -> None:
    """A script's ScriptSite in a process of its own (``python -m generator.serve``), refreshed on each line read:
    the two scripts render side by side, and what MkDocs keeps of them stays out of the server's process. It
    answers each line with one line of JSON on what was its standard output; anything else it prints goes to
    standard error, with MkDocs' warnings."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C stops the server, which stops this process
    replies = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    _show_mkdocs_warnings()
    site = ScriptSite(Path(config_file), Path(docs_dir), Path(site_dir))
    for _line in sys.stdin:  # its end: the server stopped
        try:
            reply = {"built": site.refresh()}
        except MkDocsException as exc:
            reply = {"mkdocs": str(exc)}
        except Exception:  # noqa: BLE001 - a bug: its traceback goes to the server, which raises it
            reply = {"error": traceback.format_exc()}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()


class SiteProcess:
    """The server's side of ``_site_main``: ``start`` a refresh, then ``result``. Started on the first refresh, and
    again after it stopped; a process of its own, not a fork (the server runs threads: a forked child could wait
    forever on a lock another thread held), running the generator's code that this process runs."""

    def __init__(self, config_file: Path, docs_dir: Path, site_dir: Path):
        self.args = [str(config_file), str(docs_dir), str(site_dir)]
        self.name = site_dir.name
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        if self.process is None or self.process.poll() is not None:
            path = os.environ.get("PYTHONPATH")
            env = dict(os.environ, PYTHONPATH=f"{_CODE}{os.pathsep}{path}" if path else str(_CODE))
            self.process = subprocess.Popen([sys.executable, "-m", "generator.serve", *self.args], env=env,
                                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")
        self.process.stdin.write("refresh\n")
        self.process.stdin.flush()

    def result(self) -> bool:
        line = self.process.stdout.readline()
        if not line:
            self.process = None
            raise MkDocsException(f"its process for {self.name} stopped (it starts again)")
        reply = json.loads(line)
        if "mkdocs" in reply:
            raise MkDocsException(reply["mkdocs"])
        if "error" in reply:
            raise RuntimeError(f"the preview of {self.name} failed:\n{reply['error']}")
        return reply["built"]

    def close(self) -> None:
        if self.process is not None:
            self.process.stdin.close()  # the process reads the end of its input and returns
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
            self.process.stdout.close()
            self.process = None


class Preview:
    """Both scripts of a project, built into ``folder`` and kept up to date by ``update``; ``close`` stops
    the processes that render them."""

    def __init__(self, project: Project, folder: Path, say: Callable[[str], None] = print,
                 lock: Callable[[], AbstractContextManager] = nullcontext):
        self.project, self.folder, self.say, self.lock = project, folder, say, lock
        self.sites = [SiteProcess(project.root / config_file, project.docs / script, folder / script)
                      for script, config_file in CONFIGS.items()]
        self._linked = False  # whether q/ holds what docs/q/ held after the last update

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
        """The generator, then both scripts' sites side by side and the short links; True when a site was
        built from nothing."""
        result = mkdocs_hook.rebuild(self.project)
        for site in self.sites:
            site.start()
        try:
            self._link_shortlinks(result)
        finally:
            outcomes = []
            for site in self.sites:  # every reply is read, so the next refresh starts clean
                try:
                    outcomes.append(site.result())
                except Exception as exc:  # noqa: BLE001 - raised once both have replied
                    outcomes.append(exc)
        for outcome in outcomes:
            if isinstance(outcome, Exception):
                raise outcome
        return any(outcomes)

    def _link_shortlinks(self, result: pipeline.Build) -> None:
        """docs/q/ (the hook's build writes no short links), and q/ of the preview: the files it rewrote."""
        linked, self._linked = self._linked, False
        changed = pipeline.plan_shortlinks(self.project, result.corpus, mkdocs_hook.session()).write()
        if linked:
            relink(changed, self.project.docs / shortlinks.FOLDER, self.folder / "q")
        else:
            link_tree(self.project.docs / shortlinks.FOLDER, self.folder / "q")
        self._linked = True

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

    def close(self) -> None:
        for site in self.sites:
            site.close()


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
        preview.close()
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    _site_main(*sys.argv[1:])
