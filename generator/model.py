"""Every type the pipeline passes between its stages.

read → clean → parse → link → convert → export. Each stage takes the objects
below and returns new ones; nothing is filled in later, so every field that
exists is final. The JSON schema of ``docs/data/corpus.json`` (README) is the
``to_json`` of these types.
"""

from __future__ import annotations

import enum
import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path


# Characters that show nothing: Unicode whitespace (NBSP, em and ideographic spaces,
# line separators …) and the zero-width ones scrapers leave behind.
BLANK = "".join(sorted({chr(c) for c in range(0x3001) if chr(c).isspace()} | {"\u200b", "\u200c", "\u200d", "\u2060", "\ufeff"}))


def strip_blank(text: str) -> str:
    return text.strip(BLANK)


class YanluError(Exception):
    """A problem an editor can fix: where it is, what is wrong, what to do.

    The CLI prints it without a traceback and exits 1.
    """

    def __init__(self, where: str, problem: str, fix: str = "", line: int | None = None):
        self.where = where
        self.line = line
        self.problem = problem
        self.fix = fix
        super().__init__(self.message)

    def __reduce__(self):  # so an error found in a worker process reaches the parent whole
        return (type(self), (self.where, self.problem, self.fix, self.line))

    @property
    def message(self) -> str:
        place = f"{self.where}, line {self.line}" if self.line else self.where
        text = f"{place}: {self.problem}"
        return f"{text}\n  Fix: {self.fix}" if self.fix else text


class YanluErrors(YanluError):
    """Several problems found in one pass; all are reported before stopping."""

    def __init__(self, errors: list[YanluError]):
        self.errors = errors
        Exception.__init__(self, self.message)

    def __reduce__(self):
        return (type(self), (self.errors,))

    @property
    def message(self) -> str:
        return "\n".join(e.message for e in self.errors)


class Script(str, enum.Enum):
    """The writing system of a text."""

    HANS = "zh-Hans"
    HANT = "zh-Hant"

    @classmethod
    def of(cls, tag: str) -> Script | None:
        """The Chinese script a language tag names; None for any other language (``en``, ``ja``),
        whose text is shown as written on both script sites and never converted."""
        return cls(tag) if tag in (cls.HANS.value, cls.HANT.value) else None


class Kind(str, enum.Enum):
    """What a paragraph is, which decides how a page shows it."""

    SPEECH = "speech"  # a participant's words (verbatim or reported)
    QUESTION = "question"  # the moderator's or an audience member's question
    NARRATION = "narration"  # the writer's own text: scene, context, lists
    HIGHLIGHT = "highlight"  # editor's pull-quote, summary or key-points block
    UNATTRIBUTED = "unattributed"  # an answer the source gives without a name


# ---------------------------------------------------------------- read / clean


class Format(str, enum.Enum):
    """The file format of a seed, from its extension (``.txt`` that is Markdown is read as Markdown)."""

    TEXT = "text"
    MARKDOWN = "markdown"
    SRT = "srt"
    VTT = "vtt"


class Role(str, enum.Enum):
    """What a seed line is to its format, before any cleaning rule looks at it."""

    TEXT = "text"  # words: a paragraph's line, a subtitle cue's text
    HEADING = "heading"  # a Markdown heading (its level is in LineMark.level)
    STRUCTURE = "structure"  # cue numbers, timing lines, WEBVTT headers, rules, front-matter fences
    METADATA = "metadata"  # YAML front matter: title, date, url … (RawText.metadata)
    EMBED = "embed"  # images, iframes, HTML comments, lines that are only a link


@dataclass(frozen=True)
class LineMark:
    """What the format says about one line.

    ``text`` is the line with its markup taken out (emphasis markers, link
    targets, VTT tags), or None when it is the line as written. ``strong``
    is the emphasised text a line starts with (``**杨植麟：**``), ``voice`` a
    speaker the format names (VTT ``<v Name>``; "" for a new, unnamed voice),
    ``start`` the time in seconds its subtitle cue starts, ``cue`` the cue's
    number (1, 2, …; 0 outside subtitles).
    """

    role: Role = Role.TEXT
    level: int = 0
    text: str | None = None
    strong: str = ""
    voice: str | None = None
    start: float | None = None
    cue: int = 0
    reason: str = ""


PLAIN = LineMark()


@dataclass(frozen=True)
class RawText:
    """A seed file decoded to text, split into lines (line 1 is ``lines[0]``).

    ``marks`` says, line by line, what the file's format makes of it (empty:
    every line is plain text); ``metadata`` is what a Markdown front matter
    declares (title, date, url, author, speakers), as sorted pairs.
    """

    path: Path
    encoding: str
    lines: tuple[str, ...]
    format: Format = Format.TEXT
    marks: tuple[LineMark, ...] = ()
    metadata: tuple[tuple[str, object], ...] = ()

    def mark(self, index: int) -> LineMark:
        return self.marks[index] if self.marks else PLAIN

    @property
    def meta(self) -> dict:
        return dict(self.metadata)

    @property
    def seed(self) -> str:
        return self.path.name

    def __repr__(self) -> str:
        return f"RawText({self.seed!r}, {len(self.lines)} lines, {self.encoding})"

    @cached_property
    def digest(self) -> str:
        """SHA-1 of the text (kept: a long-lived process reuses an unchanged seed's RawText)."""
        return hashlib.sha1("\n".join(self.lines).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Removal:
    """Something cleaning took out of a seed, kept so nothing is lost silently.

    ``whole_line`` is False when only part of the line went (NBSPs, a pinyin
    annotation, a trailing byline); the rest of the line stays in the corpus.
    """

    seed: str
    line: int
    rule: str
    text: str
    reason: str
    whole_line: bool = True

    def to_json(self) -> dict:
        return {
            "seed": self.seed,
            "line": self.line,
            "rule": self.rule,
            "text": self.text,
            "reason": self.reason,
            "whole_line": self.whole_line,
        }


@dataclass(frozen=True)
class Flag:
    """Something kept but worth an editor's look, such as unrepairable mojibake."""

    seed: str
    line: int
    rule: str
    text: str
    reason: str

    def to_json(self) -> dict:
        return {"seed": self.seed, "line": self.line, "rule": self.rule, "text": self.text, "reason": self.reason}


@dataclass(frozen=True)
class CleanLine:
    """One kept line: its number in the seed, the raw text and the cleaned text."""

    number: int
    raw: str
    text: str
    blank_before: bool = True
    heading: int = 0  # Markdown heading level, 0 when the line is no heading
    strong: str = ""  # emphasised text the line starts with, markers removed (a bold label)
    voice: str | None = None  # a speaker the format or a timestamped header names ("" = a new, unnamed voice)
    start: float | None = None  # seconds from the recording's start (subtitle cue, [00:12:34] stamp)
    cue: int = 0  # subtitle cue number, 0 outside subtitles

    def __repr__(self) -> str:
        return f"CleanLine({self.number}, {self.text[:20]!r})"


@dataclass(frozen=True)
class CleanText:
    """A seed after cleaning. Blank lines are dropped; each kept line says in
    ``blank_before`` whether a gap preceded it, so parsing still sees breaks."""

    source_id: str
    seed: str
    lines: tuple[CleanLine, ...]
    removals: tuple[Removal, ...]
    flags: tuple[Flag, ...]
    raw_line_count: int
    format: Format = Format.TEXT


# ---------------------------------------------------------------- parse


class Cue(str, enum.Enum):
    """How the parser found who speaks in a block."""

    TURN = "turn"  # a label: 名字：text, or 名字： on its own line above the text
    REPORTED = "reported"  # X認爲,… reported speech
    QUESTION_CUE = "question-cue"  # 追問張鵬: — the moderator asks
    CONTINUATION = "continuation"  # no label: the speaker before goes on
    VOICE = "voice"  # the source's one voice (sources.yaml 'speaker:') or a subtitle voice
    HIGHLIGHT = "highlight"  # a highlight region under a speaker's name
    NONE = "none"  # nobody


class Hint(str, enum.Enum):
    """What the parser thinks a block is; link decides the final Kind."""

    TURN = "turn"
    NARRATION = "narration"
    HIGHLIGHT = "highlight"
    UNATTRIBUTED = "unattributed"
    QUESTION = "question"
    UNKNOWN = "unknown"  # someone speaks, but the parser cannot tell who: no speaker, never the previous one


@dataclass(frozen=True)
class Block:
    """A paragraph as the parser found it, before speakers are resolved.

    ``label`` is the speaker label as written (``张鹏``, ``Richard``, ``林凡``)
    or None, ``note`` the bracketed note after it (``Audience (Jane Doe)``);
    ``cue`` says how the label was found.
    """

    lines: tuple[int, ...]
    raw: str
    text: str
    label: str | None
    cue: Cue
    kind_hint: Hint
    section: int
    addressed_to: str | None = None
    note: str = ""
    start: float | None = None

    def __repr__(self) -> str:
        return f"Block(l{self.lines[0]}, {self.label!r}, {self.kind_hint}, {self.text[:16]!r})"


@dataclass(frozen=True)
class ParsedSection:
    """A heading and its place; index 0 is the part before the first heading."""

    index: int
    title: str
    line: int | None
    lines: tuple[int, ...] = ()  # more lines of its title: a section number on a line of its own before it


class Layout(str, enum.Enum):
    """How a transcript marks who speaks, as detected by the parser."""

    TURNS = "turns"  # 名字: text on one line
    HEADERS = "headers"  # 名字(所属): on its own line, the answer below
    REPORTED = "reported"  # X認爲,… reported speech
    ARTICLE = "article"  # news prose, quotes attributed in running text
    SUBTITLES = "subtitles"  # SRT or WebVTT cues, joined into paragraphs
    MONOLOGUE = "monologue"  # one voice throughout (sources.yaml 'speaker:')


@dataclass(frozen=True)
class ParsedSource:
    source_id: str
    seed: str
    layout: Layout
    sections: tuple[ParsedSection, ...]
    blocks: tuple[Block, ...]
    labels: tuple[str, ...]  # every distinct speaker label, in order of appearance
    orphan_labels: tuple[int, ...] = ()  # lines of speaker headers with no text under them
    # Decisions that took text out of the paragraphs (a guessed heading), for the cleaning report:
    decisions: tuple[Removal, ...] = ()
    warnings: tuple[str, ...] = ()  # what an editor should look at: a label used once, a paragraph with no speaker
    notes: tuple[tuple[str, str], ...] = ()  # (label, note) pairs as written, in order of appearance


# ---------------------------------------------------------------- corpus


@dataclass(frozen=True)
class Participation:
    """A speaker's part in one event: role and affiliation as of that event."""

    speaker: str
    role: str
    affiliation: str
    title: str = ""

    def to_json(self) -> dict:
        return {"speaker": self.speaker, "role": self.role, "affiliation": self.affiliation, "title": self.title}


@dataclass(frozen=True)
class Speaker:
    id: str
    name: str  # as the editor wrote it (Simplified)
    name_hant: str
    aliases: tuple[str, ...]
    note: str = ""

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": {"zh-Hans": self.name, "zh-Hant": self.name_hant},
            "aliases": list(self.aliases),
            "note": self.note,
        }


@dataclass(frozen=True)
class Topic:
    id: str
    name: str
    name_hant: str
    keywords: tuple[str, ...]

    def to_json(self) -> dict:
        return {"id": self.id, "name": {"zh-Hans": self.name, "zh-Hant": self.name_hant}, "keywords": list(self.keywords)}


@dataclass(frozen=True)
class Event:
    id: str
    name: str
    name_hant: str
    date: str
    place: str
    moderator: str | None
    participants: tuple[Participation, ...]
    sources: tuple[str, ...]

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "name": {"zh-Hans": self.name, "zh-Hant": self.name_hant},
            "date": self.date,
            "place": self.place,
            "moderator": self.moderator,
            "participants": [p.to_json() for p in self.participants],
            "sources": list(self.sources),
        }


@dataclass(frozen=True)
class Source:
    id: str
    seed: str
    event: str
    title: str
    publisher: str
    url: str
    script: Script | None  # None: not Chinese, shown as written in both scripts
    layout: Layout
    language: str = ""  # the BCP 47 tag sources.yaml gives (zh-Hans, zh-Hant, en …)

    def to_json(self) -> dict:
        return {
            "id": self.id,
            "seed": self.seed,
            "event": self.event,
            "title": self.title,
            "publisher": self.publisher,
            "url": self.url,
            "script": self.language or self.script.value,
            "layout": self.layout.value,
        }


@dataclass(frozen=True)
class Section:
    id: str
    source: str
    seq: int
    title: str
    line: int | None

    def to_json(self) -> dict:
        return {"id": self.id, "source": self.source, "seq": self.seq, "title": self.title, "line": self.line}


@dataclass(frozen=True)
class Paragraph:
    """One paragraph of one source, attributed and with its stable id.

    ``text`` is the cleaned text in the source's own script; ``hans`` and
    ``hant`` are filled by the convert stage (one of them equals ``text``).
    """

    id: str
    event: str
    source: str
    seed: str
    section: str
    seq: int
    speaker: str | None
    kind: Kind
    text: str
    raw: str
    lines: tuple[int, ...]
    topics: tuple[str, ...] = ()
    addressed_to: str | None = None
    hans: str = ""
    hant: str = ""
    start: float | None = None  # seconds from the recording's start, where the source says
    garbled: tuple[str, ...] = ()  # runs of ``text`` flagged as mojibake (clean, rule "mojibake"): kept as found

    def __repr__(self) -> str:
        return f"Paragraph({self.id}, {self.speaker}, {self.kind.value}, {self.text[:16]!r})"

    @property
    def text_line(self) -> int:
        """The seed line its words begin on. Speaker headers on lines of their own above the words
        (``张鹏（智谱 AI）：``) are among its ``lines`` but hold none of its words; ``raw`` has a line
        for each line of words (parse.Blocks), so the words begin that many lines from the end."""
        words = self.raw.count("\n") + 1
        return self.lines[len(self.lines) - words] if len(self.lines) > words else self.lines[0]

    def in_scripts(self, hans: str, hant: str) -> Paragraph:
        """A copy with both scripts filled in. Made without ``dataclasses.replace``,
        whose checks cost more than the copy; this runs for every paragraph."""
        copy = object.__new__(Paragraph)
        copy.__dict__.update(self.__dict__, hans=hans, hant=hant)
        return copy

    def to_json(self, also_reported: tuple[str, ...] = ()) -> dict:
        """Its corpus.json object; ``also_reported``: the ids of other sources' paragraphs that report
        the same statement (generator/match.py), which the paragraph alone does not know."""
        return {
            "id": self.id,
            "also_reported": list(also_reported),
            "event": self.event,
            "source": self.source,
            "seed": self.seed,
            "section": self.section,
            "seq": self.seq,
            "speaker": self.speaker,
            "kind": self.kind.value,
            "text": self.text,
            "zh-Hans": self.hans,
            "zh-Hant": self.hant,
            "topics": list(self.topics),
            "addressed_to": self.addressed_to,
            "lines": list(self.lines),
            "start": self.start,
            "garbled": list(self.garbled),
        }


@dataclass(frozen=True)
class Correction:
    """A paragraph corrected after it was published: the alias the editor recorded with
    ``python -m generator aliases``, with the day and the words before the correction."""

    old: str  # the id the paragraph had
    new: str  # the id it has now (aliases followed)
    date: str  # YYYY-MM-DD, as the alias entry says ("" for an entry written before dates were kept)
    earlier: str  # the earlier words in the source's own script ("" when the entry kept none)
    earlier_hans: str = ""
    earlier_hant: str = ""
    note: str = ""

    def to_json(self) -> dict:
        return {"old": self.old, "new": self.new, "date": self.date, "earlier": self.earlier,
                "zh-Hans": self.earlier_hans, "zh-Hant": self.earlier_hant, "note": self.note}


@dataclass(frozen=True)
class Corpus:
    """Everything Yanlu knows, after linking (and, once converted, in both scripts)."""

    events: tuple[Event, ...]
    sources: tuple[Source, ...]
    speakers: tuple[Speaker, ...]
    topics: tuple[Topic, ...]
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    aliases: tuple[tuple[str, str], ...] = ()  # (old id, current id)
    # paragraph id → ids of other sources' paragraphs reporting the same statement (match.py), sorted
    also_reported: tuple[tuple[str, tuple[str, ...]], ...] = ()
    corrections: tuple[Correction, ...] = ()  # dated corrections with earlier words, by (date, old)
    featured: tuple[str, ...] = ()  # current ids of the paragraphs an editor gave a quote page (featured.yaml)
    removals: tuple[Removal, ...] = ()
    flags: tuple[Flag, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def __repr__(self) -> str:
        return f"Corpus({len(self.events)} events, {len(self.sources)} sources, {len(self.paragraphs)} paragraphs)"


@dataclass(frozen=True)
class Parts:
    """A speaker's or topic's quotes cut into pages by the calendar (render.cut_into_parts).

    A part is named by its events' year, month or day ("2024", "2024-03", "2024-03-14") or,
    finest, by one event ("2024-03-14_<event id>"). A part whose quotes would make too long a page
    is cut into the finer parts of it: its address then lists them (``groups``).
    """

    pages: dict[str, list[Paragraph]]  # part → its quotes (each part's in the order given), oldest part first
    groups: dict[str, tuple[str, ...]]  # a part that was cut → its finer parts, oldest first
    top: dict[str, int]  # the parts the overview lists (pages or groups) → how many quotes each holds

    def quotes_in(self, part: str) -> list[Paragraph]:
        """The quotes of a part, or of every finer part of one that was cut."""
        if part in self.pages:
            return self.pages[part]
        return [p for finer in self.groups[part] for p in self.quotes_in(finer)]

    def parent(self, part: str) -> str | None:
        """The group a part is in; None for a part the overview lists."""
        return next((group for group, parts in self.groups.items() if part in parts), None)

    def page_of(self) -> dict[str, str]:
        """event id → the part with its quotes (an event's quotes are never cut apart)."""
        return {p.event: part for part, quotes in self.pages.items() for p in quotes}
