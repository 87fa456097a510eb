"""parse: cleaned lines → sections and paragraphs with speaker labels.

One mechanism reads every layout; each source's settings in
``site_config/sources.yaml`` only tune it. A line is, in this order:

1. a heading the source declares (``headings``), or a short line without
   closing punctuation that stands alone (``什麼是agi``);
2. a question cue, ``追問張鵬:`` / ``向李大海提問:``: the moderator asks;
3. a speaker turn, ``名字: text`` or ``名字(注):`` on its own line. A label
   counts when it names a known speaker, or when it recurs in the source;
   a one-off ``中美差距:…`` is text, not a speaker;
4. reported speech, ``X認爲,…`` or ``「…」。X說。`` (sources that set
   ``reported_speech``);
5. otherwise a continuation of the current speaker (``continuation``), or
   narration.

Short lines standing before an own-line speaker header are the editor's
pull-quote headline; sections listed as ``unattributed`` hold answers with
no names; ``highlights`` regions are summaries. Those broken over several
short lines are joined into one paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from typing import Callable

from .config import Entry
from .model import Block, CleanLine, CleanText, Layout, ParsedSection, ParsedSource

# A label: a name (Han, Latin letters, digits, spaces), an optional note in
# brackets, a colon. Han names are short; Latin names such as 'Sam Altman' may have spaces.
LABEL = re.compile(
    r"^(?P<label>[\u3400-\u9fffA-Za-z][\u3400-\u9fffA-Za-z0-9·. ]{0,14}?)\s*"
    r"(?:[（(](?P<note>[^（）()]{1,30})[）)])?\s*[:：]\s*(?P<rest>.*)$"
    r"|^【(?P<label_b>[^【】]{1,15})】\s*[:：]?\s*(?P<rest_b>.*)$"  # 【名字】text
)
# A numbered heading (一、开场 / 1. 关于开源 / 第三部分) may even end in a question mark.
NUMBERED_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.、．]\s?|第[一二三四五六七八九十\d]+[部分章节问])")
QUESTION_CUE = re.compile(r"^(?:追問|追问|向|問|问)(?P<name>.{1,12}?)(?:提問|提问|發問|发问)?[:：]\s*(?P<rest>.*)$")
SPEECH_VERBS = (
    "認爲|認為|认为|表示|提到|稱|称|說|说|指出|強調|强调|坦言|透露|直言|澄清|回應|回应|"
    "贊同|赞同|認同|认同|同意|更願意|更愿意|試圖|试图|嘗試|尝试|選擇|选择|相信|談到|谈到"
)
TERMINAL = "。！？!?…」”』）)：:;；"
HEADING_MAX = 32  # a heading is shorter than this
SHORT_LINE = 30  # pull-quote and broken-answer lines are shorter than this


@dataclass
class _Line:
    line: CleanLine
    kind: str  # heading | cue | turn | header | text
    label: str | None = None
    rest: str = ""
    addressed_to: str | None = None
    highlight: bool = False
    pull_quote: bool = False


@dataclass(frozen=True)
class _Label:
    label: str
    rest: str


def _label_match(text: str) -> _Label | None:
    match = LABEL.match(text)
    if not match:
        return None
    label = (match.group("label") or match.group("label_b")).strip()
    rest = match.group("rest") if match.group("label") else match.group("rest_b")
    if rest.startswith("//") or label.isdigit() or len(label) > 15:
        return None
    return _Label(label, rest)


def _looks_like_heading(text: str) -> bool:
    """Short, one phrase, no closing punctuation (什麼是agi, 價格戰是好是壞), or numbered."""
    if len(text) > HEADING_MAX:
        return False
    if NUMBERED_HEADING.match(text) and not text.endswith(("。", "；", ";")):
        return True
    return not text.endswith(tuple(TERMINAL)) and not re.search("[。！？!?]", text)


def _regions(lines: list[CleanLine], regions) -> set[int]:
    inside_numbers, inside = set(), None
    for cl in lines:
        if inside is None:
            inside = next((r for r in regions if re.search(r.values["from"], cl.text) or re.search(r.values["from"], cl.raw.strip())), None)
        elif re.search(inside.until, cl.text) or re.search(inside.until, cl.raw.strip()):
            inside = None
        if inside is not None:
            inside_numbers.add(cl.number)
    return inside_numbers


def _classify(clean: CleanText, source: Entry, is_known: Callable[[str], bool]) -> list[_Line]:
    highlighted = _regions(list(clean.lines), source.highlights)
    label_counts = Counter(m.label for cl in clean.lines if (m := _label_match(cl.text)))
    out: list[_Line] = []
    for cl in clean.lines:
        text = cl.text
        item = _Line(cl, "text", highlight=cl.number in highlighted)
        cue = QUESTION_CUE.match(text)
        match = _label_match(text)
        if any(re.search(p, text) or re.search(p, cl.raw.strip()) for p in source.headings):
            item.kind = "heading"
        elif cue and is_known(cue.group("name")):
            item.kind, item.addressed_to, item.rest = "cue", cue.group("name"), text
        elif match and (is_known(match.label) or label_counts[match.label] >= 2):
            item.label, item.rest = match.label, match.rest
            item.kind = "turn" if item.rest else "header"
        out.append(item)
    _mark_pull_quotes(out)
    unattributed = False
    for i, item in enumerate(out):
        if item.kind == "heading":
            unattributed = any(re.search(p, item.line.text) for p in source.unattributed)
        elif (item.kind == "text" and not item.pull_quote and not unattributed and i + 1 < len(out)
              and _looks_like_heading(item.line.text)):
            item.kind = "heading"
    return out


def _mark_pull_quotes(items: list[_Line]) -> None:
    """Short lines right before an own-line speaker header are its headline."""
    for i, item in enumerate(items):
        if item.kind != "header" or item.highlight:
            continue
        j, run = i - 1, []
        while j >= 0 and items[j].kind == "text" and len(items[j].line.text) <= SHORT_LINE:
            text = items[j].line.text
            # A headline may end with 。 on its last line, never with a question.
            if text.endswith(tuple("？?")) or (j < i - 1 and text.endswith(tuple("。！!"))):
                break
            run.append(items[j])
            j -= 1
        # A headline is broken over lines or left unpunctuated; one finished
        # sentence before a header is the end of the previous answer.
        if any(not r.line.text.endswith(tuple("。！!")) for r in run):
            for r in run:
                r.pull_quote = True


def _reported_speaker(text: str, names: Callable[[str], list[str]]) -> str | None:
    """The speaker whose words a reported-speech paragraph gives, if exactly one."""
    found = []
    for name in names(text):
        quoted = re.escape(name)
        for pattern in (rf"{quoted}.{{0,3}}?(?:{SPEECH_VERBS})", rf"在{quoted}看[來来]", rf"{quoted}(?:說|说|稱|称)[。.]?$"):
            match = re.search(pattern, text)
            if match:
                found.append((match.start(), name))
    return min(found)[1] if found else None


def parse(
    clean: CleanText,
    source: Entry,
    is_known: Callable[[str], bool],
    names_in: Callable[[str], list[str]],
) -> ParsedSource:
    """Group one source's lines into sections and blocks (paragraphs)."""
    items = _classify(clean, source, is_known)
    sections = [ParsedSection(0, "", None)]
    blocks: list[Block] = []
    current: str | None = None  # label of whoever is speaking
    highlight_label: str | None = None
    pending: list[int] = []  # header lines waiting for their text
    unattributed = False
    joining: list[_Line] = []  # short broken lines that make one paragraph
    orphans: list[int] = []  # header lines with no text under them

    def emit(lines: list[int], text: str, raw: str, label, cue, kind, addressed_to=None):
        blocks.append(Block(tuple(pending + lines), raw, text, label, cue, kind, len(sections) - 1, addressed_to))
        pending.clear()

    def flush_joined():
        if joining:
            kind = "unattributed" if unattributed and not joining[0].pull_quote else "highlight"
            label = highlight_label if joining[0].highlight and not joining[0].pull_quote else None
            emit([j.line.number for j in joining], "".join(j.line.text for j in joining),
                 "\n".join(j.line.raw for j in joining), label, "highlight" if label else "none", kind)
            joining.clear()

    for item in items:
        text = item.line.text
        if item.pull_quote or (unattributed and item.kind == "text"):
            if joining and joining[-1].line.text.endswith(tuple("。！？!?")):
                flush_joined()
            joining.append(item)
            continue
        flush_joined()
        if not item.highlight:
            highlight_label = None
        if item.kind == "heading":
            orphans.extend(pending)
            pending.clear()
            sections.append(ParsedSection(len(sections), text.rstrip("：:—- "), item.line.number))
            current = None
            unattributed = any(re.search(p, text) for p in source.unattributed)
            continue
        if item.kind == "header":
            if item.highlight:
                highlight_label = item.label
            else:
                current = item.label
            pending.append(item.line.number)
            continue
        if item.highlight:
            emit([item.line.number], text, item.line.raw, highlight_label, "highlight" if highlight_label else "none", "highlight")
        elif item.kind == "cue":
            current = None
            emit([item.line.number], text, item.line.raw, None, "question-cue", "question", item.addressed_to)
        elif item.kind == "turn":
            current = item.label
            emit([item.line.number], item.rest, item.line.raw, item.label, "turn", "turn")
        elif pending and current:
            emit([item.line.number], text, item.line.raw, current, "turn", "turn")
        elif source.reported_speech and (name := _reported_speaker(text, names_in)):
            current = name
            emit([item.line.number], text, item.line.raw, name, "reported", "reported")
        elif source.continuation and current:
            emit([item.line.number], text, item.line.raw, current, "continuation", "turn")
        else:
            emit([item.line.number], text, item.line.raw, None, "none", "narration")
    flush_joined()
    orphans.extend(pending)
    return ParsedSource(
        source_id=clean.source_id,
        seed=clean.seed,
        layout=_layout(blocks, source),
        sections=tuple(sections),
        blocks=tuple(blocks),
        orphan_labels=tuple(orphans),
        labels=tuple(dict.fromkeys(b.label for b in blocks if b.label and b.cue in ("turn", "reported"))),
    )


def _layout(blocks: list[Block], source: Entry) -> Layout:
    cues = Counter(b.cue for b in blocks)
    headers = sum(1 for b in blocks if b.cue == "turn" and len(b.lines) > 1)
    if cues["reported"] > cues["turn"]:
        return Layout.REPORTED if source.continuation else Layout.ARTICLE
    if headers > cues["turn"] / 2:
        return Layout.HEADERS
    return Layout.TURNS if cues["turn"] else Layout.ARTICLE
