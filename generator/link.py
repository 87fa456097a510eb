"""link: parsed sources + site_config → one corpus with speakers, kinds and ids.

Speaker labels are resolved against the event's participants only, so 张鹏
in the 云栖大会 panel is 极客公园's founder and 张鹏 at 智源大会 is 智谱's
CEO. Labels that name nobody on the roster, or two people at once, stop the
build with the line to fix. Stable ids are computed here, before any script
conversion, from the source id and the script-normalised text.
"""

from __future__ import annotations

import bisect
import difflib
import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field

from .clean import fold
from .config import Entry, SiteConfig
from .convert import Converter
from .labels import ASKING_ROLES, ROLE_LABELS, role_key
from .model import (Block, Corpus, Cue, Event, Flag, Hint, Kind, Layout, Paragraph, ParsedSource, Participation, Script,
                    Section, Source, Speaker, Topic, YanluError, YanluErrors)

# A host's turn is a question when it asks or prompts: a question mark, a question word, a
# request to speak (请您介绍, 听听朱军老师怎么看, tell us). "谢谢陈晓" asks nothing: it is what they said.
_ASKS = re.compile(
    r"[?？]|吗|嗎|呢|怎|如何|什么|什麼|为什么|為什麼|哪|是否|能否|可否|有没有|有沒有|是不是|会不会|會不會|"
    r"请|請|想问|想問|问一下|問一下|听听|聽聽|谈谈|談談|聊聊|说说|說說|讲讲|講講|介绍|介紹|分享|看法|觉得|覺得|"
    r"评价|評價|看待|展开|展開|回应|回應|"
    r"\b(?:what|how|why|when|where|who|whom|whose|which|do you|did you|are you|is it|can you|could you|"
    r"would you|will you|tell us|tell me|share|thoughts|talk about|walk us|explain|describe|your view)\b", re.I)


def stable_id(prefix: str, *parts: str, length: int = 10) -> str:
    """``prefix`` + the first hex digits of SHA-1 over the parts joined by newlines."""
    digest = hashlib.sha1("\n".join(parts).encode("utf-8")).hexdigest()
    return f"{prefix}{digest[:length]}"


def id_texts(texts: list[str], converter: Converter) -> list[str]:
    """The texts ids are computed from: script-neutral, NFKC, no spaces, lowercase.

    The same paragraph written in either script, with or without restored
    full-width punctuation, gives the same string.
    """
    return [fold(t) for t in converter.canonical(texts)]


def id_text(text: str, converter: Converter) -> str:
    return id_texts([text], converter)[0]


@dataclass
class SpeakerIndex:
    """Who a label or a name in running text can mean, at one event."""

    event: Entry
    config: SiteConfig
    converter: Converter
    _by_key: dict[str, set[str]] = field(default_factory=dict)
    _surface: dict[str, str] = field(default_factory=dict)  # written form → key
    _keys: dict[str, str] = field(default_factory=dict)  # label → key, memoised

    def __post_init__(self):
        for participant in self.event.participants:
            speaker = self.config.speaker(participant.speaker)
            forms = {speaker.name, speaker.name_hant, *speaker.aliases}
            forms |= {self.converter.hant(f) for f in list(forms) if f} | {self.converter.hans(f) for f in list(forms) if f}
            for form in filter(None, forms):
                key = self.key(form)
                self._by_key.setdefault(key, set()).add(speaker.id)
                self._surface[form] = key

    def key(self, label: str) -> str:
        if label not in self._keys:  # the same few labels recur on every turn
            self._keys[label] = fold(self.converter.hans(label))
        return self._keys[label]

    def is_known(self, label: str) -> bool:
        return bool(self.candidates(label))

    def names_in(self, text: str) -> list[str]:
        return [form for form in self._surface if form in text]

    def candidates(self, label: str, note: str = "") -> list[str]:
        """Who a label can mean: a name or alias of a participant, else a role label.

        When a name fits several participants, a note (``Audience (Jane Doe)``) that
        is one's affiliation picks them."""
        key = self.key(label)
        if key in self._by_key:
            found = sorted(self._by_key[key])
        else:
            roles = ROLE_LABELS.get(role_key(label), ())
            found = sorted(p.speaker for p in self.event.participants if p.role in roles)
        if len(found) > 1 and note:
            noted = [p.speaker for p in self.event.participants
                     if p.speaker in found and p.affiliation and self.key(p.affiliation) == self.key(note)]
            return noted or found
        return found

    def role(self, speaker_id: str) -> str:
        return next(p.role for p in self.event.participants if p.speaker == speaker_id)


@dataclass
class _Unresolved:
    """Labels that name nobody or two people, with the lines where they are written."""

    unknown: dict[str, list[int]] = field(default_factory=dict)
    ambiguous: dict[str, list[int]] = field(default_factory=dict)

    def errors(self, index: SpeakerIndex, where: str) -> list[YanluError]:
        out = []
        known = sorted({f for f in index._surface})
        for label, lines in self.unknown.items():
            close = difflib.get_close_matches(label, known, n=1, cutoff=0.5)
            hint = f" Did you mean '{close[0]}'?" if close else ""
            out.append(YanluError(
                where, f"couldn't find speaker '{label}' among the participants of event '{index.event.id}'"
                       f" (written on line{'s' if len(lines) > 1 else ''} {_line_list(lines)}).{hint}",
                f"Add '{label}' as a name or alias in site_config/speakers.yaml and list that speaker under "
                f"'{index.event.id}' in events.yaml; or, if it is not a speaker, add its line to the source's 'headings'.",
                lines[0]))
        for label, lines in self.ambiguous.items():
            out.append(YanluError(
                where, f"speaker label '{label}' is ambiguous: it could be {' or '.join(index.candidates(label))}"
                       f" (line{'s' if len(lines) > 1 else ''} {_line_list(lines)})",
                "Add an 'overrides' entry for this paragraph in site_config/sources.yaml naming the right speaker id.",
                lines[0]))
        return out


def _line_list(lines: list[int]) -> str:
    shown = ", ".join(map(str, lines[:8]))
    return shown + (f" and {len(lines) - 8} more" if len(lines) > 8 else "")


def _resolve(label: str, index: SpeakerIndex, line: int, unresolved: _Unresolved, report: bool = True,
             note: str = "") -> str | None:
    found = index.candidates(label, note)
    if len(found) == 1:
        return found[0]
    if report:
        bucket = unresolved.unknown if not found else unresolved.ambiguous
        bucket.setdefault(label, []).append(line)
    return None


def asks(text: str) -> bool:
    return bool(_ASKS.search(text.strip()))


def _kind_and_speaker(block: Block, index: SpeakerIndex, unresolved: _Unresolved, voice: str | None,
                      turn_asks: bool) -> tuple[Kind, str | None, str | None]:
    line = block.lines[0]
    if block.cue is Cue.QUESTION_CUE:
        addressed = _resolve(block.addressed_to, index, line, unresolved)
        return Kind.QUESTION, index.event.moderator, addressed
    if block.kind_hint is Hint.NARRATION:
        return Kind.NARRATION, None, None
    if block.kind_hint is Hint.UNATTRIBUTED:
        return Kind.UNATTRIBUTED, None, None
    if block.kind_hint is Hint.UNKNOWN:
        return Kind.SPEECH, None, None
    if block.cue is Cue.VOICE:
        speaker = voice
    else:
        # A continuation repeats its turn's label: report the label where it is written, once.
        speaker = _resolve(block.label, index, line, unresolved, block.cue is not Cue.CONTINUATION,
                           block.note) if block.label else None
    if block.kind_hint is Hint.HIGHLIGHT:
        return Kind.HIGHLIGHT, speaker, None
    if block.cue is not Cue.REPORTED and speaker and index.role(speaker) in ASKING_ROLES and turn_asks:
        return Kind.QUESTION, speaker, None
    return Kind.SPEECH, speaker, None


def _turns_that_ask(blocks: tuple[Block, ...]) -> list[bool]:
    """For each block, whether the turn it belongs to asks anything: a host's
    preamble before the question is part of the question, a host's thanks is not."""
    out = [False] * len(blocks)
    start = 0
    for i in range(1, len(blocks) + 1):
        if i == len(blocks) or blocks[i].cue is not Cue.CONTINUATION or blocks[i].label != blocks[start].label:
            turn = range(start, i)
            asked = any(asks(blocks[j].text) for j in turn)
            for j in turn:
                out[j] = asked
            start = i
    return out


def _apply_overrides(paragraphs: list[Paragraph], source: Entry) -> tuple[list[Paragraph], list[YanluError]]:
    out, errors = list(paragraphs), []
    for override in source.overrides:
        hits = [i for i, p in enumerate(out) if re.search(override.match, p.text)]
        if not hits:
            errors.append(YanluError(
                source.file, f"override '{override.match}' of source '{source.id}' matches no paragraph",
                "The text may have changed: correct the pattern or remove the override.", override.line))
        for i in hits:
            kind = Kind(override.kind) if override.kind else out[i].kind
            if override.speaker is None and not override.kind:
                kind = Kind.NARRATION
            out[i] = Paragraph(**{**out[i].__dict__, "speaker": override.speaker, "kind": kind})
    return out, errors


def _keyword_pattern(keyword: str, converter: Converter) -> re.Pattern:
    """A keyword in Simplified script; Latin keywords match whole words only (RL, not world)."""
    word = converter.hans(keyword).lower()
    if re.fullmatch(r"[a-z0-9 ]+", keyword.lower()):
        # The look-behind comes after the first letter, not before it: then the regex engine
        # can still skip to where that letter occurs (four times faster over a source).
        first = re.escape(word[0])
        return re.compile(rf"{first}(?<![a-z0-9]{first}){re.escape(word[1:])}(?![a-z0-9])")
    return re.compile(re.escape(word))


@dataclass(frozen=True)
class TopicPattern:
    """A topic's keywords in lowercased Simplified text: as a pattern, and as plain words,
    which a source must contain somewhere before its paragraphs are searched at all."""

    topic: str
    pattern: re.Pattern
    words: tuple[str, ...]

    def in_text(self, text: str) -> bool:
        return any(word in text for word in self.words)


def _topics_of_lines(topics: list[TopicPattern], text: str) -> list[tuple[str, ...]]:
    """The topics each line of ``text`` (lowercased Simplified, one paragraph a line) is on.

    Each topic's pattern runs over the whole text, from one line holding it to the next,
    not once per line: keywords hold no newline, and their Latin word boundaries see a
    newline as they see a line's end.
    """
    starts = [0]
    for line in text.split("\n")[:-1]:
        starts.append(starts[-1] + len(line) + 1)
    found: list[set[str]] = [set() for _ in starts]
    present = [t for t in topics if t.in_text(text)]  # most topics are nowhere in one source
    for topic in present:
        match = topic.pattern.search(text)
        while match:  # one hit is enough for a line: go on from the next one
            line = bisect.bisect_right(starts, match.start()) - 1
            found[line].add(topic.topic)
            match = topic.pattern.search(text, starts[line + 1]) if line + 1 < len(starts) else None
    return [tuple(t.topic for t in present if t.topic in on) for on in found]


def topic_patterns(config: SiteConfig, converter: Converter) -> list[TopicPattern]:
    """One pattern per topic, matching any of its keywords in lowercased Simplified text."""
    return [TopicPattern(t.id, re.compile("|".join(_keyword_pattern(k, converter).pattern for k in t.keywords)),
                         tuple(converter.hans(k).lower() for k in t.keywords))
            for t in config.topics]


def link_source(parsed: ParsedSource, source: Entry, config: SiteConfig, converter: Converter,
                topics: list[TopicPattern], index: SpeakerIndex | None = None
                ) -> tuple[list[Section], list[Paragraph], list[YanluError]]:
    """One source's sections and paragraphs with speakers, kinds, topics and ids, and the labels it
    could not resolve (errors, with their lines)."""
    event = config.event(source.event)
    index = index or SpeakerIndex(event, config, converter)
    where = f"seeds/{source.seed}"
    sections = []
    section_ids: dict[int, str] = {}
    titles_seen: Counter = Counter()
    title_keys = id_texts([s.title for s in parsed.sections], converter)
    for section, key in zip(parsed.sections, title_keys):
        titles_seen[key] += 1
        ordinal = [] if titles_seen[key] == 1 else [str(titles_seen[key])]
        section_ids[section.index] = stable_id("s-", source.id, key, *ordinal, length=8)
        sections.append(Section(section_ids[section.index], source.id, section.index, section.title, section.line))

    texts_seen: Counter = Counter()
    paragraphs = []
    text_keys = id_texts([b.text for b in parsed.blocks], converter)
    simplified = converter.hans("\n".join(b.text.replace("\n", " ") for b in parsed.blocks)).lower()
    on_topics = _topics_of_lines(topics, simplified)
    unresolved = _Unresolved()
    turn_asks = _turns_that_ask(parsed.blocks) if source.statements_are_speech else [True] * len(parsed.blocks)
    for seq, (block, key) in enumerate(zip(parsed.blocks, text_keys), start=1):
        kind, speaker, addressed = _kind_and_speaker(block, index, unresolved, source.speaker, turn_asks[seq - 1])
        texts_seen[key] += 1
        ordinal = [] if texts_seen[key] == 1 else [str(texts_seen[key])]
        paragraphs.append(Paragraph(
            id=stable_id("q-", source.id, key, *ordinal), event=event.id, source=source.id, seed=source.seed,
            section=section_ids[block.section], seq=seq, speaker=speaker, kind=kind, text=block.text,
            raw=block.raw, lines=block.lines, topics=on_topics[seq - 1],
            addressed_to=addressed, start=block.start,
        ))
    paragraphs, override_errors = _apply_overrides(paragraphs, source)
    return sections, paragraphs, unresolved.errors(index, where) + override_errors


def with_garbled_runs(paragraphs: list[Paragraph], flags: tuple[Flag, ...]) -> list[Paragraph]:
    """Each paragraph with the mojibake runs the cleaner flagged on its lines (``Paragraph.garbled``),
    so that every page can mark them as garbled, not present them as words. Runs are kept as found
    (clean protects them), so each is found verbatim in the paragraph's text."""
    runs_on: dict[int, list[str]] = {}
    for flag in flags:
        if flag.rule == "mojibake":
            runs_on.setdefault(flag.line, []).append(flag.text)
    if not runs_on:
        return paragraphs
    marked = []
    for p in paragraphs:
        runs = tuple(dict.fromkeys(run for line in p.lines for run in runs_on.get(line, ()) if run in p.text))
        marked.append(Paragraph(**{**p.__dict__, "garbled": runs}) if runs else p)
    return marked


def build_entities(config: SiteConfig, converter: Converter, layouts: dict[str, Layout]):
    speakers = tuple(
        Speaker(s.id, s.name, s.name_hant or converter.hant(s.name), s.aliases, s.note) for s in config.speakers
    )
    topics = tuple(Topic(t.id, t.name, t.name_hant or converter.hant(t.name), t.keywords) for t in config.topics)
    events = tuple(
        Event(e.id, e.name, e.name_hant or converter.hant(e.name), e.date, e.place, e.moderator,
              tuple(Participation(p.speaker, p.role, p.affiliation, p.title) for p in e.participants), e.sources)
        for e in config.events
    )
    sources = tuple(
        Source(s.id, s.seed, s.event, s.title, s.publisher, s.url, Script.of(s.script), layouts.get(s.id, Layout.TURNS),
               s.script)
        for s in config.sources
    )
    return events, sources, speakers, topics


def assemble(config: SiteConfig, converter: Converter, parsed: list[ParsedSource], sections: list[Section],
             paragraphs: list[Paragraph], found: tuple[YanluError, ...] = ()) -> Corpus:
    """Put linked sources together: check ids across sources, resolve aliases, add the entities.

    Raises YanluErrors with the problems the sources ``found`` and those found here."""
    errors = list(found)
    seen: dict[str, Paragraph] = {}
    for p in paragraphs:
        if p.id in seen:
            errors.append(YanluError(f"seeds/{p.seed}", f"paragraph id {p.id} collides with one in {seen[p.id].seed}",
                                     "Report this: ids would need to be longer.", p.lines[0]))
        seen[p.id] = p
    aliases, alias_errors = _resolve_aliases(config, seen)
    errors += alias_errors
    featured = _resolve_featured(config, seen, dict(aliases))
    if errors:
        raise YanluErrors(errors)
    events, sources, speakers, topics = build_entities(config, converter, {p.source_id: p.layout for p in parsed})
    return Corpus(events=events, sources=sources, speakers=speakers, topics=topics,
                  sections=tuple(sections), paragraphs=tuple(paragraphs), aliases=aliases, featured=featured)


def _resolve_featured(config: SiteConfig, current: dict, aliases: dict[str, str]) -> tuple[str, ...]:
    """The featured paragraphs' current ids (an old id of a corrected paragraph leads to the new one); an id
    that names no paragraph is left out, and warned about (``featured_warnings``)."""
    found = {entry.id if entry.id in current else aliases.get(entry.id) for entry in config.featured}
    return tuple(sorted(found - {None}))


def featured_warnings(config: SiteConfig, corpus: Corpus) -> list[str]:
    """A featured id that names no paragraph (its seed was edited, without an alias): its page is not built."""
    known = {p.id for p in corpus.paragraphs} | {old for old, _new in corpus.aliases}
    return [f"{entry.file}, line {entry.line}: featured paragraph {entry.id} does not exist, so it gets no quote page. "
            "Fix: copy the paragraph's id from its #q-… link on its event page, or remove the entry."
            for entry in config.featured if entry.id not in known]


def _resolve_aliases(config: SiteConfig, current: dict) -> tuple[tuple[tuple[str, str], ...], list[YanluError]]:
    """Follow each alias to a paragraph that exists now (a corrected paragraph may be corrected again)."""
    step = {a.old: a for a in config.aliases}
    resolved, errors = [], []
    for alias in config.aliases:
        target, hops = alias.new, 0
        while target not in current and target in step and hops < len(step):
            target, hops = step[target].new, hops + 1
        if target in current:
            resolved.append((alias.old, target))
        else:
            errors.append(YanluError(alias.file, f"alias {alias.old} → {alias.new} leads to no paragraph",
                                     "Point it at the paragraph's current id (see docs/data/corpus.json) or run "
                                     "`python -m generator aliases`.", alias.line))
    return tuple(sorted(resolved)), errors
