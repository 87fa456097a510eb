"""search: what the index reads of each page, written by the generator; search_index.py indexes it in Pagefind's
format, which Pagefind's own script searches in the browser (README, "Search").

The index is built for the answers a reader wants, so that a query reads little and answers fast
at 2,000 transcripts:

- **Results**: an event page is one result, its paragraphs the places in it a result links to
  (``#q-…``). A speaker or topic page is a small *entity* result: its name and the line under it (a
  speaker's note, a topic's keywords), never its list of quotes, which repeats the event pages'
  paragraphs. Home, list pages and the further parts of a long speaker or topic page are not indexed.
- **Index words, each once a page**: every Chinese character is written as the word of it and the
  character after it in its run (价格战是 → 价格 格战 战是 是; ``index_words``), other text as its runs of
  letters and digits, lower-cased. A query of two characters is
  then one word, a longer one its words of two (Pagefind finds the pages holding all of them; the box keeps
  those whose text holds the query), one character the prefix of words (Pagefind matches words by prefix):
  every substring of the text is found, whatever a word segmenter would cut. A page holds each word once, so
  a word's posting list has one entry a page: 模型, on all 2,000 event pages, is a few kilobytes of index to
  read, not the 200 kB of its 40,000 places. Words of two, not three, make fewer distinct words a page, which
  is what indexing time goes on (a third less at 500 transcripts). Pages are
  given the neutral language ``und``: Pagefind then splits words at spaces only (for ``zh`` it
  re-segments the text with jieba and the query with Intl.Segmenter, which cut differently and lose results).
- **One index for both scripts**: the words are in one form, each character as t2s converts it alone
  (``index_form``), so a Traditional page's words are its Simplified twin's and Pagefind reads each page once,
  not once a script (half its time and memory); the box turns a query into that form too.
- **The page's places, a file a script**: where on the page the query stands is found by
  yanlu-search.js in the page's own text, in the reader's script: the page's title, speakers and each place
  (a paragraph with its speaker and source, a heading with what follows it), with each garbled run's span
  and each source's citation facts (event, date, place, title, publisher, language), so a result's
  copy-quote and cite buttons give what the paragraph's own buttons give. They are a JSON file of that
  script, named by the page's Pagefind id (``pagefind/yanlu/<lang>/<id>.json``, placed by publish.py), which
  the box fetches beside the page's fragment; not Pagefind meta, whose values are words of the index.
- **Filters**: speaker (each participant), event (its name) and year, as words of the index
  (``filter_token``: "ylf", the filter's letter and a hash of the value, which yanlu-search.js
  computes the same way, of the value's index form), searched with the query: Pagefind's own filters write
  their index files in a different order on every run, and the site must be the same for the same input.
  The values for the filter controls are ``pagefind/yanlu-filters-<lang>.json``. Each paragraph's record
  names its speaker by their place in the page's speakers, so a speaker filter shows only that speaker's
  paragraphs.
  A name two speakers share is told apart by the speaker's note (``张鹏 · 智谱 AI CEO``), else their id.

The pages themselves are not changed. The generator takes each page's part in its script (``page_part``:
the page's Markdown rendered as MkDocs renders it, then read as the built page would be) into
``docs/search/<script>/`` (pipeline.plan_search_parts), and makes what Pagefind reads of the page from both
scripts' parts (``pagefind_page``) into ``docs/search/pagefind/`` (pipeline.plan_pagefind_pages), each again
only when its page changes, so search_index.py can index them while MkDocs builds.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Callable

from .config import is_reserved
from .convert import simplified_alone
from .model import YanluError
from .render import page_url
from .search_index import BLOCK_END, LANG as INDEX_LANG


HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{HAN}]")
_OTHER_WORD = re.compile(r"[^\W_]+")  # letters and digits (str.isalnum), as \p{L}\p{N} in yanlu-search.js
_RUNS = re.compile(f"([{HAN}]+)|([^\\W_{HAN}]+)")  # a run of Chinese characters, or of other letters and digits
_KIND = re.compile(r'<span class="yl-kind">[^<]*</span>')  # 提问/回答: a label beside the name, not what was said
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# Tags a sentence runs through: no space between the text on both sides of them (李大海</a>表示).
INLINE = frozenset({"a", "abbr", "b", "bdi", "cite", "code", "em", "i", "kbd", "mark", "q", "s", "small", "span",
                    "strong", "sub", "sup", "time", "u", "wbr"})
_BODY = re.compile(r"<(\w+)\b[^>]*\sdata-pagefind-body\b[^>]*>")
_LANG = re.compile(r"<html\b[^>]*\slang=\"([^\"]+)\"")
_H1 = re.compile(r"<h1\b[^>]*>(.*?)</h1>", re.S)
_FIRST_P = re.compile(r"\s*<p\b[^>]*>(.*?)</p>", re.S)
_TOC = re.compile(r"<nav\b[^>]*\bclass=\"yl-toc\"[^>]*>.*?</nav>", re.S)
_FACTS = re.compile(r"<dl\b[^>]*\bclass=\"yl-facts\"[^>]*>(.*?)</dl>", re.S)
_YEAR = re.compile(r"<dd>\s*(\d{4})(?:-\d\d){0,2}\s*</dd>")
_PARTICIPANTS = re.compile(r"<ul\b[^>]*\bclass=\"yl-participants\"[^>]*>(.*?)</ul>", re.S)
_SPEAKER_LINK = re.compile(r"<a\b[^>]*\bhref=\"[^\"]*speakers/([^/\"]+)/\"[^>]*>(.*?)</a>", re.S)
_PAGE_CONFIG = re.compile(r"<script>window\.YANLU = (\{.*?\});</script>")  # templates/overrides/main.html
# What a search result's copy-quote and cite buttons need of a source (render.py cite_facts, as the page's script has it).
CITE_FIELDS = ("event", "date", "place", "title", "publisher", "lang")


def is_han(char: str) -> bool:
    return bool(char) and _HAN_CHAR.match(char) is not None


def page_kind(relative: PurePosixPath) -> str | None:
    """What a built page is to search: 'event', 'speaker', 'topic', or None (not indexed). A name no event,
    speaker or topic may have is one of the site's own list pages (events/2024/: that year's events)."""
    parts = relative.parts
    if len(parts) == 3 and parts[2] == "index.html" and not is_reserved(parts[0], parts[1]):
        return {"events": "event", "speakers": "speaker", "topics": "topic"}.get(parts[0])
    return None


# ------------------------------------------------------------------ index words


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""


WORD_CHARS = 2  # a Chinese index word: a character and the one after it (yanlu-search.js WORD_CHARS)


def _han_words(run: str) -> list[str]:
    """A run of Chinese characters as index words: from each character, it and the one after it."""
    return [run[i:i + WORD_CHARS] for i in range(len(run))]


def _letters_and_digits(run: str) -> list[str]:
    """A run of letters and digits as it is, or, holding what str.isalnum does not take (a mark lower-casing left,
    a code point not yet assigned), its pieces without it."""
    return [run] if run.isalnum() else _OTHER_WORD.findall(run)


def index_words(texts: list[str]) -> list[str]:
    """The distinct index words of a page's texts, in the order they first stand.

    A Chinese character stands as the word of it and the character after it in its run (价格战是 → 价格 格战
    战是 是): a query of two characters is one word, a longer one its words of two, one of one character
    the prefix of a word (Pagefind matches words by prefix), so every substring of the text is found.
    Each word stands once: where on the
    page does not matter to the index (yanlu-search.js finds the places in the page's text), and a word's
    posting list is then one entry a page, not one an occurrence. A run's last character, a word of one, is left
    out where a word of these texts starts with it: Pagefind finds it as that word's prefix (at 2,000 transcripts, 6% of
    the words indexed).

    Other text is its runs of letters and digits, lower-cased (GPT-4o → gpt 4o), as the box splits a query
    (yanlu-search.js ``parse``) and as search_index.py takes a word whole. A code point of the Chinese blocks
    this Python does not know as a letter (one not yet assigned) is no word either."""
    seen: dict[str, None] = {}  # dict.update keeps a word where it first stood
    for text in texts:
        for han, other in _RUNS.findall(text):
            if han:
                for run in _letters_and_digits(han):
                    seen.update(dict.fromkeys(_han_words(run)))
            else:
                seen.update(dict.fromkeys(_letters_and_digits(other.lower())))
    starting = {word[0] for word in seen if len(word) == WORD_CHARS and is_han(word[0])}
    return [word for word in seen if len(word) != 1 or word not in starting]


class _IndexForms(dict):
    """Each character's form in the index, looked up once per process (``str.translate`` asks by code point)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        self[code] = form = simplified_alone(char) if _HAN_CHAR.match(char) else char
        return form


_FORMS = _IndexForms()


def index_form(text: str) -> str:
    """Text as the index holds it, whichever script it is in: each Chinese character as OpenCC's t2s converts
    it alone (說 → 说; convert.simplified_alone), so one index serves both scripts (a Traditional page's words
    are its Simplified twin's, but where the scripts' texts differ beyond a character's form); yanlu-search.js
    turns a query into the same form with window.YANLU_INDEX_CHARS (pipeline.index_chars), made by this
    function."""
    return text.translate(_FORMS)


# ------------------------------------------------------------------ pages


def text_of(fragment: str) -> str:
    """The text of an HTML fragment, tags removed and entities read, spaces collapsed."""
    return " ".join(html_lib.unescape(_TAG.sub("", fragment)).split())


def article(page: str) -> tuple[str, str] | None:
    """(the article's HTML, the page's lang), or None for a page without ``data-pagefind-body``."""
    body, lang = _BODY.search(page), _LANG.search(page)
    if body is None or lang is None:
        return None
    tag = body.group(1)
    end = page.find(f"</{tag}>", body.end())  # Material's article holds no nested <article>
    if end < 0:
        return None
    return page[body.start():end + len(tag) + 3], lang.group(1)


def _attr(value: str) -> str:
    return html_lib.escape(value, quote=True)


def _document(head: list[str], body: str) -> str:
    return (f'<!doctype html>\n<html lang="{INDEX_LANG}">\n<head><meta charset="utf-8">'
            f'<title></title>\n{"".join(head)}</head>\n<body>{body}</body>\n</html>\n')


FILTER_LETTERS = {"speaker": "s", "event": "e", "year": "y"}
def filters_file(lang: str) -> str:
    """In the Pagefind bundle: one script's filter values, with their pages (``filter_choices``)."""
    return f"yanlu-filters-{lang}.json"


def filter_token(kind: str, value: str) -> str:
    """The index word that stands for a filter value: 'ylf', the filter's letter and two FNV-1a
    hashes of the value's UTF-16 code units (yanlu-search.js ``filterToken`` is the same function)."""
    units = value.encode("utf-16-le")
    hashes = []
    for basis in (0x811C9DC5, 0x050C5D1F):
        h = basis
        for i in range(0, len(units), 2):
            h = ((h ^ (units[i] | units[i + 1] << 8)) * 0x01000193) & 0xFFFFFFFF
        hashes.append(h)
    return f"ylf{FILTER_LETTERS[kind]}{hashes[0]:08x}{hashes[1]:08x}"


def _meta(kind: str, name: str, value: str) -> str:
    return f'<meta data-pagefind-{kind}="{name}[content]" content="{_attr(value)}">\n'


@dataclass
class EventFacts:
    """What an event page's filters are made of (publish.py disambiguates names across the script)."""

    title: str
    year: str
    speakers: list[tuple[str, str]] = field(default_factory=list)  # (speaker id, name as shown)


def entity_part(page: str, kind: str) -> dict | None:
    """A speaker or topic page as a small result (a part: ``page_part``): its name (its words weighted) and the
    line under it (a speaker's note, a topic's keywords)."""
    found = article(page)
    if found is None:
        return None
    body, lang = found
    h1 = _H1.search(body)
    if h1 is None:
        return None
    name = text_of(h1.group(1))
    line = _FIRST_P.match(body, h1.end())
    description = text_of(line.group(1)) if line else ""
    data = {"t": name, "d": description} if description else {"t": name}
    return {"kind": kind, "lang": lang, "title": index_words([index_form(name)]),
            "said": index_words([index_form(description)]), "data": data}


def event_facts(page: str) -> EventFacts | None:
    found = article(page)
    if found is None:
        return None
    body, _lang = found
    h1 = _H1.search(body)
    facts = _FACTS.search(body)
    year = _YEAR.search(facts.group(1)) if facts else None
    people = _PARTICIPANTS.search(body)
    speakers = list(dict.fromkeys((sid, text_of(name)) for sid, name in _SPEAKER_LINK.findall(people.group(1)))) if people else []
    return EventFacts(text_of(h1.group(1)) if h1 else "", year.group(1) if year else "", speakers)


_TOOLS = re.compile(r'<div\b[^>]*\bclass="yl-tools\b[^"]*"[^>]*>.*?</div>', re.S)  # no <div> inside (_macros.j2)
_PLACE = re.compile(r'<(h[1-6]|div)\b[^>]*\bid="([^"]*)"')
_WHO = re.compile(r'<a\b[^>]*\bclass="yl-who"[^>]*\bhref="[^"]*speakers/([^/"]+)/"')
_SOURCE = re.compile(r'\bdata-yl-src="([^"]*)"')
_SPACES = re.compile(r"[ \t\n\r\f]+")  # what HTML collapses (not U+3000, the ideographic space)


@dataclass
class Place:
    """A part of an event page a result can link to: a paragraph (``div#q-…``), a heading with what follows it
    up to the next place, or the page's top (``id`` ""). ``text`` is its words as the page shows them (a
    paragraph's without its speaker's name, ``name``); ``garbled``, the (start, end) of each garbled run in it."""

    id: str
    text: str = ""
    level: int = 0  # a heading's; 0 for a paragraph or the top
    heading: int = 0  # a heading's own text is text[:heading]
    speaker: str = ""  # a paragraph's speaker id
    name: str = ""
    source: str = ""
    garbled: list[tuple[int, int]] = field(default_factory=list)


class _Text:
    """Text pieces joined as the page shows them: whitespace collapsed to one space, none at the ends."""

    def __init__(self) -> None:
        self.out = ""

    def add(self, piece: str) -> None:
        if not piece:  # between two tags
            return
        piece = _SPACES.sub(" ", html_lib.unescape(piece))
        if piece.startswith(" ") and (not self.out or self.out.endswith(" ")):
            piece = piece[1:]
        self.out += piece

    def gap(self) -> None:  # between blocks
        self.add(" ")

    def done(self) -> str:
        return self.out.rstrip(" ")


def places(body: str) -> list[Place]:
    """The places of an event page's article (its table of contents, kinds and tools already taken out)."""
    found: list[Place] = []
    place, text = Place(""), _Text()
    name: _Text | None = None  # inside a paragraph's speaker link
    garbled_from: int | None = None  # inside a garbled run's mark, from where it starts in the text
    in_heading = False

    def close() -> None:
        place.text = text.done()
        place.garbled = [(a, min(b, len(place.text))) for a, b in place.garbled if a < min(b, len(place.text))]
        if place.id or place.text:
            found.append(place)

    for i, part in enumerate(_TAG.split(body)):
        if i % 2 == 0:
            (name or text).add(part)
            continue
        tag, closing = _tag_name(part), part.startswith("</")
        opened = None if closing else _PLACE.match(part)
        if opened and (opened.group(1) != "div" or opened.group(2).startswith("q-")):
            close()
            place, text, in_heading = Place(html_lib.unescape(opened.group(2))), _Text(), opened.group(1) != "div"
            if in_heading:
                place.level = int(opened.group(1)[1])
            elif source := _SOURCE.search(part):
                place.source = html_lib.unescape(source.group(1))
        elif in_heading and closing and tag == f"h{place.level}":
            place.heading, in_heading = len(text.done()), False
            text.gap()
        elif garbled_from is None and tag == "mark" and 'class="yl-garbled"' in part:  # render.py _mark_garbled
            garbled_from = len(text.out)
        elif garbled_from is not None and closing and tag == "mark":
            place.garbled.append((garbled_from, len(text.out)))
            garbled_from = None
        elif not closing and not place.level and place.id and (who := _WHO.match(part)):
            place.speaker, name = html_lib.unescape(who.group(1)), _Text()
        elif name is not None and closing and tag == "a":
            place.name, name = name.done(), None
        elif tag not in INLINE:
            text.gap()
    close()
    return found


def _utf16(text: str, at: int) -> int:
    """Where character ``at`` of ``text`` stands in JavaScript's string of it (a character past U+FFFF is two)."""
    return at + sum(1 for c in text[:at] if c > "\uffff")


def place_record(place: Place, who: dict[str, int], sources: dict[str, int]) -> dict:
    """A place as yanlu-search.js reads it (short keys: the record goes to the reader with every result;
    positions in UTF-16 units, as JavaScript counts them)."""
    record: dict = {"i": place.id, "t": place.text}
    if place.level:
        record |= {"h": place.level, "l": _utf16(place.text, place.heading)}
    if place.speaker:
        record |= {"k": who[place.speaker], "n": place.name}
    if place.source in sources:
        record["s"] = sources[place.source]
    if place.garbled:
        record["g"] = [[_utf16(place.text, a), _utf16(place.text, b)] for a, b in place.garbled]
    return record


def _searchable(place: Place) -> str:
    """A place's text as it is searched: its garbled runs taken out (they are no words)."""
    out, at = [], 0
    for start, end in place.garbled:
        out.append(place.text[at:start])
        at = end
    out.append(place.text[at:])
    return " ".join(out)


def event_part(page: str, facts: EventFacts, names: dict[str, str]) -> dict | None:
    """An event page as search reads it (a part: ``page_part``): the index words of its title and of everything
    it says, its filters, and, for the reader of its script, its title, its speakers (``w``) and its places.
    ``names`` gives each speaker id's filter value."""
    found = article(page)
    if found is None:
        return None
    body, lang = found
    spots = places(_TOOLS.sub("", _KIND.sub("", _TOC.sub("", body))))
    who = [names.get(sid, name) for sid, name in facts.speakers]
    order = {sid: k for k, (sid, _name) in enumerate(facts.speakers)}
    for place in spots:
        if place.speaker and place.speaker not in order:  # a speaker not listed among the participants (never, today)
            order[place.speaker] = len(who)
            who.append(names.get(place.speaker, place.speaker))
    cite = cite_sources(page)
    sources = {sid: n for n, sid in enumerate(cite)}
    data = {"t": facts.title, "w": who, "p": [place_record(place, order, sources) for place in spots],
            "c": list(cite.values())}
    return {"kind": "event", "lang": lang, "year": facts.year, "title": index_words([index_form(facts.title)]),
            "said": index_words([index_form(p.name + " " + _searchable(p)) for p in spots]),
            "filters": [list(pair) for pair in filter_values(facts, who)], "data": data}


def pagefind_page(parts: list[dict]) -> str:
    """What Pagefind reads of a page: one page for its parts in both scripts (``page_part``), their index words,
    each once (the title's weighted; the filters as words, ``filter_token``), each block ended by
    search_index.BLOCK_END, which search_index.py indexes as Pagefind does. What the box shows of it is in each
    script's data file (docs/search/data/<script>/, at ``part_path``), not in the index's fragment, which would
    hold both scripts' places."""
    kind = parts[0]["kind"]
    title = list(dict.fromkeys(w for part in parts for w in part["title"]))
    in_title = set(title)
    said = [w for w in dict.fromkeys(w for part in parts for w in part["said"]) if w not in in_title]
    tokens = dict.fromkeys(filter_token(name, index_form(value)) for part in parts for name, value in part.get("filters", []))
    head = [_meta("meta", "kind", kind)]
    if parts[0].get("year"):
        head.append(_meta("meta", "year", parts[0]["year"]))
    blocks = [(f' data-pagefind-weight="{5 if kind == "event" else 10}"', title), ("", [*said, *tokens])]
    content = "".join(f"<div{weight}>{_attr(' '.join([*words, BLOCK_END]))}</div>" for weight, words in blocks if words)
    return _document(head, f"<article data-pagefind-body>{content}</article>")


def cite_sources(page: str) -> dict[str, dict[str, str]]:
    """The citation facts of each source of a built event page, from its own script (window.YANLU.cite),
    for the search box's copy-quote and cite buttons (``_cite_anchors``)."""
    found = _PAGE_CONFIG.search(page)
    if found is None:
        return {}
    try:
        sources = json.loads(found.group(1)).get("cite", {}).get("sources", {})
    except (ValueError, AttributeError):
        return {}
    return {sid: {k: str(facts.get(k, "")) for k in CITE_FIELDS if facts.get(k)} for sid, facts in sorted(sources.items())}


def filter_values(facts: EventFacts, who: list[str]) -> list[tuple[str, str]]:
    """An event page's (filter, value) pairs."""
    pairs = [("event", facts.title)] if facts.title else []
    if facts.year:
        pairs.append(("year", facts.year))
    return pairs + [("speaker", value) for value in dict.fromkeys(who)]


def speaker_values(names: dict[str, str], notes: dict[str, str]) -> dict[str, str]:
    """Each speaker id's filter value: the name, or for a name several speakers share, the name and
    the speaker's note (else the id), so that a filter never mixes two people."""
    holders: dict[str, list[str]] = {}
    for sid, name in sorted(names.items()):
        holders.setdefault(name, []).append(sid)
    values = {}
    for name, sids in holders.items():
        for sid in sids:
            values[sid] = name if len(sids) == 1 else f"{name} · {notes.get(sid) or sid}"
    return values


# ------------------------------------------------------------------ parts made from the generated pages

SEARCH_DIR = "search"  # docs/search/: beside the scripts' pages, what search takes of them
PAGEFIND_INPUT = "pagefind"  # docs/search/pagefind/: the pages Pagefind reads (``pagefind_page``), both scripts in one
PART_SUFFIX = ".json"  # docs/search/<script>/events/x/index.json: a page's part in that script (``page_part``)
_FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)  # render.front_matter: one JSON object


def copy_path(page: str) -> str | None:
    """Where Pagefind reads a generated page (``events/x.md``) under docs/search/pagefind/ (``events/x/index.html``,
    the built page's path: its result's address), or None for a page search does not index. Its parts stand
    at ``part_path``."""
    if not page.endswith(".md"):
        return None
    built = f"{page_url(page)}index.html"
    return built if page_kind(PurePosixPath(built)) else None


def part_path(copy: str) -> str:
    return copy.removesuffix(".html") + PART_SUFFIX


FILTERS_DIR, FILTERS_FILE = "filters", "choices.json"  # docs/search/filters/<script>/choices.json: ``filter_choices``
DATA_DIR = "data"  # docs/search/data/<script>/events/x/index.json (``part_path``): what the box shows of a page in that script
BUNDLE_DATA = "yanlu"  # site/pagefind/yanlu/<lang>/<the page's Pagefind id>.json: the same, named as the box finds it


MKDOCS_BUILTINS = ("toc", "tables", "fenced_code")  # the extensions MkDocs always adds (config.defaults)


def markdown_settings(config_file: Path) -> tuple[list[str], dict]:
    """The Markdown extensions MkDocs builds with under ``config_file`` (mkdocs.yml, with what it INHERITs), as
    MkDocs' MarkdownExtensions option reads them: its own, then each listed name, with its settings."""
    from mkdocs.exceptions import MkDocsException
    from mkdocs.utils import yaml_load  # MkDocs' reading of its file: !ENV and INHERIT as it reads them
    listed: object = []
    if config_file.exists():
        try:
            with open(config_file, encoding="utf-8") as f:
                read = yaml_load(f)
        except MkDocsException as exc:  # its message names the file and the line
            raise YanluError(config_file.name, str(exc), f"Correct {config_file.name} where it says; "
                             "`mkdocs build` reads it the same way.") from None
        listed = (read.get("markdown_extensions") if isinstance(read, dict) else None) or []
    names, configs = list(MKDOCS_BUILTINS), {}
    for item in listed if isinstance(listed, list) else []:  # a name, or {name: its settings}
        name, settings = next(iter(item.items())) if isinstance(item, dict) and len(item) == 1 else (item, None)
        if not isinstance(name, str):
            raise YanluError(config_file.name, f"markdown_extensions lists {item!r}, which names no extension",
                             "List each extension by its name, or as `- name: {its settings}`.")
        if name not in names:
            names.append(name)
        if settings:
            configs[name] = settings
    return names, configs


_RENDERERS: dict[str, Callable[[str], str]] = {}  # by the settings' text: one Markdown instance each


def markdown_renderer(settings: tuple[list[str], dict]) -> Callable[[str], str]:
    """A page's Markdown as MkDocs renders it with ``settings`` (``markdown_settings``) and the hook's own
    extension (generator/mkdocs_hook.py)."""
    key = settings_text(settings)
    if key not in _RENDERERS:
        import markdown
        from .mkdocs_hook import _HtmlBlocksExtension
        blocks = _HtmlBlocksExtension()
        md = markdown.Markdown(extensions=[*settings[0], blocks], extension_configs=settings[1])

        def to_html(text: str) -> str:
            blocks.ids.clear()
            return md.reset().convert(text)
        _RENDERERS[key] = to_html
    return _RENDERERS[key]


def settings_text(settings: tuple[list[str], dict]) -> str:
    """The settings as text, for a key: a setting YAML made into an object (``!!python/name:``) by its module and
    name, the same in every process (its repr may hold a memory address)."""
    return json.dumps(settings, sort_keys=True, ensure_ascii=False,
                      default=lambda o: f"{getattr(o, '__module__', '')}.{getattr(o, '__qualname__', type(o).__qualname__)}")


def built_page(text: str, lang: str, to_html: Callable[[str], str]) -> str:
    """What search reads of a built page, from the generated page (docs/<script>/….md) alone: its lang, its
    script config (the front matter's yl_cite, as templates/overrides/main.html writes it into window.YANLU)
    and its article, the Markdown as MkDocs renders it."""
    front = _FRONT_MATTER.match(text)
    meta = json.loads(front.group(1)) if front else {}
    config = json.dumps({"cite": meta.get("yl_cite") or {}}, ensure_ascii=False, sort_keys=True)
    config = config.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")  # as Jinja's tojson
    body = to_html(text[front.end():] if front else text)
    return (f'<html lang="{_attr(lang)}"><head><script>window.YANLU = {config};</script></head>'
            f"<body><article data-pagefind-body>\n{body}\n</article></body></html>")


def page_part(text: str, kind: str, lang: str, values: dict[str, str], to_html: Callable[[str], str]) -> dict:
    """What search takes of a generated page of ``kind`` (``page_kind``) in one script: {kind, lang, title and
    said (index words, ``index_form``), year and filters (an event's), data (what the box shows: t the title or
    name, d an entity's line, w an event's speakers, p its places, c its sources' citation facts)}.
    ``values``: each speaker id's filter value (``speaker_values``)."""
    page = built_page(text, lang, to_html)
    if kind == "event":
        facts = event_facts(page)
        part = event_part(page, facts, values) if facts else None
    else:
        part = entity_part(page, kind)
    if part is None:
        raise ValueError(f"a generated {kind} page without an article")  # built_page always writes one
    return part


def filter_choices(parts: Path) -> dict[str, list]:
    """The filter controls' choices in one script, from its event pages' parts under ``parts``: speakers by
    pages, most first; events by name; years newest first; each with its number of pages."""
    counts: dict[str, dict[str, int]] = {kind: {} for kind in FILTER_LETTERS}
    for path in sorted((parts / "events").glob(f"*/index{PART_SUFFIX}")):
        text = path.read_text(encoding="utf-8")
        for kind, value in json.loads(text).get("filters", []) if text else []:
            counts[kind][value] = counts[kind].get(value, 0) + 1
    ordered = {"speaker": sorted(counts["speaker"], key=lambda v: (-counts["speaker"][v], v)),
               "event": sorted(counts["event"]), "year": sorted(counts["year"], reverse=True)}
    return {kind: [[v, counts[kind][v]] for v in values] for kind, values in ordered.items()}
