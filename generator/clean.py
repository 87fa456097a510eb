"""clean: raw seed lines → kept lines plus a record of everything taken out.

Whole lines go for being the title again, site chrome the source lists as
noise, a region the source drops, or a duplicate of earlier text. Parts of
lines go for being a pinyin annotation left by a broken converter (``內(nèi)``),
a byline the source trims, or NBSPs. Mojibake that cannot be repaired is kept
and flagged. Full-width punctuation that the scraper folded to ASCII is
restored in ``text``; ``raw`` keeps the line as it was.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from typing import Callable

from .config import Entry
from .labels import looks_like_name
from .model import CleanLine, CleanText, Flag, LineMark, RawText, Removal, Role, strip_blank
from .read import seconds


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
DUPLICATE_MIN_BLOCK = 60  # characters a run must hold: 主持人：/好的。/张鹏： repeat in real talk
DUPLICATE_MIN_LONG = 2  # lines of at least DUPLICATE_LONG characters in the run: a copy carries real text
DUPLICATE_LONG = 40
DUPLICATE_LINE = 20  # a single repeated line this long, naming no speaker, a few lines after the first: a scraper's copy
DUPLICATE_NEAR = 5
# A line that only names who speaks next (Jane Doe: / 张鹏（智谱）：) repeats in real talk however long it is.
_LABEL_ONLY = re.compile(r"^[^:：。！？!?]{1,70}[:：]$")
_LABELLED = re.compile(r"^[^:：。！？!?]{1,70}[:：]")


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


def _is_copied_run(lines: list[str], keys: list[str]) -> bool:
    """A repeated run is a copy of the article only when it carries real text: several lines,
    enough characters, at least two long lines that are not speaker labels. Labels and
    short replies (主持人：/ 对。/ That's right.) repeat in real talk."""
    words = [k for line, k in zip(lines, keys) if not _LABEL_ONLY.match(strip_blank(line))]
    return (len(keys) >= DUPLICATE_MIN_RUN and sum(map(len, words)) >= DUPLICATE_MIN_BLOCK
            and sum(len(k) >= DUPLICATE_LONG for k in words) >= DUPLICATE_MIN_LONG)


def _duplicates(lines: list[tuple[int, str]], seed: str, folded=fold) -> tuple[list, list[Removal]]:
    """Remove later copies of a run of lines already kept (a copied article).

    The first copy stays. A run goes when it carries real text
    (``_is_copied_run``); a single line only when it is long and names no
    speaker (a scraper's repeated paragraph). Labels and replies said twice stay.
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
        copied_block = best_j is not None and _is_copied_run([line for _, line in lines[i:i + best_run]],
                                                             keys[i:i + best_run])
        copied_line = (best_j is not None and i - best_j <= DUPLICATE_NEAR and len(keys[i]) >= DUPLICATE_LINE
                       and not _LABELLED.match(strip_blank(lines[i][1])))
        if copied_block or copied_line:
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


# Invisible characters text copied from the web carries: C0 controls but tab, DEL, the C1 controls
# (U+0080–U+009F, e.g. U+0085 NEL) and the line and paragraph separators U+2028/U+2029.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029]")


def without_controls(number: int, line: str, seed: str) -> tuple[str, list[Removal]]:
    """The line without control characters, and the removal recorded (rule 'control')."""
    found = CONTROL.findall(line)
    if not found:
        return line, []
    names = ", ".join(sorted({f"U+{ord(c):04X}" for c in found}))
    return CONTROL.sub("", line), [Removal(seed, number, "control", "".join(found),
                                           f"{len(found)} invisible control character(s) removed ({names})", False)]


def _clean_line(number: int, line: str, source: Entry, seed: str) -> tuple[str, list[Removal], list[Flag], set[int]]:
    line, removals = without_controls(number, line, seed)
    flags = []
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
    if source.script not in ("zh-Hans", "zh-Hant"):  # another language: its punctuation is as written
        return line, removals, flags, protected
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


# ------------------------------------------------------------------ timestamps

_STAMP = r"(?:\d{1,2}:)?\d{1,2}:\d{2}(?:[.,]\d{1,3})?"
_LEADING_STAMP = re.compile(rf"^(?:\[(?P<b>{_STAMP})\]|\((?P<p>{_STAMP})\)|(?P<bare>{_STAMP})(?=\s))\s*")
_STAMP_AFTER_LABEL = re.compile(rf"^(?P<label>[^:：\[\]()（）]{{1,60}}[:：])\s*[\[(（](?P<t>{_STAMP})[\])）]\s*")
# 张三（00:12:34）：/ Jane Doe [12:34]: the stamp between the name and its colon
_STAMP_BEFORE_COLON = re.compile(rf"^(?P<label>[^:：\[\]()（）]{{1,60}}?)\s*[\[(（](?P<t>{_STAMP})[\])）]\s*(?=[:：])")
_TRAILING_STAMP = re.compile(rf"^(?P<label>[^:：。！？!?]{{1,40}}?)[\s,，|·-]+[\[(（]?(?P<t>{_STAMP})[\])）]?$")


def _take_timestamp(text: str, bare_ok: bool) -> tuple[str, str, float | None, bool]:
    """A timestamp before or after a label, or after a name on its own line:
    (text without it, the stamp as written, seconds, whether the line is a name-and-time header).

    ``[00:12:34] 名字：`` and ``**Name:** [12:34]`` are stamps wherever the source
    uses them; an unbracketed ``00:12:34 名字：`` only in a source that stamps
    most turns (``bare_ok``), since ``10:30 开会`` may be words."""
    match = _LEADING_STAMP.match(text)
    if match and (match.group("b") or match.group("p") or bare_ok):
        stamp = match.group("b") or match.group("p") or match.group("bare")
        return text[match.end():], match.group().strip(), seconds(stamp), False
    match = _STAMP_BEFORE_COLON.match(text)
    if match:
        return match.group("label") + text[match.end():], match.group()[len(match.group("label")):].strip(), \
            seconds(match.group("t")), False
    match = _STAMP_AFTER_LABEL.match(text)
    if match:
        return match.group("label") + text[match.end():], match.group()[len(match.group("label")):].strip(), \
            seconds(match.group("t")), False
    match = _TRAILING_STAMP.match(text)
    if match and looks_like_name(match.group("label").strip(" *")):
        return match.group("label").strip(), text[len(match.group("label")):].strip(), seconds(match.group("t")), True
    return text, "", None, False


def _stamps_are_common(texts: list[str]) -> bool:
    stamped = sum(1 for t in texts if _LEADING_STAMP.match(t))
    return stamped >= 3 and stamped >= len(texts) / 4


# ------------------------------------------------------------------ the stage

STRUCTURAL = {Role.STRUCTURE: "structure", Role.METADATA: "metadata", Role.EMBED: "embed"}


def _taken_out(line: str, text: str) -> str:
    """What of ``line`` is not in ``text`` (``**``, ``](https://…)``, ``<v Name>``), pieces joined by ' … '."""
    matcher = difflib.SequenceMatcher(None, line, text, autojunk=False)
    pieces = [line[i1:i2] for op, i1, i2, _, _ in matcher.get_opcodes() if op in ("delete", "replace")]
    return " … ".join(p for p in (strip_blank(p) for p in pieces) if p) or line


def _format_lines(raw: RawText, source: Entry, removals: list[Removal]) -> list[tuple[int, str, LineMark]]:
    """The seed's lines that hold words, as the format gives them (markup taken out), each
    with its mark; structure, front matter and embeds go to the record, with the rule."""
    seed = raw.seed
    out = []
    for index, line in enumerate(raw.lines):
        number = index + 1
        if is_blank(line):
            continue
        mark = raw.mark(index)
        if mark.role in STRUCTURAL:
            removals.append(Removal(seed, number, STRUCTURAL[mark.role], line, mark.reason or mark.role.value))
            continue
        text = line if mark.text is None else mark.text
        if mark.text is not None and strip_blank(mark.text) != strip_blank(line):
            if is_blank(text):
                removals.append(Removal(seed, number, "markup", line, f"{raw.format.value} markup only"))
            else:
                removals.append(Removal(seed, number, "markup", _taken_out(line, text),
                                        f"{raw.format.value} markup taken out; the words kept", whole_line=False))
        if not is_blank(text):
            out.append((number, text, mark))
    return out


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
    marks: dict[int, LineMark] = {}
    title_seen = False
    for number, line, mark in _format_lines(raw, source, removals):
        stripped = without_pinyin(strip_blank(line))
        if folded(stripped) == title_key:
            rule = "repeated-title" if title_seen else "title"
            reason = "the title again, injected into the text" if title_seen else "the title (kept in sources.yaml)"
            removals.append(Removal(seed, number, rule, raw.lines[number - 1], reason))
            title_seen = True
        elif pattern := _match_any(source.noise, stripped):
            removals.append(Removal(seed, number, "noise", raw.lines[number - 1], f"matches noise pattern '{pattern}'"))
        else:
            lines.append((number, line))
            marks[number] = mark
    lines, dropped = _drop_regions(lines, source.drop, seed)
    lines, copies = _duplicates(lines, seed, folded)
    removals += dropped + copies

    cleaned = [(number, line, *_clean_line(number, line, source, seed)) for number, line in lines]
    strays = stray([c[2] for c in cleaned]) if stray and cleaned else [[] for _ in cleaned]
    bare_stamps = _stamps_are_common([c[2] for c in cleaned])
    kept, flags = [], []
    previous = 0
    pending_start: float | None = None  # a timestamp on a line of its own stamps the next line
    for (number, line, text, line_removals, line_flags, mojibake), found in zip(cleaned, strays):
        text, script_fixes = _fix_stray_characters(number, text, found, seed, mojibake)
        removals += line_removals + script_fixes
        flags += line_flags
        mark = marks[number]
        text, stamp, start, stamp_header = _take_timestamp(text, bare_stamps) if mark.cue == 0 else (text, "", None, False)
        if stamp:
            removals.append(Removal(seed, number, "timestamp", stamp, "a timestamp, kept as the paragraph's start time",
                                    whole_line=not strip_blank(text)))
            text = strip_blank(text)
        if not text:
            if stamp:
                pending_start = start
            else:
                removals.append(Removal(seed, number, "trim", line, "nothing left after trimming"))
            continue
        start = mark.start if mark.start is not None else start if start is not None else pending_start
        pending_start = None
        voice = text.rstrip(":：") if stamp_header else mark.voice
        kept.append(CleanLine(number=number, raw=raw.lines[number - 1], text=text,
                              blank_before=number > previous + 1,
                              heading=mark.level if mark.role is Role.HEADING else 0, strong=mark.strong,
                              voice=voice, start=start, cue=mark.cue))
        previous = number
    removals.sort(key=lambda r: (r.line, not r.whole_line))
    return CleanText(source_id=source.id, seed=seed, lines=tuple(kept), removals=tuple(removals),
                     flags=tuple(flags), raw_line_count=len(raw.lines), format=raw.format)
