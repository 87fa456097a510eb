"""Published paragraph ids: the record kept in git, vanished ids, aliases.

``site_config/published-ids.txt`` lists, one a line with its source, every
paragraph id the published site carries (the paragraphs' ids and the old ids
aliases lead on). It is written when the site is built for publishing
(``python -m generator site``, ``make site``, the Pages workflow) and committed,
so a fresh clone, CI and the Pages workflow know what was published. ``build``
and ``serve`` only read it: every build warns about each recorded id that no
longer exists and has no alias, naming the id and its source, and the test
suite fails on it (tests/test_ids.py).

The earlier text of a vanished id is kept out of ``site/`` until the editor
records it as a correction: ``.yanlu-cache/vanished.json`` keeps those texts
for ``python -m generator aliases`` to match them to the corrected paragraphs.
Running ``aliases`` is the editor's act of publishing a correction: each alias
entry it writes keeps the day it ran and the paragraph's earlier words, which
the event page shows under 修订于 DATE, on the changes page and in the
corrections feed (``corrections``). A paragraph removed without an alias has
no entry, so its words are never published again.
"""

from __future__ import annotations

import datetime
import difflib
import json
import subprocess
import tempfile
from operator import attrgetter
from pathlib import Path
from typing import TYPE_CHECKING, Sequence

from . import cache as caches
from .config import SiteConfig, yaml_value
from .export import paragraph_ids, paragraphs_of
from .model import Correction, Corpus, Script, YanluError

if TYPE_CHECKING:
    from .cache import Session
    from .pipeline import Build, Project

RECORD = "published-ids.txt"
HEADER = ("# Paragraph ids the published site carries, one a line with its source (generator/ids.py).\n"
          "# Written by `python -m generator site` (make site); commit it with the site it describes.\n"
          "# A build warns, and `make test` fails, while one of these ids vanishes without an alias.\n")
WARNINGS_SHOWN = 10
VANISHED = "published paragraph id"  # how the warnings about them begin
ALIAS_LIKENESS = 0.75  # a corrected paragraph is at least this alike to its old text


def record_path(project: Project):
    return project.site_config / RECORD


def read_record(project: Project, session: Session | None = None) -> dict[str, str]:
    """The published ids, each with its source (empty when nothing was published yet). With a
    ``session`` in memory (mkdocs serve), read again only when the file changed (cache.Session.read):
    the caller must not change the dict."""
    path = record_path(project)
    return _parse_record(path) if session is None else session.read(path, _parse_record)


def _parse_record(path: Path) -> dict[str, str]:
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    record = {}
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            paragraph_id, _, source = line.strip().partition(" ")
            record[paragraph_id] = source.strip()
    return record


def carried(corpus: Corpus) -> dict[str, str]:
    """Every id the site built from ``corpus`` answers: the paragraphs', and the old ids of aliases."""
    sources = {p.id: p.source for p in corpus.paragraphs}
    return {**sources, **{old: sources[new] for old, new in corpus.aliases if new in sources}}


def corrections(config: SiteConfig, corpus: Corpus, converter) -> tuple[Correction, ...]:
    """The dated corrections: alias entries that keep a date or the earlier words, with those words in
    both scripts (converted like the paragraph itself: the source's own script as written), by date."""
    target = dict(corpus.aliases)
    dated = [entry for entry in config.aliases if (entry.date or entry.earlier) and entry.old in target]
    if not dated:
        return ()
    scripts = {s.id: s.script for s in corpus.sources}
    source_of = {p.id: p.source for p in corpus.paragraphs}
    found = []
    for entry in dated:
        new = target[entry.old]
        script, words = scripts.get(source_of[new]), entry.earlier
        if script is Script.HANS:
            hans, hant = words, converter.hant(words)
        elif script is Script.HANT:
            hans, hant = converter.hans(words), words
        else:  # another language: as written in both
            hans = hant = words
        found.append(Correction(entry.old, new, entry.date, words, hans, hant, entry.note))
    return tuple(sorted(found, key=lambda c: (c.date, c.old)))


def alias_line(old: str, new: str, score: float, earlier: str, day: str) -> str:
    """One entry of aliases.yaml as `aliases` writes it: old → new, the day, the earlier words
    (written by a serializer, so no transcript text can leave its field)."""
    entry = {"old": old, "new": new, "date": day, "note": f"text corrected ({score:.0%} alike)", "earlier": earlier}
    return f"  - {yaml_value(entry)}\n"


def today() -> str:
    """The day `aliases` runs (YANLU_TODAY=YYYY-MM-DD sets it, for tests and for back-dating an entry)."""
    import os
    return os.environ.get("YANLU_TODAY") or datetime.date.today().isoformat()


def record_text(corpus: Corpus) -> str:
    ids = carried(corpus)
    return HEADER + "".join(f"{pid} {source}\n" for pid, source in sorted(ids.items(), key=lambda kv: (kv[1], kv[0])))


def write_record(project: Project, corpus: Corpus) -> bool:
    """Record the ids of the site just built for publishing; True if the record changed."""
    return caches.write_if_changed(record_path(project), record_text(corpus))


def vanished(record: dict[str, str], corpus: Corpus, groups=None, reuse=None) -> list[tuple[str, str]]:
    """Recorded ids the corpus no longer answers (no paragraph, no alias): (id, source), sorted.
    ``groups``: the corpus's paragraphs source by source, and ``reuse`` (cache.Session.reuse) to keep
    each source's ids while its paragraphs are the same."""
    if groups is None or reuse is None:
        current = _answered(set(map(attrgetter("id"), corpus.paragraphs)), corpus)
        return sorted((pid, record[pid]) for pid in record.keys() - current)
    # Source by source, each source's part kept while its record and its paragraphs are the same: the ids
    # recorded for a source that it no longer has are the candidates, gone unless another source or an
    # alias carries them.
    recorded = reuse("ids: record by source", (record,), lambda: _by_source(record))
    mine = {g[0].source: paragraph_ids(g, reuse) for g in groups if g}
    candidates: set[str] = set()
    for source, ids in recorded.items():
        now = mine.get(source)
        candidates |= ids if now is None else reuse(f"ids: gone from {source}", (ids, now), lambda: ids - now)
    if candidates:
        candidates -= _answered(set().union(*mine.values()), corpus)
    return sorted((pid, record[pid]) for pid in candidates)


def _answered(current: set[str], corpus: Corpus) -> set[str]:
    """The paragraph ids ``current`` with the old ids of the aliases to them: every id the site answers
    (``carried``'s keys, as a set made in C)."""
    current.update({old for old, new in corpus.aliases if new in current})
    return current


def _by_source(record: dict[str, str]) -> dict[str, frozenset[str]]:
    by_source: dict[str, set[str]] = {}
    for pid, source in record.items():
        by_source.setdefault(source, set()).add(pid)
    return {source: frozenset(ids) for source, ids in by_source.items()}


def vanished_warnings(project: Project, corpus: Corpus, gone: Sequence[tuple[str, str]] | None = None) -> tuple[str, ...]:
    """A warning per published id that would break (``gone``: ``vanished``, when known), naming it and its source."""
    gone = vanished(read_record(project), corpus) if gone is None else gone
    seeds = {s.id: s.seed for s in corpus.sources}
    warnings = []
    for pid, source in gone[:WARNINGS_SHOWN]:
        where = f"seeds/{seeds[source]}" if source in seeds else "a source no longer in the corpus"
        warnings.append(f"{VANISHED} {pid} (source {source}, {where}) no longer exists, so links to it "
                        f"break. If its text was corrected, run `python -m generator aliases`; if it was removed on "
                        f"purpose, `python -m generator site` records that when the site is next published.")
    if len(gone) > WARNINGS_SHOWN:
        warnings.append(f"{VANISHED}s: {len(gone) - WARNINGS_SHOWN} more no longer exist "
                        f"(site_config/{RECORD}).")
    return tuple(warnings)


# ------------------------------------------------------------------ the earlier text of vanished ids


def _kept_path(project: Project):
    return project.cache / "vanished.json"


def kept_texts(project: Project) -> dict[str, dict]:
    kept = caches.load_json(_kept_path(project))
    return kept if isinstance(kept, dict) else {}


def previous_paragraphs(project: Project) -> dict[str, dict]:
    """Paragraphs of the last export (docs/data/corpus.json), by id; empty if there is none."""
    path = project.data / "corpus.json"
    try:
        return {p["id"]: p for p in json.loads(path.read_text(encoding="utf-8"))["paragraphs"]}
    except (OSError, ValueError, KeyError, TypeError):
        return {}


def remember_vanished(project: Project, result: Build) -> None:
    """Keep, in .yanlu-cache/ (never in docs/ or site/), the earlier text of each vanished published id.

    Looked for first in the earlier results of the sources this build redid, then in
    what was kept before, and only then in the previous corpus.json (slow to read whole).
    """
    gone = {pid for pid, _source in (vanished(read_record(project), result.corpus) if result.vanished is None
                                     else result.vanished)}
    kept = kept_texts(project)
    texts = {pid: kept[pid] for pid in gone if pid in kept}
    missing = gone - set(texts)
    if missing and result.replaced:
        for part in result.replaced.values():
            if part:
                texts.update((p["id"], p) for p in paragraphs_of(part) if p["id"] in missing)
        missing = gone - set(texts)
    if missing:
        previous = previous_paragraphs(project)
        texts.update((pid, previous[pid]) for pid in missing if pid in previous)
    if texts != kept and (texts or _kept_path(project).exists()):
        caches.save_json(_kept_path(project), texts)


def texts_in_git(project: Project, result: Build, sources: set[str]) -> dict[str, dict]:
    """The paragraphs of these sources as the last commit (git HEAD) has their seeds, by id.

    On a fresh clone nothing was built before the edit, but the seed as published
    is in git: read, cleaned, parsed and linked with today's configuration, it gives
    the published ids (an id depends on the source id and the text alone) and their text.
    """
    from .link import SpeakerIndex, topic_patterns
    from .pipeline import _process_source
    from .read import read_seed

    config, converter = result.config, result.converter
    entries = {s.id: s for s in config.sources}
    found: dict[str, dict] = {}
    topics = None
    for source_id in sorted(sources & set(entries)):
        entry = entries[source_id]
        try:
            shown = subprocess.run(["git", "show", f"HEAD:./seeds/{entry.seed}"], cwd=project.root,
                                   capture_output=True, timeout=60)
        except (OSError, subprocess.SubprocessError):
            return found
        if shown.returncode:
            continue
        topics = topics if topics is not None else topic_patterns(config, converter)
        with tempfile.TemporaryDirectory(prefix="yanlu-earlier-") as folder:
            path = Path(folder) / entry.seed
            path.write_bytes(shown.stdout)
            try:
                raw = read_seed(path, entry.encoding)
                index = SpeakerIndex(config.event(entry.event), config, converter)
                earlier, _problems = _process_source(raw, entry, config, converter, index, topics, "")
            except YanluError:
                continue
        found.update((p.id, p.to_json()) for p in earlier.paragraphs)
    return found


def update_aliases(project: Project) -> tuple[list[tuple[str, str, float]], list[dict]]:
    """Record in site_config/aliases.yaml where each vanished published paragraph went.

    A paragraph whose id disappeared is matched to the new paragraph of the same
    source that is most alike (a corrected typo); returns (aliases added, ids
    with no match, which were removed rather than corrected).
    """
    from .pipeline import build_corpus

    if not read_record(project):
        raise YanluError(f"site_config/{RECORD}", "there is no record of published paragraph ids to compare with",
                         "Run `python -m generator site` to publish (it writes the record), then run this command "
                         "after editing seeds.")
    result = build_corpus(project)
    corpus = result.corpus
    known = kept_texts(project) | {pid: p for pid, p in previous_paragraphs(project).items()}
    for part in result.replaced.values():
        if part:
            known.update((p["id"], p) for p in paragraphs_of(part))
    gone = vanished(read_record(project), corpus)
    if any(pid not in known for pid, _source in gone):
        known |= texts_in_git(project, result, {source for pid, source in gone if pid not in known})
    added, unmatched, unknown = [], [], []
    for pid, source in gone:
        old = known.get(pid)
        if old is None:
            unknown.append((pid, source))
            continue
        scored = [(difflib.SequenceMatcher(None, old["text"], p.text).ratio(), p.id)
                  for p in corpus.paragraphs if p.source == source]
        score, target = max(scored, default=(0.0, ""))
        if score >= ALIAS_LIKENESS:
            added.append((pid, target, score, old["text"]))
        else:
            unmatched.append(old)
    if added:
        path = project.site_config / "aliases.yaml"
        text = path.read_text(encoding="utf-8").replace("aliases: []", "aliases:")
        day = today()
        lines = "".join(alias_line(o, n, s, words, day) for o, n, s, words in added)
        caches.write_if_changed(path, text.rstrip("\n") + "\n" + lines)
    if unknown:
        names = ", ".join(f"{pid} (source {source})" for pid, source in unknown)
        raise YanluError(f"site_config/{RECORD}",
                         f"the earlier text of published paragraph id(s) {names} is not known in this folder, so "
                         "they cannot be matched" + (f" ({len(added)} other alias(es) were added)" if added else ""),
                         "Neither an earlier build here nor the last commit (git HEAD) holds them. Build once "
                         "from the commit that published them and run this command again, or add "
                         "`- {old: <id>, new: <id>}` to site_config/aliases.yaml by hand.")
    return [(o, n, s) for o, n, s, _words in added], unmatched
