"""The only place the stages run in order: read → clean → parse → link → convert → export."""

from __future__ import annotations

import difflib
import functools
import hashlib
import json
import os
import pickle
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from . import export as export_stage
from .clean import clean
from .config import FILES, Entry, SiteConfig, load_config
from .convert import Converter, convert_paragraphs, converter_for
from .link import SpeakerIndex, assemble, link_source, topic_patterns
from .model import (CleanText, Corpus, Flag, Paragraph, ParsedSource, RawText, Removal, Script, Section,
                    YanluError, YanluErrors, strip_blank)
from .parallel import PARALLEL_FROM, fast, in_parallel
from .parse import parse
from .discover import configure_unlisted
from .read import read_seed, seed_files
from .render import SCRIPT_DIRS, TEMPLATES, CorpusIndex, Renderer, pages_due, read_manifest, write_planned
from .export import write_if_changed


@dataclass(frozen=True)
class Project:
    """Where a Yanlu project keeps its inputs and outputs."""

    root: Path

    @property
    def seeds(self) -> Path:
        return self.root / "seeds"

    @property
    def site_config(self) -> Path:
        return self.root / "site_config"

    @property
    def docs(self) -> Path:
        return self.root / "docs"

    @property
    def data(self) -> Path:
        return self.docs / "data"


@dataclass(frozen=True)
class Build:
    """What one run produced, for the summary and the tests."""

    config: SiteConfig
    corpus: Corpus
    results: tuple[SourceResult, ...]  # per source, in the seeds' order
    source_keys: dict[str, str] = field(default_factory=dict)  # source id → fingerprint of its inputs
    json_parts: dict[str, tuple[bytes, bytes, bytes]] | None = None  # source id → its part of corpus.json and ids.json
    chars: dict[Script, frozenset[str]] = field(default_factory=dict)  # each script's characters the other writes otherwise
    replaced: dict[str, bytes] = field(default_factory=dict)  # source id → its corpus.json part before this build

    @property
    def cleaned(self) -> tuple[CleanText, ...]:
        return tuple(r.cleaned for r in self.results)

    @property
    def parsed(self) -> tuple[ParsedSource, ...]:
        return tuple(r.parsed for r in self.results)


Progress = Callable[[str, int, int], None]


def _quiet(_stage: str, _done: int, _total: int) -> None:
    pass


# ------------------------------------------------------------------ the build


def read_all(project: Project, config: SiteConfig, seen: dict | None = None) -> tuple[list[RawText], list[str]]:
    """Every seed, decoded, and a warning for each file in seeds/ that is no seed. ``seen``
    (kept by a long-lived process) remembers what was read by file size and modification
    time, so an unchanged seed is not read again."""
    errors, raws = [], []
    paths, warnings = seed_files(project.seeds)
    for path in paths:
        source = config.source_for_seed(path.name)
        encoding = source.encoding if source else ""
        try:
            if seen is None:
                raws.append(read_seed(path, encoding))
                continue
            stat = path.stat()
            stamp = (stat.st_mtime_ns, stat.st_size, stat.st_ino, encoding)
            if path not in seen or seen[path][0] != stamp:
                seen[path] = (stamp, read_seed(path, encoding))
            raws.append(seen[path][1])
        except YanluError as exc:
            errors.append(exc)
    if errors:
        raise YanluErrors(errors)
    return raws, warnings


@dataclass(frozen=True)
class SourceResult:
    """One source read, cleaned, parsed, linked and converted: what the cache keeps."""

    key: str
    outline: ParsedSource  # the parsed source without its sections and blocks: layout, labels, orphan labels
    removals: tuple[Removal, ...]
    flags: tuple[Flag, ...]
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    # Kept so a later build need not redo them for an unchanged source:
    json: tuple[bytes, bytes, bytes] = (b"", b"", b"")  # its paragraphs and sections as corpus.json writes them, its ids
    # Characters of its Simplified text that Traditional writes otherwise, and the reverse (Converter.changing):
    chars: tuple[str, str] = ("", "")
    # The cleaned text and the whole parse, as objects or pickled: a build needs neither (the tests
    # and `check` do), and unpickling them for thousands of sources took seconds.
    stages: tuple[CleanText, ParsedSource] | bytes = b""

    def __getstate__(self) -> dict:
        stages = self.stages
        if not isinstance(stages, bytes):
            stages = pickle.dumps(stages, protocol=pickle.HIGHEST_PROTOCOL)
        return {**self.__dict__, "stages": stages}

    def _stages(self) -> tuple[CleanText, ParsedSource]:
        if isinstance(self.stages, bytes):
            object.__setattr__(self, "stages", pickle.loads(self.stages))
        return self.stages

    @property
    def cleaned(self) -> CleanText:
        return self._stages()[0]

    @property
    def parsed(self) -> ParsedSource:
        return self._stages()[1]


@functools.lru_cache(maxsize=1)
def _code_version() -> str:
    """A hash of the stage modules: a cached source is stale when the code that made it changed."""
    here = Path(__file__).resolve().parent
    digest = hashlib.sha1()
    for name in ("model", "read", "clean", "labels", "parse", "link", "discover", "convert", "config", "export", "pipeline"):
        digest.update((here / f"{name}.py").read_bytes())
    return digest.hexdigest()


def _shared_inputs(config: SiteConfig) -> str:
    """What every source's result depends on: the code, the topics and the glossary."""
    inputs = (_code_version(), [t.values for t in config.topics], [t.values for t in config.protect])
    return hashlib.sha1(repr(inputs).encode("utf-8")).hexdigest()


def _source_key(raw: RawText, source: Entry, config: SiteConfig, shared: str) -> str:
    """Everything one source's result depends on: its text, its settings, its event and
    speakers, and ``shared`` (``_shared_inputs``: topics, glossary, code)."""
    return hashlib.sha1(f"{shared}\n{raw.digest}\n{_settings_digest(source, config)}".encode()).hexdigest()


def _settings_digest(source: Entry, config: SiteConfig) -> str:
    """A digest of a source's settings, its event's and its speakers'. A long-lived process
    sees the same entries again while site_config/ is unchanged: their digest is kept."""
    event = config.event(source.event)
    entries = (source, event, *(config.speaker(p.speaker) for p in event.participants))
    kept = _SETTINGS.get(source.id)
    if kept is not None and len(kept[0]) == len(entries) and all(a is b for a, b in zip(kept[0], entries)):
        return kept[1]
    inputs = (source.values, {k: v for k, v in event.values.items() if k != "sources"},
              [speaker.values for speaker in entries[2:]])
    digest = hashlib.sha1(repr(inputs).encode("utf-8")).hexdigest()
    _SETTINGS[source.id] = (entries, digest)  # the entries themselves: an identity check never meets a stranger
    return digest


_SETTINGS: dict[str, tuple[tuple[Entry, ...], str]] = {}


class SourceCache:
    """Results of unchanged sources from earlier runs, in .yanlu-cache/ (safe to delete).

    ``writable`` False reads what is there and adds nothing (``check`` writes nothing).
    ``in_memory`` also keeps every result in this object, for a process that builds
    again and again (the MkDocs hook under ``mkdocs serve``): then an edit costs the
    edited source alone, not reading every other source's file again.
    """

    def __init__(self, folder: Path | None, writable: bool = True, in_memory: bool = False):
        self.folder = folder
        self.writable = writable
        self.memory: dict[str, SourceResult] | None = {} if in_memory else None
        self.seeds: dict | None = {} if in_memory else None  # for read_all

    def _path(self, source_id: str) -> Path:
        return self.folder / f"{source_id}.pickle"

    def latest(self, source_id: str) -> SourceResult | None:
        """The last result kept for a source, whatever its inputs were."""
        remembered = self.memory.get(source_id) if self.memory is not None else None
        if remembered is not None or self.folder is None or not self._path(source_id).exists():
            return remembered
        try:
            result = pickle.loads(self._path(source_id).read_bytes())
        except Exception:  # an unreadable cache entry is simply rebuilt
            return None
        return result if isinstance(result, SourceResult) else None

    def put(self, source_id: str, result: SourceResult | bytes) -> None:
        """Keep a result (or the result already pickled)."""
        if self.folder is not None and self.writable:
            data = result if isinstance(result, bytes) else pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
            write_if_changed(self._path(source_id), data)

    def remember(self, source_id: str, result: SourceResult) -> None:
        if self.memory is not None:
            self.memory[source_id] = result


def _process_source(raw: RawText, source: Entry, config: SiteConfig, converter: Converter, index: SpeakerIndex,
                    topics, key: str, errors: list) -> SourceResult:
    """read → clean → parse → link → convert for one source."""
    script = Script.of(source.script)
    cleaned = clean(raw, source, (lambda lines: converter.stray_characters(script, lines)) if script else None)
    parsed = parse(cleaned, source, index.is_known, index.names_in, open_roster=source.id in config.unlisted)
    sections, paragraphs = link_source(parsed, source, config, converter, errors, topics, index)
    paragraphs = convert_paragraphs(paragraphs, script, converter)
    for paragraph in paragraphs:  # made here, in a worker, and kept: the pages' keys need it (render.CorpusIndex)
        paragraph.shown_key
    removals = tuple(sorted(cleaned.removals + parsed.decisions, key=lambda r: (r.line, not r.whole_line)))
    return SourceResult(key, replace(parsed, sections=(), blocks=()), removals, cleaned.flags,
                        tuple(sections), tuple(paragraphs),
                        json=(export_stage.items_json(paragraphs), export_stage.items_json(sections),
                              export_stage.ids_json(paragraphs)),
                        chars=(converter.changing(Script.HANT, "".join(p.hans for p in paragraphs)),
                               converter.changing(Script.HANS, "".join(p.hant for p in paragraphs))),
                        stages=(cleaned, parsed))


def load_project_config(project: Project, writable: bool = True) -> SiteConfig:
    """site_config/, validated; when its files and the seeds' names are as they were last time,
    the validated configuration kept in .yanlu-cache/ (reading thousands of entries takes seconds)."""
    digest = hashlib.sha1(f"{_code_version()}\n{project.root}".encode())
    for name in sorted(FILES.values()):
        path = project.site_config / name
        digest.update(f"\n{name}\n".encode() + (path.read_bytes() if path.exists() else b"(missing)"))
    if project.seeds.is_dir():
        digest.update("\n".join(sorted(os.listdir(project.seeds))).encode())
    key = digest.hexdigest()
    if key in _CONFIGS:  # a long-lived process (mkdocs serve) building again
        return _CONFIGS[key]
    kept = project.root / ".yanlu-cache" / "config.pickle"
    try:
        cached_key, config = pickle.loads(kept.read_bytes())
        if cached_key != key or not isinstance(config, SiteConfig):
            config = None
    except Exception:  # missing or unreadable: validate afresh
        config = None
    if config is None:
        config = load_config(project.site_config, project.seeds)
        if writable:
            write_if_changed(kept, pickle.dumps((key, config), protocol=pickle.HIGHEST_PROTOCOL))
    _CONFIGS.clear()
    _CONFIGS[key] = config
    return config


_CONFIGS: dict[str, SiteConfig] = {}  # the last configuration loaded, by load_project_config's key


@fast
def build_corpus(project: Project, progress: Progress = _quiet, write_cache: bool = True, jobs: int = 1,
                 cache: SourceCache | None = None) -> Build:
    """Read, clean, parse, link and convert every seed. Raises YanluErrors on bad input.

    Sources whose inputs (text, settings, event, speakers, topics, glossary,
    code) did not change since the last run come from .yanlu-cache/ (or from
    ``cache``'s memory, when one long-lived process builds again and again).
    With ``jobs`` > 1, a large build parses sources in that many processes.
    """
    config = load_project_config(project, writable=write_cache)
    converter = converter_for(config)
    store = cache or SourceCache(project.root / ".yanlu-cache", writable=write_cache)
    raws, warnings = read_all(project, config, store.seeds)
    unconfigured = [r for r in raws if config.source_for_seed(r.seed) is None]
    config, unlisted_warnings = configure_unlisted(config, unconfigured, converter.hans)
    warnings += unlisted_warnings
    present = {r.seed for r in raws}
    config = replace(config, sources=tuple(s for s in config.sources if s.seed in present))

    results: list[SourceResult | None] = []
    todo: list[tuple[int, RawText, Entry, str]] = []
    shared = _shared_inputs(config)
    replaced: dict[str, bytes] = {}  # source id → its paragraphs as last kept, before this build redoes them
    for position, raw in enumerate(raws):
        source = config.source_for_seed(raw.seed)
        key = _source_key(raw, source, config, shared)
        earlier = store.latest(source.id)
        if earlier is not None and earlier.key == key:
            store.remember(source.id, earlier)
            results.append(earlier)
            continue
        results.append(None)
        todo.append((position, raw, source, key))
        if earlier is not None and isinstance(earlier.json[0], bytes):  # (an older Yanlu kept text: not comparable)
            replaced[source.id] = earlier.json[0]
    topics = topic_patterns(config, converter) if todo else []

    workers = jobs if len(todo) >= PARALLEL_FROM else 1

    def process(item: tuple[int, RawText, Entry, str]) -> tuple[SourceResult | bytes, list[YanluError]]:
        _position, raw, source, key = item
        errors: list[YanluError] = []
        index = SpeakerIndex(config.event(source.event), config, converter)
        result = _process_source(raw, source, config, converter, index, topics, key, errors)
        if workers == 1:
            if not errors:
                store.put(source.id, result)
            return result, errors
        # From a worker process the result travels pickled anyway: pickle it once, for both.
        data = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        if not errors:
            store.put(source.id, data)
        return data, errors

    errors: list[YanluError] = []
    for (position, *_), (result, found) in zip(todo, in_parallel(process, todo, workers)):
        result = pickle.loads(result) if isinstance(result, bytes) else result
        results[position] = result
        errors += found
        if not found:
            store.remember(result.outline.source_id, result)
    progress("parse", len(raws), len(raws))
    for result in results:
        for line in result.outline.orphan_labels:
            warnings.append(f"seeds/{result.outline.seed}, line {line}: a speaker header with no text under it")
        warnings.extend(result.outline.warnings)
    corpus = assemble(config, converter, [r.outline for r in results],
                      [s for r in results for s in r.sections], [p for r in results for p in r.paragraphs], errors)
    corpus = replace(
        corpus,
        removals=tuple(r for res in results for r in res.removals),
        flags=tuple(f for res in results for f in res.flags),
        warnings=tuple(warnings),
    )
    return Build(config=config, corpus=corpus, results=tuple(results),
                 source_keys={r.outline.source_id: r.key for r in results},
                 json_parts={r.outline.source_id: r.json for r in results}, replaced=replaced,
                 chars={Script.HANS: frozenset().union(*(r.chars[0] for r in results)),
                        Script.HANT: frozenset().union(*(r.chars[1] for r in results))})


def previous_paragraphs(project: Project) -> dict[str, dict]:
    """Paragraphs of the last export (docs/data/corpus.json), by id; empty if there is none."""
    path = project.data / "corpus.json"
    if not path.exists():
        return {}
    try:
        return {p["id"]: p for p in json.loads(path.read_text(encoding="utf-8"))["paragraphs"]}
    except (ValueError, KeyError):
        return {}


def _published_before(project: Project, result: Build) -> dict[str, dict]:
    """The previous export's paragraphs that the corpus no longer has, by id.

    Reading a large corpus.json is slow, so the ids are checked against
    docs/data/ids.json first; the paragraphs that vanished are looked for in the
    earlier versions of the sources this build redid, and the whole file is
    read only when some are not there.
    """
    corpus = result.corpus
    ids_path = project.data / "ids.json"
    current = {p.id for p in corpus.paragraphs} | {old for old, _ in corpus.aliases}
    if ids_path.exists() and (project.data / "corpus.json").exists():
        try:
            gone = set(json.loads(ids_path.read_text(encoding="utf-8"))) - current
        except ValueError:
            gone = None
        if gone is not None:
            found = {p["id"]: p for part in result.replaced.values() if part
                     for p in json.loads(b"[" + part + b"]") if p["id"] in gone}
            if set(found) == gone:
                return found
    return {pid: p for pid, p in previous_paragraphs(project).items() if pid not in current}


def vanished(previous: dict[str, dict], corpus: Corpus) -> list[dict]:
    """Paragraphs published before whose ids now lead nowhere."""
    current = {p.id for p in corpus.paragraphs} | {old for old, _ in corpus.aliases}
    return [p for pid, p in sorted(previous.items()) if pid not in current]


def _pending_path(project: Project) -> Path:
    return project.data / "vanished-paragraphs.json"


def pending_vanished(project: Project) -> dict[str, dict]:
    """Vanished paragraphs remembered across builds until an alias is recorded for them."""
    path = _pending_path(project)
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def _export_key(result: Build) -> str:
    """Everything docs/data/ is made of: the sources' fingerprints and the configuration."""
    corpus = result.corpus
    parts = (sorted(result.source_keys.items()), corpus.entities_fingerprint, corpus.warnings,
             export_stage.SCHEMA_VERSION, _code_version())
    return hashlib.sha1(repr(parts).encode("utf-8")).hexdigest()


@fast
def export(project: Project, progress: Progress = _quiet, jobs: int = 1, cache: SourceCache | None = None) -> Build:
    """Build the corpus and write ``docs/data/``; warn about published ids that would break."""
    return write_export(project, build_corpus(project, progress, jobs=jobs, cache=cache))


def write_export(project: Project, result: Build) -> Build:
    """Write ``docs/data/`` for a built corpus; the result carries the warnings about vanished ids.

    When nothing the export is made of changed since the last run, the files
    are left as they are (serialising a large corpus is the slow part).
    """
    stamp = project.root / ".yanlu-cache" / "export.key"
    key = _export_key(result)
    outputs = [project.data / "corpus.json", project.data / "cleaning-report.json"]
    if stamp.exists() and stamp.read_text() == key and all(p.exists() for p in outputs):
        return _with_vanished_warning(result, list(pending_vanished(project).values()))
    known = _published_before(project, result) | pending_vanished(project)
    gone = vanished(known, result.corpus)
    # Remember them, so `aliases` still finds them after later builds overwrite corpus.json.
    write_if_changed(_pending_path(project), export_stage.dumps({p["id"]: p for p in gone}))
    result = _with_vanished_warning(result, gone)
    export_stage.export(result.corpus, project.data, result.json_parts)
    write_if_changed(stamp, key)
    return result


def _with_vanished_warning(result: Build, gone: list[dict]) -> Build:
    if not gone:
        return result
    warning = (f"{len(gone)} paragraph id(s) published before no longer exist (e.g. {gone[0]['id']} in "
               f"seeds/{gone[0]['seed']}). If their text was corrected, run `python -m generator aliases` "
               "so old links still lead to them.")
    return replace(result, corpus=replace(result.corpus, warnings=result.corpus.warnings + (warning,)))


ALIAS_LIKENESS = 0.75  # a corrected paragraph is at least this alike to its old text


@fast
def update_aliases(project: Project) -> tuple[list[tuple[str, str, float]], list[dict]]:
    """Record in site_config/aliases.yaml where each vanished paragraph went.

    A paragraph whose id disappeared is matched to the new paragraph of the same
    source that is most alike (a corrected typo); returns (aliases added, ids
    with no match, which were removed rather than corrected).
    """
    previous = previous_paragraphs(project) | pending_vanished(project)
    if not previous:
        raise YanluError("docs/data/corpus.json", "there is no previous build to compare with",
                         "Run `python -m generator build` before editing seeds, then run this command after.")
    corpus = build_corpus(project).corpus
    added, unmatched = [], []
    for old in vanished(previous, corpus):
        scored = [(difflib.SequenceMatcher(None, old["text"], p.text).ratio(), p.id)
                  for p in corpus.paragraphs if p.source == old["source"]]
        score, target = max(scored, default=(0.0, ""))
        if score >= ALIAS_LIKENESS:
            added.append((old["id"], target, score))
        else:
            unmatched.append(old)
    if added:
        write_if_changed(_pending_path(project), export_stage.dumps({p["id"]: p for p in unmatched}))
        path = project.site_config / "aliases.yaml"
        text = path.read_text(encoding="utf-8").replace("aliases: []", "aliases:")
        lines = "".join(f"  - {{old: {o}, new: {n}, note: 'text corrected ({s:.0%} alike)'}}\n" for o, n, s in added)
        path.write_text(text.rstrip("\n") + "\n" + lines, encoding="utf-8")
    return added, unmatched


def query_chars(result: Build, script: Script, converter: Converter) -> str:
    """JSON map of the other script's characters to this one's, for the characters the corpus uses.

    Search runs on this script's text; a reader who types the other script gets
    the query converted in the browser with this small map (no OpenCC there).
    """
    other = sorted(result.chars[Script.HANT if script is Script.HANS else Script.HANS] - {"\n"})
    # One character per line, so OpenCC converts each alone, not as accidental phrases.
    converted = converter.to(script, "\n".join(other)).split("\n")
    pairs = {a: b for a, b in zip(other, converted) if a != b and len(b) == 1}
    return json.dumps(pairs, ensure_ascii=False, sort_keys=True)


@fast
def build(project: Project, progress: Progress = _quiet, jobs: int = 1, cache: SourceCache | None = None) -> Build:
    """Everything MkDocs needs in ``docs/``: the corpus export and the pages of both scripts.

    With ``jobs`` > 1 a large build parses sources, and renders the two scripts,
    side by side, and writes the export while the scripts render.
    """
    result = build_corpus(project, progress, jobs=jobs, cache=cache)
    converter = converter_for(result.config)
    index = CorpusIndex(result.corpus)  # made once, for both scripts' renderers (and any worker) to share
    plans = {}
    for script, folder in SCRIPT_DIRS.items():
        manifest = project.root / ".yanlu-cache" / f"pages-{folder}.json"
        plan = Renderer(result.corpus, script, converter, index=index).plan(result.source_keys)
        known = read_manifest(manifest)
        plans[script] = (plan, manifest, known, pages_due(plan, project.docs / folder, known))

    def render(script: Script) -> None:
        out = project.docs / SCRIPT_DIRS[script]
        plan, manifest, known, due = plans[script]
        write_planned(plan, out, manifest, known, due)
        for asset in sorted((TEMPLATES / "assets").iterdir()):
            write_if_changed(out / "assets" / asset.name, asset.read_bytes())
        chars = query_chars(result, script, converter)
        write_if_changed(out / "assets" / "yanlu-chars.js", f"window.YANLU_CHARS = {chars};\n")

    # Forking a process that holds a large corpus costs more than rendering the few pages an edit changes.
    due = sum(len(pages) for *_, pages in plans.values())
    exported: list[Build] = []
    in_parallel(render, list(SCRIPT_DIRS), jobs if due >= PARALLEL_FROM else 1,
                meanwhile=lambda: exported.append(write_export(project, result)))
    progress("render", len(SCRIPT_DIRS), len(SCRIPT_DIRS))
    return exported[0]
