"""The only place the stages run in order: read → clean → parse → link → convert → match → render → export.

``build()`` is the table of contents; every cache the stages use is in
``generator/cache.py`` (its docstring is the rulebook), and the bookkeeping of
published ids and aliases in ``generator/ids.py``.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
import json
import operator
import os
import pickle
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from typing import Callable

from . import cache as caches
from . import export as export_stage
from . import ids, search, shortlinks
from .cache import Session, fingerprint, write_if_changed
from .clean import clean
from .config import FILES, Entry, SiteConfig, load_config
from .convert import Converter, convert_paragraphs
from .link import SpeakerIndex, assemble, featured_warnings, link_source, topic_patterns, with_garbled_runs
from .match import match
from .model import (CleanText, Corpus, Flag, Paragraph, ParsedSource, RawText, Removal, Script, Section,
                    YanluError, YanluErrors)
from .parallel import PARALLEL_FROM, fast, in_parallel
from .parse import parse
from .discover import configure_unlisted
from .read import read_seed, seed_files
from .render import (PAGE_LIMIT, SCRIPT_DIRS, TEMPLATES, CorpusIndex, Page, PagePlan, Renderer, entities_fingerprint,
                     public_address, seeds_url, shown_digest)

SourceCache = Session  # the name tests and tools used before cache.py held every cache


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

    @property
    def cache(self) -> Path:
        return self.root / ".yanlu-cache"

    @property
    def templates(self) -> Path:
        """The project's own templates/ when it has one (the hook watches it), else the generator's."""
        own = self.root / "templates"
        return own if (own / "labels.yaml").is_file() else TEMPLATES


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
    converter: Converter | None = None  # the one converter this build used (its memos serve the pages too)
    entities: str = ""  # render.entities_fingerprint of the corpus: part of the export's and every page's key
    vanished: tuple[tuple[str, str], ...] | None = None  # ids.vanished: published ids gone, with their sources

    @functools.cached_property
    def shown(self) -> dict[str, str]:
        """paragraph id → render.shown_digest (kept per source)."""
        return {p.id: d for r in self.results for p, d in zip(r.paragraphs, r.shown)}

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


def read_all(project: Project, config: SiteConfig, seen: dict | None = None,
             session: Session | None = None) -> tuple[list[RawText], list[str]]:
    """Every seed, decoded, and a warning for each file in seeds/ that is no seed. ``seen``
    (kept by a long-lived process) remembers what was read by file size and modification
    time, so an unchanged seed is not read again; ``session`` keeps the folder's listing while
    the folder's own modification time is unchanged (a file added, removed or renamed changes it)."""
    errors, raws = [], []
    paths, warnings = seed_files(project.seeds) if session is None else session.read(project.seeds, seed_files)
    warnings = list(warnings)
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
    json: tuple[bytes, bytes, bytes] = (b"", b"", b"")  # its paragraphs (export.paragraph_lines) and sections as corpus.json writes them, its ids
    # Characters of its Simplified text that Traditional writes otherwise, and the reverse (Converter.changing):
    chars: tuple[str, str] = ("", "")
    shown: tuple[str, ...] = ()  # per paragraph, what a quotation of it shows (render.shown_digest)
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


# ------------------------------------------------------------------ keys (see cache.py's table)


def _shared_inputs(config: SiteConfig) -> str:
    """What every source's result depends on: the environment (code, OpenCC, Python), the topics, the glossary."""
    return fingerprint(caches.environment(), config.topics, config.protect)


def _source_key(raw: RawText, source: Entry, config: SiteConfig, shared: str, session: Session) -> str:
    """Everything one source's result depends on: its text, its settings, its event and
    speakers, and ``shared`` (``_shared_inputs``: topics, glossary, environment)."""
    return hashlib.sha256(f"{shared}\n{raw.digest}\n{_settings_digest(source, config, session)}".encode()).hexdigest()


def _settings_digest(source: Entry, config: SiteConfig, session: Session) -> str:
    """A digest of a source's settings, its event's and its speakers'. A long-lived process
    sees the same entries again while site_config/ is unchanged: their digest is kept."""
    event = config.event(source.event)
    entries = (source, event, *(config.speaker(p.speaker) for p in event.participants))
    kept = session.settings.get(source.id)
    if kept is not None and len(kept[0]) == len(entries) and all(map(operator.is_, kept[0], entries)):
        return kept[1]
    digest = fingerprint(source, {k: v for k, v in event.values.items() if k != "sources"}, entries[2:],
                         source.id in config.unlisted)
    session.settings[source.id] = (entries, digest)  # the entries themselves: an identity check never meets a stranger
    return digest


def _export_key(result: Build) -> str:
    """Everything docs/data/ is made of: the sources' fingerprints, the entities, the warnings, the environment."""
    corpus = result.corpus
    return fingerprint(sorted(result.source_keys.items()), result.entities, corpus.warnings, corpus.also_reported,
                       export_stage.SCHEMA_VERSION, caches.environment())


# ------------------------------------------------------------------ stages


def _process_source(raw: RawText, source: Entry, config: SiteConfig, converter: Converter, index: SpeakerIndex,
                    topics, key: str) -> tuple[SourceResult, list[YanluError]]:
    """read → clean → parse → link → convert for one source: its result, and the problems found."""
    script = Script.of(source.script)
    cleaned = clean(raw, source, (lambda lines: converter.stray_characters(script, lines)) if script else None)
    parsed = parse(cleaned, source, index.is_known, index.names_in, open_roster=source.id in config.unlisted)
    sections, paragraphs, errors = link_source(parsed, source, config, converter, topics, index)
    if source.id in config.unlisted and errors:
        # Nobody configured this seed: a label it cannot resolve leaves a paragraph without a speaker, and a
        # warning; it never stops the build (the editor's own entries do).
        parsed = replace(parsed, warnings=parsed.warnings + tuple(
            f"{e.message.splitlines()[0]} — the paragraph has no speaker" for e in errors))
        errors = []
    paragraphs = convert_paragraphs(with_garbled_runs(paragraphs, cleaned.flags), script, converter)
    removals = tuple(sorted(cleaned.removals + parsed.decisions, key=lambda r: (r.line, not r.whole_line)))
    section_of = {s.id: s for s in sections}
    return SourceResult(key, replace(parsed, sections=(), blocks=()), removals, cleaned.flags,
                        tuple(sections), tuple(paragraphs),
                        json=(export_stage.paragraph_lines(paragraphs), export_stage.items_json(sections),
                              export_stage.ids_json(paragraphs)),
                        chars=(converter.changing(Script.HANT, "".join(p.hans for p in paragraphs)),
                               converter.changing(Script.HANS, "".join(p.hant for p in paragraphs))),
                        shown=tuple(shown_digest(p, section_of[p.section]) for p in paragraphs),
                        stages=(cleaned, parsed)), errors


def load_project_config(project: Project, writable: bool = True, session: Session | None = None) -> SiteConfig:
    """site_config/, validated; when its files and the seeds' names are as they were last time,
    the validated configuration kept in .yanlu-cache/ (reading thousands of entries takes seconds)."""
    session = session or Session(project.cache, writable=writable)
    digest = hashlib.sha256(f"{caches.environment()}\n{project.root}".encode())
    for name in sorted(FILES.values()):
        path = project.site_config / name
        digest.update(f"\n{name}\n".encode() + (path.read_bytes() if path.exists() else b"(missing)"))
    if project.seeds.is_dir():
        digest.update("\n".join(sorted(os.listdir(project.seeds))).encode())
    key = digest.hexdigest()
    if key in session.configs:  # a long-lived process (mkdocs serve) building again
        return session.configs[key]
    kept = project.cache / "config.pickle"
    cached = caches.load_pickle(kept, tuple)
    config = cached[1] if cached and len(cached) == 2 and cached[0] == key and isinstance(cached[1], SiteConfig) else None
    if config is None:
        config = load_config(project.site_config, project.seeds)
        if writable and session.writable:
            caches.save_pickle(kept, (key, config))
    session.configs.clear()
    session.configs[key] = config
    return config


def _converter(config: SiteConfig, session: Session) -> Converter:
    return session.converter(tuple((p.hans, p.hant) for p in config.protect), lambda protect: Converter(list(protect)))


def _configure(project: Project, store: Session, write_cache: bool) -> tuple[SiteConfig, Converter, list[RawText], list[str]]:
    """The validated configuration (with the seeds it does not list configured), the converter,
    every seed decoded, and the warnings about them."""
    config = load_project_config(project, writable=write_cache, session=store)
    converter = _converter(config, store)
    raws, warnings = read_all(project, config, store.seeds, store)
    unconfigured = [r for r in raws if config.source_for_seed(r.seed) is None]
    config, unlisted_warnings = configure_unlisted(config, unconfigured, converter.hans)
    present = {r.seed for r in raws}
    config = replace(config, sources=tuple(s for s in config.sources if s.seed in present))
    return config, converter, raws, warnings + unlisted_warnings


def _process_all(config: SiteConfig, converter: Converter, raws: list[RawText], store: Session,
                 jobs: int) -> tuple[list[SourceResult], dict[str, bytes], list[YanluError]]:
    """Every source's result, from the cache when its key is unchanged, else made (in ``jobs``
    processes for a large build); the earlier corpus.json parts of the sources redone; the problems."""
    results: list[SourceResult | None] = []
    todo: list[tuple[int, RawText, Entry, str]] = []
    shared = _shared_inputs(config)
    replaced: dict[str, bytes] = {}  # source id → its paragraphs as last kept, before this build redoes them
    for position, raw in enumerate(raws):
        source = config.source_for_seed(raw.seed)
        key = _source_key(raw, source, config, shared, store)
        earlier = store.latest(source.id, SourceResult)
        if earlier is not None and earlier.key == key:
            store.remember(source.id, earlier)
            results.append(earlier)
            continue
        results.append(None)
        todo.append((position, raw, source, key))
        if earlier is not None and isinstance(earlier.json[0], bytes):
            replaced[source.id] = earlier.json[0]
    topics = topic_patterns(config, converter) if todo else []
    workers = jobs if len(todo) >= PARALLEL_FROM else 1

    def process(item: tuple[int, RawText, Entry, str]) -> tuple[SourceResult | bytes, list[YanluError]]:
        _position, raw, source, key = item
        index = SpeakerIndex(config.event(source.event), config, converter)
        result, errors = _process_source(raw, source, config, converter, index, topics, key)
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
    return results, replaced, errors


def _assemble(project: Project, config: SiteConfig, converter: Converter, results: list[SourceResult],
              replaced: dict[str, bytes], warnings: list[str], errors: list[YanluError], store: Session) -> Build:
    """The sources put together into one corpus (link.assemble), with every warning."""
    for result in results:
        for line in result.outline.orphan_labels:
            warnings.append(f"seeds/{result.outline.seed}, line {line}: a speaker header with no text under it")
        warnings.extend(result.outline.warnings)
    corpus = assemble(config, converter, [r.outline for r in results],
                      [s for r in results for s in r.sections], [p for r in results for p in r.paragraphs],
                      tuple(errors))
    # The entities equal to last build's are last build's objects, so what is made of them is reused at once.
    entities = store.reuse("corpus: entities", (corpus.events, corpus.sources, corpus.speakers, corpus.topics),
                           lambda: (corpus.events, corpus.sources, corpus.speakers, corpus.topics))
    corpus = replace(corpus, events=entities[0], sources=entities[1], speakers=entities[2], topics=entities[3])
    groups = [r.paragraphs for r in results]
    corpus = replace(match(corpus, config, groups, store.reuse), removals=tuple(r for res in results for r in res.removals),
                     flags=tuple(f for res in results for f in res.flags),
                     corrections=ids.corrections(config, corpus, converter))
    if config.featured:
        warnings.extend(featured_warnings(config, corpus))
    gone = tuple(ids.vanished(ids.read_record(project, store), corpus, groups, store.reuse))
    corpus = replace(corpus, warnings=tuple(warnings) + ids.vanished_warnings(project, corpus, gone))
    return Build(config=config, corpus=corpus, results=tuple(results),
                 source_keys={r.outline.source_id: r.key for r in results},
                 json_parts={r.outline.source_id: r.json for r in results}, replaced=replaced,
                 chars={Script.HANS: _characters(results, 0, store), Script.HANT: _characters(results, 1, store)},
                 converter=converter, vanished=gone,
                 entities=store.reuse("corpus: entities fingerprint", (*entities, corpus.aliases, corpus.corrections),
                                      lambda: entities_fingerprint(corpus)))


def _characters(results: list[SourceResult], which: int, store: Session) -> frozenset[str]:
    """The characters of one script that the other writes otherwise, in every source (SourceResult.chars)."""
    sets = [store.reuse(f"corpus: characters {which} {r.outline.source_id}", (r.chars[which],),
                        lambda: frozenset(r.chars[which])) for r in results]
    # The same sets as last build (an edit that brings no new character) are last build's objects.
    return store.reuse(f"corpus: characters {which}", tuple(sets), lambda: frozenset().union(*sets))


@fast
def build_corpus(project: Project, progress: Progress = _quiet, write_cache: bool = True, jobs: int = 1,
                 cache: Session | None = None) -> Build:
    """Read, clean, parse, link and convert every seed. Raises YanluErrors on bad input.

    Sources whose key (cache.py: text, settings, event, speakers, topics, glossary,
    environment) did not change since the last run come from .yanlu-cache/ (or from
    ``cache``'s memory, when one long-lived process builds again and again).
    With ``jobs`` > 1, a large build parses sources in that many processes.
    """
    caches.settle()  # no thread of an earlier build left running when this one forks
    store = cache or Session(project.cache, writable=write_cache)
    config, converter, raws, warnings = _configure(project, store, write_cache)
    results, replaced, errors = _process_all(config, converter, raws, store, jobs)
    progress("parse", len(raws), len(raws))
    return _assemble(project, config, converter, results, replaced, warnings, errors, store)


@fast
def export(project: Project, progress: Progress = _quiet, jobs: int = 1, cache: Session | None = None) -> Build:
    """Build the corpus and write ``docs/data/``."""
    session = cache or Session(project.cache)
    return write_export(project, build_corpus(project, progress, jobs=jobs, cache=session), session)


def write_export(project: Project, result: Build, session: Session | None = None) -> Build:
    """Write ``docs/data/`` for a built corpus, and remember the earlier text of vanished published ids.

    When nothing the export is made of changed since the last run, and the files
    are as that run wrote them (size and modification time), they are left as they
    are (serialising a large corpus is the slow part).
    """
    _prepare_export(project, result, session)()
    return result


def _prepare_export(project: Project, result: Build, session: Session | None = None) -> Callable[[], object]:
    """What ``write_export`` does up to writing the files; returns what writes them and records them
    (``build`` runs it in a thread: writing a hundred megabytes waits on the disk, not on Python)."""
    session = session or Session(project.cache)
    record = project.cache / "export.json"
    outputs = {name: project.data / name for name in export_stage.FILES}
    key = _export_key(result)
    kept = caches.load_json(record)

    def contents() -> dict:
        return export_stage.outputs(result.corpus, project.data, result.json_parts,
                                    [(r.outline.source_id, r.paragraphs, r.removals, r.flags) for r in result.results],
                                    session.reuse)
    if (isinstance(kept, dict) and kept.get("key") == key
            and all(kept.get("files", {}).get(n) == caches.stamp(p) for n, p in outputs.items())):
        # Nothing to write. A session that stays (`mkdocs serve`) still makes the files' pieces, in the
        # background of its first build, so that its first edit remakes one source's pieces, not every one.
        return contents if session.in_memory else lambda: None
    ids.remember_vanished(project, result)
    files = contents()

    def write() -> None:
        export_stage.write_outputs(files, project.data)
        if session.writable:
            caches.save_json(record, {"key": key, "files": {n: caches.stamp(p) for n, p in outputs.items()}})
    return write


def _in_background(work: Callable[[], object]) -> Callable[[], None]:
    """Start ``work`` in a thread; the function returned waits for it and raises what it raised."""
    failed: list[BaseException] = []

    def run() -> None:
        try:
            work()
        except BaseException as exc:  # noqa: BLE001 - raised again by the waiting thread
            failed.append(exc)

    thread = threading.Thread(target=run, name="yanlu-export")
    thread.start()

    def wait() -> None:
        thread.join()
        if failed:
            raise failed[0]
    return wait


def entity_text(corpus: Corpus) -> str:
    """Every text of the corpus but its paragraphs: names, aliases, notes, keywords, places, titles,
    publishers, affiliations (what a reader may type into the search box besides what was said)."""
    texts = []
    for s in corpus.speakers:
        texts += [s.name, s.name_hant, *s.aliases, s.note]
    for t in corpus.topics:
        texts += [t.name, t.name_hant, *t.keywords]
    for e in corpus.events:
        texts += [e.name, e.name_hant, e.place, *(f"{p.affiliation} {p.title}" for p in e.participants)]
    texts += [f"{s.title} {s.publisher}" for s in corpus.sources]
    texts += [s.title for s in corpus.sections]
    return "\n".join(t for t in texts if t)


EPOCH_RECORD = "epoch.json"  # .yanlu-cache/epoch.json: ``build_epoch`` of the last build (publish.py reads it)


def build_epoch(result: Build) -> str:
    """SOURCE_DATE_EPOCH from the inputs, not the clock: midnight UTC of the newest event (MkDocs dates the
    sitemap from it, so two builds of the same input are identical)."""
    dates = sorted((e.date + "-01-01")[:10] for e in result.corpus.events if e.date)
    newest = datetime.date.fromisoformat(dates[-1]) if dates else datetime.date(2000, 1, 1)
    return str(int(datetime.datetime.combine(newest, datetime.time(), datetime.timezone.utc).timestamp()))


def query_chars(result: Build, script: Script, converter: Converter, extra: str = "") -> str:
    """JSON map of the other script's characters to this one's, for every character the corpus uses.

    Search runs on this script's text; a reader who types the other script gets
    the query converted in the browser with this small map (no OpenCC there). The
    characters are the paragraphs' (collected per source as it is built) and those
    of every name and title, in both scripts (a speaker named 谨 is typed 謹), and of ``extra``
    (the page labels, templates/labels.yaml).
    """
    other_script = Script.HANT if script is Script.HANS else Script.HANS
    names = entity_text(result.corpus) + "\n" + extra
    other = set(result.chars[other_script]) | set(converter.changing(script, converter.to(other_script, names)))
    other = sorted(other - {"\n"})
    # One character per line, so OpenCC converts each alone, not as accidental phrases.
    converted = converter.to(script, "\n".join(other)).split("\n")
    pairs = {a: b for a, b in zip(other, converted) if a != b and len(b) == 1}
    return json.dumps(pairs, ensure_ascii=False, sort_keys=True)


def index_chars(result: Build, converter: Converter, extra: str = "") -> str:
    """JSON map of every character the corpus uses, in either script, whose form in the search index differs
    (search.index_form): the box turns a query into the index's form with it (yanlu-search.js indexForm)."""
    names = entity_text(result.corpus) + "\n" + extra
    used = set(result.chars[Script.HANS]) | set(result.chars[Script.HANT]) | set(names)
    used |= {c for script in (Script.HANS, Script.HANT) for c in converter.to(script, names)}
    return json.dumps({c: form for c in sorted(used) if (form := search.index_form(c)) != c},
                      ensure_ascii=False, sort_keys=True)


def plan_pages(project: Project, result: Build, session: Session | None = None) -> dict[Script, PagePlan]:
    """Both scripts' pages, each with its key, and which of them are due (cache.py: pages-<script>.json)."""
    # Made once, for both scripts' renderers (and any worker) to share; source by source, so that a
    # session in memory redoes only what the sources this build redid change.
    index = CorpusIndex(result.corpus, result.entities, groups=[(r.paragraphs, r.shown, r.sections) for r in result.results],
                        reuse=session.reuse if session is not None else None,
                        memory=session.kept if session is not None else None)
    seeds = seeds_url(project.root / "mkdocs.yml")  # each paragraph links to its line in the repository
    return {script: PagePlan(Renderer(result.corpus, script, result.converter, project.templates, index=index,
                                      seeds_url=seeds, site_url=public_address()),
                             result.source_keys,
                             project.docs / folder, project.cache / f"pages-{folder}.json")
            for script, folder in SCRIPT_DIRS.items()}


# Each script's MkDocs configuration, in the project's folder.
CONFIGS = {"zh-hans": "mkdocs.yml", "zh-hant": "mkdocs.zh-hant.yml"}


def search_part_keys(pages: PagePlan, settings: tuple[list[str], dict]) -> dict[str, str]:
    """Each page search indexes (by the place Pagefind reads it: search.copy_path) with the key of its part in
    one script: its page's key and ``settings``, the Markdown extensions of the script's MkDocs configuration
    (search.markdown_settings)."""
    extensions = search.settings_text(settings)
    return {copy: fingerprint(key, extensions)
            for path, key, _render in pages.pages if (copy := search.copy_path(path)) is not None}


def plan_search_parts(project: Project, pages: PagePlan, settings: tuple[list[str], dict],
                      keys: dict[str, str]) -> tuple[list[PagePlan], Callable[[str, str], None]]:
    """What search takes of one script's pages (search.page_part), as files the build keeps current, keyed by
    ``search_part_keys``: the words and filters in docs/search/<script>/, what the box shows in
    docs/search/data/<script>/ (written in that order). Returned with what hears the pages written: a part
    due is made from its page as just rendered, else by rendering the page again."""
    renderer = pages.renderer
    folder = SCRIPT_DIRS[renderer.script]
    # A speaker's filter value: the name, told apart by the note where participants share it (entities: in every key).
    taking_part = {p.speaker for event in renderer.corpus.events for p in event.participants}
    values = search.speaker_values({sid: renderer.name(sid) for sid in taking_part},
                                   {sid: renderer.t(renderer.speakers[sid].note) for sid in taking_part})
    just_rendered: dict[str, str] = {}
    part_of: dict[str, str] = {}
    shows: dict[str, str] = {}  # a page's data as written, from its words' file being made until its data's is
    planned, shown = [], []
    to_html = functools.cache(lambda: search.markdown_renderer(settings))  # made when a part is first due
    for path, _key, render in pages.pages:
        copy = search.copy_path(path)
        if copy is None:
            continue
        part = part_of[path] = search.part_path(copy)

        def made_of(path=path, render=render, kind=search.page_kind(PurePosixPath(copy))) -> dict | None:
            text = just_rendered.pop(path, None)
            text = render().content if text is None else text
            if len(text) > PAGE_LIMIT:  # never published (publish.check_page_sizes refuses it): not worth indexing
                return None
            return search.page_part(text, kind, renderer.script.value, values, to_html())

        def words(path=path, part=part, made_of=made_of) -> Page:
            found = made_of()
            shows[path] = "" if found is None else export_stage.compact(found.pop("data"))
            return Page(part, "" if found is None else export_stage.compact(found))

        def data(path=path, part=part, made_of=made_of) -> Page:
            if path in shows:
                return Page(part, shows.pop(path))
            found = made_of()
            return Page(part, "" if found is None else export_stage.compact(found["data"]))
        planned.append((part, keys[copy], words))
        shown.append((part, keys[copy], data))
    search_dir = project.docs / search.SEARCH_DIR
    # The filter controls' choices are counted from the event parts once they are written: keyed by all of them.
    events = fingerprint(sorted((copy, key) for copy, key in keys.items() if copy.startswith("events/")))
    choices = [(search.FILTERS_FILE, events,
                lambda: Page(search.FILTERS_FILE, export_stage.compact(search.filter_choices(search_dir / folder))))]
    plans = [PagePlan(renderer, {}, search_dir / folder, project.cache / f"search-{folder}.json", pages=planned),
             PagePlan(renderer, {}, search_dir / search.DATA_DIR / folder, project.cache / f"search-data-{folder}.json",
                      pages=shown),
             PagePlan(renderer, {}, search_dir / search.FILTERS_DIR / folder, project.cache / f"search-filters-{folder}.json",
                      pages=choices)]
    due = {part for plan in plans for part, _key, _make in plan.due}

    def heard(path: str, content: str) -> None:
        if part_of.get(path) in due:
            just_rendered[path] = content
    return plans, heard


def plan_pagefind_pages(project: Project, plans: dict[Script, PagePlan], keys: dict[Script, dict[str, str]]) -> PagePlan:
    """The pages Pagefind reads, in docs/search/pagefind/ (search.pagefind_page): each made of its parts in both
    scripts (``plan_search_parts``, written before), keyed by their keys (``search_part_keys``)."""
    folders = {script: project.docs / search.SEARCH_DIR / SCRIPT_DIRS[script] for script in plans}
    planned = []
    for copy in sorted(set().union(*keys.values())):
        holding = [script for script in plans if copy in keys[script]]

        def make(copy=copy, holding=holding) -> Page:
            texts = [(folders[script] / search.part_path(copy)).read_text(encoding="utf-8") for script in holding]
            parts = [json.loads(text) for text in texts if text]  # "": a page too large to publish
            return Page(copy, search.pagefind_page(parts) if parts else "")
        planned.append((copy, fingerprint([keys[script][copy] for script in holding]), make))
    first = next(iter(plans.values()))
    return PagePlan(first.renderer, {}, project.docs / search.SEARCH_DIR / search.PAGEFIND_INPUT,
                    project.cache / "search-pagefind.json", pages=planned)


def plan_shortlinks(project: Project, corpus: Corpus, session: Session | None = None) -> PagePlan:
    """docs/q/, the short links of every paragraph (shortlinks.files), each file written again only when what
    decides it changed; publish links them into site/q/. A session in memory keeps the map and the files' keys
    for the next build, which cuts again and fingerprints only the shards that changed."""
    kept = session.kept if session is not None else None  # None: a session on disk only
    previous, known = (kept or {}).get("short links", (None, {}))
    cut = shortlinks.cut_map(corpus, previous)
    environment = caches.environment()
    keys, pages = {}, []
    for path, decided, make in shortlinks.files(cut):
        key = keys[path, decided] = known.get((path, decided)) or fingerprint(environment, path, decided)
        pages.append((path, key, lambda path=path, make=make: Page(path, make())))
    if kept is not None:
        kept["short links"] = (cut, keys)
    return PagePlan(None, {}, project.docs / shortlinks.FOLDER, project.cache / "pages-q.json", pages=pages)


def write_script(project: Project, result: Build, plan: PagePlan, session: Session | None = None,
                 markdown: dict[str, tuple[list[str], dict]] | None = None, keys: dict[str, str] | None = None) -> None:
    """One script's due pages (and their parts for search), its assets and its query map (with ``session`` in
    memory, made again only when the characters, names and titles it is made of change)."""
    if markdown is not None:
        parts, heard = plan_search_parts(project, plan, markdown[SCRIPT_DIRS[plan.renderer.script]], keys or {})
        plan.write(heard)
        for each in parts:
            each.write()
    else:
        plan.write()
    assets = plan.out_dir / "assets"
    wanted = {"yanlu-chars.js"}
    for asset in sorted((plan.renderer.templates / "assets").iterdir()):
        write_if_changed(assets / asset.name, asset.read_bytes())
        wanted.add(asset.name)
    labels = (plan.renderer.templates / "labels.yaml").read_text(encoding="utf-8")
    script, corpus = plan.renderer.script, result.corpus
    inputs = (result.chars[Script.HANT if script is Script.HANS else Script.HANS], corpus.speakers, corpus.topics,
              corpus.events, corpus.sources, [r.sections for r in result.results], labels, result.converter)
    chars = (session or Session(None)).reuse(f"query map {script.value}", inputs,
                                             lambda: query_chars(result, script, result.converter, labels))
    index = (session or Session(None)).reuse("query map index", inputs[1:] + (result.chars[Script.HANS], result.chars[Script.HANT]),
                                             lambda: index_chars(result, result.converter, labels))
    write_if_changed(assets / "yanlu-chars.js", f"window.YANLU_CHARS = {chars};\nwindow.YANLU_INDEX_CHARS = {index};\n")
    for stale in sorted(set(os.listdir(assets)) - wanted):  # an asset no longer in templates/assets/
        (assets / stale).unlink()


@fast
def build(project: Project, progress: Progress = _quiet, jobs: int = 1, cache: Session | None = None,
          index_copies: bool = True) -> Build:
    """Everything MkDocs needs in ``docs/``: the corpus export and the pages of both scripts, and what
    Pagefind reads of them (``plan_search_parts``, ``plan_pagefind_pages``) and the short links (``plan_shortlinks``);
    not with ``index_copies`` False: `mkdocs serve` has neither search nor short links, and what it leaves is
    brought up to date by the next build that writes it, by keys.

    With ``jobs`` > 1 a large build parses sources, and renders the two scripts,
    side by side, and writes the export while the scripts render.
    """
    # The Markdown extensions the parts for search are rendered with, read before anything is written (a
    # broken mkdocs.yml is the editor's error, with its line).
    markdown = ({folder: search.markdown_settings(project.root / config) for folder, config in CONFIGS.items()}
                if index_copies else None)
    session = cache or Session(project.cache)
    if not session.swept:
        caches.settle()
        caches.sweep_temporaries(project.docs, project.cache)  # what a killed build left half-written
        caches.forget_legacy(project.cache)
        # A session in memory sweeps once: its own builds leave no temporary (a failed write deletes its
        # own, a killed build ends the session).
        session.swept = session.in_memory
    result = build_corpus(project, progress, jobs=jobs, cache=session)
    # docs/data/ is written by a thread while the pages are planned and rendered: from here on when no
    # process is forked (a thread must not run then), else once the rendering processes are forked.
    export_written: list[Callable[[], None]] = []

    def export_in_background() -> None:
        export_written.append(_in_background(_prepare_export(project, result, session)))
    try:
        if jobs <= 1:
            export_in_background()
        plans = plan_pages(project, result, session)
        due = sum(len(plan.due) for plan in plans.values())  # forking costs more than rendering a few pages
        keys = ({script: search_part_keys(plan, markdown[SCRIPT_DIRS[script]]) for script, plan in plans.items()}
                if markdown is not None else {})
        in_parallel(lambda script: write_script(project, result, plans[script], session, markdown, keys.get(script)),
                    list(plans), jobs if due >= PARALLEL_FROM else 1,
                    meanwhile=None if export_written else export_in_background)
        if markdown is not None:  # both scripts' parts are written: Pagefind's pages are made of them
            plan_pagefind_pages(project, plans, keys).write()
            plan_shortlinks(project, result.corpus, session).write()
    finally:
        for wait in export_written:
            wait()
    caches.save_json(project.cache / EPOCH_RECORD, {"epoch": build_epoch(result)})
    progress("render", len(plans), len(plans))
    return result


update_aliases = ids.update_aliases  # `python -m generator aliases`
