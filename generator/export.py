"""export: the corpus as ``docs/data/corpus.json``, ``paragraphs.jsonl`` (one paragraph a line) and the cleaning report.

Output is sorted and never dated from the clock, so the same inputs give the
same bytes; a file is written only when its bytes change (``mkdocs serve``
watches ``docs/`` and would otherwise rebuild forever), and written to a
temporary file first (``cache.write_if_changed``), so a failed or killed run
leaves the previous output intact.
"""

from __future__ import annotations

import json
from collections import Counter
from operator import attrgetter
from pathlib import Path

from .cache import made_afresh, write_if_changed  # noqa: F401 - write_if_changed: atomic, the one writer (cache.py)
from .model import Corpus

SCHEMA_VERSION = 1
FILES = ("corpus.json", "cleaning-report.json", "ids.json", "paragraphs.jsonl")  # what docs/data/ holds


def one_item_a_line(data: dict) -> str:
    """A dict of lists as JSON, keys sorted, each item of a list compact on a line of its own: readable,
    diffable line by line, and made by json's C encoder (``indent=`` takes its slow Python one)."""
    return _lines({key: [compact(item) for item in value] if isinstance(value, list) else compact(value)
                   for key, value in data.items()})


def _lines(fields: dict[str, list[str] | str]) -> str:
    """``one_item_a_line`` of values already written: a list's items, or the whole value."""
    written = []
    for key in sorted(fields):
        value = fields[key]
        if isinstance(value, list):
            value = "[\n" + ",\n".join(value) + "\n]" if value else "[]"
        written.append(f"{compact(key)}: {value}")
    return "{\n" + ",\n".join(written) + "\n}\n"


def corpus_json(corpus: Corpus) -> dict:
    also = dict(corpus.also_reported)
    return {
        **_entities_json(corpus),
        "sections": [s.to_json() for s in sorted(corpus.sections, key=lambda s: (s.source, s.seq))],
        "paragraphs": [p.to_json(also.get(p.id, ())) for p in sorted(corpus.paragraphs, key=lambda p: (p.source, p.seq))],
    }


def _entities_json(corpus: Corpus) -> dict:
    """corpus.json without its two long lists."""
    return {
        "schema": SCHEMA_VERSION,
        "events": [e.to_json() for e in sorted(corpus.events, key=lambda e: e.id)],
        "sources": [s.to_json() for s in sorted(corpus.sources, key=lambda s: s.id)],
        "speakers": [s.to_json() for s in sorted(corpus.speakers, key=lambda s: s.id)],
        "topics": [t.to_json() for t in sorted(corpus.topics, key=lambda t: t.id)],
        "aliases": dict(corpus.aliases),
        "corrections": [c.to_json() for c in corpus.corrections],
    }


def cleaning_report(corpus: Corpus) -> dict:
    removals = sorted(corpus.removals, key=lambda r: (r.seed, r.line, r.rule))
    return {
        "summary": {
            "removed_lines": sum(r.whole_line for r in removals),
            "by_rule": dict(sorted(Counter(r.rule for r in removals).items())),
            "flags": len(corpus.flags),
        },
        "removals": [r.to_json() for r in removals],
        "flags": [f.to_json() for f in sorted(corpus.flags, key=lambda f: (f.seed, f.line))],
        "warnings": list(corpus.warnings),
    }


def cleaning_report_text(corpus: Corpus, groups=None, reuse=None) -> str:
    """cleaning-report.json (``cleaning_report``, one item a line). ``groups``: the corpus source by source,
    each (source id, paragraphs, removals, flags); with ``reuse`` (cache.Session.reuse) a source's lines are
    written again only when its removals or flags change."""
    reuse = reuse or made_afresh
    chunks = [reuse(f"export: report {source_id}", (removals, flags), lambda: _report_chunk(removals, flags))
              for source_id, _paragraphs, removals, flags in (groups or ())]
    seeds = [chunk[0] for chunk in chunks if chunk[0] is not None]
    if groups is None or "" in seeds or len(set(seeds)) != len(seeds):  # not one seed a source: the report as a whole
        return one_item_a_line(cleaning_report(corpus))
    chunks = sorted((c for c in chunks if c[0] is not None), key=lambda c: c[0])  # the report's order: by seed first
    by_rule: Counter = Counter()
    for chunk in chunks:
        by_rule.update(chunk[4])
    summary = {"removed_lines": sum(c[3] for c in chunks), "by_rule": dict(sorted(by_rule.items())),
               "flags": sum(len(c[2]) for c in chunks)}
    return _lines({"summary": compact(summary), "removals": [line for c in chunks for line in c[1]],
                   "flags": [line for c in chunks for line in c[2]],
                   "warnings": [compact(w) for w in corpus.warnings]})


def _report_chunk(removals, flags) -> tuple[str | None, list[str], list[str], int, Counter]:
    """One source's part of the cleaning report: its seed (None when it has nothing to report, "" when
    its items name more than one), its removals' and flags' lines in the report's order, how many whole
    lines it lost, by rule."""
    seeds = {r.seed for r in removals} | {f.seed for f in flags}
    seed = None if not seeds else seeds.pop() if len(seeds) == 1 else ""
    removals = sorted(removals, key=lambda r: (r.seed, r.line, r.rule))
    return (seed, [compact(r.to_json()) for r in removals],
            [compact(f.to_json()) for f in sorted(flags, key=lambda f: (f.seed, f.line))],
            sum(r.whole_line for r in removals), Counter(r.rule for r in removals))


def compact(data) -> str:
    """JSON as corpus.json holds it: compact, keys sorted."""
    return json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def items_json(items) -> bytes:
    """Paragraphs or sections as they appear inside corpus.json's lists (without the brackets), UTF-8."""
    return compact([item.to_json() for item in items])[1:-1].encode("utf-8")  # one call: the same text, faster


def paragraph_lines(paragraphs, also: dict[str, tuple[str, ...]] | None = None) -> bytes:
    """Paragraphs one a line, as paragraphs.jsonl holds them (no newline after the last). Compact JSON
    escapes every newline inside a string, so b"\\n" → b"," gives them as corpus.json's list holds them."""
    also = also or {}
    return "\n".join(compact(p.to_json(also.get(p.id, ()))) for p in paragraphs).encode("utf-8")


def listed(lines: bytes) -> bytes:
    """A source's paragraph lines as items of corpus.json's list (without the brackets)."""
    return lines.replace(b"\n", b",")


def paragraphs_of(part: bytes) -> list[dict]:
    """The paragraph objects of a source's kept part (paragraph_lines; or, kept by earlier code, items_json)."""
    return json.loads(b"[" + listed(part) + b"]")


def paragraph_ids(paragraphs, reuse=None) -> frozenset[str]:
    """The ids of one source's paragraphs; with ``reuse`` (cache.Session.reuse), kept while they are the same."""
    if reuse is None or not paragraphs:
        return frozenset(map(attrgetter("id"), paragraphs))
    return reuse(f"ids: source {paragraphs[0].source}", (paragraphs,), lambda: frozenset(map(attrgetter("id"), paragraphs)))


def ids_json(paragraphs) -> bytes:
    """Paragraph ids as they appear inside ids.json's list (without the brackets), UTF-8."""
    return compact([p.id for p in paragraphs])[1:-1].encode("utf-8")


def ids_json_pieces(corpus: Corpus, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None) -> list[bytes]:
    """ids.json: every paragraph id, by source and place (from ``parts`` when they are all there)."""
    if parts is None or set(parts) != {s.id for s in corpus.sources}:
        by_source: dict[str, list] = {}
        for p in sorted(corpus.paragraphs, key=lambda p: (p.source, p.seq)):
            by_source.setdefault(p.source, []).append(p)
        parts = {source: (b"", b"", ids_json(paragraphs)) for source, paragraphs in by_source.items()}
    return _list_of([parts[source][2] for source in sorted(parts) if parts[source][2]]) + [b"\n"]


def corpus_json_pieces(corpus: Corpus, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None,
                       reuse=None) -> list[bytes]:
    """corpus.json's bytes, in pieces. ``parts`` holds each source's paragraphs and sections
    already written (kept with the source in .yanlu-cache/, matches added by ``with_matches``), so
    an edit to one transcript does not serialise the whole archive again; the bytes are the same.
    With ``reuse`` (cache.Session.reuse) the entities are written again only when they change."""
    if not _complete(corpus, parts):
        return [(compact(corpus_json(corpus)) + "\n").encode("utf-8")]
    reuse = reuse or made_afresh
    ordered = [(source_id, parts[source_id]) for source_id in sorted(parts)]
    written = reuse("export: entities", (corpus.events, corpus.sources, corpus.speakers, corpus.topics, corpus.aliases,
                                         corpus.corrections),
                    lambda: {key: [compact(value).encode("utf-8")] for key, value in _entities_json(corpus).items()})
    written = dict(written)
    written["paragraphs"] = _list_of([reuse(f"export: listed {source_id}", (p,), lambda: listed(p))
                                      for source_id, (p, _, _) in ordered if p])
    written["sections"] = _list_of([s for _, (_, s, _) in ordered if s])
    pieces = [b"{"]
    for n, (key, value) in enumerate(sorted(written.items())):
        if n:
            pieces.append(b",")
        pieces += [compact(key).encode("utf-8") + b":", *value]
    return pieces + [b"}\n"]


def _list_of(items: list[bytes]) -> list[bytes]:
    """A JSON list of items already written, in pieces: b"[" + b",".join(items) + b"]" without the copy."""
    pieces = [b","] * (2 * len(items) - 1) if items else []
    pieces[0::2] = items
    return [b"[", *pieces, b"]"]


def _complete(corpus: Corpus, parts) -> bool:
    return parts is not None and set(parts) == {s.id for s in corpus.sources}


def with_matches(corpus: Corpus, parts: dict[str, tuple[bytes, bytes, bytes]], groups=None,
                 reuse=None) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Each source's kept part, the paragraphs of the sources with matches (match.py) written again
    with their ``also_reported`` (a source alone does not know them). ``groups`` and ``reuse``: see
    ``cleaning_report_text``; a source's lines are then written again only when its matches change."""
    also = dict(corpus.also_reported)
    if groups is None:
        by_source: dict[str, list] = {}
        for p in corpus.paragraphs:
            by_source.setdefault(p.source, []).append(p)
        groups = list(by_source.items())
    reuse = reuse or made_afresh
    matched_ids = set(also)
    redone = None
    for source_id, paragraphs, *_ in groups:
        found = paragraph_ids(paragraphs, reuse) & matched_ids
        if not found:
            continue
        theirs = {pid: also[pid] for pid in sorted(found)}
        lines = reuse(f"export: matched {source_id}", (paragraphs, theirs),
                      lambda: paragraph_lines(sorted(paragraphs, key=lambda p: p.seq), theirs))
        redone = redone or dict(parts)
        redone[source_id] = (lines, *parts[source_id][1:])
    return parts if redone is None else redone


def paragraphs_jsonl_pieces(corpus: Corpus, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None) -> list[bytes]:
    """paragraphs.jsonl: every paragraph of corpus.json, one a line, by source and place (``parts``
    as for ``corpus_json_pieces``)."""
    if _complete(corpus, parts):
        lines = [part[0] for _source, part in sorted(parts.items())]
    else:
        by_source: dict[str, list] = {}
        for p in sorted(corpus.paragraphs, key=lambda p: (p.source, p.seq)):
            by_source.setdefault(p.source, []).append(p)
        also = dict(corpus.also_reported)
        lines = [paragraph_lines(paragraphs, also) for _source, paragraphs in sorted(by_source.items())]
    pieces = []
    for part in lines:
        if part:
            pieces += [part, b"\n"]
    return pieces


def export(corpus: Corpus, data_dir: Path, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None,
           groups=None, reuse=None) -> list[Path]:
    """Write corpus.json, paragraphs.jsonl and cleaning-report.json; return the files that changed.
    (``groups`` and ``reuse``: see ``cleaning_report_text``.)"""
    return write_outputs(outputs(corpus, data_dir, parts, groups, reuse), data_dir)


def outputs(corpus: Corpus, data_dir: Path, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None,
            groups=None, reuse=None) -> dict[Path, str | list[bytes]]:
    """What ``export`` writes: each file of docs/data/ with its content (in pieces)."""
    if _complete(corpus, parts):
        parts = with_matches(corpus, parts, groups, reuse)  # once, for both files that list the paragraphs
    return {
        data_dir / "paragraphs.jsonl": paragraphs_jsonl_pieces(corpus, parts),
        # Compact: at thousands of transcripts this file is tens of megabytes.
        data_dir / "corpus.json": corpus_json_pieces(corpus, parts, reuse),
        data_dir / "cleaning-report.json": cleaning_report_text(corpus, groups, reuse),
        # The current paragraph ids alone, by source (what was published is site_config/published-ids.txt).
        data_dir / "ids.json": ids_json_pieces(corpus, parts),
    }


def write_outputs(files: dict[Path, str | list[bytes]], data_dir: Path) -> list[Path]:
    """Write what ``outputs`` made; the files that changed."""
    written = [path for path, content in files.items() if write_if_changed(path, content)]
    # Written by earlier versions: it held the full text of removed paragraphs, and docs/data/ is published.
    (data_dir / "vanished-paragraphs.json").unlink(missing_ok=True)
    return written
