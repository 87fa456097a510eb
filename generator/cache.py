"""cache: every cache Yanlu keeps, in memory and on disk, and the one rule they obey.

The rule: an incremental build writes byte for byte what a build from nothing
writes. So every key is a fingerprint (``fingerprint``: SHA-256 of a canonical,
sorted JSON serialisation of the model objects, never ``repr()``) of everything
its artifact shows, and ``environment()`` (the generator's code, OpenCC's version
and data files, the Python version and pickle protocol) is part of every key.
Disk entries are sealed with a digest of their bytes (``seal``): a truncated,
corrupted or tampered entry is rejected and rebuilt, never trusted. Every file
is written atomically (a temporary file, then ``os.replace``), so a build killed
at any moment leaves either the old file or the new one; the temporaries a
kill leaves behind are swept by the next build (``sweep_temporaries``).

<!-- cache-table:start -->
| artifact | key | invalidated by | test |
|---|---|---|---|
| `.yanlu-cache/config.pickle`: the validated `site_config/` | the bytes of `site_config/*.yaml`, the seeds' names, the project folder, the environment | an edit to `site_config/`, a seed added or removed, other code, OpenCC or Python | `test_scale.py` (an edited configuration is read again), `test_cache.py` (damaged entries; code and OpenCC change) |
| `.yanlu-cache/sources/<id>.pickle`: one source read, cleaned, parsed, linked and converted | the seed's text; the source's, its event's and its speakers' entries; every topic and protected term; the environment | an edit to any of those | `test_incremental.py` (every kind of edit, random sequences), `test_cache.py` (code and OpenCC change; truncated, corrupted, tampered entries) |
| `.yanlu-cache/export.json`: `docs/data/` is current | every source's key; the events, sources, speakers, topics, aliases and corrections; the matches across sources (`match.py`: `also_reported`, which the editor's `matches.yaml` decides too); the warnings; the environment; and each file's size and mtime as written | any of those; a file in `docs/data/` changed, truncated or deleted | `test_cache.py` (damaged corpus.json, ids.json, cleaning-report.json) |
| `.yanlu-cache/pages-<script>.json`: which pages (and feeds, and each event's CSL-JSON) are current | an event page: its sources' keys and its paragraphs' matches across sources; an event's CSL-JSON (data/csl/<id>.json): its sources' keys and the site's address; a featured quote's page (quotes/<id>.md): its event's sources' keys; a part of a speaker's or topic's page (a year, a month, or the finer part it was cut into): every quote's words in both scripts, speaker, kind, addressee, topics and section (place and heading), and how its page is cut (the names of all its parts: its links to its neighbours); a speaker's or topic's overview, and a part cut into finer parts: how many paragraphs each speaker said at each event, and how the page is cut; a feed: the site's address (YANLU_SITE_URL: its links are absolute with one); every page: the entities (corrections with their dates and earlier words included), templates, labels, glossary, the seeds' address from `repo_url` and environment; and the file's size and mtime as written | what the page shows changing; a template, label or code edit; the page's file changed, truncated or deleted (a page first written is recorded before it is written, so a killed build's new pages go too) | `test_incremental.py`, `test_cache.py` (damaged pages, killed builds, reverted after a kill) |
| `.yanlu-cache/search-<script>.json`: which parts of pages for search (`docs/search/<script>/…/index.json`: search.py page_part) are current | the key of the page it is made of, and the Markdown extensions of the script's MkDocs configuration (`mkdocs.zh-hant.yml` with what it INHERITs); and the file's size and mtime as written | its page's key changing; an edit to the extensions in `mkdocs.yml` (`mkdocs.zh-hant.yml`); the part changed, truncated or deleted | `test_site.py` (each part is what its built page gives), `test_hook.py` (an edit to the extensions), `test_incremental.py` (`docs/` compared whole) |
| `.yanlu-cache/search-filters-<script>.json`: whether the filter controls' choices (`docs/search/filters/<script>/choices.json`: search.py filter_choices, linked into the Pagefind bundle by publish) are current | the keys of every event page's part in that script; and the file's size and mtime as written | any event's part changing, added or removed; the file changed, truncated or deleted | `test_site.py` (every filter value offered with its pages), `test_incremental.py` |
| `.yanlu-cache/search-pagefind.json`: which pages the search index reads (`docs/search/pagefind/`, made of both scripts' parts: search.py pagefind_page) are current | the keys of its parts in both scripts; and the file's size and mtime as written | either part's key changing; the file changed, truncated or deleted | `test_site.py` (each is made of its parts), `test_incremental.py` |
| `.yanlu-cache/pages-q.json`: which files of the short links (`docs/q/`: shortlinks.py `files`, linked into `site/q/` by publish) are current | the redirect page: the map's depth; a shard of the map and its plain list: the shard's ids and their events; the list of shards: their prefixes; each with the environment; and the file's size and mtime as written | a paragraph added, removed or moved to another event, a correction's alias, the map cut finer; a code edit; the file changed, truncated or deleted | `test_incremental.py` (`docs/` compared whole), `test_citations.py` (every id and alias leads to its event) |
| `.yanlu-cache/vanished.json`: the earlier text of published ids that vanished | none (kept for `aliases` to match; never under `docs/` or `site/`) | an alias recorded, or the removal published | `test_ids.py` |
| `.yanlu-cache/epoch.json`: the last build's SOURCE_DATE_EPOCH (the newest event's date), with which publish starts MkDocs before the generator is done | none: a record, not a cache; publish compares it and every file under each run's part of `docs/` before and after the generator | (publish stops and restarts a run when either differs) | `test_hook.py` (a publish after an edit is a publish from nothing) |
| `Session` (memory; the MkDocs hook holds one for the life of `mkdocs serve`): source results, seeds as read, the configuration, settings digests, the converter | the same keys as on disk (seeds also by size, mtime and inode; settings digests by entry identity; the converter by its protected terms) | as on disk | `test_hook.py`, `test_incremental.py` (memory and disk rebuilds in turn) |
| `Session.read` (memory): `site_config/published-ids.txt` as read, the list of files in `seeds/` | the file's (the folder's) size, modification time and inode | a save of the record; a file added to, removed from or renamed in `seeds/` | `test_cache.py` (the record rewritten while serving), `test_incremental.py` (a source added, removed) |
| `Session.reuse` (memory): what a build made of its sources, by name: each source's lookups (by event, speaker, topic), ids, matchable paragraphs, corpus.json and cleaning-report lines and characters; each speaker's and topic's parts and their digests; each event's matches and summarised highlights; the entities and their fingerprint; each script's query map | the inputs themselves, compared with `==` (at once for the very objects of a source the build did not redo) | any input unequal to last build's: a source redone, an entity, a record, a match changed | `test_cache.py` (a changed input is made again; the patched index equals one made from nothing), `test_incremental.py` (memory and disk rebuilds in turn) |
| `Session.kept` (memory): what a build leaves the next to patch: the sources' lookups put together (`render.CorpusIndex`); the short-link map cut into shards, with each of its files' keys (`shortlinks.cut_map`, `pipeline.plan_shortlinks`) | none: the next build patches it by what changed, never takes it as it is | the sources redone (the index); the ids added, removed or moved to another event, the map cut finer (the map: only the shards holding them are cut again) | `test_cache.py` (the patched index equals one made from nothing), `test_citations.py` (a patched map equals one cut from nothing) |
| `serve.ScriptSite` (memory, each script's preview process under `make serve`): MkDocs' site as its build from nothing gathered it (files, navigation, theme environment, pages) | each file of the script's docs/ by size and mtime; the `mkdocs*.yml` and `templates/overrides/` files | a page or file of docs/ rewritten (read, rendered or copied again); a file added or removed, an override or a configuration edited (built from nothing) | `test_serve.py` (a preview after edits equals one built from nothing; a process that died is started again) |
| `Memo` (`convert.Converter`'s conversions of texts and lines; one policy: the oldest is forgotten first) | (target script, text), per converter | never stale: a converter's protected terms are fixed, and OpenCC does not change under a running process | `test_convert.py`, `test_incremental.py` (a protected term) |
| `Memo` of page keys (`render._page_key`) | (every page's part of the key, the page's path, what it shows): the key is a fingerprint of exactly these | never stale: a pure function of its key | `test_incremental.py` (each kind of edit) |
| Jinja environments (`render._environment`) | the templates folder and the digest of its files | a template or labels.yaml edited (a new digest, a new environment) | `test_incremental.py` (a template, a label) |
| OpenCC's converters, the code and OpenCC digests (`convert._converters`, `cache._code_digest`, `cache._opencc_files_digest`) | none: one per process | a restart (after editing generator code, restart `mkdocs serve`) | `test_cache.py` (code and OpenCC changes) |
<!-- cache-table:end -->

The environment, part of every key: the bytes of every module in `generator/`,
OpenCC's version string and its configuration, dictionary and library files, the
Python version and the pickle protocol. Disk entries are sealed: a SHA-256 of
the entry's bytes comes first, and an entry whose bytes do not match (truncated,
corrupted, edited) is ignored and rebuilt. The seal detects damage, not a
forger who writes a new digest. Every write goes to a temporary file first and
replaces the old file whole (`os.replace`), and the next build deletes the
temporary files a killed build left, so a build killed at any moment (SIGKILL)
leaves `docs/` and `.yanlu-cache/` such that the next build equals a fresh one.
A file of a megabyte or more keeps a second, temporary name while it is replaced,
which a thread then deletes (freeing corpus.json's hundred megabytes took a tenth of a second).
Two builds run at once in one folder are for the caller to prevent (a lock in
the command line); this module takes no lock.

A seed is known unchanged in memory by its size, modification time and inode:
two saves of a seed of one size within one tick of the file system's clock
(a few milliseconds), with a build between them, would go unseen until the next
save; no editor saves that fast, but a script might (a command-line build reads
every seed afresh).

``.yanlu-cache/`` is always safe to delete.
"""

from __future__ import annotations

import collections
import dataclasses
import enum
import functools
import hashlib
import json
import os
import pickle
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any, Callable, Hashable

SEAL = b"yanlu-cache 1 sha256 "
TEMPORARY = ".yanlu-tmp-"
GENERATOR = Path(__file__).resolve().parent

# ------------------------------------------------------------------ fingerprints


_FIELDS: dict[type, tuple[str, ...]] = {}  # a dataclass → its field names (fixed per class)


def _plain(value: Any) -> Any:
    """A value as canonical JSON holds it: model objects by their fields, entries by their values."""
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is tuple or kind is list:
        return [_plain(v) for v in value]
    if kind is dict:
        return {str(k): _plain(v) for k, v in value.items()}
    names = _FIELDS.get(kind)
    if names is not None:
        return {name: _plain(getattr(value, name)) for name in names}
    if isinstance(value, enum.Enum):
        return value.value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(value))
        return _plain(value)
    if isinstance(getattr(value, "values", None), dict) and hasattr(value, "file") and hasattr(value, "line"):
        return _plain(value.values)  # config.Entry: its values, not where it was written
    if isinstance(value, (set, frozenset)):
        return sorted(_plain(v) for v in value)
    if isinstance(value, Path):
        return str(value)
    if isinstance(value, (str, int, float)):
        return value
    raise TypeError(f"cannot fingerprint a {kind.__name__}")


def canonical(*parts: Any) -> str:
    """``parts`` as sorted, compact JSON: the same values give the same text, whatever their repr.

    json's C encoder writes text, numbers, lists and tuples itself and asks ``_plain`` for the rest (model
    objects, entries, sets, paths); a dict it cannot sort (keys of several types) is written the slow way,
    every key as text. Either way the same values give the same text."""
    try:
        return json.dumps(parts, ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_plain)
    except TypeError:
        return json.dumps(_plain(parts), ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def fingerprint(*parts: Any) -> str:
    """SHA-256 of ``canonical(*parts)``."""
    return hashlib.sha256(canonical(*parts).encode("utf-8")).hexdigest()


def digest_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------ what every key holds


@functools.lru_cache(maxsize=1)
def _code_digest() -> str:
    """The bytes of every module of the generator as this process runs it."""
    digest = hashlib.sha256()
    for path in sorted(GENERATOR.glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def code_digest() -> str:
    """A digest of the generator's code (every module: a cache made by other code is stale)."""
    return _code_digest()


def opencc_version() -> str:
    """The installed OpenCC's version string."""
    import opencc
    return str(getattr(opencc, "__version__", "unknown"))


@functools.lru_cache(maxsize=1)
def _opencc_files_digest() -> str:
    import opencc
    folder = Path(opencc.__file__).resolve().parent
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and (path.suffix in (".json", ".ocd2", ".so", ".pyd", ".dylib") or path.name == "__init__.py"):
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def opencc_files_digest() -> str:
    """A digest of OpenCC's configuration files, dictionaries and library."""
    return _opencc_files_digest()


def environment() -> str:
    """What every cached artifact depends on besides its inputs: the code, OpenCC, Python, pickle."""
    return fingerprint(code_digest(), opencc_version(), opencc_files_digest(),
                       list(sys.version_info[:3]), sys.implementation.name, pickle.HIGHEST_PROTOCOL)


# ------------------------------------------------------------------ atomic writes


_writes = 0
_counting = threading.Lock()


def _fault_point() -> None:
    """For the kill tests: YANLU_KILL_AT_WRITE=N kills this process at its N-th write,
    after the temporary file is written and before it replaces the real one."""
    global _writes
    at = os.environ.get("YANLU_KILL_AT_WRITE")
    if not at:
        return
    with _counting:  # the export's files are written by a thread of their own
        _writes += 1
        if _writes == int(at):
            os.kill(os.getpid(), signal.SIGKILL)


def write_if_changed(path: Path, content: str | bytes | list[bytes]) -> bool:
    """Atomically write ``content`` unless the file already holds it. True if written.

    ``content`` may come in pieces (a large corpus.json): they are compared and
    written one by one, never joined into one copy of the whole file.
    """
    pieces = [content.encode("utf-8")] if isinstance(content, str) else [content] if isinstance(content, bytes) else content
    if _holds(path, pieces):
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f"{TEMPORARY}{path.name}.")
    aside = None
    try:
        _write_pieces(fd, pieces)
        os.chmod(tmp, 0o644)
        _fault_point()
        aside = _set_aside(path, tmp)
        os.replace(tmp, path)
    except BaseException:
        os.unlink(tmp)
        if aside:
            os.unlink(aside)
        raise
    if aside:
        _discard(aside)
    return True


def _write_pieces(fd: int, pieces: list[bytes]) -> None:
    """Write the pieces to the file ``fd`` (and close it): many at a time, each call without the
    interpreter's lock (the export's files are written by a thread while the pages render)."""
    if not hasattr(os, "writev"):
        with os.fdopen(fd, "wb") as handle:
            handle.writelines(pieces)
        return
    try:
        pending = [memoryview(piece) for piece in pieces if piece]
        start, most = 0, _IOV_MAX
        while start < len(pending):
            written = os.writev(fd, pending[start:start + most])
            while written:  # past the pieces written whole; a piece written in part goes on from there
                size = len(pending[start])
                if written >= size:
                    written -= size
                    start += 1
                else:
                    pending[start] = pending[start][written:]
                    written = 0
    finally:
        os.close(fd)


_IOV_MAX = min(os.sysconf("SC_IOV_MAX"), 1024) if hasattr(os, "sysconf") and "SC_IOV_MAX" in os.sysconf_names else 16


# Replacing a file frees its blocks there and then, which for corpus.json (a hundred megabytes, on a
# file system that discards freed blocks) took a tenth of a second: a larger file keeps a second name
# (a temporary, swept if a kill leaves it) while it is replaced, and a thread deletes that name.
SET_ASIDE_FROM = 1 << 20
_discarding: list = []


def _set_aside(path: Path, new: str) -> str | None:
    """A second name for the file ``new`` replaces, when it is large; None when not."""
    try:
        if path.stat().st_size < SET_ASIDE_FROM:
            return None
        aside = f"{new}.old"
        os.link(path, aside)
        return aside
    except OSError:  # no file yet, or no hard links here: replaced the plain way
        return None


def _discard(name: str) -> None:
    worker = threading.Thread(target=_unlink, args=(name,), name="yanlu-discard")
    worker.start()
    _discarding.append(worker)


def _unlink(name: str) -> None:
    try:
        os.unlink(name)
    except FileNotFoundError:  # swept already
        pass


def settle() -> None:
    """Wait for the files set aside to be deleted (before a build forks: no thread may run then)."""
    while _discarding:
        _discarding.pop().join()


def _holds(path: Path, pieces: list[bytes]) -> bool:
    """Whether the file at ``path`` consists of exactly these bytes."""
    try:
        if path.stat().st_size != sum(len(piece) for piece in pieces):
            return False
        with path.open("rb") as handle:
            return all(handle.read(len(piece)) == piece for piece in pieces)
    except FileNotFoundError:
        return False


def sweep_temporaries(*folders: Path) -> None:
    """Delete the temporary files a killed build left (never a file a build wrote whole)."""
    for folder in folders:
        if not folder.is_dir():
            continue
        for top, _dirs, files in os.walk(folder):
            for name in files:
                if name.startswith(TEMPORARY):
                    Path(top, name).unlink(missing_ok=True)


def forget_legacy(folder: Path) -> None:
    """Delete what earlier versions kept in .yanlu-cache/ in another layout (never read again)."""
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        if (name.endswith(".pickle") and name != "config.pickle") or name == "export.key":
            (folder / name).unlink(missing_ok=True)


def stamp(path: Path) -> list[int] | None:
    """A file's size and modification time as last written, or None if it is gone."""
    try:
        info = path.stat()
    except OSError:
        return None
    return [info.st_size, info.st_mtime_ns]


# ------------------------------------------------------------------ sealed entries on disk


def seal(payload: bytes) -> bytes:
    """``payload`` with a digest of itself in front, so damage of any kind is detected."""
    return SEAL + digest_bytes(payload).encode("ascii") + b"\n" + payload


def unseal(data: bytes) -> bytes | None:
    """The payload of a sealed entry, or None if it was truncated, corrupted or tampered with."""
    head = len(SEAL) + 64 + 1
    if len(data) < head or not data.startswith(SEAL) or data[head - 1:head] != b"\n":
        return None
    payload = data[head:]
    return payload if digest_bytes(payload).encode("ascii") == data[len(SEAL):head - 1] else None


def read_sealed(path: Path) -> bytes | None:
    try:
        return unseal(path.read_bytes())
    except OSError:
        return None


def load_pickle(path: Path, kind: type | tuple[type, ...]) -> Any:
    """The object pickled in a sealed entry, if the entry is whole and holds a ``kind``; else None."""
    payload = read_sealed(path)
    if payload is None:
        return None
    try:
        value = pickle.loads(payload)
    except Exception:  # noqa: BLE001 - a sealed entry from an incompatible Python: rebuilt
        return None
    return value if isinstance(value, kind) else None


def save_pickle(path: Path, value: Any) -> None:
    write_if_changed(path, seal(value if isinstance(value, bytes) else pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)))


def load_json(path: Path) -> Any:
    """The JSON value of a sealed entry, or None."""
    payload = read_sealed(path)
    if payload is None:
        return None
    try:
        return json.loads(payload)
    except ValueError:
        return None


def save_json(path: Path, value: Any) -> None:
    write_if_changed(path, seal(json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":")).encode()))


# ------------------------------------------------------------------ memory


class Memo:
    """A bounded memory of computed values, the oldest evicted first (one policy for every memo)."""

    def __init__(self, size: int):
        self.size = size
        self._items: collections.OrderedDict = collections.OrderedDict()

    def get(self, key: Hashable, default=None):
        return self._items.get(key, default)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._items

    def __len__(self) -> int:
        return len(self._items)

    def put(self, key: Hashable, value) -> None:
        items = self._items
        if key not in items and len(items) >= self.size:
            items.popitem(last=False)
        items[key] = value


def made_afresh(_name: str, _inputs: tuple, make: Callable[[], Any]) -> Any:
    """``Session.reuse`` where nothing is kept: ``make()``, every time (a stage called without a session)."""
    return make()


class Session:
    """What one process keeps between builds, and where the disk cache is.

    One-shot commands make a session per run (``memory`` False: results come from
    and go to ``.yanlu-cache/`` only). The MkDocs hook holds one session with
    ``memory`` True for the life of ``mkdocs serve``, so a save costs the edited
    transcript alone. ``writable`` False reads the disk cache and adds nothing
    (``check`` writes nothing). Every value kept in memory sits under the same
    key as on disk, so memory never serves what a fresh build would not.
    """

    def __init__(self, folder: Path | None, writable: bool = True, in_memory: bool = False):
        self.folder = folder
        self.writable = writable
        self.in_memory = in_memory
        self.memory: dict[str, Any] | None = {} if in_memory else None  # source id → its last result
        self.seeds: dict | None = {} if in_memory else None  # for pipeline.read_all: path → (stamp, RawText)
        self.configs: dict[str, Any] = {}  # the last validated configuration, by its key
        self.settings: dict[str, tuple[tuple, str]] = {}  # source id → (its entries, their digest)
        self.converters: dict[tuple, Any] = {}  # protected terms → convert.Converter
        self.files: dict[Path, tuple[tuple, Any]] = {}  # in memory: path → (its stamp, what was read of it)
        self.made: dict[str, tuple[tuple, Any]] = {}  # in memory: name → (the inputs, what was made of them)
        self.kept: dict[str, Any] | None = {} if in_memory else None  # what a build leaves the next to patch (CorpusIndex)
        self.swept = False  # whether a build of this session swept the temporaries a killed build left

    # -- one source's result
    def _path(self, source_id: str) -> Path:
        return self.folder / "sources" / f"{source_id}.pickle"

    def latest(self, source_id: str, kind: type) -> Any:
        """The last result kept for a source, whatever its inputs were (the caller checks the key)."""
        remembered = self.memory.get(source_id) if self.memory is not None else None
        if remembered is not None or self.folder is None:
            return remembered
        return load_pickle(self._path(source_id), kind)

    def put(self, source_id: str, result: Any) -> None:
        """Keep a result (or the result already pickled) on disk."""
        if self.folder is not None and self.writable:
            save_pickle(self._path(source_id), result)

    def remember(self, source_id: str, result: Any) -> None:
        if self.memory is not None:
            self.memory[source_id] = result

    def converter(self, protect: tuple[tuple[str, str], ...], make):
        """One converter per set of protected terms while this session lives (its memos stay warm)."""
        if protect not in self.converters:
            self.converters.clear()
            self.converters[protect] = make(protect)
        return self.converters[protect]

    def read(self, path: Path, parse: Callable[[Path], Any]) -> Any:
        """``parse(path)``; in memory, what it gave last while the file keeps its size, mtime and inode
        (a file read every build that rarely changes: site_config/published-ids.txt)."""
        if not self.in_memory:
            return parse(path)
        try:
            info = path.stat()
            now: tuple | None = (info.st_size, info.st_mtime_ns, info.st_ino)
        except OSError:
            now = None
        kept = self.files.get(path)
        if kept is not None and now is not None and kept[0] == now:
            return kept[1]
        value = parse(path)
        self.files[path] = (now, value)
        return value

    def reuse(self, name: str, inputs: tuple, make: Callable[[], Any]) -> Any:
        """``make()``; in memory, what it gave last time under ``name`` when ``inputs`` equal that
        time's (``==``, which Python decides at once for the very same objects: the sources a build
        did not redo keep theirs). ``make`` must depend on nothing but ``inputs``."""
        if not self.in_memory:
            return make()
        kept = self.made.get(name)
        if kept is not None and kept[0] == inputs:  # item by item, each first by identity (in C)
            return kept[1]
        value = make()
        self.made[name] = (inputs, value)
        return value

    # -- small records
    def file(self, name: str) -> Path | None:
        return None if self.folder is None else self.folder / name
