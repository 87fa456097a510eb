"""Seeds that site_config/ does not list: what their text says about itself.

A transcript dropped into seeds/ is published at once with what can be read
from it — title, date, url and speakers from front matter and first lines,
speakers from its labels, roles from role labels (主持人, Q, Host, Audience) —
and the same reading gives ``python -m generator add`` its draft entries.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, replace

from .clean import clean, fold
from .config import Entry, SiteConfig, entry_with_defaults
from .labels import ROLE_LABELS, is_latin_text, looks_like_name, reads_as_name_once, role_key
from .model import Format, RawText, Role, strip_blank
from .parse import SPEECH_VERBS, parse

SOURCES, EVENTS, SPEAKERS = "site_config/sources.yaml", "site_config/events.yaml", "site_config/speakers.yaml"
_DATE = re.compile(r"(?P<y>(?:19|20)\d{2})\s*[-/.年]\s*(?P<m>\d{1,2})\s*[-/.月]\s*(?P<d>\d{1,2})")
_URL = re.compile(r"https?://[^\s<>\"'）)\]]+")


def short_id(prefix: str, text: str) -> str:
    return f"{prefix}-{hashlib.sha1(text.encode('utf-8')).hexdigest()[:8]}"


@dataclass(frozen=True)
class Voice:
    """A speaker found in a seed: the label as written, its note, and the role it plays."""

    label: str
    note: str
    role: str
    turns: int
    aliases: tuple[str, ...] = ()  # other spellings in the seed: JANE DOE for Jane Doe, Q2 for Q1

    @property
    def id(self) -> str:
        return short_id("auto-speaker", f"{self.label}\n{self.note}" if self.note else self.label)


@dataclass(frozen=True)
class Reading:
    """What a seed says about itself."""

    title: str
    date: str
    url: str
    publisher: str
    script: str
    voices: tuple[Voice, ...]
    guessed: tuple[str, ...]  # the fields read from the text, not declared by front matter
    reported: bool = False  # a news report: no labels, names with verbs of saying (王小川認爲，…)


def guess_script(raw: RawText, hans) -> str:
    """zh-Hans or zh-Hant by what OpenCC would change; 'en' for text with (almost) no Han characters."""
    text = "".join(raw.lines[:200])
    if is_latin_text(text):
        return "en"
    return "zh-Hans" if hans(text) == text else "zh-Hant"


def _title(raw: RawText) -> str:
    meta = raw.meta
    if meta.get("title"):
        return str(meta["title"])
    if raw.format in (Format.SRT, Format.VTT):
        return raw.path.stem
    texts = [strip_blank(mark.text if mark.text is not None else line) for line, mark in
             ((line, raw.mark(i)) for i, line in enumerate(raw.lines)) if mark.role in (Role.TEXT, Role.HEADING)]
    texts = [t for t in texts if t]
    repeats = Counter(texts)
    # Scraped pages open with site chrome (LOADING STUFF…) and inject the title again and again: a line
    # near the top that the text repeats is the title; else the first line.
    repeated = next((t for t in texts[:10] if repeats[t] >= 2 and 15 <= len(t) <= 120 and not looks_like_name(t)
                     and not t.endswith(tuple("。！？.!?…:："))), None)  # no sentence, no speaker header
    return repeated or (texts[0] if texts else raw.path.stem)


def _first_lines(raw: RawText, count: int = 12) -> str:
    return "\n".join(line for line in raw.lines[:count])


def _date(raw: RawText) -> str:
    if raw.meta.get("date"):
        found = _DATE.search(str(raw.meta["date"]))
        return f"{found['y']}-{int(found['m']):02d}-{int(found['d']):02d}" if found else str(raw.meta["date"])
    found = _DATE.search(_first_lines(raw))
    return f"{found['y']}-{int(found['m']):02d}-{int(found['d']):02d}" if found else ""


def _role(label: str, asked: float, first: bool) -> str:
    roles = ROLE_LABELS.get(role_key(label))
    if roles:
        return {"moderator": "host", "questioner": "questioner"}.get(roles[0], "guest")
    return "moderator" if asked >= 0.6 and first else "panelist"


def _same_note(a: str, b: str) -> bool:
    """CPM 大模型 and CPM大模型, 智谱 and 智谱AI: one note written two ways, not two people."""
    a, b = fold(a), fold(b)
    return a == b or a in b or b in a


def _fold(label: str) -> str:
    """One key for the spellings of one voice: case, spaces, and the number of a numbered role (Q1, Q2)."""
    key = re.sub(r"\s+", " ", label).casefold()
    return role_key(key) if re.search(r"\d$", key) and role_key(key) != key else key


_REPORTING = re.compile(rf"(?:^|[，,。；;：:」”])\s*(?P<name>[\u3400-\u9fff]{{2,4}}?)(?:也|则|則|更|还|還|又|同样|同樣)?"
                        rf"(?:{SPEECH_VERBS})")


def _reported_names(probe) -> tuple[str, ...]:
    """Names a report with no labels gives its speakers by (王小川認爲，… / 李大海則嘗試…): each named
    with a verb of saying in two paragraphs or more, at least two such names; else none."""
    counts: Counter = Counter()
    for block in probe.blocks:
        counts.update({m.group("name") for m in _REPORTING.finditer(block.text) if reads_as_name_once(m.group("name"), "。")})
    names = tuple(name for name, n in counts.most_common() if n >= 2)
    return tuple(sorted(names, key=lambda n: next(i for i, b in enumerate(probe.blocks) if n in b.text))) \
        if len(names) >= 2 else ()


def read_seed_itself(raw: RawText, hans) -> Reading:
    """Title, date, url, script and speakers of a seed, from its own text."""
    meta = raw.meta
    guessed = [name for name in ("title", "date", "url") if not meta.get(name)]
    url = str(meta.get("url") or "") or next(iter(_URL.findall(_first_lines(raw))), "")
    title = _title(raw)
    script = guess_script(raw, hans)
    probe_source = entry_with_defaults("sources", dict(id="probe", seed=raw.seed, event="probe", title=title,
                                                       script=script), SOURCES)
    probe = parse(clean(raw, probe_source), probe_source, lambda _label: False, lambda _text: [], open_roster=True)
    turns = Counter(b.label for b in probe.blocks if b.label and b.cue.value == "turn")
    asked = Counter(b.label for b in probe.blocks if b.label and b.cue.value == "turn" and re.search(r"[?？]", b.text))
    notes: dict[str, list[str]] = {}
    for label, note in probe.notes:
        notes.setdefault(label, [])
        if note and not any(_same_note(note, seen) for seen in notes[label]):
            notes[label].append(note)
    voices = []
    spellings: dict[str, list[str]] = {}  # JANE DOE and Jane Doe, Q1 and Q2 are one voice: the first names it
    for label in probe.labels:
        spellings.setdefault(_fold(label), []).append(label)
    for position, label in enumerate(probe.labels):
        same = spellings[_fold(label)]
        if same[0] != label:
            continue
        count = sum(turns[s] for s in same)
        role = _role(label, sum(asked[s] for s in same) / max(count, 1), position == 0)
        numbered = _fold(label) != re.sub(r"\s+", " ", label).casefold()  # Q1: the voice is Q
        name = re.sub(r"\s*\d+$", "", label) if numbered else label
        spelled = tuple(s for s in same if s != name)
        for note in notes.get(label) or [""]:  # two notes on one name are two people
            voices.append(Voice(name, note, role, count, spelled))
    reported = not voices and _reported_names(probe)
    for name in reported or ():
        voices.append(Voice(name, "", "panelist", 0))
    for name in meta.get("speakers", ()):  # declared, whether or not a label names them
        if not any(v.label == name for v in voices):
            voices.append(Voice(name, "", "panelist", 0))
    return Reading(title, _date(raw), url, str(meta.get("publisher") or meta.get("author") or ""), script,
                   tuple(voices), tuple(guessed), bool(reported))


def configure_unlisted(config: SiteConfig, raws: list[RawText], hans) -> tuple[SiteConfig, list[str]]:
    """Configure seeds that site_config/ does not mention, and say what to add.

    Each becomes its own event, its labels its speakers."""
    warnings: list[str] = []
    events, sources, speakers = list(config.events), list(config.sources), list(config.speakers)
    known_ids = {s.id for s in speakers}
    unlisted = set(config.unlisted)
    for raw in raws:
        reading = read_seed_itself(raw, hans)
        source_id, event_id = short_id("auto", raw.seed), short_id("auto-event", raw.seed)
        for voice in reading.voices:
            if voice.id not in known_ids:
                speakers.append(entry_with_defaults("speakers", dict(id=voice.id, name=voice.label,
                                                                     aliases=voice.aliases), SPEAKERS))
                known_ids.add(voice.id)
        roster = tuple(entry_with_defaults("participant", dict(speaker=v.id, role=v.role, affiliation=v.note))
                       for v in reading.voices)
        hosts = [v.id for v in reading.voices if v.role in ("moderator", "host")]
        one_voice = reading.voices[0].id if len(reading.voices) == 1 and not reading.voices[0].turns else None
        sources.append(entry_with_defaults("sources", dict(
            id=source_id, seed=raw.seed, event=event_id, title=reading.title, url=reading.url,
            publisher=reading.publisher, script=reading.script, continuation=not reading.reported,
            reported_speech=reading.reported, speaker=one_voice,
            statements_are_speech=True), SOURCES))
        events.append(entry_with_defaults("events", dict(
            id=event_id, name=reading.title, date=reading.date, participants=roster, sources=(source_id,),
            moderator=hosts[0] if len(hosts) == 1 else None), EVENTS))
        unlisted.add(source_id)
        names = ", ".join(v.label + (f" ({v.note})" if v.note else "") for v in reading.voices) or "none"
        warnings.append(
            f"seeds/{raw.seed} is not in site_config/sources.yaml: read it with defaults and "
            f"{len(reading.voices)} speaker(s) detected from labels ({names}). "
            f"To publish it properly, run `python -m generator add seeds/{raw.seed}` and review what it writes.")
    return replace(config, events=tuple(events), sources=tuple(sources), speakers=tuple(speakers),
                   unlisted=frozenset(unlisted)), warnings
