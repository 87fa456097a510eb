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
from pathlib import Path

from .cache import write_if_changed  # noqa: F401 - atomic, write-if-changed: the one writer (cache.py)
from .model import Corpus

SCHEMA_VERSION = 1
FILES = ("corpus.json", "cleaning-report.json", "ids.json", "paragraphs.jsonl")  # what docs/data/ holds


def dumps(data) -> str:
    return json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n"


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


def corpus_json_pieces(corpus: Corpus, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None) -> list[bytes]:
    """corpus.json's bytes, in pieces. ``parts`` holds each source's paragraphs and sections
    already written (kept with the source in .yanlu-cache/, matches added by ``with_matches``), so
    an edit to one transcript does not serialise the whole archive again; the bytes are the same."""
    if not _complete(corpus, parts):
        return [(compact(corpus_json(corpus)) + "\n").encode("utf-8")]
    ordered = [parts[source_id] for source_id in sorted(parts)]
    written = {key: [compact(value).encode("utf-8")] for key, value in _entities_json(corpus).items()}
    written["paragraphs"] = _list_of([listed(p) for p, _, _ in ordered if p])
    written["sections"] = _list_of([s for _, s, _ in ordered if s])
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


def with_matches(corpus: Corpus, parts: dict[str, tuple[bytes, bytes, bytes]]) -> dict[str, tuple[bytes, bytes, bytes]]:
    """Each source's kept part, the paragraphs of the sources with matches (match.py) written again
    with their ``also_reported`` (a source alone does not know them)."""
    also = dict(corpus.also_reported)
    matched: dict[str, list] = {}
    for p in corpus.paragraphs:
        matched.setdefault(p.source, []).append(p)
    matched = {source: ps for source, ps in matched.items() if any(p.id in also for p in ps)}
    if not matched:
        return parts
    redone = dict(parts)
    for source_id, paragraphs in matched.items():
        redone[source_id] = (paragraph_lines(sorted(paragraphs, key=lambda p: p.seq), also), *parts[source_id][1:])
    return redone


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


def export(corpus: Corpus, data_dir: Path, parts: dict[str, tuple[bytes, bytes, bytes]] | None = None) -> list[Path]:
    """Write corpus.json, paragraphs.jsonl and cleaning-report.json; return the files that changed."""
    if _complete(corpus, parts):
        parts = with_matches(corpus, parts)  # once, for both files that list the paragraphs
    outputs = {
        data_dir / "paragraphs.jsonl": paragraphs_jsonl_pieces(corpus, parts),
        # Compact: at thousands of transcripts this file is tens of megabytes.
        data_dir / "corpus.json": corpus_json_pieces(corpus, parts),
        data_dir / "cleaning-report.json": dumps(cleaning_report(corpus)),
        # The current paragraph ids alone, by source (what was published is site_config/published-ids.txt).
        data_dir / "ids.json": ids_json_pieces(corpus, parts),
    }
    written = [path for path, content in outputs.items() if write_if_changed(path, content)]
    # Written by earlier versions: it held the full text of removed paragraphs, and docs/data/ is published.
    (data_dir / "vanished-paragraphs.json").unlink(missing_ok=True)
    return written
