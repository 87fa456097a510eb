"""render: the corpus → Markdown pages in ``docs/<script>/`` through ``templates/``.

One page per event, speaker and topic, plus the home page and three index
pages, in each script. Transcript text only ever reaches a page HTML-escaped
inside raw HTML blocks (which Markdown leaves alone), and headings taken
from transcripts are escaped for Markdown too, so a transcript containing
``<script>``, ``*``, ``[x](javascript:…)`` or ``{{ }}`` shows it literally.
Links inside those blocks are written relative (``../../speakers/x/``), so
the site works from any sub-path.
"""

from __future__ import annotations

import functools
import html
import os
import re
from collections import defaultdict
from dataclasses import dataclass
from itertools import chain
from operator import itemgetter
from pathlib import Path
from types import SimpleNamespace
from typing import Callable

import jinja2
import yaml
from markupsafe import Markup

from . import cache as caches
from .cache import fingerprint, write_if_changed
from .config import yaml_value
from .convert import Converter
from .model import Corpus, Event, Kind, Paragraph, Participation, Parts, Script

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
SCRIPT_DIRS = {Script.HANS: "zh-hans", Script.HANT: "zh-hant"}
# Event pages are two folders down (events/x/) and the parts of speaker and topic pages three
# (speakers/x/2024/, topics/x/2024-03/), so a paragraph's links are made once for each depth, from a
# page that deep in a folder of its own: "../../speakers/y/" and "../../../speakers/y/".
QUOTING_PAGE = "_/_.md"
PART_PAGE = "_/_/_.md"
# The home page lists this many of the newest events and of the speakers who said most;
# the events and speakers pages list them all (an archive of thousands would bury the home page).
HOME_LISTS = 30
FEEDS = "feeds"  # docs/<script>/feeds/: the Atom feeds of new events and of corrections
# Links in a feed are relative to the feed's own address (feeds/x.xml): as from a page in feeds/.
FEED_BASE = f"{FEEDS}/index.md"
FEED_ENTRIES = 50  # the newest this many events in the events feed (every correction is in its feed)
PAGE_LIMIT = 10_000_000  # bytes of one generated page: ~30 times today's longest; MkDocs takes minutes beyond
# Each script's CSL-JSON per event (generator/citations.py): docs/<script>/data/csl/<event>.json, written with
# the pages (a file MkDocs copies into the site as it is, so `mkdocs serve` offers it too).
CSL_DIR = "data/csl"
# The interface text yanlu.js needs for the copy-quote and cite buttons (labels.yaml), carried in each page's yl_cite
# (every page: the search box in its header draws the same buttons under each result, yanlu-search.js).
CITE_LABELS = ("copied", "copy", "cite_gbt", "cite_apa", "cite_csl", "cite_bibtex", "quote_open", "quote_close",
               "quote_sep", "quote_dash", "link_passage", "permalink", "copy_link", "copy_quote", "cite")
_MARKDOWN_SPECIALS = re.compile(r"([\\`*_{}\[\]()#+\-.!|~>])")


@dataclass(frozen=True)
class Page:
    path: str  # relative to the script's docs folder, e.g. "events/baai-2024-peak-dialogue.md"
    content: str


PlannedPage = tuple[str, str, Callable[[], Page]]  # (path, key, render): see Renderer.plan


def page_url(path: str) -> str:
    """The directory URL MkDocs gives a page (use_directory_urls)."""
    stem = path[: -len(".md")]
    if stem == "index":
        return ""
    return (stem[: -len("/index")] if stem.endswith("/index") else stem) + "/"


@functools.lru_cache(maxsize=65536)
def _relative(from_path: str, to_path: str) -> str:
    """The relative URL from one page to another ("events/x.md" → "speakers/y.md": "../../speakers/y/")."""
    start, target = page_url(from_path), page_url(to_path)
    if start == target:
        return "./"
    here, there = start.split("/")[:-1], target.split("/")[:-1]
    common = 0
    while common < min(len(here), len(there)) and here[common] == there[common]:
        common += 1
    return "../" * (len(here) - common) + "".join(part + "/" for part in there[common:]) or "./"


def public_address() -> str:
    """The site's public address when the deployer gives it (YANLU_SITE_URL, e.g.
    https://user.github.io/yanlu/), else "": what makes sitemaps, feeds and citations absolute."""
    return os.environ.get("YANLU_SITE_URL", "")


def site_address(site_url: str, path: str) -> str:
    """``path`` (from the site's root: ``zh-hans/events/x/``, ``q/#q-…``) at the site's public address
    (YANLU_SITE_URL), or "" when that address is not known: a relative link is all there is then."""
    return f"{site_url.rstrip('/')}/{path}" if site_url else ""


def href(from_path: str, to_path: str, anchor: str = "") -> str:
    """A relative link from one page to another, as the browser resolves it."""
    rel = _relative(from_path, to_path)
    if anchor:
        return f"#{anchor}" if rel == "./" else f"{rel}#{anchor}"
    return rel


def _joined(blocks) -> Markup:
    """Rendered blocks one after another, a blank line apart (one value for the template, not one each)."""
    return Markup("\n\n".join(blocks))


def _attr(text: str) -> str:
    """Text escaped for HTML, also inside a double-quoted attribute."""
    return html.escape(text, quote=True)


@functools.lru_cache(maxsize=1024)
def _longest_first(words: tuple[str, ...]) -> re.Pattern:
    """A pattern matching any of the words, the longest where several start at one place."""
    return re.compile("|".join(map(re.escape, sorted(words, key=len, reverse=True))))


def md_escape(text: str) -> Markup:
    """Text safe as Markdown inline content: HTML-escaped, Markdown punctuation backslashed."""
    return Markup(_MARKDOWN_SPECIALS.sub(r"\\\1", html.escape(text, quote=False)))


def front_matter(title: str, description: str, yl_aliases: dict[str, str] | None = None, cite: dict | None = None) -> Markup:
    """A page's YAML header, written by a serializer, never assembled from strings: one JSON
    object (JSON is YAML) between the '---' lines. JSON escapes quotes, backslashes and newlines,
    and what YAML alone would break on is escaped too, so no value can leave its field, whatever
    an editor or a transcript's first line holds. The theme puts the title and description into
    <title>, <meta> and the header as they are, so they are HTML-escaped first."""
    fields = {"title": html.escape(str(title), quote=True), "description": html.escape(str(description), quote=True)}
    if yl_aliases:
        fields["yl_aliases"] = dict(sorted(yl_aliases.items()))
    if cite:  # what the page's copy-quote and cite buttons need (templates/assets/yanlu.js); main.html writes it as JSON
        fields["yl_cite"] = cite
    return Markup(f"---\n{yaml_value(fields)}\n---")


def _bigrams(text: str) -> set[str]:
    chars = [c for c in text if not c.isspace()]
    return {a + b for a, b in zip(chars, chars[1:])}


def summarised_paragraph(highlight: Paragraph, candidates: list[tuple[Paragraph, set[str]]]) -> Paragraph | None:
    """The paragraph an editor's highlight summarises, when enough of its wording is there.

    ``candidates`` pairs each paragraph with its character bigrams (computed once per event).
    """
    grams = _bigrams(highlight.hans)
    best, best_score = None, 0.45
    for paragraph, their_grams in candidates:
        if highlight.speaker and paragraph.speaker != highlight.speaker:
            continue
        score = len(grams & their_grams) / max(len(grams), 1)
        if score > best_score:
            best, best_score = paragraph, score
    return best


def shown_digest(p: Paragraph, section) -> str:
    """A digest of what a quotation of a paragraph shows: its words in both scripts, who,
    which kind, whom it addresses, its topics, its section (place and heading) and its garbled runs."""
    text = (f"{p.id}\x1f{p.event}\x1f{p.speaker}\x1f{p.kind.value}\x1f{p.addressed_to}\x1f{' '.join(p.topics)}\x1f"
            f"{p.section}\x1f{section.seq}\x1f{section.title}\x1f{p.hans}\x1f{p.hant}\x1f{chr(30).join(p.garbled)}")
    return caches.digest_bytes(text.encode("utf-8"))[:32]


def entities_fingerprint(corpus: Corpus) -> str:
    """The events, sources, speakers, topics, aliases and corrections, fingerprinted (cache.fingerprint)."""
    return fingerprint(corpus.events, corpus.sources, corpus.speakers, corpus.topics, corpus.aliases,
                       corpus.corrections)


def year_part(event: Event) -> str:
    """The part of the events list an event is on: its year."""
    return event.date[:4]


# A speaker's or topic's part is cut into finer parts when its quotes, estimated as their words'
# UTF-8 bytes plus PART_QUOTE_BYTES of markup each (a quote's block, its links and tools), pass
# PART_BYTES: with the page's header, navigation and table of contents, a part then stays well
# under 300 kB of HTML, a page a phone loads quickly whatever the size of the archive.
PART_BYTES = 160_000
PART_QUOTE_BYTES = 600


def calendar_parts(date: str) -> list[str]:
    """The parts a date falls in, coarsest first: its year, month, third of the month ("2024-03-2")
    and day: "2024-03-14" → ["2024", "2024-03", "2024-03-2", "2024-03-14"]."""
    pieces = date.split("-")
    parts = ["-".join(pieces[:n]) for n in range(1, min(len(pieces), 2) + 1)]
    if len(pieces) == 3:
        parts += [f"{parts[1]}-{_third(pieces[2])}", date]
    return parts


def _third(day: str) -> str:
    """The third of its month a day is in: 1 (上旬, days 1–10), 2 (中旬, 11–20) or 3 (下旬, 21–31)."""
    return str(min(3, (int(day) + 9) // 10))


def part_order(part: str) -> tuple[str, ...]:
    """Parts oldest first; within a year, month or third of a month, its events dated no finer first."""
    calendar, _, event = part.partition("_")
    year, month, finer = (calendar.split("-") + ["", ""])[:3]
    third, day = (finer, "") if len(finer) < 2 else (_third(finer), finer)
    return year, month, third, day, event


def quote_bytes(p: Paragraph) -> int:
    """What a quote adds to a part's page, as ``PART_BYTES`` counts it."""
    return len(p.text.encode("utf-8")) + PART_QUOTE_BYTES


def cut_into_parts(paragraphs: list[Paragraph], calendars: dict[str, list[str]], start: int,
                   budget: int | None = None) -> Parts:
    """Paragraphs on the pages of a speaker (``start`` 0: a part a year) or topic (1: a month).

    Parts are named by the calendar, never by position or count, so a part's address
    (speakers/x/2024/) holds the same events whatever is added in other years or months. A part
    over ``budget`` is cut into its months, a month into its thirds (上旬, 中旬, 下旬), a third
    into its days, a day into its events (an event whose date does not go that far is a part of
    its own at once), skipping a level that would hold everything in one; its address then lists
    them. One event's quotes stay on one page. ``calendars``: event id → the ``calendar_parts`` of
    its date.
    """
    budget = PART_BYTES if budget is None else budget
    quotes_of: dict[str, list[Paragraph]] = {}  # event → its quotes: parts are made of whole events
    for p in paragraphs:
        quotes_of.setdefault(p.event, []).append(p)
    size = {event: sum(map(quote_bytes, quotes)) for event, quotes in quotes_of.items()}
    pages: dict[str, list[Paragraph]] = {}
    groups: dict[str, tuple[str, ...]] = {}

    def finer(part: str, events: list[str]) -> dict[str, list[str]]:
        level = calendars[events[0]].index(part) + 1  # every event of a part has it in its calendar
        cut: dict[str, list[str]] = defaultdict(list)
        for event in events:
            calendar = calendars[event]
            cut[calendar[level] if level < len(calendar) else f"{part}_{event}"].append(event)
        return cut

    def place(part: str, events: list[str]) -> None:
        if len(events) == 1 or sum(size[e] for e in events) <= budget:  # one event's quotes are never cut apart
            pages[part] = [p for event in events for p in quotes_of[event]]
            return
        cut = finer(part, events)
        while len(cut) == 1:  # all in one month (or third, or day): a list of one would only be a click more
            cut = finer(next(iter(cut)), events)
        groups[part] = tuple(sorted(cut, key=part_order))
        for name in groups[part]:
            place(name, cut[name])

    top: dict[str, list[str]] = defaultdict(list)
    for event in quotes_of:
        calendar = calendars[event]
        top[calendar[min(start, len(calendar) - 1)]].append(event)
    for part in sorted(top, key=part_order):
        place(part, top[part])
    return Parts(pages=dict(sorted(pages.items(), key=lambda kv: part_order(kv[0]))), groups=groups,
                 top={part: sum(len(quotes_of[e]) for e in top[part]) for part in sorted(top, key=part_order)})


_MAPS = ("sections_of", "by_event", "by_speaker", "shown_said", "by_topic", "quoted", "shown_quoted")
PATCHED_AT_MOST = 64  # sources changed since the last build: more, and the lookups are put together afresh


def _looked_up(paragraphs, shown, sections) -> SimpleNamespace:
    """One source's paragraphs and sections (or the corpus's) looked up as CorpusIndex does: by id, event,
    speaker and topic, in their order, the speakers' and topics' quotes with their ``shown_digest``s."""
    section_of = {s.id: s for s in sections}
    if shown is None:
        shown = [shown_digest(p, section_of[p.section]) for p in paragraphs]
    maps: dict[str, dict[str, list]] = {name: {} for name in _MAPS}
    by_event, by_speaker, shown_said = maps["by_event"], maps["by_speaker"], maps["shown_said"]
    by_topic, quoted, shown_quoted = maps["by_topic"], maps["quoted"], maps["shown_quoted"]
    for p, digest in zip(paragraphs, shown):
        by_event.setdefault(p.event, []).append(p)
        if p.speaker:
            by_speaker.setdefault(p.speaker, []).append(p)
            shown_said.setdefault(p.speaker, []).append(digest)
        for t in p.topics:
            by_topic.setdefault(t, []).append(p)
            if p.speaker and p.kind is not Kind.HIGHLIGHT:  # what a topic's pages quote (quoted_on_topic)
                quoted.setdefault(t, []).append(p)
                shown_quoted.setdefault(t, []).append(digest)
    for section in sorted(sections, key=lambda s: (s.source, s.seq)):
        maps["sections_of"].setdefault(section.source, []).append(section)
    return SimpleNamespace(paragraphs={p.id: p for p in paragraphs}, sections=section_of, maps=maps)


def _merged(looked: list[SimpleNamespace], kept: SimpleNamespace | None) -> SimpleNamespace:
    """The sources' lookups put together, in corpus order: from ``kept`` (the last build's) when a few sources
    changed and each kept its events, speakers, topics and sections in the same order (their lists alone
    are put together again), else afresh."""
    return (kept is not None and _patched(looked, kept)) or _merged_afresh(looked)


def _merged_afresh(looked: list[SimpleNamespace]) -> SimpleNamespace:
    paragraphs: dict = {}
    sections: dict = {}
    collided = False  # a section id in two sources: the later source's wins, as one dict of them all has it
    maps: dict[str, dict[str, list]] = {name: {} for name in _MAPS}
    positions: dict[str, dict[str, list[int]]] = {name: {} for name in _MAPS}  # key → the sources that have it
    for n, group in enumerate(looked):
        paragraphs.update(group.paragraphs)
        before = len(sections)
        sections.update(group.sections)
        collided = collided or len(sections) - before != len(group.sections)
        for name in _MAPS:
            merged, where = maps[name], positions[name]
            for key, its in group.maps[name].items():
                merged.setdefault(key, []).extend(its)
                where.setdefault(key, []).append(n)
    return SimpleNamespace(looked=looked, paragraphs=paragraphs, sections=sections, collided=collided, maps=maps,
                           positions=positions)


def _patched(looked: list[SimpleNamespace], kept: SimpleNamespace) -> SimpleNamespace | None:
    if len(looked) != len(kept.looked) or kept.collided:
        return None
    changed = [n for n, (before, now) in enumerate(zip(kept.looked, looked)) if before is not now]
    if len(changed) > PATCHED_AT_MOST:
        return None
    for n in changed:  # the same keys in the same order: every list keeps its place in every map
        before, now = kept.looked[n].maps, looked[n].maps
        if any(list(before[name]) != list(now[name]) for name in _MAPS):
            return None
    paragraphs, sections = dict(kept.paragraphs), dict(kept.sections)
    for n in changed:
        for pid in kept.looked[n].paragraphs:
            del paragraphs[pid]
        for sid in kept.looked[n].sections:
            del sections[sid]
    for n in changed:
        if any(sid in sections for sid in looked[n].sections):  # a section id another source has too
            return None
        paragraphs.update(looked[n].paragraphs)
        sections.update(looked[n].sections)
    maps = {name: dict(kept.maps[name]) for name in _MAPS}
    for name in _MAPS:
        merged, where = maps[name], kept.positions[name]
        dicts = [group.maps[name] for group in looked]
        # A list whose parts are all equal to last build's stays (equal paragraphs show the same everywhere).
        for key in {key for n in changed for key, its in looked[n].maps[name].items() if its != kept.looked[n].maps[name][key]}:
            # The key's list in every source that has it, one after another (a topic's are thousands: in C).
            merged[key] = list(chain.from_iterable(map(itemgetter(key), map(dicts.__getitem__, where[key]))))
    return SimpleNamespace(looked=looked, paragraphs=paragraphs, sections=sections, collided=False, maps=maps,
                           positions=kept.positions)


def _summaries(paragraphs: list[Paragraph]) -> dict[str, str]:
    """CorpusIndex.summarised of one event's paragraphs."""
    found = {}
    highlights = [p for p in paragraphs if p.kind is Kind.HIGHLIGHT]
    if not highlights:
        return found
    spoken = [(q, _bigrams(q.hans)) for q in paragraphs if q.kind is not Kind.HIGHLIGHT]
    for highlight in highlights:
        target = summarised_paragraph(highlight, spoken)
        if target is not None:
            found[highlight.id] = target.id
    return found


def _parts(kind: str, subject: str, paragraphs: list[Paragraph], shown: list[str], calendars: dict[str, list[str]],
           start: int, budget: int) -> tuple[Parts, dict[str, str], str, str]:
    """A speaker's (``start`` 0) or topic's (1) quotes in parts (``cut_into_parts``); each page's digest of
    what it shows of them (``shown``: their ``shown_digest``s); the overview's digest (how many paragraphs
    each speaker said at each event); and how the quotes are cut (every part's name)."""
    parts = cut_into_parts(paragraphs, calendars, start, budget)
    digest_of = dict(zip([p.id for p in paragraphs], shown))
    shown_parts = {f"{kind}/{subject}/{part}.md": caches.digest_bytes(" ".join([digest_of[p.id] for p in ps]).encode("ascii"))
                   for part, ps in parts.pages.items()}
    said: dict[tuple[str, str], int] = defaultdict(int)
    for ps in parts.pages.values():
        for p in ps:
            said[(p.event, p.speaker)] += 1
    overview = caches.digest_bytes(" ".join(f"{e}:{s}:{n}" for (e, s), n in sorted(said.items())).encode("utf-8"))
    names = " ".join(parts.pages) + " | " + " ".join(f"{group}={','.join(finer)}" for group, finer in parts.groups.items())
    return parts, shown_parts, overview, names


class CorpusIndex:
    """The corpus looked up by event, speaker, topic and source: the same for both
    scripts, so made once per build and shared by their renderers."""

    def __init__(self, corpus: Corpus, entities: str | None = None, shown: dict[str, str] | None = None,
                 part_budget: int | None = None, groups: list[tuple[tuple, tuple, tuple]] | None = None,
                 reuse=None, memory: dict | None = None):
        """``entities`` and ``shown`` (each paragraph's ``shown_digest``, by id) when made already;
        ``part_budget``: how long a part of a speaker's or topic's page may be (``cut_into_parts``).

        ``groups``: the corpus source by source, in its order, each as (its paragraphs, their
        ``shown_digest``s, its sections), as pipeline.SourceResult keeps them. With ``reuse``
        (cache.Session.reuse, in a long-lived process) a source's lookups are made again only when its
        paragraphs or sections are others than last build's, and a speaker's or topic's parts only when
        its quotes are: an edit to one transcript costs that transcript, not the corpus. ``memory``
        (cache.Session.kept) keeps the sources' lookups put together, for the next build to patch.
        """
        reuse = self._reuse = reuse or caches.made_afresh
        self.corpus = corpus
        self.speakers = {s.id: s for s in corpus.speakers}
        self.events = {e.id: e for e in corpus.events}
        self.sources = {s.id: s for s in corpus.sources}
        self.topics = {t.id: t for t in corpus.topics}
        if groups is None:  # the whole corpus as one group
            groups = [(corpus.paragraphs, None if shown is None else tuple(shown[p.id] for p in corpus.paragraphs),
                       corpus.sections)]
        looked = [reuse(f"index: source {(sections or paragraphs)[0].source}", (paragraphs, digests, sections),
                        lambda: _looked_up(paragraphs, digests, sections))
                  for paragraphs, digests, sections in groups if paragraphs or sections]
        merged = _merged(looked, memory.get("index: merged") if memory is not None else None)
        if memory is not None:
            memory["index: merged"] = merged
        # Looked up only (a patched merge keeps the ids' order no more): shared with the merge kept.
        self.paragraphs: dict[str, Paragraph] = merged.paragraphs
        self.sections: dict = merged.sections
        # Copies: a lookup of a missing key adds it to a defaultdict, and the merge kept must stay as made.
        maps = {name: defaultdict(list, merged.maps[name]) for name in _MAPS}
        self.sections_of: dict[str, list] = maps["sections_of"]
        self.by_event: dict[str, list[Paragraph]] = maps["by_event"]
        self.by_speaker: dict[str, list[Paragraph]] = maps["by_speaker"]
        self.by_topic: dict[str, list[Paragraph]] = maps["by_topic"]
        quoted = self._quoted = maps["quoted"]  # quoted_on_topic, made source by source
        shown_said, shown_quoted = maps["shown_said"], maps["shown_quoted"]  # the shown digests of by_speaker's and quoted's lists
        # Speaker and topic pages come in parts, a year or a month each, cut finer where that is long.
        # (The same calendars as last build are the same object, so comparing them below costs nothing.)
        dates = {e.id: e.date for e in corpus.events}
        calendars = reuse("index: calendars", (dates,), lambda: {e: calendar_parts(d) for e, d in dates.items()})
        budget = PART_BYTES if part_budget is None else part_budget
        # Each part → a digest of everything it shows of its paragraphs (``shown_digest``); an overview (and a
        # part that was cut, listing its parts) shows how many paragraphs each speaker said at each event;
        # every page of a speaker or topic, how its quotes are cut (the links to its parts and neighbours).
        # Digests, made once for both scripts' keys.
        self.speaker_parts, self.topic_parts = {}, {}
        self.shown, self.overview_keys, self.part_names = {}, {}, {}
        for kind, all_parts, subjects, lists, digests, start in (
                ("speakers", self.speaker_parts, self.by_speaker, self.by_speaker, shown_said, 0),
                ("topics", self.topic_parts, self.by_topic, quoted, shown_quoted, 1)):
            for subject in subjects:
                said, their_shown = lists.get(subject, []), digests.get(subject, [])
                parts, shown_parts, overview, names = reuse(
                    f"index: {kind}/{subject}", (calendars, budget, said, their_shown),
                    lambda: _parts(kind, subject, said, their_shown, calendars, start, budget))
                all_parts[subject] = parts
                self.shown.update(shown_parts)
                self.overview_keys[f"{kind}/{subject}.md"] = overview
                self.part_names[f"{kind}/{subject}.md"] = names
        # The events, sources, speakers, topics and aliases: what every page may show of them.
        self.entities = entities or entities_fingerprint(corpus)

    @functools.cached_property
    def events_newest_first(self) -> list[Event]:
        return sorted(self.corpus.events, key=lambda e: (e.date, e.id), reverse=True)

    @functools.cached_property
    def newest_first_rank(self) -> dict[str, int]:
        return {e.id: rank for rank, e in enumerate(self.events_newest_first)}

    @functools.cached_property
    def participations(self) -> dict[str, dict[str, Participation]]:
        """speaker id → event id → how they took part."""
        taken: dict[str, dict[str, Participation]] = defaultdict(dict)
        for event in self.corpus.events:
            for participation in event.participants:
                taken[participation.speaker].setdefault(event.id, participation)
        return taken

    def quoted_on_topic(self, topic_id: str) -> list[Paragraph]:
        """A topic's paragraphs its pages quote: said by someone, not an editor's highlight (``_looked_up``)."""
        return self._quoted.get(topic_id, [])

    @functools.cached_property
    def summarised(self) -> dict[str, str]:
        """Each editor's highlight → the id of the paragraph it summarises (``summarised_paragraph``), where found."""
        found = {}
        for event_id, paragraphs in self.by_event.items():  # an event's, kept while its paragraphs are the same
            found.update(self._reuse(f"index: summarised {event_id}", (paragraphs,), lambda: _summaries(paragraphs)))
        return found

    @functools.cached_property
    def featured(self) -> list[str]:
        """The paragraphs with a quote page of their own: those an editor lists (site_config/featured.yaml)
        and those an editor's highlight summarises."""
        return sorted(set(self.corpus.featured) | set(self.summarised.values()))

    @functools.cached_property
    def neighbours(self) -> dict[str, tuple[Paragraph | None, Paragraph | None]]:
        """A featured paragraph → the paragraphs before and after it in its source."""
        wanted, found = set(self.featured), {}
        for paragraphs in self.by_event.values():
            for i, p in enumerate(paragraphs):
                if p.id in wanted:
                    before = paragraphs[i - 1] if i and paragraphs[i - 1].source == p.source else None
                    after = paragraphs[i + 1] if i + 1 < len(paragraphs) and paragraphs[i + 1].source == p.source else None
                    found[p.id] = (before, after)
        return found



class Renderer:
    """Renders every page of one script."""

    def __init__(self, corpus: Corpus, script: Script, converter: Converter, templates: Path = TEMPLATES,
                 index: CorpusIndex | None = None, seeds_url: str = "", site_url: str = ""):
        """``seeds_url``: where the repository shows seeds/ (``…/blob/main/seeds/``, from mkdocs.yml's
        ``repo_url``; see ``seeds_url``), so each paragraph links to its line there; "" for no link.
        ``site_url``: the site's public address (YANLU_SITE_URL), for the feeds' absolute links; "" for relative ones."""
        self.corpus = corpus
        self.seeds_url = seeds_url
        self.site_url = site_url
        self.script = script
        self.converter = converter
        self.templates_digest = templates_digest(templates)
        self.labels = _labels((templates / "labels.yaml").read_text(encoding="utf-8"))[script.value]
        self.templates = templates
        self.env = _environment(templates, True, self.templates_digest)
        self.index = index or CorpusIndex(corpus)
        index = self.index
        self.speakers, self.events, self.sources, self.topics = index.speakers, index.events, index.sources, index.topics
        self.sections, self.sections_of = index.sections, index.sections_of
        self.by_event, self.by_speaker, self.by_topic = index.by_event, index.by_speaker, index.by_topic
        self._name_forms: dict[str, dict[str, str]] = {}
        self._views: dict[str, dict[str, SimpleNamespace]] = {}  # depth (QUOTING_PAGE, PART_PAGE) → id → view
        self._converted: dict[str, str] = {}
        self._quotes: dict[tuple[str, str], str] = {}
        self._link_views: dict[tuple[str, str], dict] = {}

    # ---------------------------------------------------------- text in this script

    def t(self, text: str) -> str:
        """Editor-written data (places, affiliations, notes, section titles) in this script."""
        if not text:
            return text
        converted = self._converted.get(text)
        if converted is None:  # the same few recur on thousands of pages
            converted = self._converted[text] = self.converter.to(self.script, text)
        return converted

    def name(self, speaker_id: str | None) -> str:
        if speaker_id is None:
            return ""
        speaker = self.speakers[speaker_id]
        return speaker.name if self.script is Script.HANS else speaker.name_hant

    def event_name(self, event: Event) -> str:
        return event.name if self.script is Script.HANS else event.name_hant

    def topic_name(self, topic_id: str) -> str:
        topic = self.topics[topic_id]
        return topic.name if self.script is Script.HANS else topic.name_hant

    def text_of(self, paragraph: Paragraph) -> str:
        return paragraph.hans if self.script is Script.HANS else paragraph.hant

    def _names_of_event(self, event_id: str) -> dict[str, str]:
        """Speaker names to link in running text, and whom each names: only this
        event's participants, so 张鹏 links to the right one of the two."""
        if event_id not in self._name_forms:
            forms = {}
            for participant in self.events[event_id].participants:
                speaker = self.speakers[participant.speaker]
                for form in (speaker.name, speaker.name_hant, *speaker.aliases):
                    if len(form) >= 2 and not form.isascii():
                        forms[form] = speaker.id
            self._name_forms[event_id] = forms
        return self._name_forms[event_id]

    def paragraph_html(self, paragraph: Paragraph, from_page: str = QUOTING_PAGE) -> str:
        """The paragraph's text, escaped (HTML, for _macros.j2), with participants' names linked to their pages."""
        escaped = html.escape(self.text_of(paragraph), quote=False)
        if paragraph.garbled:
            return self._mark_garbled(paragraph, escaped)  # no names linked inside or around garbled letters
        lookup = self._names_of_event(paragraph.event)
        if not any(form in escaped for form in lookup):  # most paragraphs name nobody
            return escaped

        def link(match: re.Match) -> str:
            target = href(from_page, f"speakers/{lookup[match.group()]}.md")
            return f'<a class="yl-name" href="{target}">{match.group()}</a>'

        return _longest_first(tuple(lookup)).sub(link, escaped)

    def _mark_garbled(self, paragraph: Paragraph, escaped: str) -> str:
        """Each garbled run (``Paragraph.garbled``, kept as found in both scripts) inside a marker whose
        label is text, so screen readers read it out and copy quote/cite carry it (labels.yaml
        ``garbled``), and kept out of the search index: garbled letters are not words."""
        label = html.escape(self.labels["garbled"], quote=False)
        runs = sorted((html.escape(run, quote=False) for run in paragraph.garbled), key=lambda r: (-len(r), r))
        pattern = re.compile("|".join(map(re.escape, runs)))
        return pattern.sub(lambda m: f'<mark class="yl-garbled" data-pagefind-ignore="all">'
                                     f'<span class="yl-garbled__label">〔{label}〕</span>{m.group()}</mark>', escaped)

    # ---------------------------------------------------------- view models

    def section_title(self, paragraph: Paragraph) -> str:
        return self.convert_title(self.sections[paragraph.section].title, self.sources[paragraph.source].script)

    def paragraph_view(self, paragraph: Paragraph, from_page: str = QUOTING_PAGE) -> SimpleNamespace:
        """What templates/_macros.j2 shows of a paragraph, made once per paragraph and depth: event
        pages are two folders down (events/x/), the parts of speaker and topic pages three
        (``PART_PAGE``), so the same relative links work on every page of one depth.

        Every value is escaped here: the macros run without autoescaping, which makes them
        three times faster, and they run for every paragraph twice.
        """
        views = self._views.setdefault(from_page, {})
        view = views.get(paragraph.id)
        if view is None:
            # Namespaces, not dicts: Jinja looks up attributes first.
            speaker, speaker_href = self._speaker_views(from_page)[paragraph.speaker]
            topics = self._topic_views(from_page)
            view = views[paragraph.id] = SimpleNamespace(
                id=_attr(paragraph.id),
                kind=paragraph.kind.value,  # an enum's value, never markup
                kind_label=self._kind_labels[paragraph.kind],
                speaker=speaker,
                speaker_href=speaker_href,
                html=self.paragraph_html(paragraph, from_page),
                topics=[topics[t] for t in paragraph.topics],
                context_href=_attr(href(from_page, f"events/{paragraph.event}.md", paragraph.id)),
                source=_attr(paragraph.source),
                summarises_href="",
                lang=self._languages[paragraph.source],
                also=[self._also_view(other) for other in self._also.get(paragraph.id, ())],
                revisions=[self._revision_view(c) for c in self._corrections.get(paragraph.id, ())],
                source_href=_attr(f"{self.seeds_url}{paragraph.seed}#L{paragraph.text_line}") if self.seeds_url else "",
                source_label=_attr(self.labels["fix_source"].format(line=paragraph.text_line)),
            )
        return view

    @functools.cached_property
    def _also(self) -> dict[str, tuple[str, ...]]:
        return dict(self.corpus.also_reported)

    @functools.cached_property
    def _corrections(self) -> dict[str, list]:
        found = defaultdict(list)
        for correction in self.corpus.corrections:
            found[correction.new].append(correction)
        return found

    def _source_name(self, source_id: str) -> str:
        source = self.sources[source_id]
        return self.t(source.publisher) if source.publisher else source.title

    def _also_view(self, other_id: str) -> SimpleNamespace:
        """A link to another source's report of the same statement, on the same event page (match.py)."""
        other = self.index.paragraphs[other_id]
        return SimpleNamespace(href=_attr(f"#{other_id}"), title=_attr(self.sources[other.source].title),
                               label=_attr(self.labels["also_reported"].format(source=self._source_name(other.source))))

    def _revision_view(self, correction) -> SimpleNamespace:
        """A correction under the paragraph: 修订于 DATE, the earlier words on demand."""
        summary = self.labels["revised_on"].format(date=correction.date) if correction.date else self.labels["revised"]
        words = correction.earlier_hans if self.script is Script.HANS else correction.earlier_hant
        return SimpleNamespace(summary=_attr(summary), html=html.escape(words, quote=False), old=_attr(correction.old),
                               has_words=bool(words))

    @functools.cached_property
    def _languages(self) -> dict[str, str]:
        """Each source's ' lang="…"' attribute for its paragraphs: only for a language other than Chinese."""
        return {s.id: f' lang="{_attr(s.language)}"' if s.script is None and s.language else "" for s in self.corpus.sources}

    @functools.cached_property
    def _kind_labels(self) -> dict[Kind, str]:
        return {kind: _attr(self.labels[f"kind_{kind.value}"]) for kind in Kind}

    def _speaker_views(self, from_page: str) -> dict[str | None, tuple[str, str]]:
        """Each speaker's name and link, escaped, as paragraphs show them on pages as deep as ``from_page``."""
        key = ("speakers", from_page)
        if key not in self._link_views:
            views = {s.id: (_attr(self.name(s.id)), _attr(href(from_page, f"speakers/{s.id}.md")))
                     for s in self.corpus.speakers}
            self._link_views[key] = {None: ("", ""), **views}
        return self._link_views[key]

    def _topic_views(self, from_page: str) -> dict[str, SimpleNamespace]:
        key = ("topics", from_page)
        if key not in self._link_views:
            self._link_views[key] = {
                t.id: SimpleNamespace(name=_attr(self.topic_name(t.id)), href=_attr(href(from_page, f"topics/{t.id}.md")))
                for t in self.corpus.topics}
        return self._link_views[key]

    def quote(self, paragraph: Paragraph, from_page: str = PART_PAGE) -> str:
        """The paragraph quoted on the parts of speaker and topic pages (templates/_macros.j2), or on a
        featured quote's page (``QUOTING_PAGE``: two folders down), rendered once per depth: HTML,
        which reaches a page through ``_joined``."""
        key = (from_page, paragraph.id)
        quoted = self._quotes.get(key)
        if quoted is None:
            quoted = self._quotes[key] = self._macros.quote(self.paragraph_view(paragraph, from_page))
        return quoted

    def block(self, paragraph: Paragraph, view: SimpleNamespace | None = None) -> str:
        """The paragraph on its event page, with its id as anchor (templates/_macros.j2): HTML, joined by ``_joined``."""
        return self._macros.paragraph(view or self.paragraph_view(paragraph))

    @functools.cached_property
    def _macros(self):
        labels = SimpleNamespace(**{k: _attr(v) for k, v in self.labels.items() if isinstance(v, str)})
        return _environment(self.templates, False, self.templates_digest).get_template("_macros.j2").make_module({"L": labels})

    @functools.cached_property
    def label_names(self) -> SimpleNamespace:
        """The labels as the page templates read them (``L.permalink``)."""
        return SimpleNamespace(**self.labels)

    def participants_view(self, event: Event, page: str) -> list[dict]:
        return [
            {
                "name": self.name(p.speaker),
                "href": href(page, f"speakers/{p.speaker}.md"),
                "role": self.labels[f"role_{p.role}"],
                "affiliation": self.t(p.affiliation),
                "title": self.t(p.title),
            }
            for p in event.participants
        ]

    # ---------------------------------------------------------- pages

    def render(self, template: str, path: str, **context) -> Page:
        context.setdefault("cite", self.cite_data(()))  # the buttons' words at least, for the search box's results
        content = self.env.get_template(template).render(
            L=self.label_names, script=self.script.value, page=path, href=lambda to, anchor="": href(path, to, anchor),
            **context,
        )
        return Page(path, content)

    def home(self) -> Page:
        counts = self.labels["counts"].format(
            events=len(self.corpus.events), sources=len(self.corpus.sources),
            speakers=len(self.by_speaker), paragraphs=len(self.corpus.paragraphs),
        )
        return self.render("home.md.j2", "index.md", counts=counts, events=self.event_list("index.md", HOME_LISTS),
                           speakers=self.speaker_list("index.md", HOME_LISTS), topics=self.topic_list("index.md"),
                           all_events=len(self.corpus.events), all_speakers=len(self.by_speaker))

    def event_list(self, page: str, most: int | None = None, events: list[Event] | None = None) -> list[dict]:
        """Events (all of them unless ``events`` are given), newest first (the first ``most`` of them)."""
        return [
            {"name": self.event_name(e), "href": href(page, f"events/{e.id}.md"), "date": e.date, "place": self.t(e.place),
             "who": "、".join(self.name(p.speaker) for p in e.participants)}
            for e in (self.index.events_newest_first if events is None else events)[:most]
        ]

    def speaker_list(self, page: str, most: int | None = None) -> list[dict]:
        """Speakers who said something, those who said most first (the first ``most`` of them)."""
        said = defaultdict(int, {s: len(ps) for s, ps in self.by_speaker.items()})
        return [
            {"name": self.name(s.id), "href": href(page, f"speakers/{s.id}.md"), "note": self.t(s.note), "count": said[s.id]}
            for s in sorted(self.corpus.speakers, key=lambda s: (-said[s.id], s.id)) if said[s.id]
        ][:most]

    def topic_list(self, page: str) -> list[dict]:
        on = defaultdict(int, {t: len(ps) for t, ps in self.by_topic.items()})
        return [
            {"name": self.topic_name(t.id), "href": href(page, f"topics/{t.id}.md"), "count": on[t.id]}
            for t in self.corpus.topics if on[t.id]
        ]

    def event_page(self, event: Event) -> Page:
        path = f"events/{event.id}.md"
        paragraphs = self.by_event[event.id]
        summarised = self.index.summarised
        by_section = defaultdict(list)
        for p in paragraphs:
            view = None
            if p.kind is Kind.HIGHLIGHT:
                target = summarised.get(p.id)
                view = SimpleNamespace(**{**vars(self.paragraph_view(p)),
                                          "summarises_href": _attr(href(path, path, target)) if target else ""})
            by_section[p.section].append(self.block(p, view))
        sources = []
        for source_id in event.sources:
            source = self.sources[source_id]
            sections = [{"id": section.id, "title": self.convert_title(section.title, source.script),
                         "paragraphs": _joined(by_section.get(section.id, []))}
                        for section in self.sections_of[source_id] if section.id in by_section or section.title]
            sources.append({"id": source.id, "title": source.title, "publisher": self.t(source.publisher),
                            "url": source.url, "seed": source.seed, "layout": source.layout.value,
                            "count": sum(len(by_section.get(s.id, ())) for s in self.sections_of[source_id]),
                            "sections": sections})
        moderator = self.name(event.moderator) if event.moderator else ""
        # The page's table of contents names each participant's first words on it (paragraphs come in page order).
        first_words: dict[str, str] = {}
        for p in paragraphs:
            if p.speaker:
                first_words.setdefault(p.speaker, p.id)
        participants = [dict(view, first=first_words.get(part.speaker, ""))
                        for part, view in zip(event.participants, self.participants_view(event, path))]
        here = {p.id for p in paragraphs}
        aliases = [(old, new) for old, new in self.corpus.aliases if new in here]
        return self.render("event.md.j2", path, event=event, name=self.event_name(event), sources=sources, aliases=aliases,
                           place=self.t(event.place), cite=self.cite_data(event.sources),
                           csl_href=_attr(f"../../{CSL_DIR}/{event.id}.json"),  # an event page is two folders down
                           moderator=moderator, participants=participants,
                           description=f"{event.date} · {self.t(event.place)} · "
                                       + "、".join(self.name(p.speaker) for p in event.participants))

    def changes_page(self) -> Page:
        """Every correction (ids.corrections), newest first: when, where, the words now and before."""
        changes = []
        for c in sorted(self.corpus.corrections, key=lambda c: (c.date, c.old), reverse=True):
            now = self.index.paragraphs[c.new]
            changes.append({"date": c.date, "old": c.old, "new": c.new, "speaker": self.name(now.speaker),
                            "event": self.event_name(self.events[now.event]),
                            "href": href("changes.md", f"events/{now.event}.md", c.new), "now": self.text_of(now),
                            "earlier": c.earlier_hans if self.script is Script.HANS else c.earlier_hant})
        return self.render("changes.md.j2", "changes.md", changes=changes)

    def feed_link(self, to_path: str, anchor: str = "") -> str:
        """A link in a feed: absolute where the site's address is known (YANLU_SITE_URL, as the CSL-JSON's,
        generator/citations.py), else relative to the feed (RFC 4287 §4.2.7: the feed's own address is the base)."""
        if not self.site_url:
            return href(FEED_BASE, to_path, anchor)
        return site_address(self.site_url, f"{SCRIPT_DIRS[self.script]}/{page_url(to_path)}") + (f"#{anchor}" if anchor else "")

    def _feed(self, path: str, name: str, alternate: str, entries: list[dict]) -> Page:
        """An Atom feed (RFC 4287). Dates come from the events and the alias entries, never the clock;
        links are absolute where the site's address is known, else relative to the feed (``feed_link``)."""
        esc = lambda text: html.escape(str(text), quote=True)  # noqa: E731 - XML's five entities
        folder = SCRIPT_DIRS[self.script]
        newest = max((e.date for e in self.corpus.events), default="1970-01-01")
        updated = max((e["updated"] for e in entries), default=_atom_time(newest))
        out = ['<?xml version="1.0" encoding="utf-8"?>',
               f'<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{self.script.value}">',
               f"<id>urn:yanlu:{folder}:{path.removesuffix('.xml')}</id>",
               f"<title>{esc(self.labels['site_name'] + ' · ' + name)}</title>",
               f"<updated>{updated}</updated>",
               f'<link rel="self" type="application/atom+xml" href="{esc(site_address(self.site_url, f"{folder}/{path}") or path.rsplit("/", 1)[-1])}"/>',
               f'<link rel="alternate" type="text/html" href="{esc(self.feed_link(alternate))}"/>',
               f"<author><name>{esc(self.labels['site_name'])}</name></author>"]
        for e in entries:
            out += ["<entry>", f"<id>{e['id']}</id>", f"<title>{esc(e['title'])}</title>", f"<updated>{e['updated']}</updated>",
                    f'<link rel="alternate" type="text/html" href="{esc(e["href"])}"/>',
                    f'<content type="text">{esc(e["content"])}</content>', "</entry>"]
        return Page(path, "\n".join(out + ["</feed>"]) + "\n")

    def events_feed(self) -> Page:
        path = f"{FEEDS}/events.xml"
        entries = [{"id": f"urn:yanlu:event:{e.id}", "title": self.event_name(e), "updated": _atom_time(e.date),
                    "href": self.feed_link(f"events/{e.id}.md"),
                    "content": " · ".join(part for part in (e.date, self.t(e.place), "、".join(
                        self.name(p.speaker) for p in e.participants)) if part)}
                   for e in self.index.events_newest_first[:FEED_ENTRIES]]
        return self._feed(path, self.labels["feed_events"], "events/index.md", entries)

    def corrections_feed(self) -> Page:
        path = f"{FEEDS}/corrections.xml"
        entries = []
        for c in sorted(self.corpus.corrections, key=lambda c: (c.date, c.old), reverse=True):
            now = self.index.paragraphs[c.new]
            event = self.events[now.event]
            when = c.date or event.date
            earlier = c.earlier_hans if self.script is Script.HANS else c.earlier_hant
            entries.append({"id": f"urn:yanlu:correction:{c.old}", "updated": _atom_time(when),
                            "title": f"{self.name(now.speaker) or self.labels['none']} · {self.event_name(event)} · "
                                     + (self.labels["revised_on"].format(date=c.date) if c.date else self.labels["revised"]),
                            "href": self.feed_link(f"events/{now.event}.md", c.new),
                            "content": f"{self.labels['now_reads']}：{self.text_of(now)}\n"
                                       + (f"{self.labels['earlier_words']}：{earlier}" if earlier else "")})
        return self._feed(path, self.labels["feed_corrections"], "changes.md", entries)

    def convert_title(self, title: str, source_script: Script | None) -> str:
        """Section titles come from the transcript: show them in this script (another language as written)."""
        if not title or source_script is None or source_script is self.script:
            return title
        return self.t(title)

    # ---------------------------------------------------------- parts of speaker and topic pages

    def year_label(self, part: str) -> str:
        return self.labels["year_label"].format(year=part)

    def month_label(self, part: str) -> str:
        if len(part) < 7:
            return self.labels["month_unknown"].format(year=part)
        return self.labels["month_label"].format(year=part[:4], month=int(part[5:7]))

    def part_label(self, kind: str, part: str) -> str:
        """A part's name on its page and in links: its year (a speaker's) or month (a topic's), or the
        finer month, third of a month, day or event it was cut into (``cut_into_parts``)."""
        calendar, _, event_id = part.partition("_")
        if len(calendar) == 10:
            label = self.labels["day_label"].format(year=calendar[:4], month=int(calendar[5:7]), day=int(calendar[8:]))
        elif len(calendar) == 9:
            label = self.labels[f"third_{calendar[8]}"].format(year=calendar[:4], month=int(calendar[5:7]))
        elif len(calendar) == 7 or kind == "topics":
            label = self.month_label(calendar)
        else:
            label = self.year_label(calendar)
        return f"{label} · {self.event_name(self.events[event_id])}" if event_id else label

    def parts_nav(self, kind: str, subject: str, name: str, part: str) -> dict:
        """The links of a part to what it is part of (the overview, or the part it was cut from) and, for
        a part with quotes, to the parts with quotes before and after it (oldest first)."""
        parts = self._parts(kind)[subject]
        path, folder = f"{kind}/{subject}/{part}.md", f"{kind}/{subject}"
        parent = parts.parent(part)
        up = ({"href": href(path, f"{folder}/{parent}.md"), "label": self.part_label(kind, parent)} if parent
              else {"href": href(path, f"{folder}.md"), "label": name})

        def link(other: str) -> dict:
            return {"href": href(path, f"{folder}/{other}.md"), "label": self.part_label(kind, other)}

        pages = list(parts.pages)
        at = pages.index(part) if part in parts.pages else None
        return {"up": up, "prev": link(pages[at - 1]) if at else None,
                "next": link(pages[at + 1]) if at is not None and at + 1 < len(pages) else None}

    def _parts(self, kind: str) -> dict[str, Parts]:
        return self.index.speaker_parts if kind == "speakers" else self.index.topic_parts

    def speaker_page(self, speaker_id: str) -> Page:
        """The overview of a speaker: who they are, their parts by year and every event they took part in."""
        path = f"speakers/{speaker_id}.md"
        speaker = self.speakers[speaker_id]
        said = self.by_speaker[speaker_id]
        counts = defaultdict(int)
        for p in said:
            counts[p.event] += 1
        cut = self.index.speaker_parts.get(speaker_id)
        page_of = cut.page_of() if cut else {}
        taken = self.index.participations.get(speaker_id, {})
        events = []
        for event_id in sorted(taken.keys() | counts.keys(), key=self.index.newest_first_rank.__getitem__):
            event = self.events[event_id]
            participation = taken.get(event_id)
            events.append({
                "name": self.event_name(event), "href": href(path, f"events/{event.id}.md"), "date": event.date,
                "role": self.labels[f"role_{participation.role}"] if participation else "",
                "affiliation": self.t(participation.affiliation) if participation else "",
                "title": self.t(participation.title) if participation else "",
                "count": counts[event_id],
                "quotes_href": href(path, f"speakers/{speaker_id}/{page_of[event_id]}.md", f"event-{event.id}")
                if event_id in page_of else "",
            })
        parts = [{"href": href(path, f"speakers/{speaker_id}/{part}.md"), "label": self.year_label(part), "count": n}
                 for part, n in reversed(cut.top.items())] if cut else []
        other = speaker.name_hant if self.script is Script.HANS else speaker.name
        return self.render("speaker.md.j2", path, speaker=speaker, name=self.name(speaker_id), other_name=other,
                           note=self.t(speaker.note), events=events, count=len(said), parts=parts)

    def speaker_part(self, speaker_id: str, part: str) -> Page:
        """What a speaker said in one year (or the month, day or event it was cut into), grouped by
        event (newest first) and section."""
        path = f"speakers/{speaker_id}/{part}.md"
        quotes = self.index.speaker_parts[speaker_id].pages[part]
        by_event = defaultdict(list)
        for p in quotes:
            by_event[p.event].append(p)
        taken = self.index.participations.get(speaker_id, {})
        events = []
        for event_id in sorted(by_event, key=self.index.newest_first_rank.__getitem__):
            event, participation, mine = self.events[event_id], taken.get(event_id), by_event[event_id]
            groups = defaultdict(list)
            for p in mine:
                groups[(p.source, self.sections[p.section].seq)].append(p)
            events.append({
                "id": event.id, "name": self.event_name(event), "href": href(path, f"events/{event.id}.md"),
                "date": event.date,
                "role": self.labels[f"role_{participation.role}"] if participation else "",
                "affiliation": self.t(participation.affiliation) if participation else "",
                "groups": [{"section": self.section_title(group[0]), "quotes": _joined(self.quote(p) for p in group)}
                           for _, group in sorted(groups.items())],
                "count": len(mine),
            })
        name = self.name(speaker_id)
        return self.render("speaker_part.md.j2", path, name=name, part=self.part_label("speakers", part),
                           events=events, count=len(quotes), nav=self.parts_nav("speakers", speaker_id, name, part),
                           cite=self.cite_data(sorted({p.source for p in quotes})))

    def topic_page(self, topic_id: str) -> Page:
        """The overview of a topic: its parts by month and who spoke on it."""
        path = f"topics/{topic_id}.md"
        topic = self.topics[topic_id]
        on = self.index.quoted_on_topic(topic_id)
        said = defaultdict(int)
        for p in on:
            said[p.speaker] += 1
        years: dict[str, list] = {}
        cut = self.index.topic_parts.get(topic_id)
        for part, n in reversed(cut.top.items() if cut else []):
            label = self.labels["month_short"].format(month=int(part[5:7])) if len(part) >= 7 else self.month_label(part)
            years.setdefault(part[:4], []).append({"href": href(path, f"topics/{topic_id}/{part}.md"),
                                                   "label": label, "count": n})
        speakers = [{"name": self.name(s), "href": href(path, f"speakers/{s}.md"), "count": n}
                    for s, n in sorted(said.items(), key=lambda kv: (-kv[1], kv[0]))]
        return self.render("topic.md.j2", path, topic=topic, name=self.topic_name(topic_id), speakers=speakers,
                           years=[{"label": self.year_label(y), "months": months} for y, months in years.items()],
                           count=len(on), keywords="、".join(dict.fromkeys(self.t(k) for k in topic.keywords)))

    def topic_part(self, topic_id: str, part: str) -> Page:
        """A topic's quotes of one month (or the day or event it was cut into), grouped by speaker (who
        said most first), then by event in date order."""
        path = f"topics/{topic_id}/{part}.md"
        quotes = self.index.topic_parts[topic_id].pages[part]
        order = self.index.newest_first_rank
        by_speaker = defaultdict(list)
        for p in quotes:
            by_speaker[p.speaker].append(p)
        speakers = []
        for speaker_id, paragraphs in sorted(by_speaker.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            by_event = defaultdict(list)
            for p in paragraphs:
                by_event[p.event].append(self.quote(p))
            speakers.append({
                "id": speaker_id, "name": self.name(speaker_id), "href": href(path, f"speakers/{speaker_id}.md"),
                "count": len(paragraphs),
                "events": [{"name": self.event_name(self.events[e]), "date": self.events[e].date,
                            "href": href(path, f"events/{e}.md"), "quotes": _joined(quotes)}
                           for e, quotes in sorted(by_event.items(), key=lambda kv: -order[kv[0]])],
            })
        name = self.topic_name(topic_id)
        return self.render("topic_part.md.j2", path, name=name, part=self.part_label("topics", part),
                           speakers=speakers, count=len(quotes), nav=self.parts_nav("topics", topic_id, name, part),
                           cite=self.cite_data(sorted({p.source for p in quotes})))

    def cut_part(self, kind: str, subject: str, part: str) -> Page:
        """A part too long for one page: the finer parts it was cut into, each with its events."""
        path = f"{kind}/{subject}/{part}.md"
        cut = self._parts(kind)[subject]
        finer = []
        for other in cut.groups[part]:
            quotes = cut.quotes_in(other)
            events = sorted({p.event for p in quotes}, key=self.index.newest_first_rank.__getitem__)
            finer.append({"href": href(path, f"{kind}/{subject}/{other}.md"), "label": self.part_label(kind, other),
                          "count": len(quotes), "events": "、".join(self.event_name(self.events[e]) for e in events)})
        name = self.name(subject) if kind == "speakers" else self.topic_name(subject)
        return self.render("part_cut.md.j2", path, name=name, part=self.part_label(kind, part), parts=finer,
                           count=len(cut.quotes_in(part)), nav=self.parts_nav(kind, subject, name, part))

    # ---------------------------------------------------------- the events list, by year

    def event_years(self, page: str) -> list[dict]:
        years: dict[str, int] = defaultdict(int)
        for e in self.corpus.events:
            years[year_part(e)] += 1
        return [{"href": href(page, f"events/{y}.md"), "label": self.year_label(y), "count": n}
                for y, n in sorted(years.items(), reverse=True)]

    def events_index(self) -> Page:
        """All events: the years, each a page of its own, and the newest events."""
        path = "events/index.md"
        return self.render("list.md.j2", path, title=self.labels["all_events"], items=self.event_list(path, HOME_LISTS),
                           kind="events", years=self.event_years(path), newest=len(self.corpus.events) > HOME_LISTS)

    def events_of_year(self, year: str) -> Page:
        path = f"events/{year}.md"
        events = [e for e in self.index.events_newest_first if year_part(e) == year]
        return self.render("list.md.j2", path, title=self.labels["events_of_year"].format(year=year),
                           items=self.event_list(path, events=events), kind="events", years=self.event_years(path),
                           newest=False)

    def csl_file(self, event: Event) -> Page:
        """The event's CSL-JSON, for reference managers (generator/citations.py)."""
        from . import citations  # which reads a Renderer: imported when first used, so neither module waits on the other
        return Page(f"{CSL_DIR}/{event.id}.json", citations.csl_json(citations.event_items(self, event.id, self.site_url)))

    def cite_facts(self, source_id: str) -> dict:
        """What a citation of a paragraph of this source says besides its words and speaker, in this script:
        the event's name, date and place, the source's title (as published), publisher, address and language."""
        source = self.sources[source_id]
        event = self.events[source.event]
        return {"event": self.event_name(event), "event_id": event.id, "date": event.date, "place": self.t(event.place),
                "title": source.title, "publisher": self.t(source.publisher), "url": source.url,
                "lang": source.language or self.script.value}

    def cite_data(self, source_ids) -> dict:
        """A page's yl_cite: the facts of the sources its paragraphs come from, and the buttons' words."""
        return {"labels": {k: self.labels[k] for k in CITE_LABELS},
                "sources": {s: self.cite_facts(s) for s in source_ids}}

    def quote_page(self, paragraph_id: str) -> Page:
        """A featured paragraph's own page (quotes/<id>/): its words, the paragraphs around it, who said it where
        and when, from which source; its description (og:description) is the words themselves."""
        path = f"quotes/{paragraph_id}.md"
        p = self.index.paragraphs[paragraph_id]
        before, after = self.index.neighbours[paragraph_id]
        event, source = self.events[p.event], self.sources[p.source]
        words = self.text_of(p)
        who = self.name(p.speaker)
        short = words if len(words) <= 24 else words[:24] + "…"
        title = f"{who}：“{short}”" if who else f"“{short}”"
        return self.render("quote.md.j2", path, title=title, description=words, who=who, words=words,
                           quote=Markup(self.quote(p, QUOTING_PAGE)),
                           before=Markup(self.quote(before, QUOTING_PAGE)) if before else "",
                           after=Markup(self.quote(after, QUOTING_PAGE)) if after else "",
                           event_name=self.event_name(event), event_href=href(path, f"events/{event.id}.md", p.id),
                           speaker_href=href(path, f"speakers/{p.speaker}.md") if p.speaker else "",
                           date=event.date, place=self.t(event.place), source=source,
                           publisher=self.t(source.publisher), cite=self.cite_data([p.source]))

    def plan(self, source_keys: dict[str, str]) -> list[PlannedPage]:
        """Every page as (path, key, render): the key changes whenever what the page shows can.

        ``source_keys`` fingerprint each source's inputs (pipeline.SourceResult.key).
        An event page's key combines those of its sources; a speaker or topic page's,
        everything it shows of the paragraphs it quotes (their words in both scripts
        included: a case or punctuation fix keeps the id); every key also holds the
        entities, templates, labels, glossary and environment (generator/cache.py). So an edit to one transcript re-renders the pages
        that show what changed, not every page that quotes that transcript somewhere.
        """
        # The lists show entities (in every key) and how many paragraphs each speaker and topic has.
        said = tuple(sorted((s, len(ps)) for s, ps in self.by_speaker.items()))
        on = tuple(sorted((t, len(ps)) for t, ps in self.by_topic.items()))
        lists = [
            ("index.md", (len(self.corpus.paragraphs), said, on), self.home),
            ("events/index.md", (), self.events_index),
            ("speakers/index.md", said, lambda: self.render("list.md.j2", "speakers/index.md", title=self.labels["all_speakers"], items=self.speaker_list("speakers/index.md"), kind="speakers")),
            ("topics/index.md", on, lambda: self.render("list.md.j2", "topics/index.md", title=self.labels["all_topics"], items=self.topic_list("topics/index.md"), kind="topics")),
        ]
        plan = list(lists)
        # The events by year, and each speaker's and topic's parts: an overview shows how many
        # paragraphs each event or part has; a part shows its paragraphs and names its neighbours.
        plan += [(f"events/{y}.md", (), functools.partial(self.events_of_year, y))
                 for y in sorted({year_part(e) for e in self.corpus.events})]
        matched = defaultdict(list)  # event id → its paragraphs' matches (match.py), which its sources alone do not fix
        for pid, others in self.corpus.also_reported:
            matched[self.index.paragraphs[pid].event].append((pid, others))
        for event in self.corpus.events:
            sources = tuple(source_keys.get(s) for s in event.sources)
            plan.append((f"events/{event.id}.md", (sources, tuple(matched.get(event.id, ()))),
                         functools.partial(self.event_page, event)))
            # Its citations show its sources' words and facts (entities: in every key), with absolute links
            # where the site's address is known.
            plan.append((f"{CSL_DIR}/{event.id}.json", (sources, self.site_url), functools.partial(self.csl_file, event)))
        # The changes page and the feeds show entities (events, corrections: in every key) only; the feeds'
        # links, the site's address too.
        plan.append(("changes.md", (), self.changes_page))
        plan.append((f"{FEEDS}/events.xml", (self.site_url,), self.events_feed))
        plan.append((f"{FEEDS}/corrections.xml", (self.site_url,), self.corrections_feed))
        for kind, overview, part_page in (("speakers", self.speaker_page, self.speaker_part),
                                          ("topics", self.topic_page, self.topic_part)):
            all_parts = self._parts(kind)
            for subject in sorted(all_parts):
                page = f"{kind}/{subject}.md"
                counts, names = self.index.overview_keys[page], self.index.part_names[page]
                plan.append((page, (counts, names), functools.partial(overview, subject)))
                for part in all_parts[subject].pages:
                    page = f"{kind}/{subject}/{part}.md"
                    plan.append((page, (self.index.shown[page], names), functools.partial(part_page, subject, part)))
                for part in all_parts[subject].groups:
                    plan.append((f"{kind}/{subject}/{part}.md", (counts, names),
                                 functools.partial(self.cut_part, kind, subject, part)))
        for paragraph_id in self.index.featured:  # a quote page shows its source's paragraphs: its sources' keys
            event = self.events[self.index.paragraphs[paragraph_id].event]
            plan.append((f"quotes/{paragraph_id}.md", tuple(source_keys.get(s) for s in event.sources),
                         functools.partial(self.quote_page, paragraph_id)))
        base = fingerprint(self.script, caches.environment(), self.templates_digest, self.labels, self.index.entities,
                           self.converter.protect, self.seeds_url)
        return [(path, _page_key(base, path, deps), render) for path, deps, render in plan]

    def pages(self) -> list[Page]:
        return [render() for _path, _key, render in self.plan({})]


_PAGE_KEYS = caches.Memo(1 << 16)  # (base, path, deps) → the page's key: a long-lived process plans again and again


def _page_key(base: str, path: str, deps: tuple) -> str:
    """``fingerprint(base, path, deps)``, remembered (``deps`` are tuples of text and numbers)."""
    memo = (base, path, deps)
    key = _PAGE_KEYS.get(memo)
    if key is None:
        key = fingerprint(base, path, deps)
        _PAGE_KEYS.put(memo, key)
    return key


def _atom_time(date: str) -> str:
    """An event's or a correction's date (YYYY-MM-DD, YYYY-MM or YYYY) as an Atom date-time."""
    return (date + "-01-01"[len(date) - 4:] if len(date) < 10 else date) + "T00:00:00Z"


def seeds_url(mkdocs_yml: Path) -> str:
    """Where the repository shows seeds/, from mkdocs.yml's ``repo_url`` (MkDocs' own setting) and the
    branch of its ``edit_uri`` (``edit/<branch>/…`` or ``blob/<branch>/…``; default main): e.g.
    ``https://github.com/o/yanlu/blob/main/seeds/``. "" when repo_url is unset or no web address."""
    try:
        text = mkdocs_yml.read_text(encoding="utf-8")
    except OSError:
        return ""
    setting = lambda key: (re.search(rf"^{key}:[ \t]*['\"]?([^'\"\s#]+)", text, re.MULTILINE) or [None, ""])[1]  # noqa: E731
    repo, edit = setting("repo_url"), setting("edit_uri")
    if not re.fullmatch(r"https?://[^\s/]+(/[^\s]*)?", repo):
        return ""
    branch = re.match(r"/?(?:edit|blob|tree)/([^/]+)/", edit)
    return f"{repo.rstrip('/')}/blob/{branch.group(1) if branch else 'main'}/seeds/"


@functools.lru_cache(maxsize=8)
def _environment(templates: Path, autoescape: bool, digest: str) -> jinja2.Environment:
    """One per process, folder and version of the templates (``digest``), so templates compile
    once and an edited template gets an environment of its own. Without autoescaping it is
    only for templates/_macros.j2, whose values come escaped (Renderer.paragraph_view)."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates),
        auto_reload=False,
        autoescape=autoescape,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md_escape)
    env.globals.update(front_matter=front_matter)
    return env


def compile_templates(templates: Path) -> None:
    """Compile every template of ``templates`` now, in the environments pages are rendered with: a process that
    lives on (`mkdocs serve`) then spends its first edit on that edit's pages, not on compiling (0.1 s)."""
    digest = templates_digest(templates)
    for autoescape in (True, False):
        environment = _environment(templates, autoescape, digest)
        for template in sorted(templates.glob("*.j2")):
            environment.get_template(template.name)


@functools.lru_cache(maxsize=4)
def _labels(text: str) -> dict:
    """templates/labels.yaml parsed, by its text (a pure function of it: never stale)."""
    return yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def templates_digest(templates: Path = TEMPLATES) -> str:
    """A digest of the page templates and labels.yaml (read every build: a few kilobytes)."""
    files = [*sorted(templates.glob("*.j2")), templates / "labels.yaml"]
    return fingerprint([[f.name, caches.digest_bytes(f.read_bytes())] for f in files])


class PagePlan:
    """One script's pages with their keys, which are due, and how to write them.

    A page is due when its key differs from the one recorded in ``manifest``
    (``.yanlu-cache/pages-<script>.json``) or when its file is not as this build
    wrote it (missing, or another size or modification time: truncated, edited by
    hand). A page the build wrote and no longer plans is deleted; pages about to
    be written for the first time are recorded before they are written, so a
    killed build's new pages are deleted too if the next build does not want them.
    Given its ``pages``, a plan needs no ``renderer`` (files that are no script's pages: docs/q/). A page the
    build never wrote (one an editor put in docs/) is left alone. A folder
    holding nothing (a removed page's, an index copy being a folder of its own) is
    removed, as a build from nothing has none.
    """

    def __init__(self, renderer: Renderer | None, source_keys: dict[str, str], out_dir: Path, manifest: Path,
                 pages: list[PlannedPage] | None = None):
        self.renderer = renderer
        self.out_dir = out_dir
        self.manifest = manifest
        self.pages = renderer.plan(source_keys) if pages is None else pages  # ``pages``: files made of the pages
        known = caches.load_json(manifest)
        self.known: dict[str, list] = known if isinstance(known, dict) else {}
        self.empty: list[Path] = []  # folders holding nothing: left by a removal a kill cut short, or an older build
        present = files_under(out_dir, empty=self.empty)
        self.present = present
        self.due = [page for page in self.pages if self._stale(page, present)]

    def _stale(self, page: PlannedPage, present: dict[str, list[int]]) -> bool:
        kept = self.known.get(page[0])
        return not (isinstance(kept, list) and len(kept) == 2 and kept[0] == page[1] and present.get(page[0]) == kept[1])

    def write(self, rendered: Callable[[str, str], None] = lambda _path, _content: None) -> list[Path]:
        """Render and write the pages due, delete the pages not planned, record what was written.
        ``rendered`` hears each page rendered: its path and content."""
        changed = []
        stamps = {path: self.known[path][1] for path, _key, _render in self.pages if path in self.known}
        new = {path: ["", None] for path, _key, _render in self.due if path not in self.known}
        if new:  # recorded before they exist, so a build killed while writing them still deletes them later
            caches.save_json(self.manifest, {**self.known, **new})
        for path, _key, render in self.due:
            content = render().content
            rendered(path, content)
            if write_if_changed(self.out_dir / path, content):
                changed.append(self.out_dir / path)
            stamps[path] = caches.stamp(self.out_dir / path)
        wanted = {path for path, _key, _render in self.pages}
        # The pages written before and not wanted now (a speaker who no longer speaks); without a
        # record of what was written, every file in the folder of a kind this plan writes is looked at.
        kinds = {os.path.splitext(path)[1] for path in wanted}
        written = set(self.known) if self.known else {p for p in self.present if os.path.splitext(p)[1] in kinds}
        for stale in sorted(p for p in written - wanted if p in self.present):
            (self.out_dir / stale).unlink(missing_ok=True)
            changed.append(self.out_dir / stale)
            self.empty.append((self.out_dir / stale).parent)
        for folder in sorted(self.empty, reverse=True):  # the deepest first
            _remove_empty_folders(folder, self.out_dir)
        caches.save_json(self.manifest, {path: [key, stamps[path]] for path, key, _render in self.pages})
        return changed


def _remove_empty_folders(folder: Path, top: Path) -> None:
    """``folder`` and the folders above it, up to ``top``, that a page's removal left empty (a build from
    nothing has no such folder: an index copy is a folder of its own, events/<id>/index.html)."""
    while folder != top and folder.is_relative_to(top):
        try:
            folder.rmdir()
        except OSError:  # not empty (or gone)
            return
        folder = folder.parent


def files_under(folder: Path, prefix: str = "", found: dict[str, list[int]] | None = None,
                 empty: list[Path] | None = None) -> dict[str, list[int]]:
    """The files under ``folder`` by path relative to it, with '/', each with its size and mtime; the folders
    that hold nothing are added to ``empty``."""
    found = {} if found is None else found
    try:
        entries = os.scandir(folder)
    except (FileNotFoundError, NotADirectoryError):
        return found
    with entries:
        held = False
        for entry in entries:
            held = True
            if entry.is_dir():
                if not entry.is_symlink():  # as os.walk: a linked folder is not entered
                    files_under(entry.path, f"{prefix}{entry.name}/", found, empty)
            else:
                info = entry.stat()
                found[prefix + entry.name] = [info.st_size, info.st_mtime_ns]
        if not held and empty is not None and prefix:
            empty.append(Path(folder))
    return found
