"""The editor's configuration in ``site_config/``: declared once, validated once.

Five files, each a list under one key:

- ``events.yaml``   (``events:``)   what happened, when, where, who took part
- ``sources.yaml``  (``sources:``)  which seed file tells of which event, and how to read it
- ``speakers.yaml`` (``speakers:``) people, with the aliases transcripts use for them
- ``topics.yaml``   (``topics:``)   themes, found in paragraphs by keyword
- ``glossary.yaml`` (``protect:``)  names that script conversion must not touch,
  and phrase overrides where character conversion is wrong in context
- ``aliases.yaml``  (``aliases:``)  old paragraph ids that must keep working, with the date and the
  earlier words of each correction (``python -m generator aliases`` writes them)
- ``matches.yaml``  (``matches:``)  the editor's verdict on paragraphs of two sources that report one
  statement (optional file; generator/match.py finds the pairs)

Every field is declared below with a one-line description; loading collects
every problem (file, line, what, how to fix) before stopping.
"""

from __future__ import annotations

import datetime
import difflib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Callable

import yaml

from .model import YanluError, YanluErrors

try:  # the regular-expression parser, to look at an editor's pattern before it runs
    from re import _constants as sre_constants, _parser as sre_parse
except ImportError:  # Python < 3.11
    import sre_constants, sre_parse  # noqa: E401

# ------------------------------------------------------------------ YAML with line numbers


class _Mapping(dict):
    """A YAML mapping that remembers the line of each key (1-based)."""

    line: int = 0
    key_lines: dict


class _Sequence(list):
    line: int = 0


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # libyaml's parser when present: ~10x faster
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> _Mapping:
    loader.flatten_mapping(node)
    mapping = _Mapping()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = key_node.start_mark.line + 1
    return mapping


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> _Sequence:
    seq = _Sequence(loader.construct_object(child, deep=True) for child in node.value)
    seq.line = node.start_mark.line + 1
    return seq


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    # Dates, numbers and booleans stay as the editor typed them; fields convert.
    return loader.construct_scalar(node)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
for _tag in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float"):
    _LineLoader.add_constructor(_tag, _construct_str)


# Invisible characters that text copied from a web page carries: C0 controls but tab, newline and
# carriage return, DEL, the C1 controls U+0080–U+009F (U+0085 is a line break to YAML) and the line
# and paragraph separators U+2028/U+2029. Configuration is typed by an editor: refused, with where.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u2028\u2029]")


# What YAML reads as a line break or refuses, though JSON leaves it as it is: DEL, the C1 controls
# (U+0085 is a line break to YAML), the line and paragraph separators, BOM, non-characters, lone surrogates.
_YAML_UNSAFE = re.compile("[\x7f-\x9f\u2028\u2029\ufeff\ufffe\uffff\ud800-\udfff]")


def yaml_value(value: Any) -> str:
    """A value as YAML that reads back exactly, written by a serializer: JSON (which is YAML), with
    what YAML alone would break on escaped too. For every header and file the generator writes."""
    return _YAML_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", json.dumps(value, ensure_ascii=False))


def _line_and_column(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def control_characters(text: str, where: str) -> list[YanluError]:
    """One error per line holding control characters, naming them, their column and the fix."""
    errors, seen = [], set()
    for match in CONTROL.finditer(text):
        line, column = _line_and_column(text, match.start())
        if line in seen:
            continue
        seen.add(line)
        errors.append(YanluError(
            where, f"column {column} holds the invisible control character U+{ord(match.group()):04X}, "
                   "which text copied from a web page often carries",
            "Delete it (retype the text around it, or remove it in an editor that shows invisible characters).", line))
    return errors


def load_yaml(path: Path) -> Any:
    """Parse one YAML file, turning syntax errors into an editor's message."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise YanluError(str(path), "file is missing", f"Create {path.name}; see README, 'site_config'.")
    except UnicodeDecodeError as exc:
        line, _column = _line_and_column(path.read_bytes().decode("utf-8", "replace"), exc.start)
        raise YanluError(str(path), "is not UTF-8 text", "Save the file as UTF-8.", line=line)
    except OSError as exc:
        raise YanluError(str(path), f"cannot be read ({exc.strerror})",
                         "Check that it is a file you may read (ls -l shows its permissions).")
    controls = control_characters(text, str(path))
    if controls:
        raise YanluErrors(controls) if len(controls) > 1 else controls[0]
    try:
        return yaml.load(text, Loader=_LineLoader)
    except yaml.reader.ReaderError as exc:  # a character YAML refuses (e.g. U+FFFE)
        line, column = _line_and_column(text, exc.position)
        raise YanluError(str(path), f"column {column} holds the character U+{exc.character if isinstance(exc.character, int) else ord(exc.character):04X}, which YAML does not allow",
                         "Delete that character.", line=line)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        problem = f"this is not valid YAML ({exc.problem or exc.context})"
        hint = "Check indentation (spaces, not tabs) and that every 'key: value' has a space after the colon."
        if exc.problem and ("'\\t'" in exc.problem or "tab" in exc.problem):
            hint = "Replace the tab characters with spaces."
        raise YanluError(str(path), problem, hint, line=line)


# ------------------------------------------------------------------ schema


@dataclass(frozen=True)
class Field:
    """One configuration key: its type check and what it is for."""

    doc: str
    check: Callable[[Any], Any]
    required: bool = True
    default: Any = None


class FieldError(ValueError):
    """A value that fails its check, with a fix more precise than the field's description."""

    def __init__(self, problem: str, hint: str):
        super().__init__(problem)
        self.hint = hint


def _text(value: Any) -> str:
    if isinstance(value, (dict, list)) or value is None:
        raise ValueError("expected a piece of text")
    return str(value).strip()


def _ident(value: Any) -> str:
    text = _text(value)
    if not re.fullmatch(r"[a-z0-9]+(?:-[a-z0-9]+)*", text):
        raise ValueError(
            f"'{text}' is not a valid id. Use lowercase letters, digits and hyphens, like 'zhang-peng-zhipu'"
        )
    return text


def _optional_ident(value: Any) -> str | None:
    return None if value in (None, "", "null", "~") else _ident(value)


def _date(value: Any) -> str:
    text = _text(value)
    problem = f"'{text}' is not a date. Write it as YYYY-MM-DD (or YYYY-MM when the day is unknown)"
    if not re.fullmatch(r"\d{4}(-\d{2}(-\d{2})?)?", text):
        raise ValueError(problem)
    try:
        datetime.date.fromisoformat((text + "-01-01")[:10] if len(text) < 10 else text)
    except ValueError:
        raise ValueError(problem)
    return text


def _day(value: Any) -> str:
    """A whole date, YYYY-MM-DD (the day a correction was recorded)."""
    text = _date(value)
    if len(text) != 10:
        raise ValueError(f"'{text}' is not a whole date. Write the day as YYYY-MM-DD, e.g. 2024-06-14")
    return text


_LANGUAGE_TAG = re.compile(r"[a-z]{2,3}(?:-[A-Za-z]{4})?(?:-(?:[A-Za-z]{2}|\d{3}))?(?:-[A-Za-z0-9]{5,8})*")


def _script(value: Any) -> str:
    text = _text(value)
    if text in ("zh-Hans", "zh-Hant"):
        return text
    if text.lower().startswith("zh") or not _LANGUAGE_TAG.fullmatch(text):
        raise ValueError(f"'{text}' is not a script. Use 'zh-Hans' (Simplified) or 'zh-Hant' (Traditional) for Chinese, "
                         "or a language tag such as 'en' or 'ja' for text shown as written in both scripts")
    return text


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if str(value).lower() in ("true", "yes", "on"):
        return True
    if str(value).lower() in ("false", "no", "off"):
        return False
    raise ValueError(f"'{value}' is not true or false")


def _text_list(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("expected a list, one item per line starting with '- '")
    items = tuple(_text(v) for v in value)
    for number, item in enumerate(items, start=1):
        if not item:
            raise FieldError(f"item {number} of the list is empty (an empty word is found in every paragraph)",
                             "Delete the empty item, or write the word it should be.")
    return items


_REPEATS = {sre_constants.MAX_REPEAT, sre_constants.MIN_REPEAT} | (
    {sre_constants.POSSESSIVE_REPEAT} if hasattr(sre_constants, "POSSESSIVE_REPEAT") else set())
_ANY_CHAR = object()  # a position matching characters not worked out here: overlaps everything


def _first_chars(items) -> set:
    """What the first character matched by a parsed pattern can be (roughly; _ANY_CHAR when unsure)."""
    for op, arg in items:
        if op is sre_constants.LITERAL:
            return {chr(arg)}
        if op is sre_constants.AT:  # ^, $, \b: match no character, look further
            continue
        if op is sre_constants.SUBPATTERN:
            return _first_chars(arg[-1])
        if op is sre_constants.BRANCH:
            return set().union(*(_first_chars(alt) for alt in arg[1]))
        if op is sre_constants.IN and all(o is sre_constants.LITERAL for o, _ in arg):
            return {chr(a) for _, a in arg}
        return {_ANY_CHAR}
    return {_ANY_CHAR}


def _overlap(a: set, b: set) -> bool:
    return bool(a & b) or _ANY_CHAR in a or _ANY_CHAR in b


def _catastrophic(items, inside_repeat: bool = False) -> str:
    """Why a parsed pattern can take exponential time on a line that does not match ('' when it cannot):
    a repetition inside a repetition, like (a+)+ or (a*)*, or a repeated alternation whose choices
    can match the same text, like (a|a)+ or (a|ab)*."""
    for op, arg in items:
        if op in _REPEATS:
            _low, high, body = arg
            repeats = high > 1
            if repeats and inside_repeat:
                return "it repeats a part that itself repeats"
            found = _catastrophic(body, inside_repeat or repeats)
            if found:
                return found
            if repeats:
                for bop, barg in _unwrap(body):
                    if bop is sre_constants.BRANCH:
                        starts = [_first_chars(alt) for alt in barg[1]]
                        if any(_overlap(x, y) for i, x in enumerate(starts) for y in starts[i + 1:]):
                            return "it repeats a choice whose alternatives can match the same text"
        elif op is sre_constants.SUBPATTERN:
            found = _catastrophic(arg[-1], inside_repeat)
            if found:
                return found
        elif op is sre_constants.BRANCH:
            for alt in arg[1]:
                found = _catastrophic(alt, inside_repeat)
                if found:
                    return found
        elif op in (sre_constants.ASSERT, sre_constants.ASSERT_NOT):
            found = _catastrophic(arg[1], inside_repeat)
            if found:
                return found
    return ""


def _unwrap(items):
    """A pattern's items, with groups opened up (the alternation in (a|b)+ is inside its group)."""
    for op, arg in items:
        if op is sre_constants.SUBPATTERN:
            yield from _unwrap(arg[-1])
        else:
            yield op, arg


def check_pattern(pattern: str) -> str:
    """A pattern an editor wrote, refused when it is invalid, empty or could hang the build."""
    if not pattern.strip():
        raise FieldError("an empty pattern matches every line", "Remove it, or write the text it should match.")
    try:
        re.compile(pattern)
        parsed = sre_parse.parse(pattern)
    except re.error as exc:
        raise ValueError(f"'{pattern}' is not a valid pattern ({exc})")
    why = _catastrophic(list(parsed))
    if why:
        raise FieldError(
            f"pattern '{pattern}' could take hours on one long line: {why}",
            "Repeat a single part once, e.g. '^a+$' instead of '^(a+)+$', '(ab)+' instead of '(a|ab)+'.")
    return pattern


def _pattern_list(value: Any) -> tuple[str, ...]:
    # Every character counts in a pattern: '^## ' must keep its space (it is not '^##', which matches '### ').
    if value is None:
        return ()
    if not isinstance(value, list):
        raise ValueError("expected a list, one item per line starting with '- '")
    patterns = tuple(_text(v) if not isinstance(v, str) else v for v in value)
    return tuple(check_pattern(p) for p in patterns)


def _url(value: Any) -> str:
    """An address readers may follow: http(s) or relative, nothing a browser would run."""
    text = _text(value)
    scheme = re.match(r"([A-Za-z][A-Za-z0-9+.\-]*):", text)
    if re.search(r"\s", text) or (scheme and scheme.group(1).lower() not in ("http", "https")) \
            or (scheme and not re.match(r"https?://[^/?#\\]+", text, re.IGNORECASE)) or text.startswith("\\"):
        raise FieldError(f"'{text}' is not a web address (only http:// and https:// links are published)",
                         "Write the address the article has in a browser's address bar, starting with https:// "
                         "(or leave 'url' out).")
    return text


def _paragraph_id(value: Any) -> str:
    text = _text(value)
    if not re.fullmatch(r"q-[0-9a-f]{10}", text):
        raise FieldError(f"'{text}' is not a paragraph id",
                         "Paragraph ids look like q-1a2b3c4d5e (q- and 10 hex digits); copy it from the page's "
                         "#q-… link, or let `python -m generator aliases` write this file.")
    return text


def _headings(value: Any):
    """A list of patterns, or false: no guessed headings at all."""
    if value is False or str(value).lower() in ("false", "no", "off"):
        return False
    return _pattern_list(value)


def _label_patterns(value: Any) -> tuple[str, ...]:
    patterns = _pattern_list(value)
    for p in patterns:
        if "name" not in re.compile(p).groupindex:
            raise ValueError(f"'{p}' has no group named 'name'. Write the name's part as (?P<name>…), e.g. "
                             "'^(?P<name>[^|]+)\\|\\s*(?P<text>.*)$'")
    return patterns


def _ident_list(value: Any) -> tuple[str, ...]:
    return tuple(_ident(v) for v in _text_list(value))


def _records(schema: dict[str, Field]) -> Callable[[Any], tuple]:
    """A list of mappings, each checked against ``schema``; used for nested lists."""

    def check(value: Any) -> tuple:
        if value is None:
            return ()
        if not isinstance(value, list):
            raise ValueError("expected a list of entries, each starting with '- '")
        return tuple(value)

    check.schema = schema  # type: ignore[attr-defined]
    return check


PARTICIPANT = {
    "speaker": Field("The speaker's id from speakers.yaml.", _ident),
    "role": Field("moderator, host, panelist, guest or questioner.", _text),
    "affiliation": Field("Organisation at the time of this event, e.g. 智谱 AI.", _text, False, ""),
    "title": Field("Position at the time of this event, e.g. CEO.", _text, False, ""),
}

REGION = {
    "from": Field("Pattern of the first line of the region (included).", lambda v: _pattern_list([v])[0]),
    "until": Field("Pattern of the first line after the region (not included).", lambda v: _pattern_list([v])[0]),
    "reason": Field("Why, in a few words; shown in the cleaning report.", _text, False, ""),
}

OVERRIDE = {
    "match": Field("Pattern found in the paragraph's text (its first line).", lambda v: _pattern_list([v])[0]),
    "speaker": Field("Speaker id, or null for nobody.", _optional_ident, False, None),
    "kind": Field("speech, question, narration, highlight or unattributed.", _text, False, ""),
    "reason": Field("Why the parser's guess was wrong.", _text, False, ""),
}

SCHEMAS: dict[str, dict[str, Field]] = {
    "events": {
        "id": Field("Short id used in page addresses, e.g. baai-2024-peak-dialogue.", _ident),
        "name": Field("Event name in Simplified Chinese.", _text),
        "name_hant": Field("Event name in Traditional Chinese (default: converted).", _text, False, ""),
        "date": Field("Date the event took place, YYYY-MM-DD.", _date),
        "place": Field("City or venue.", _text, False, ""),
        "moderator": Field("Speaker id of the moderator or host.", _optional_ident, False, None),
        "participants": Field("Who took part, with role and affiliation at the time.", _records(PARTICIPANT)),
        "sources": Field("Ids of the sources (sources.yaml) that report this event.", _ident_list),
    },
    "sources": {
        "id": Field("Short id; paragraph ids are derived from it, so never change it.", _ident),
        "seed": Field("File name in seeds/.", _text),
        "event": Field("Id of the event this source reports.", _ident),
        "title": Field("Title of the source as published; the matching line is removed from the text.", _text),
        "publisher": Field("Who published it.", _text, False, ""),
        "url": Field("Where it was published, if the text says.", _url, False, ""),
        "script": Field("zh-Hans or zh-Hant: the script the seed is written in; or a language tag (en, ja …) for "
                        "text that is shown as written on both script sites, never converted.", _script),
        "encoding": Field("Text encoding of the seed if it is not UTF-8, e.g. big5 or gbk.", _text, False, ""),
        "noise": Field("Patterns of whole lines to remove (site chrome, footers).", _pattern_list, False, ()),
        "trim": Field("Patterns of text to cut from inside lines (a byline at a paragraph's end).", _pattern_list, False, ()),
        "drop": Field("Regions to remove, from a line to before another.", _records(REGION), False, ()),
        "highlights": Field("Regions that are editorial highlights or summaries, not speech.", _records(REGION), False, ()),
        "headings": Field("Patterns of lines that are section headings, or false for none but the declared and "
                          "Markdown ones (no guessing).", _headings, False, ()),
        "not_headings": Field("Patterns of short lines that are text, not headings (where the guess is wrong).",
                              _pattern_list, False, ()),
        "labels": Field("Patterns of a house style of speaker labels, with a group named 'name' (and optionally "
                        "'note' and 'text').", _label_patterns, False, ()),
        "statements_are_speech": Field("true when host and moderator lines that ask nothing (thanks, an opinion) "
                                       "are speech; otherwise every host line is a question.", _bool, False, False),
        "speaker": Field("Speaker id of the one voice of a monologue or subtitle file: every paragraph without a "
                         "label is theirs.", _optional_ident, False, None),
        "unattributed": Field("Patterns of section headings whose answers carry no names.", _pattern_list, False, ()),
        "reported_speech": Field("true when paragraphs say 'X認爲,…' instead of 'X:'.", _bool, False, False),
        "continuation": Field("true when an unlabelled paragraph continues the previous speaker.", _bool, False, True),
        "overrides": Field("Corrections: paragraphs whose speaker or kind the parser gets wrong.", _records(OVERRIDE), False, ()),
    },
    "speakers": {
        "id": Field("Short id, e.g. zhang-peng-zhipu; two people with one name get two ids.", _ident),
        "name": Field("Name in Simplified Chinese.", _text),
        "name_hant": Field("Name in Traditional Chinese (default: converted).", _text, False, ""),
        "aliases": Field("Other names transcripts use: English names, Traditional spellings.", _text_list, False, ()),
        "note": Field("Who this is, in a few words (shown on the speaker page).", _text, False, ""),
    },
    "topics": {
        "id": Field("Short id, e.g. price-war.", _ident),
        "name": Field("Topic name in Simplified Chinese.", _text),
        "name_hant": Field("Topic name in Traditional Chinese (default: converted).", _text, False, ""),
        "keywords": Field("Words that put a paragraph on this topic (either script).", _text_list),
    },
    "aliases": {
        "old": Field("A paragraph id that was published and no longer exists.", _paragraph_id),
        "new": Field("The id of the same paragraph now.", _paragraph_id),
        "note": Field("What changed.", _text, False, ""),
        "date": Field("The day the correction was recorded, YYYY-MM-DD (`python -m generator aliases` writes it); "
                      "shown as 修订于 on the paragraph.", _day, False, ""),
        "earlier": Field("The paragraph's words before the correction (`python -m generator aliases` keeps them); "
                         "readers can open them under the paragraph.", _text, False, ""),
    },
    "matches": {
        "a": Field("A paragraph id (q-…) of one source of an event.", _paragraph_id),
        "b": Field("A paragraph id of another source of the same event.", _paragraph_id),
        "same": Field("true: both report the same statement (shown as 'also reported by', even if not found); "
                      "false: they do not (a pair found by likeness is dropped).", _bool),
        "note": Field("Why, in a few words.", _text, False, ""),
    },
    "featured": {
        "id": Field("The id of a paragraph that gets a quote page of its own (quotes/<id>/), e.g. q-1a2b3c4d5e.",
                    _paragraph_id),
        "note": Field("Why it is featured (for editors; not shown).", _text, False, ""),
    },
    "protect": {
        "hans": Field("The term in Simplified Chinese.", _text),
        "hant": Field("The same term in Traditional Chinese.", _text),
        "note": Field("Why it is protected: a name, a product, a context.", _text, False, ""),
    },
}

# Ids that are page addresses (events/<id>/, speakers/<id>/, topics/<id>/) or anchors (a source's id is
# an anchor on its event page): refused where they would collide with what the site writes itself.
_SITE_NAMES = frozenset({"index", "404", "assets", "data", "search", "q", "pagefind", "zh-hans", "zh-hant",
                         "events", "speakers", "topics", "quotes"})
RESERVED_IDS = {
    "events": _SITE_NAMES,
    "speakers": _SITE_NAMES,
    "topics": _SITE_NAMES,
    # anchors of the event page's own headings (templates/event.md.j2)
    "sources": frozenset({"participants", "sources"}),
}



def is_reserved(key: str, ident: str) -> bool:
    """Whether an id of an entry of ``key`` (events, sources …) is a name the site uses itself."""
    return (ident in RESERVED_IDS.get(key, frozenset())
            or key == "sources" and re.fullmatch(r"[qs]-[0-9a-f]+", ident) is not None
            # A year is the address of that year's list of events (events/2024/).
            or key == "events" and re.fullmatch(r"\d{4}", ident) is not None)


FILES = {
    "events": "events.yaml",
    "sources": "sources.yaml",
    "speakers": "speakers.yaml",
    "topics": "topics.yaml",
    "protect": "glossary.yaml",
    "aliases": "aliases.yaml",
    "matches": "matches.yaml",
    "featured": "featured.yaml",
}
# Files a project may leave out (older projects have none): a missing one is an empty list.
OPTIONAL_FILES = frozenset({"matches", "featured"})


# ------------------------------------------------------------------ validated config


@dataclass(frozen=True)
class Entry:
    """One validated entry: its values by field name, and where it was written."""

    values: dict
    file: str
    line: int

    def __post_init__(self):
        # Read as attributes on every line of every seed: plain instance attributes are the fastest.
        self.__dict__.update((k, v) for k, v in self.values.items() if k not in ("values", "file", "line"))

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name == "values":  # not a field: unpickling asks before values exist
            raise AttributeError(name)
        try:
            return self.values[name]
        except KeyError:
            raise AttributeError(name)


@dataclass(frozen=True)
class SiteConfig:
    """All of ``site_config/``, validated and cross-checked."""

    root: Path
    events: tuple[Entry, ...]
    sources: tuple[Entry, ...]
    speakers: tuple[Entry, ...]
    topics: tuple[Entry, ...]
    protect: tuple[Entry, ...]
    aliases: tuple[Entry, ...] = ()
    matches: tuple[Entry, ...] = ()
    featured: tuple[Entry, ...] = ()
    files: tuple[Path, ...] = field(default=())
    unlisted: frozenset[str] = frozenset()  # ids of sources read with defaults: their seeds are in no sources.yaml entry

    @cached_property
    def _by_seed(self) -> dict[str, Entry]:
        return {s.seed: s for s in self.sources}

    @cached_property
    def _speakers_by_id(self) -> dict[str, Entry]:
        return {s.id: s for s in self.speakers}

    @cached_property
    def _events_by_id(self) -> dict[str, Entry]:
        return {e.id: e for e in self.events}

    def source_for_seed(self, seed: str) -> Entry | None:
        return self._by_seed.get(seed)

    def speaker(self, speaker_id: str) -> Entry:
        return self._speakers_by_id[speaker_id]

    def event(self, event_id: str) -> Entry:
        return self._events_by_id[event_id]


def entry_with_defaults(kind: str, values: dict, file: str = "", line: int = 0) -> Entry:
    """An entry of ``kind`` ('sources', 'events', …) made by Yanlu, not read from a file:
    every field it does not give takes the schema's default, nested lists included."""
    schema = SCHEMAS.get(kind) or {"participant": PARTICIPANT}[kind]
    unknown = set(values) - set(schema)
    if unknown:
        raise KeyError(f"{kind} has no field {', '.join(sorted(unknown))}")
    return Entry({name: values.get(name, spec.default) for name, spec in schema.items()}, file, line)


def _suggest(word: str, options) -> str:
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" Did you mean '{close[0]}'?" if close else ""


def _validate_entry(raw: Any, schema: dict[str, Field], where: str, line: int, errors: list) -> dict | None:
    if not isinstance(raw, dict):
        errors.append(YanluError(where, "expected an entry with 'key: value' lines", "Start each entry with '- id: …'.", line))
        return None
    values: dict = {}
    for key in raw:
        if key not in schema:
            key_line = raw.key_lines.get(key, line) if isinstance(raw, _Mapping) else line
            errors.append(
                YanluError(where, f"unknown key '{key}'.{_suggest(str(key), schema)}",
                           "Known keys: " + ", ".join(schema), key_line)
            )
    for name, spec in schema.items():
        key_line = raw.key_lines.get(name, raw.line) if isinstance(raw, _Mapping) else line
        if name not in raw or raw[name] in (None, ""):
            if spec.required:
                errors.append(YanluError(where, f"'{name}' is missing", f"Add '{name}:' ({spec.doc})", raw.line if isinstance(raw, _Mapping) else line))
            values[name] = spec.default
            continue
        try:
            values[name] = spec.check(raw[name])
        except ValueError as exc:
            errors.append(YanluError(where, f"'{name}': {exc}", getattr(exc, "hint", spec.doc), key_line))
            continue
        nested = getattr(spec.check, "schema", None)
        if nested is not None:
            items = []
            for item in values[name]:
                item_line = item.line if isinstance(item, _Mapping) else key_line
                checked = _validate_entry(item, nested, where, item_line, errors)
                if checked is not None:
                    items.append(Entry(checked, where, item_line))
            values[name] = tuple(items)
    return values


def _load_list(root: Path, key: str, errors: list) -> tuple[Entry, ...]:
    path = root / FILES[key]
    where = f"site_config/{FILES[key]}"
    if key in OPTIONAL_FILES and not path.exists():
        return ()
    try:
        data = load_yaml(path)
    except YanluError as exc:
        exc.where = where if exc.where == str(path) else exc.where
        errors.append(exc)
        return ()
    if not isinstance(data, dict) or key not in data:
        others = list(data) if isinstance(data, dict) else []
        for other in others:
            errors.append(YanluError(where, f"unknown top-level key '{other}'.{_suggest(str(other), [key])}",
                                     f"The file holds one list, '{key}:'.", data.key_lines.get(other, 1)))
        if not others:
            errors.append(YanluError(where, f"expected a top-level '{key}:' list", f"Start the file with '{key}:'", 1))
        return ()
    for other in data:
        if other != key:
            errors.append(YanluError(where, f"unknown top-level key '{other}'.{_suggest(str(other), [key])}",
                                     f"The file holds one list, '{key}:'.", data.key_lines.get(other, 1)))
    items = data[key] or []
    if not isinstance(items, list):
        errors.append(YanluError(where, f"'{key}' must be a list", "Start each entry with '- '.", data.line))
        return ()
    entries = []
    seen: dict[str, int] = {}
    reserved = RESERVED_IDS.get(key, frozenset())
    for item in items:
        line = item.line if isinstance(item, _Mapping) else getattr(items, "line", 1)
        values = _validate_entry(item, SCHEMAS[key], where, line, errors)
        if values is None:
            continue
        ident = values.get("id")
        if ident is not None:
            if ident in seen:
                errors.append(YanluError(where, f"id '{ident}' is used twice (first on line {seen[ident]})",
                                         "Give each entry its own id.", line))
            seen[ident] = line
            if is_reserved(key, ident):
                errors.append(YanluError(where, f"id '{ident}' is a name the site uses for a page, folder or anchor of its own",
                                         f"Choose another id, e.g. '{ident}-{key[:-1]}' (reserved: "
                                         + ", ".join(sorted(reserved)) + (", and years such as 2024" if key == "events" else "")
                                         + ").", line))
        entries.append(Entry(values, where, line))
    return tuple(entries)


def _cross_check(cfg: SiteConfig, seeds_dir: Path | None, errors: list) -> None:
    speakers = {s.id for s in cfg.speakers}
    sources = {s.id: s for s in cfg.sources}
    events = {e.id: e for e in cfg.events}
    topics_seen: set = set()
    for event in cfg.events:
        roster = [p.speaker for p in event.participants]
        for p in event.participants:
            if p.speaker not in speakers:
                errors.append(YanluError(event.file, f"couldn't find speaker '{p.speaker}' (event '{event.id}').{_suggest(p.speaker, speakers)}",
                                         "Add the speaker to speakers.yaml or correct the id.", p.line))
            if p.role not in ("moderator", "host", "panelist", "guest", "questioner"):
                errors.append(YanluError(event.file, f"role '{p.role}' is not one of moderator, host, panelist, guest, questioner",
                                         "Use one of those roles.", p.line))
        listed: dict[str, int] = {}
        for sid in event.sources:
            if sid in listed:
                errors.append(YanluError(event.file, f"event '{event.id}' lists source '{sid}' twice",
                                         "List each source once under 'sources'.", event.line))
            listed[sid] = 1
        if len(set(roster)) != len(roster):
            errors.append(YanluError(event.file, f"event '{event.id}' lists a participant twice", "List each speaker once.", event.line))
        if event.moderator and event.moderator not in roster:
            errors.append(YanluError(event.file, f"moderator '{event.moderator}' of event '{event.id}' is not among its participants",
                                     "Add them under participants with role: moderator.", event.line))
        for sid in event.sources:
            if sid not in sources:
                errors.append(YanluError(event.file, f"event '{event.id}' lists source '{sid}', which sources.yaml does not define.{_suggest(sid, sources)}",
                                         "Add the source or correct the id.", event.line))
            elif sources[sid].event != event.id:
                errors.append(YanluError(event.file, f"event '{event.id}' claims source '{sid}', but that source says it reports event '{sources[sid].event}'",
                                         "Make events.yaml 'sources' and sources.yaml 'event' agree.", event.line))
    seeds_seen: dict[str, int] = {}
    for source in cfg.sources:
        if source.event not in events:
            errors.append(YanluError(source.file, f"source '{source.id}' names event '{source.event}', which events.yaml does not define.{_suggest(source.event, events)}",
                                     "Add the event or correct the id.", source.line))
        elif source.id not in events[source.event].sources:
            errors.append(YanluError(source.file, f"source '{source.id}' says it reports event '{source.event}', but that event does not list it",
                                     f"Add '{source.id}' to the sources of '{source.event}' in events.yaml.", source.line))
        if source.seed in seeds_seen:
            errors.append(YanluError(source.file, f"seed '{source.seed}' is claimed by two sources (first on line {seeds_seen[source.seed]})",
                                     "Each seed file is one source.", source.line))
        seeds_seen[source.seed] = source.line
        if seeds_dir is not None and not (seeds_dir / source.seed).exists():
            errors.append(YanluError(source.file, f"seed file '{source.seed}' of source '{source.id}' is not in seeds/",
                                     "Copy the transcript into seeds/ or correct the file name.", source.line))
        if source.speaker and source.event in events and source.speaker not in {
                p.speaker for p in events[source.event].participants}:
            errors.append(YanluError(source.file, f"'speaker' of source '{source.id}' is '{source.speaker}', who is not "
                                     f"among the participants of event '{source.event}'",
                                     f"List '{source.speaker}' under the participants of '{source.event}' in events.yaml.",
                                     source.line))
        for override in source.overrides:
            if override.speaker and override.speaker not in speakers:
                errors.append(YanluError(source.file, f"couldn't find speaker '{override.speaker}' (override in source '{source.id}')",
                                         "Use an id from speakers.yaml, or null for nobody.", override.line))
            if override.kind and override.kind not in ("speech", "question", "narration", "highlight", "unattributed"):
                errors.append(YanluError(source.file, f"kind '{override.kind}' is unknown",
                                         "Use speech, question, narration, highlight or unattributed.", override.line))
    for topic in cfg.topics:
        topics_seen.add(topic.id)


def load_config(root: Path, seeds_dir: Path | None = None) -> SiteConfig:
    """Load and validate ``site_config/``; raise one YanluErrors listing every problem."""
    errors: list[YanluError] = []
    lists = {key: _load_list(root, key, errors) for key in FILES}
    cfg = SiteConfig(root=root, files=tuple(root / f for k, f in FILES.items()
                                            if k not in OPTIONAL_FILES or (root / f).exists()), **lists)
    if not errors:
        _cross_check(cfg, seeds_dir, errors)
    if errors:
        raise YanluErrors(errors)
    return cfg


def describe_schema() -> str:
    """The schema as Markdown, for the README (kept current by a test)."""
    out = []
    for key, schema in SCHEMAS.items():
        out.append(f"`{FILES[key]}` → `{key}:`\n")
        for name, spec in schema.items():
            req = "" if spec.required else " (optional)"
            out.append(f"- `{name}`{req}: {spec.doc}")
            for sub, sub_spec in getattr(spec.check, "schema", {}).items():
                sub_req = "" if sub_spec.required else " (optional)"
                out.append(f"  - `{sub}`{sub_req}: {sub_spec.doc}")
        out.append("")
    return "\n".join(out)
