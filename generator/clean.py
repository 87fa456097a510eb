"""clean: raw seed lines → kept lines plus a record of everything taken out.

Whole lines go for being the title again, site chrome the source lists as
noise, a region the source drops, or a duplicate of earlier text. Parts of
lines go for being a pinyin annotation left by a broken converter (``內(nèi)``),
a byline the source trims, or NBSPs. Mojibake that cannot be repaired is kept
and flagged. Full-width punctuation that the scraper folded to ASCII is
restored in ``text``; ``raw`` keeps the line as it was.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from typing import Callable

from .config import Entry
from .model import CleanLine, CleanText, Flag, RawText, Removal, strip_blank


# A pinyin syllable with a tone mark, in brackets right after a Han character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜńňǹḿ"
PINYIN = re.compile(rf"(?<=[\u3400-\u9fff])\((?=[a-zü{_TONED}]*[{_TONED}])[a-zü{_TONED}]{{1,7}}\)")

# Traces of text decoded with the wrong codec: a '?' standing for a lost
# character next to its stray pinyin, private-use or kana characters inside
# Chinese, '@' or circled numbers between Han characters.
_ODD = r"\ue000-\uf8ff\u3040-\u30ff\u3100-\u312f\u2460-\u24ff"  # private use, kana, bopomofo, circled
MOJIBAKE = re.compile(
    rf"\?\(?[a-zü{_TONED}]{{1,7}}\)[^，。？！、：；,.?!:;\s]{{0,6}}"
    rf"|\?[\u3400-\u9fff]{{1,6}}[@{_ODD}][\u3400-\u9fff{_ODD}]{{0,6}}"
    rf"|[\u3400-\u9fff]{{0,2}}[{_ODD}][\u3400-\u9fff{_ODD}]{{0,6}}"
    r"|[\u3400-\u9fff]@[\u3400-\u9fff]"
)

# Characters one of MOJIBAKE's alternatives needs: lines without any are not searched.
_MOJIBAKE_HINT = re.compile(rf"[?@{_ODD}]")


def without_pinyin(text: str) -> str:
    return PINYIN.sub("", text) if "(" in text else text


DUPLICATE_MIN_RUN = 3  # consecutive repeated lines that make a copied block
DUPLICATE_MIN_CHARS = 20  # a single repeated line this long is a copy too
DUPLICATE_MIN_BLOCK = 60  # characters a run must hold: 主持人：/好的。/张鹏： repeat in real talk


def is_blank(line: str) -> bool:
    return not strip_blank(line)


# What NFKC does to full-width ASCII and the ideographic space, done first by a table:
# far faster than normalising, and what is left is usually normalised already.
_FULL_WIDTH_FORMS = re.compile("[\uff01-\uff5e\u3000]")
_AS_ASCII = {chr(code): chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F)} | {"\u3000": " "}
_SPACES = re.compile(r"\s+")


def fold(text: str) -> str:
    """Text reduced for comparison: NFKC (full-width → ASCII), no spaces, lowercase."""
    text = _FULL_WIDTH_FORMS.sub(lambda m: _AS_ASCII[m.group()], text)
    if not unicodedata.is_normalized("NFKC", text):
        text = unicodedata.normalize("NFKC", text)
    return _SPACES.sub("", text).lower()


def is_cjk(char: str) -> bool:
    return bool(char) and (
        "\u3400" <= char <= "\u9fff"
        or "\uf900" <= char <= "\ufaff"
        or "\u3000" <= char <= "\u303f"
        or "\uff00" <= char <= "\uffef"
        or char in "「」『』“”‘’…—"
    )


# ------------------------------------------------------------------ whole lines


def _match_any(patterns: tuple[str, ...], line: str) -> str | None:
    return next((p for p in patterns if re.search(p, line)), None)


def _drop_regions(lines: list[tuple[int, str]], regions, seed: str) -> tuple[list, list[Removal]]:
    """Remove each region from a line matching ``from`` up to one matching ``until``."""
    removals: list[Removal] = []
    kept = []
    inside = None
    for number, line in lines:
        stripped = without_pinyin(strip_blank(line))
        if inside is None:
            inside = next((r for r in regions if re.search(r.values["from"], stripped)), None)
        elif re.search(inside.until, stripped):
            inside = None
        if inside is not None:
            reason = inside.reason or "region dropped in site_config/sources.yaml"
            removals.append(Removal(seed, number, "dropped", line, reason))
        else:
            kept.append((number, line))
    return kept, removals


def _duplicates(lines: list[tuple[int, str]], seed: str, folded=fold) -> tuple[list, list[Removal]]:
    """Remove later copies: runs of repeated lines, or single long repeated lines.

    The first copy stays. Short lines that repeat alone (a speaker header, 对。)
    are kept, because they repeat in real talk.
    """
    keys = [folded(line) for _, line in lines]
    first_seen: dict[str, list[int]] = {}
    removed: dict[int, int] = {}  # index → index of the original
    i = 0
    while i < len(keys):
        best_j, best_run = None, 0
        for j in first_seen.get(keys[i], []):
            run = 0
            while i + run < len(keys) and j + run < i and keys[j + run] == keys[i + run]:
                run += 1
            if run > best_run:
                best_j, best_run = j, run
        copied_block = best_run >= DUPLICATE_MIN_RUN and sum(map(len, keys[i:i + best_run])) >= DUPLICATE_MIN_BLOCK
        if best_j is not None and (copied_block or len(keys[i]) >= DUPLICATE_MIN_CHARS):
            span = best_run if copied_block else 1
            for k in range(span):
                removed[i + k] = best_j + k
            # A copied block often starts mid-line: its first line is the tail
            # of the line before the original.
            head, orig = i - 1, best_j - 1
            if span > 1 and head not in removed and orig >= 0 and len(keys[head]) >= 5 and keys[orig].endswith(keys[head]):
                removed[head] = orig
            i += span
            continue
        first_seen.setdefault(keys[i], []).append(i)
        i += 1
    kept, removals = [], []
    for index, (number, line) in enumerate(lines):
        if index in removed:
            original = lines[removed[index]][0]
            removals.append(Removal(seed, number, "duplicate", line, f"repeats line {original}"))
        else:
            kept.append((number, line))
    return kept, removals


# ------------------------------------------------------------------ inside lines


def _paired_brackets(text: str) -> dict[int, int]:
    pairs, stack = {}, []
    for i, c in enumerate(text):
        if c == "(":
            stack.append(i)
        elif c == ")" and stack:
            pairs[stack.pop()] = i
    return pairs


def _neighbour(text: str, i: int, step: int) -> str:
    j = i + step
    while 0 <= j < len(text) and text[j] == " ":
        j += step
    return text[j] if 0 <= j < len(text) else ""


FULL_WIDTH = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！", "(": "（", ")": "）"}
_ASCII_MARKS = re.compile(r"[,:;?!()]")


def restore_punctuation(text: str, protected: set[int] = frozenset()) -> str:
    """Turn ASCII punctuation back into full-width where it sits in Chinese text.

    ``1,000``, ``https://`` and ``(MaaS)`` stay ASCII; ``,`` after a Han
    character becomes ``，``; a bracket pair becomes full-width when it holds or
    touches Chinese. Positions in ``protected`` (mojibake) are left alone.
    """
    if not _ASCII_MARKS.search(text):  # most lines: nothing to restore
        return text
    chars = list(text)
    pairs = _paired_brackets(text) if "(" in text else {}
    for open_, close in pairs.items():
        if open_ in protected or close in protected:
            continue
        inner = text[open_ + 1 : close]
        touches = is_cjk(_neighbour(text, open_, -1)) or is_cjk(_neighbour(text, close, 1))
        if any(is_cjk(c) for c in inner) or touches:
            chars[open_], chars[close] = "（", "）"
    paired = set(pairs) | set(pairs.values())
    text = "".join(chars)  # neighbours see the brackets already restored
    for mark in _ASCII_MARKS.finditer(text):
        i, c = mark.start(), mark.group()
        if i in protected or i in paired:
            continue
        before, after = _neighbour(text, i, -1), _neighbour(text, i, 1)
        if before.isdigit() and after.isdigit():
            continue
        # At the end of a Chinese line ('到底什麼是AGI?') the mark is Chinese too.
        ends_chinese_line = not after and c in ",:;?!" and any(is_cjk(x) for x in text)
        if is_cjk(before) or is_cjk(after) or ends_chinese_line:
            chars[i] = FULL_WIDTH[c]
    return "".join(chars)


def _clean_line(number: int, line: str, source: Entry, seed: str) -> tuple[str, list[Removal], list[Flag], set[int]]:
    removals, flags = [], []
    for pattern in source.trim:
        for match in re.finditer(pattern, line):
            removals.append(Removal(seed, number, "trim", match.group(), "cut by the source's 'trim' list", False))
        line = re.sub(pattern, "", line)
    annotations = PINYIN.findall(line) if "(" in line else ()
    if annotations:
        removals.append(Removal(seed, number, "pinyin", "".join(annotations),
                                f"{len(annotations)} pinyin annotation(s) left by a broken converter", False))
        line = PINYIN.sub("", line)
    nbsp = line.count("\u00a0")
    if nbsp:
        removals.append(Removal(seed, number, "nbsp", "\u00a0" * nbsp, f"{nbsp} no-break space(s) made ordinary", False))
        line = line.replace("\u00a0", " ")
    line = strip_blank(line)
    protected: set[int] = set()
    for match in MOJIBAKE.finditer(line) if _MOJIBAKE_HINT.search(line) else ():
        protected.update(range(match.start(), match.end()))
        flags.append(Flag(seed, number, "mojibake", match.group(),
                          "kept as found: characters garbled by a wrong text encoding; repair the seed by hand"))
    return restore_punctuation(line, protected), removals, flags, protected


# ------------------------------------------------------------------ the stage


StrayFinder = Callable[[list[str]], list[list[tuple[int, str, str]]]]


def _fix_stray_characters(number: int, text: str, found: list[tuple[int, str, str]], seed: str,
                          keep: set[int]) -> tuple[str, list[Removal]]:
    """Write characters of the other script in the seed's own (什么 → 什麼 in a Traditional seed).

    Positions in ``keep`` (flagged mojibake) stay exactly as found.
    """
    stray = [s for s in found if s[0] not in keep]
    if not stray:
        return text, []
    chars = list(text)
    for position, _found, fixed in stray:
        chars[position] = fixed
    shown = "、".join(dict.fromkeys(f"{found}→{fixed}" for _, found, fixed in stray))
    record = Removal(seed, number, "script", "".join(found for _, found, _ in stray),
                     f"{len(stray)} character(s) of the other script written in the seed's own: {shown}", False)
    return "".join(chars), [record]


def clean(raw: RawText, source: Entry, stray: StrayFinder | None = None) -> CleanText:
    """Apply every cleaning rule to one seed; return the kept lines and the record.

    ``stray`` finds characters of the other script in a line (see
    ``Converter.stray_characters``); without it they are left alone.
    """
    seed = raw.seed
    removals: list[Removal] = []
    title_key = fold(without_pinyin(source.title))
    folded = functools.lru_cache(maxsize=None)(fold)  # a line is compared as the title and as a copy
    lines: list[tuple[int, str]] = []
    title_seen = False
    for number, line in enumerate(raw.lines, start=1):
        if is_blank(line):
            continue
        stripped = without_pinyin(strip_blank(line))
        if folded(stripped) == title_key:
            rule = "repeated-title" if title_seen else "title"
            reason = "the title again, injected into the text" if title_seen else "the title (kept in sources.yaml)"
            removals.append(Removal(seed, number, rule, line, reason))
            title_seen = True
        elif pattern := _match_any(source.noise, stripped):
            removals.append(Removal(seed, number, "noise", line, f"matches noise pattern '{pattern}'"))
        else:
            lines.append((number, line))
    lines, dropped = _drop_regions(lines, source.drop, seed)
    lines, copies = _duplicates(lines, seed, folded)
    removals += dropped + copies

    cleaned = [(number, line, *_clean_line(number, line, source, seed)) for number, line in lines]
    strays = stray([c[2] for c in cleaned]) if stray and cleaned else [[] for _ in cleaned]
    kept, flags = [], []
    previous = 0
    for (number, line, text, line_removals, line_flags, mojibake), found in zip(cleaned, strays):
        text, script_fixes = _fix_stray_characters(number, text, found, seed, mojibake)
        removals += line_removals + script_fixes
        flags += line_flags
        if not text:
            removals.append(Removal(seed, number, "trim", line, "nothing left after trimming"))
            continue
        kept.append(CleanLine(number=number, raw=line, text=text, blank_before=number > previous + 1))
        previous = number
    removals.sort(key=lambda r: (r.line, not r.whole_line))
    return CleanText(source_id=source.id, seed=seed, lines=tuple(kept), removals=tuple(removals),
                     flags=tuple(flags), raw_line_count=len(raw.lines))
