"""convert: every paragraph and name in both scripts.

Character-level OpenCC only: ``t2s`` to Simplified and ``s2tw`` to
Traditional. The phrase configs (``s2twp``) rewrite regional vocabulary, and
with it names: 面壁智能 would become 面壁智慧. Terms in
``site_config/glossary.yaml`` are swapped for placeholders before conversion
and put back in the target script's form afterwards, so names of people,
companies and products, and phrases the editor corrected, come out as written.

A paragraph shown in its source's own script is the cleaned source text
itself, never a round trip.
"""

from __future__ import annotations

import functools
import re
from functools import cached_property

import opencc

from .cache import Memo
from .config import SiteConfig
from .model import Corpus, Paragraph, Script

# Simplified characters that stand for two or more Traditional ones (后 後/后,
# 发 發/髮, 干 乾/幹/干 …): from OpenCC's STCharacters, those common in prose.
# Converting them is a guess from context that an editor may need to review.
ONE_TO_MANY = frozenset("后干发台只里么系历复面范余冲钟斗谷松卷云制准胡须汇划获蒙当尽征团周致注占于丰党")

# Characters a Traditional text may rightly hold although OpenCC's s2tw would
# write them otherwise: 台 (Taiwan writes 台 as often as 臺), 着 (mainland
# Traditional, 着 for 著), 象 (想象 beside Taiwan's 想像), 余 (a surname), and
# 了 干 厘 制, which a second pass over correct Traditional text misreads
# (證明了 → 證明瞭, 干預 → 幹預). Never treated as stray characters.
SHARED = frozenset("台着象余了干厘制")

# Conversions of texts this long are remembered, the last few of them; shorter
# ones, and each line OpenCC converted, up to this many (a few sources' worth).
# One policy for all (cache.Memo): the oldest is forgotten first.
_MEMO_FROM, _MEMO_SIZE = 2000, 4
_LINES_REMEMBERED = _SHORT_REMEMBERED = 20_000

# Supplementary Private Use Area: cannot occur in a seed's text by accident
# the way the BMP private-use characters of mojibake do.
_PLACEHOLDER_BASE = 0xF0000
_SUPPLEMENTARY_PRIVATE = re.compile("[\U000F0000-\U0010FFFF]")


@functools.lru_cache(maxsize=1)
def _converters() -> dict[Script, opencc.OpenCC]:
    """OpenCC's converters, built once per process (each costs ~0.2 s)."""
    return {Script.HANS: opencc.OpenCC("t2s.json"), Script.HANT: opencc.OpenCC("s2tw.json")}


def simplified_alone(char: str) -> str:
    """A character as OpenCC's t2s converts it standing alone (no phrase around it): the form search indexes
    both scripts' text in (generator/search.py ``index_form``); itself where t2s gives more than one character."""
    converted = _converters()[Script.HANS].convert(char)
    return converted if len(converted) == 1 else char


class Converter:
    """OpenCC converters built once (each costs ~0.2 s), with protected terms."""

    def __init__(self, protect: list[tuple[str, str]] = ()):
        self.protect = list(protect)
        self._memo = Memo(_MEMO_SIZE)  # (target, text) → converted, for long texts
        self._lines = Memo(_LINES_REMEMBERED)  # (target, line) → converted by OpenCC alone
        self._short = Memo(_SHORT_REMEMBERED)  # (target, short text) → converted
        self._by_character: dict[tuple, tuple[set[str], set[str]]] = {}  # see ``_characters_that``

    @property
    def _opencc(self) -> dict[Script, opencc.OpenCC]:
        return _converters()

    @cached_property
    def _patterns(self) -> dict[Script, re.Pattern | None]:
        """For each target script, a pattern of the protected terms in the other script."""
        patterns = {}
        for target in Script:
            forms = {}
            for hans, hant in self.protect:
                forms[hant if target is Script.HANS else hans] = None
            alternatives = sorted(forms, key=len, reverse=True)
            patterns[target] = re.compile("|".join(map(re.escape, alternatives))) if alternatives else None
        return patterns

    @cached_property
    def _targets(self) -> dict[Script, dict[str, str]]:
        return {
            Script.HANS: {hant: hans for hans, hant in self.protect} | {hans: hans for hans, _ in self.protect},
            Script.HANT: {hans: hant for hans, hant in self.protect} | {hant: hant for _, hant in self.protect},
        }

    def _plain_lines(self, target: Script, lines: list[str]) -> list[str]:
        """OpenCC alone on each line, in one call for the lines not converted lately.

        A source's lines go through OpenCC several times (its ids' round trip, its
        topics, its other script): each line's conversion is remembered, so the
        slow Simplified → Traditional pass runs once per line, not twice. OpenCC's
        phrases never span a newline, so a line converts alike alone or joined.
        """
        memo = self._lines
        found: dict[str, str] = {}
        missing = []
        for line in dict.fromkeys(lines):
            kept = memo.get((target, line))
            if kept is None:
                missing.append(line)
            else:
                found[line] = kept
        if missing:
            converted = self._opencc[target].convert("\n".join(missing)).split("\n")
            for line, after in zip(missing, converted):
                found[line] = after
                memo.put((target, line), after)
        return [found[line] for line in lines]

    def to(self, target: Script, text: str) -> str:
        """Convert ``text`` into ``target`` script, keeping protected terms intact."""
        # Names, titles and places come again and again; a whole source's text a few times.
        memo = self._short if len(text) < _MEMO_FROM else self._memo
        key = (target, text)
        converted = memo.get(key)
        if converted is None:
            converted = self._protected(target, text)
            memo.put(key, converted)
        return converted

    def _protected(self, target: Script, text: str) -> str:
        """Lines without a protected term by OpenCC alone (``_plain_lines``), the others around their terms."""
        pattern = self._patterns[target]
        lines = text.split("\n")
        held = [pattern is not None and pattern.search(line) is not None for line in lines]
        if not any(held):
            return "\n".join(self._plain_lines(target, lines))
        plain = iter(self._plain_lines(target, [line for line, h in zip(lines, held) if not h]))
        around = iter(self._around_terms(target, "\n".join(line for line, h in zip(lines, held) if h)).split("\n"))
        return "\n".join(next(around) if h else next(plain) for h in held)

    def _around_terms(self, target: Script, text: str) -> str:
        pattern = self._patterns[target]
        # Placeholders: supplementary private-use characters the text does not contain.
        taken = set(_SUPPLEMENTARY_PRIVATE.findall(text))
        free = (chr(c) for c in range(_PLACEHOLDER_BASE, 0x10FFFE) if chr(c) not in taken)
        held: dict[str, str] = {}

        def hold(match: re.Match) -> str:
            term = self._targets[target][match.group()]
            placeholder = next((k for k, v in held.items() if v == term), None) or next(free)
            held[placeholder] = term
            return placeholder

        converted = self._opencc[target].convert(pattern.sub(hold, text))
        for placeholder, term in held.items():
            converted = converted.replace(placeholder, term)
        return converted

    def canonical(self, texts: list[str]) -> list[str]:
        """Script-neutral forms of texts, for ids: Simplified, through Traditional and back.

        Character conversion is not a bijection (s2tw writes 着 as 著, which
        t2s keeps), so plain t2s of a text and of its Traditional rendering
        can differ; the round trip settles both on one form. Newlines separate
        the texts so a source costs at most three OpenCC calls, not three per paragraph.
        """
        simplified = self._plain_lines(Script.HANS, [t.replace("\n", " ") for t in texts])
        traditional = self._plain_lines(Script.HANT, simplified)  # a Simplified source's other script, too
        return self._opencc[Script.HANS].convert("\n".join(traditional)).split("\n")

    def stray_characters(self, script: Script, texts: list[str]) -> list[list[tuple[int, str, str]]]:
        """Characters of the other script in texts written in ``script``: per text, (position, found, fix).

        A Traditional seed made by a broken converter keeps some Simplified
        characters (什么 for 什麼). A character counts as stray only if it
        belongs to the other script alone (converting it back leaves it as
        is) and is not one both scripts write (SHARED). The fix comes from
        converting the whole text, so phrases choose it. One OpenCC call per
        call, texts separated by newlines.
        """
        back = Script.HANT if script is Script.HANS else Script.HANS
        flat = [t.replace("\n", " ") for t in texts]
        joined = "\n".join(flat)
        pattern = self._patterns[script]
        if not self._changed_alone(script, joined) and not self._terms_to_rewrite(script, joined):
            return [[] for _ in flat]  # no character that could be stray: most seeds
        converted = self.to(script, joined).split("\n")
        result = []
        for text, fixed_text in zip(flat, converted):
            stray = []
            if len(fixed_text) == len(text) and fixed_text != text:
                # A protected term written in the other script is the editor's explicit call: always fixed.
                in_terms = {i for m in pattern.finditer(text) for i in range(m.start(), m.end())} if pattern else set()
                for i, (found, fixed) in enumerate(zip(text, fixed_text)):
                    if found == fixed or (found in SHARED and i not in in_terms):
                        continue
                    # Stray: the other script's alone (back-conversion keeps it, conversion alone
                    # changes it), so 周 in 周期 or 托 in 托管, which s2tw rewrites as phrases, stay.
                    alone = self._opencc[script].convert(found) != found
                    if (alone or i in in_terms) and self._opencc[back].convert(found) == found:
                        stray.append((i, found, fixed))
            result.append(stray)
        return result

    def _changed_alone(self, target: Script, text: str) -> bool:
        """Whether ``text`` holds a character that OpenCC, converting it alone into ``target``, changes
        (but for SHARED ones): the only characters that can be stray outside protected terms."""
        present = set(text) - SHARED
        return bool(present & self._characters_that("alone", target, present))

    def _characters_that(self, test: str, target: Script, present: set[str]) -> set[str]:
        """Of the characters seen so far (``present`` added first), those that converting
        alone into ``target`` changes: by OpenCC alone (``test`` "alone"), or by ``to`` into
        another single character ("single"). Kept as sets, so a source costs a few set
        operations, not a loop over its characters."""
        seen, passed = self._by_character.setdefault((test, target), (set(), set()))
        unknown = sorted(present - seen - {"\n"})  # newlines separate the characters converted here
        if unknown:
            joined = "\n".join(unknown)
            converted = (self._opencc[target].convert(joined) if test == "alone" else self.to(target, joined)).split("\n")
            passed.update(c for c, after in zip(unknown, converted) if after != c and (test == "alone" or len(after) == 1))
            seen.update(unknown)
        return passed

    def _terms_to_rewrite(self, target: Script, text: str) -> bool:
        """Whether ``text`` holds a protected term written otherwise than ``target`` writes it."""
        pattern = self._patterns[target]
        return pattern is not None and any(self._targets[target][m.group()] != m.group() for m in pattern.finditer(text))

    def changing(self, target: Script, text: str) -> str:
        """The distinct characters of ``text`` that ``to(target, …)`` makes another single character,
        sorted: what a reader's query map (pipeline.query_chars) needs of a text."""
        present = set(text)
        return "".join(sorted(present & self._characters_that("single", target, present)))

    def hans(self, text: str) -> str:
        return self.to(Script.HANS, text)

    def hant(self, text: str) -> str:
        return self.to(Script.HANT, text)


def converter_for(config: SiteConfig) -> Converter:
    """A converter for a configuration's protected terms. A build makes one and passes it on
    (pipeline.Build.converter); under ``mkdocs serve`` the hook's session keeps it between
    rebuilds (cache.Session.converter), so what it remembers serves them all."""
    return Converter([(p.hans, p.hant) for p in config.protect])


def convert_paragraphs(paragraphs: list[Paragraph], script: Script | None, converter: Converter) -> list[Paragraph]:
    """Fill ``hans``/``hant`` of one source's paragraphs with one OpenCC call
    (none for a source in another language: both scripts show its words as written)."""
    if script is None:
        return [p.in_scripts(p.text, p.text) for p in paragraphs]
    other = Script.HANT if script is Script.HANS else Script.HANS
    texts, garbled = _garbled_held(paragraphs)
    # Paragraph texts hold no newlines (lines are joined), so one newline separates them.
    converted = converter.to(other, "\n".join(texts)).split("\n") if paragraphs else []
    for placeholder, run in garbled.items():
        converted = [text.replace(placeholder, run) for text in converted]
    return [p.in_scripts(p.text, text) if script is Script.HANS else p.in_scripts(text, p.text)
            for p, text in zip(paragraphs, converted)]


def _garbled_held(paragraphs: list[Paragraph]) -> tuple[list[str], dict[str, str]]:
    """The paragraphs' texts with each garbled run (``Paragraph.garbled``) swapped for a placeholder, and
    the placeholders: garbled letters are not words in either script, so both show them as found."""
    if not any(p.garbled for p in paragraphs):
        return [p.text for p in paragraphs], {}
    taken = {c for p in paragraphs for c in _SUPPLEMENTARY_PRIVATE.findall(p.text)}
    free = (chr(c) for c in range(_PLACEHOLDER_BASE, 0x10FFFE) if chr(c) not in taken)
    held: dict[str, str] = {}  # run → placeholder
    texts = []
    for p in paragraphs:
        text = p.text
        for run in sorted(p.garbled, key=len, reverse=True):
            if run not in held:
                held[run] = next(free)
            text = text.replace(run, held[run])
        texts.append(text)
    return texts, {placeholder: run for run, placeholder in held.items()}


def review(corpus: Corpus, converter: Converter) -> list[tuple[str, str]]:
    """Paragraphs whose conversion an editor may want to check: (paragraph id, why).

    A Simplified paragraph shown in Traditional had to guess at characters
    that map to several (发 → 發 or 髮); a paragraph holding a protected term
    that plain OpenCC would have written differently was converted around it.
    """
    scripts = {s.id: s.script for s in corpus.sources}
    plain = Converter()
    protect = [(hans, hant) for hans, hant in converter.protect
               if plain.hant(hans) != hant or plain.hans(hant) != hans]
    findings = []
    for p in corpus.paragraphs:
        if scripts[p.source] is Script.HANS:
            chars = sorted({c for c in p.text if c in ONE_TO_MANY})
            if chars:
                shown = "、".join(f"{c}→{p.hant[p.text.index(c)]}" for c in chars[:6] if len(p.hant) == len(p.text))
                findings.append((p.id, f"one-to-many character(s) {shown or '、'.join(chars)}"))
        terms = sorted({hans for hans, hant in protect if hans in p.hans or hant in p.hant})
        if terms:
            findings.append((p.id, f"protected term(s) {'、'.join(terms)}: plain conversion would differ"))
    return findings
