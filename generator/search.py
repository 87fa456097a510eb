"""search: what Pagefind reads of each built page; publish.py runs Pagefind on it (README, "Search").

The index is built for the answers a reader wants, so that a query reads little and answers fast
at 2,000 transcripts:

- **Results**: an event page is indexed with its paragraphs, each under its ``#q-…`` anchor (its
  table of contents and each paragraph's permalink and copy-link line are left out). A speaker or
  topic page is a small *entity* result: its name and the line under it (a speaker's note, a
  topic's keywords), never its list of quotes, which repeats the event pages' paragraphs and made
  one query read megabytes. Home, list pages and the further parts of a long speaker or topic page
  are not indexed.
- **Han text as overlapping bigrams**: every Chinese character is written as a word together with
  the character after it (价格战 → 价格 格战 战), the last of a run alone. A query of two or more
  characters is then searched as its bigrams (价格 格战), kept only where they stand together (an
  exact-phrase search of the same words, which reads no extra index chunk); one character finds
  every bigram that starts with it (Pagefind matches words by prefix). Every substring of the text
  is found, whatever a word segmenter would cut, and a bigram's posting list is far shorter than
  a single character's. Pages are given the neutral language ``und``: Pagefind then splits words
  at spaces only (for ``zh`` it re-segments the text with jieba and the query with
  Intl.Segmenter, which cut differently and lose results).
- **Filters**: speaker (each participant), event (its name) and year, as words of the index
  (``filter_token``: "ylf", the filter's letter and a hash of the value, which yanlu-search.js
  computes the same way), searched with the query: Pagefind's own filters write their index files
  in a different order on every run, and the site must be the same for the same input. The values
  for the filter controls are ``pagefind/yanlu-filters.json``; headings are plain blocks to Pagefind (no sub-results, which cost an
  excerpt of the whole page each); each paragraph's speaker is an anchor (``by-<k>-q-…``) naming the k-th
  of the page's ``who`` list, so a speaker filter shows only that speaker's paragraphs. A name two
  speakers share is told apart by the speaker's note (``张鹏 · 智谱 AI CEO``), else their id.

- **Citing a result**: the event page's copy carries each source's citation facts (event, date, place,
  title, publisher, language) in the id of an empty anchor after the source's heading (``ylc-…``), and
  each garbled run's text in the id of the anchor that stands in its place (``ylg-…``): ids are in the
  fragment the box loads anyway and, unlike Pagefind meta, never words of the index. So a result's
  copy-quote and cite buttons give what the paragraph's own buttons give.

The pages themselves are not changed; these copies are written to a temporary folder for Pagefind.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from urllib.parse import quote

INDEX_LANG = "und"  # BCP 47 "undetermined": no word segmentation, at index or query time
EXCLUDE = ".yl-tools"  # inside the article but not what was said: permalink, copy button, topic chips

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f"
_HAN_CHAR = re.compile(f"[{HAN}]")
_HAN_RUN = re.compile(f"[{HAN}]+")
# Chinese text and its punctuation: yanlu-search.js shows no space next to these (its CLOSE), so a
# space the writer put there is kept in the index as a word of its own, SPACE ("有 <script>").
CLOSE = f"{HAN}\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014"
SPACE = "\u2423"  # ␣: not a letter, so Pagefind indexes the word without it; a space to the search box
# A garbled run (render.py _mark_garbled) is no words to search, but a result's copy quote carries it as the page
# does: the copy for Pagefind holds GARBLED in its place, a word of its own that is no letter (so not indexed),
# inside an anchor whose id carries the run's text (``ylg-`` and the text percent-encoded). Not Pagefind meta:
# Pagefind indexes meta values as words, so a search would find the garbled letters (and JSON's keys) there.
GARBLED = "\u2327"  # ⌧
CITE_ANCHOR, GARBLED_ANCHOR = "ylc-", "ylg-"
# The writer's spaces beside the run go with it (the meta's text starts or ends with one), not to the words around.
_GARBLED_RUN = re.compile(r'(\s*)<mark class="yl-garbled"[^>]*>(.*?)</mark>(\s*)', re.S)
_WRITERS_SPACE = re.compile(f"(?<=[{CLOSE}])\\s+(?=\\S)|(?<=\\S)\\s+(?=[{CLOSE}])")
_KIND = re.compile(r'<span class="yl-kind">[^<]*</span>')  # 提问/回答: a label beside the name, not what was said
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"</?([a-zA-Z][a-zA-Z0-9]*)")
# Tags a sentence runs through: characters on both sides of them are one run (李大海</a>表示).
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
_HEADING = re.compile(r"<h([1-6])\b([^>]*)>(.*?)</h\1>", re.S)
_PAGE_CONFIG = re.compile(r"<script>window\.YANLU = (\{.*?\});</script>")  # templates/overrides/main.html
# What a search result's copy-quote and cite buttons need of a source (render.py cite_facts, as the page's script has it).
CITE_FIELDS = ("event", "date", "place", "title", "publisher", "lang")
_PARAGRAPH = re.compile(r"(<div\b[^>]*\bid=\"(q-[^\"]+)\"[^>]*>\s*<div\b[^>]*\bclass=\"yl-meta\"[^>]*>\s*<a\b)"
                        r"([^>]*\bclass=\"yl-who\"[^>]*\bhref=\"[^\"]*speakers/([^/\"]+)/\"[^>]*>)")


def is_han(char: str) -> bool:
    return bool(char) and _HAN_CHAR.match(char) is not None


def page_kind(relative: PurePosixPath) -> str | None:
    """What a built page is to search: 'event', 'speaker', 'topic', or None (not indexed)."""
    parts = relative.parts
    if len(parts) == 3 and parts[2] == "index.html":
        return {"events": "event", "speakers": "speaker", "topics": "topic"}.get(parts[0])
    return None


# ------------------------------------------------------------------ bigrams


def _tag_name(tag: str) -> str:
    match = _TAG_NAME.match(tag)
    return match.group(1).lower() if match else ""


def bigram_parts(parts: list[str]) -> list[str]:
    """``parts`` as ``re.split`` with a capturing tag pattern gives them (even items text, odd items
    tags), with every Han character written as a word of it and its successor in the run.

    A run goes on through inline tags (李大海</a>表示 gives 海表) but not through block ones. Each
    token stands between spaces, so Pagefind reads it as a word of its own; the spaces carry no
    meaning (the search box drops spaces next to Chinese text when it shows an excerpt).
    """
    out = list(parts)
    for i in range(0, len(parts), 2):
        text = parts[i]
        if not text:
            continue
        after = ""
        for j in range(i + 2, len(parts), 2):  # the first character after this text, if only inline tags come between
            if _tag_name(parts[j - 1]) not in INLINE:
                break
            if parts[j]:
                after = parts[j][0]
                break
        # The mark in a garbled run's place (event_page) is a word of its own, whatever stands around it.
        out[i] = f" {GARBLED} " if text == GARBLED else bigram_text(text, after)
    return out


def bigram_text(text: str, after: str = "") -> str:
    """One text's index form; ``after`` is the character that follows it (across an inline tag).

    Each Han character becomes a word of it and the next one (the last of a run: with ``after``
    when that is Han, else alone). A space the writer put next to Chinese text becomes SPACE at
    the end of the word before it: Pagefind drops it from the indexed word, so the word keeps its
    place in a phrase.
    """
    text = _WRITERS_SPACE.sub(SPACE, text)

    def run(match: re.Match) -> str:
        chars, end = match.group(), match.end()
        following = text[end] if end < len(text) else after
        last = f" {chars[-1]}{following}" if is_han(following) else f" {chars[-1]}"
        return "".join(f" {a}{b} " for a, b in zip(chars, chars[1:])) + last + ("" if following == SPACE else " ")

    return _HAN_RUN.sub(run, text).replace(SPACE, f"{SPACE} ")


def bigrams(text: str) -> str:
    """Plain text in its index form, spaces collapsed (for titles, descriptions, filters' tests)."""
    return " ".join(bigram_text(text).split())


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


def _document(head: list[str], body: str, lang: str) -> str:
    # data-yl-lang keeps the script the page was written in, for anyone reading this copy.
    return (f'<!doctype html>\n<html lang="{INDEX_LANG}" data-yl-lang="{_attr(lang)}">\n<head><meta charset="utf-8">'
            f'<title></title>\n{"".join(head)}</head>\n<body>{body}</body>\n</html>\n')


FILTER_LETTERS = {"speaker": "s", "event": "e", "year": "y"}
FILTERS_FILE = "yanlu-filters.json"  # in the Pagefind bundle: each filter's values, with their pages


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


def entity_page(page: str, kind: str) -> tuple[str, str, str] | None:
    """A speaker or topic page as a small result: (Pagefind's copy, its name, the line under it)."""
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
    head = [_meta("meta", "kind", kind), _meta("meta", "title", name)]
    if description:
        head.append(_meta("meta", "description", description))
    content = (f'<article data-pagefind-body><h1 data-pagefind-weight="10">{_attr(bigrams(name))}</h1>'
               + (f"<p>{_attr(bigrams(description))}</p>" if description else "") + "</article>")
    return _document(head, content, lang), name, description


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


def event_page(page: str, facts: EventFacts, names: dict[str, str]) -> str | None:
    """An event page as Pagefind reads it: the article (without its table of contents) in bigrams,
    each paragraph's speaker marked, and the page's filters; ``names`` gives each speaker id's
    filter value."""
    found = article(page)
    if found is None:
        return None
    body, lang = found
    body = _KIND.sub("", _TOC.sub("", body))
    who = [names.get(sid, name) for sid, name in facts.speakers]
    order = {sid: k for k, (sid, _name) in enumerate(facts.speakers)}

    def mark(match: re.Match) -> str:
        sid, qid = match.group(4), match.group(2)
        if sid not in order:  # a speaker not listed among the participants (never, today): listed now
            order[sid] = len(who)
            who.append(names.get(sid, sid))
        return f'{match.group(1)} id="by-{order[sid]}-{qid}"{match.group(3)}'

    body = _PARAGRAPH.sub(mark, body)

    def keep_garbled(match: re.Match) -> str:
        run = (" " if match.group(1) else "") + text_of(match.group(2)) + (" " if match.group(3) else "")
        return f'<span id="{GARBLED_ANCHOR}{anchor_text(run)}">{GARBLED}</span>'

    body = _GARBLED_RUN.sub(keep_garbled, body)
    # Headings as plain blocks (their ids kept, for the box to name and link them): Pagefind builds an
    # excerpt of the whole page text again for each heading with a hit under it, and the box builds its own.
    body = _HEADING.sub(r'<div data-yl-h="\1"\2>\3</div>', body)
    body = _cite_anchors(body, cite_sources(page))
    head = [_meta("meta", "kind", "event"), _meta("meta", "title", facts.title),
            _meta("meta", "who", json.dumps(who, ensure_ascii=False))]
    if facts.year:
        head.append(_meta("meta", "year", facts.year))
    tokens = " ".join(filter_token(kind, value) for kind, value in filter_values(facts, who))
    body = "".join(bigram_parts(_TAG.split(body)))
    end = body.rindex("</")  # the article's own end tag: the filter words after everything said
    body = f'{body[:end]}<div id="yl-filters">{tokens}</div>{body[end:]}'
    return _document(head, body, lang)


def anchor_text(text: str) -> str:
    """Text as an id can carry it (no spaces; yanlu-search.js reads it with decodeURIComponent)."""
    return quote(text, safe="")


_SOURCE_HEADING = re.compile(r'(<div data-yl-h="2"[^>]*\bid="([^"]+)"[^>]*>.*?</div>)', re.S)


def _cite_anchors(body: str, sources: dict[str, dict[str, str]]) -> str:
    """After each source's heading, an empty anchor whose id carries the source's citation facts (``ylc-`` and
    the JSON, percent-encoded): a result's paragraph is of the source whose anchor comes last before it."""
    def add(match: re.Match) -> str:
        facts = sources.get(html_lib.unescape(match.group(2)))
        if facts is None:
            return match.group(1)
        encoded = anchor_text(json.dumps(facts, ensure_ascii=False, sort_keys=True, separators=(",", ":")))
        return f'{match.group(1)}<span id="{CITE_ANCHOR}{encoded}"></span>'
    return _SOURCE_HEADING.sub(add, body)


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
