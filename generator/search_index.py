"""search_index: the Pagefind index of the pages in docs/search/pagefind/, written the way Pagefind writes it.

Pagefind (``pagefind-bin-extended``, requirements.txt) took a third of publish's CPU time at 2,000 transcripts
and 3 GB of memory to index pages that are lists of words, each once (search.pagefind_page): what it does with
such a page is short to state, and this module does just that, in a third of the time and a sixth of the
memory (bench/README.md, "The search index"). The bundle it writes
is the one Pagefind writes of the same pages, file for file, each file's content the same once decompressed
(tests/test_search_index.py runs Pagefind on the seeds' pages and on a page of awkward words and compares),
with two differences: pages are numbered in the order of their addresses (Pagefind numbers them in the order
the file system lists them, which differs from machine to machine), and files are compressed at zlib's level 5
(``COMPRESSION``). Pagefind's own script and WebAssembly search them in the browser (``RUNTIME``, which the
installed Pagefind writes for a page of one word: ``runtime``).

What Pagefind 1.5.2 writes of a page in the neutral language (``und``, no stemming), as read off its output:

- **The page's words.** The text of each block (``<div>``) is split at spaces; each piece is a word at the next
  position. A word is indexed as its letters and digits, lower-cased; a word with a letter that decomposes into
  a base and a mark (é) is indexed as the base letters, the word as written kept as a *variant* of it. A block of
  weight *w* (``data-pagefind-weight``) gives its words weight 24 × *w*, others 24. search.pagefind_page ends each
  block with ``|`` (``BLOCK_END``, a position with no word): Pagefind adds a full stop to a block that ends in a
  letter and then indexes the parts of that word, which this module does not do.
- **Meta.** Each ``data-pagefind-meta`` value is also indexed, word by word, as *meta locations* of its field.
- **Files.** ``fragment/<id>.pf_fragment``: the page as JSON (address, text, word count, meta). ``index/<id>.pf_index``:
  the words in code point order, in chunks of about 20,000 locations, each word with its pages and locations.
  ``pagefind.<id>.pf_meta``: the version, each page's id and word count, each chunk's first and last word.
  Each is gzip of ``pagefind_dcd`` and CBOR (JSON for a fragment); its id is the language and the start of the
  SHA-1 of what it holds. ``pagefind-entry.json`` names the language's meta file and page count.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import html
import json
import re
import shutil
import subprocess
import sys
import tempfile
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from .model import YanluError

FORMAT_VERSION = "1.5.2"  # the Pagefind whose index this module writes (requirements.txt pins it)
LANG = "und"  # BCP 47 "undetermined": no word segmentation, at index or query time (search.INDEX_LANG)
BLOCK_END = "|"  # search.pagefind_page ends each block with it (see above)
WEIGHT_UNIT = 24  # a word's weight in the index: 24 × its block's weight
CHUNK_LOCATIONS = 20_000  # Pagefind's index chunk size: a chunk ends once its words hold this many locations
RUNTIME = ("pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind")  # what the browser loads, as Pagefind writes it
# zlib's level 5: the index 2% larger than at Pagefind's 9 (13.5 MB at 2,000 transcripts), in a twentieth of the time.
COMPRESSION = 5
SIGNATURE = b"pagefind_dcd"  # the start of every compressed file once decompressed: Pagefind's check that it is one

# A page as search.pagefind_page writes it (search._document), and nothing else: its meta, then its blocks.
_META = r'<meta data-pagefind-meta="([a-z]+)\[content\]" content="([^"]*)">\n'
_BLOCK = r'<div(?: data-pagefind-weight="(\d+)")?>([^<]*)</div>'
_PAGE = re.compile(rf'<!doctype html>\n<html lang="{LANG}">\n<head><meta charset="utf-8"><title></title>\n'
                   rf'(?P<meta>(?:{_META})*)</head>\n<body><article data-pagefind-body>(?P<blocks>(?:{_BLOCK})*)</article></body>\n</html>\n\Z')


@dataclass
class IndexPage:
    """A page as Pagefind reads it: its address, meta values and blocks of words with their weight."""

    url: str
    meta: dict[str, str]
    blocks: list[tuple[int, list[str]]]
    source: str = ""  # the file it was read from, for messages


@dataclass(slots=True)
class _Word:
    """One word's postings as CBOR, built page by page (page numbers rise): its pages' entries and variants."""

    pages: bytearray = field(default_factory=bytearray)
    count: int = 0
    last: int = 0
    variants: dict[str, _Word] = field(default_factory=dict)
    locations: int = 0  # locations and meta locations, and one a page: what a chunk's size counts (``_chunks``)

    def add(self, page: int, locations: bytes, count: int) -> None:
        """The page's entry: its number after the last one's, and ``locations``, the CBOR of its ``count``
        locations and meta locations."""
        self.pages += b"\x83" + _uint(page - self.last) + locations
        self.count += 1
        self.last = page
        self.locations += count + 1


# ------------------------------------------------------------------ CBOR, as minicbor writes it


def _head(major: int, value: int) -> bytes:
    if value < 24:
        return bytes([major << 5 | value])
    for extra, size in ((24, 1), (25, 2), (26, 4), (27, 8)):
        if value < 1 << (8 * size):
            return bytes([major << 5 | extra]) + value.to_bytes(size, "big")
    raise ValueError(value)


_UINTS = [_head(0, n) for n in range(1 << 16)]


def _uint(n: int) -> bytes:
    return _UINTS[n] if n < 1 << 16 else _head(0, n)


def _int(n: int) -> bytes:
    return _uint(n) if n >= 0 else _head(1, -1 - n)


def _ints(values: list[int]) -> bytes:
    return _head(4, len(values)) + b"".join(map(_int, values))


def _text(value: str) -> bytes:
    data = value.encode("utf-8")
    return _head(3, len(data)) + data


def _array(items: list[bytes]) -> bytes:
    return _head(4, len(items)) + b"".join(items)


# ------------------------------------------------------------------ reading the pages


def read_page(path: Path, root: Path) -> IndexPage:
    """A page search.pagefind_page wrote, or a YanluError naming it if it is not one."""
    try:
        found = _PAGE.match(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError:
        found = None
    if not found:
        raise YanluError(str(path), "is not a page generator/search.py writes for search (pagefind_page)",
                         "Run `python -m generator build`, which writes these pages again; put nothing else in "
                         "docs/search/pagefind/.")
    meta = {name: html.unescape(value) for name, value in re.findall(_META, found.group("meta"))}
    blocks = [(int(weight or 1), html.unescape(words).split()) for weight, words in re.findall(_BLOCK, found.group("blocks"))]
    return IndexPage(page_address(path.relative_to(root).as_posix()), meta, blocks, str(path))


def page_address(relative: str) -> str:
    """The address Pagefind 1.5.2 gives a file: ``events/x/index.html`` → ``/events/x/``, not percent-encoded."""
    return "/" + (relative[:-len("index.html")] if relative == "index.html" or relative.endswith("/index.html") else relative)


def read_pages(site: Path) -> list[IndexPage]:
    """Every page under ``site``, in the order of their addresses."""
    return sorted((read_page(path, site) for path in site.rglob("*.html")), key=lambda page: page.url)


# ------------------------------------------------------------------ words


class _Forms(dict):
    """Each word as the index holds it: (the word, the variant or None), looked up once per word."""

    def __missing__(self, token: str) -> tuple[str, str | None]:
        word = "".join(c for c in token.lower() if c.isalnum())
        if word != token or not word:
            raise ValueError(f"{token!r} is not a word as search.index_words writes it "
                             "(lower-case letters and digits)")
        plain = word if word.isascii() else "".join(
            c for c in unicodedata.normalize("NFD", word) if not unicodedata.category(c).startswith("M"))
        self[token] = form = (word, None) if plain == word else (plain, word)
        return form


def _packed(places: list[tuple[int, int]]) -> list[int]:
    """A page's locations of a word: by weight, then position; a weight change as -(weight + 1) and the position,
    otherwise the distance from the one before (Pagefind's positions_to_packed_page, whose first weight is 25)."""
    out, weight, last = [], 25, 0
    for w, position in sorted(places, key=lambda p: (0 if p[0] == 25 else p[0], p[1])):
        if w != weight:
            out += [-w - 1, position]
            weight = w
        else:
            out.append(position - last)
        last = position
    return out


def _short_hash(data: bytes) -> str:
    """Pagefind's full_hash: the SHA-1's bytes each in hexadecimal without leading zeros."""
    return "".join(f"{b:x}" for b in hashlib.sha1(data).digest())


def _unique(full: str, start: int, taken: set[str], step: int) -> str:
    """The start of ``full`` of ``start`` characters, longer by ``step`` while another file of its kind has it
    (Pagefind's collision rule: a fragment's name grows by one character, an index chunk's by two)."""
    name = full[:start]
    while name in taken and len(name) < len(full):
        name = full[:len(name) + step]
    taken.add(name)
    return name


def _meta_packed(places: list[tuple[int, int]]) -> list[int]:
    """A page's meta locations of a word: by field, then position; a field as -(its number + 1), then each
    position as the distance from the one before in that field (Pagefind's meta_positions_to_packed)."""
    out, current, last = [], None, 0
    for field_id, position in sorted(places):
        if field_id != current:
            out.append(-field_id - 1)
            current, last = field_id, 0
        out.append(position - last)
        last = position
    return out


def _word_entry(word: str, postings: _Word) -> bytes:
    variants = [_array([_text(form), _head(4, v.count) + bytes(v.pages)]) for form, v in postings.variants.items()]
    return _array([_text(word), _head(4, postings.count) + bytes(postings.pages), _array(variants)])


def _chunks(ordered: list[str], words: dict[str, _Word]) -> list[list[str]]:
    """The words in chunks that end once they hold CHUNK_LOCATIONS locations (Pagefind's chunk_index)."""
    chunks, chunk, size = [], [], 0
    for word in ordered:
        postings = words[word]
        size += postings.locations + sum(v.locations for v in postings.variants.values()) + len(postings.variants)
        chunk.append(word)
        if size >= CHUNK_LOCATIONS:
            chunks.append(chunk)
            chunk, size = [], 0
    return chunks + [chunk] if chunk else chunks


def _chunk_bounds(ends: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Each chunk's first and last word as the meta file gives them: between two chunks, each end cut to the
    characters they share and one more (Pagefind's chunk_meta; the first's end only where it stays after its start)."""
    bounds = [list(pair) for pair in ends]
    for this, after in zip(bounds, bounds[1:]):
        shared = 0
        for a, b in zip(this[1], after[0]):
            if a != b:
                break
            shared += 1
        cut = this[1][:shared + 1]
        if cut >= this[0]:
            this[1] = cut
        after[0] = after[0][:shared + 1]
    return [tuple(pair) for pair in bounds]


@dataclass
class Bundle:
    """What Pagefind writes of the pages, before compression: file name → content; and each page's id by its address."""

    files: dict[str, bytes]
    meta_hash: str
    ids: dict[str, str]


def _meta_places(page: IndexPage, fields: list[str]) -> dict[str, list[tuple[int, int]]]:
    """Each word of the page's meta values: its (field number, position in the value)."""
    metas: dict[str, list[tuple[int, int]]] = {}
    for name, value in sorted(page.meta.items()):
        for at, token in enumerate(value.split()):
            metas.setdefault(token, []).append((fields.index(name), at))
    return metas


def _alone(place: int) -> bytes:
    """A word's locations (at ``scale << 32 | position``) and no meta locations."""
    return _ints([-(place >> 32) - 1, place & 0xFFFFFFFF]) + b"\x80"


def _index_page(number: int, page: IndexPage, content: list[str], metas: dict, forms: _Forms,
                words: dict[str, _Word], alone: dict[int, bytes]) -> None:
    """Add every word of the page to ``words``, each with its places (weight, position) and meta places. On a page
    where each word stands once (as search.pagefind_page writes them), a word as written and in no meta value is
    added at once, from ``alone``: most words are, and this is most of the time."""
    tokens = [token for token in content if token != BLOCK_END]
    once = len(set(tokens)) == len(tokens)
    places: dict[str, list[tuple[int, int]]] = {}
    position = 0
    for weight, block in page.blocks:
        scale = min(max(weight, 0), 10) * WEIGHT_UNIT
        for token in block:
            if token != BLOCK_END:
                if once and forms[token][1] is None and token not in metas:
                    place = scale << 32 | position
                    postings = words.get(token) or words.setdefault(token, _Word())
                    postings.add(number, alone.get(place) or alone.setdefault(place, _alone(place)), 2)
                else:
                    places.setdefault(token, []).append((scale, position))
            position += 1
    # Pagefind adds a page's variants of a word in the order of their form, the content's before the meta's.
    for token in sorted(places) + sorted(metas.keys() - places.keys()):
        _index_word(number, token, places.get(token, []), metas.get(token, []), forms, words)


def _index_word(number: int, token: str, places: list, meta_places: list, forms: _Forms, words: dict[str, _Word]) -> None:
    word, variant = forms[token]
    postings = words.get(word) or words.setdefault(word, _Word())
    if variant is not None:
        postings = postings.variants.get(variant) or postings.variants.setdefault(variant, _Word())
    locs, meta_locs = _packed(places), _meta_packed(meta_places)
    postings.add(number, _ints(locs) + _ints(meta_locs), len(locs) + len(meta_locs))


def build(pages: list[IndexPage]) -> Bundle:
    """The index of ``pages``, numbered in their order."""
    forms = _Forms()
    fields = sorted({"title"}.union(*(page.meta for page in pages)))  # Pagefind's title: the page's empty <title>
    words: dict[str, _Word] = {}
    alone: dict[int, bytes] = {}  # _alone of each place met
    files: dict[str, bytes] = {}
    taken: set[str] = set()
    listed, ids = [], {}
    for number, page in enumerate(pages):
        content = [token for _weight, tokens in page.blocks for token in tokens]
        metas = _meta_places(page, fields)
        try:
            _index_page(number, page, content, metas, forms, words, alone)
        except ValueError as exc:
            raise YanluError(page.source, str(exc), "Run `python -m generator build`, which writes this page again "
                             "(search.pagefind_page).") from None
        word_count = max(len(content), 1)  # Pagefind's: its last word's position and one
        fragment = json.dumps({"url": page.url, "content": " ".join(content), "word_count": word_count,
                               "filters": {}, "meta": dict(sorted({"title": "", **page.meta}.items())), "anchors": []},
                              ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        name = _unique(f"{LANG}_{_short_hash(fragment)}", len(LANG) + 8, taken, 1)
        files[f"fragment/{name}.pf_fragment"] = fragment
        listed.append(_array([_text(name), _uint(word_count)]))
        ids[page.url] = name
    chunks, taken = [], set()
    for chunk in _chunks(sorted(words), words):
        encoded = _array([_array([_word_entry(word, words[word]) for word in chunk])])
        name = _unique(f"{LANG}_{_short_hash(encoded)}", len(LANG) + 8, taken, 2)
        files[f"index/{name}.pf_index"] = encoded
        chunks.append((chunk, name))
    bounds = _chunk_bounds([(chunk[0], chunk[-1]) for chunk, _name in chunks])
    meta = _array([_text(FORMAT_VERSION), _array(listed),
                   _array([_array([_text(first), _text(last), _text(name)]) for (first, last), (_c, name) in zip(bounds, chunks)]),
                   _array([]), _array([]), _array([_text(name) for name in fields])])
    meta_hash = f"{LANG}_{_short_hash(meta)[:len(LANG) + 8]}"
    files[f"pagefind.{meta_hash}.pf_meta"] = meta
    return Bundle(files, meta_hash, ids)


# ------------------------------------------------------------------ writing the bundle


def pagefind_binary() -> Path:
    """Pagefind's extended binary, shipped in the PyPI wheel ``pagefind-bin-extended`` (requirements.txt).

    The ``pagefind`` Python package finds its binary the same way (``pagefind.service.get_executable``:
    $PAGEFIND_BINARY_PATH, then ``pagefind_bin_extended``, then ``pagefind_bin``, then PATH); asking
    ``pagefind_bin_extended`` directly makes sure the extended build is the one that runs.
    """
    try:
        from pagefind_bin_extended import get_executable
        return get_executable()
    except (ImportError, FileNotFoundError) as exc:
        raise YanluError("pagefind", f"the extended Pagefind binary is not installed ({exc})",
                         "Install the pinned packages: `.venv/bin/pip install -r requirements.txt` "
                         "(it lists pagefind-bin-extended).") from None


def runtime(into: Path) -> dict:
    """Pagefind's own files for the browser (``RUNTIME``), written into ``into`` by the installed Pagefind run on
    a page of one word; returns its pagefind-entry.json, without the language."""
    with tempfile.TemporaryDirectory(prefix="yanlu-pagefind-") as work:
        site, out = Path(work, "site"), Path(work, "out")
        site.mkdir()
        (site / "index.html").write_text('<html lang="und"><body><p>yanlu</p></body></html>', encoding="utf-8")
        command = [str(pagefind_binary()), "--site", str(site), "--output-path", str(out), "--silent"]
        try:
            run = subprocess.run(command, capture_output=True, text=True)
        except OSError as exc:
            raise YanluError("pagefind", f"could not run {command[0]}: {exc}",
                             "Reinstall the pinned packages: `.venv/bin/pip install -r requirements.txt`.") from None
        if run.returncode:
            raise YanluError("pagefind", f"{' '.join(command)} failed (exit status {run.returncode}):\n"
                             f"{(run.stderr or run.stdout).strip() or '(it printed nothing)'}",
                             "Fix the problem Pagefind names above.")
        entry = json.loads((out / "pagefind-entry.json").read_text(encoding="utf-8"))
        if entry.get("version") != FORMAT_VERSION:
            raise YanluError("pagefind", f"Pagefind {entry.get('version')} is installed; generator/search_index.py "
                             f"writes the index of Pagefind {FORMAT_VERSION}",
                             "Install the version requirements.txt pins: `.venv/bin/pip install -r requirements.txt`.")
        into.mkdir(parents=True, exist_ok=True)
        for name in RUNTIME:
            shutil.copyfile(out / name, into / name)
    entry.pop("languages", None)
    return entry


def write(bundle: Bundle, into: Path, entry: dict) -> None:
    """The bundle's files into ``into``, each compressed as Pagefind's are, and pagefind-entry.json."""
    for name, content in sorted(bundle.files.items()):
        path = into / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(gzip.compress(SIGNATURE + content, compresslevel=COMPRESSION, mtime=0))
    languages = {LANG: {"hash": bundle.meta_hash, "wasm": None, "page_count": len(bundle.ids)}}
    (into / "pagefind-entry.json").write_text(json.dumps({"version": entry["version"], "languages": languages,
                                                           **entry}, ensure_ascii=False, separators=(",", ":")),
                                              encoding="utf-8")


def index(site: Path, into: Path) -> Bundle:
    """Index the pages under ``site`` (docs/search/pagefind/) into the bundle folder ``into``."""
    entry = runtime(into)
    bundle = build(read_pages(site))
    write(bundle, into, entry)
    return bundle


def main(argv: list[str] | None = None) -> int:
    """``python -m generator.search_index --site DIR --output-path DIR``: what publish.py runs beside MkDocs. It prints
    ``{"ids": {address: Pagefind id}}`` of the pages it indexed, by which publish.py names each page's data."""
    parser = argparse.ArgumentParser(prog="python -m generator.search_index", description=__doc__.splitlines()[0])
    parser.add_argument("--site", type=Path, required=True, help="the pages to index (docs/search/pagefind/)")
    parser.add_argument("--output-path", type=Path, required=True, help="the bundle folder to write")
    args = parser.parse_args(argv)
    try:
        bundle = index(args.site, args.output_path)
    except YanluError as error:
        print(error, file=sys.stderr)
        return 1
    print(json.dumps({"ids": bundle.ids}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
