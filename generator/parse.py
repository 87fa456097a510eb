"""parse: cleaned lines → sections and paragraphs with speaker labels.

One mechanism reads every layout; each source's settings in
``site_config/sources.yaml`` only tune it. A line is, in this order:

1. a heading: one the source declares (``headings``), a Markdown heading that
   names nobody, or a guessed one: a short line without closing punctuation
   that stands alone (``什麼是agi``), never a sentence ending in ``.``, never a
   line inside a turn, never in a source with Markdown headings or
   ``headings: false``. Guesses go to the cleaning report;
2. a question cue, ``追問張鵬:`` / ``向李大海提問:``: the moderator asks;
3. a speaker turn: ``名字：text``, ``Name (note): text``, ``**名：**``,
   ``### 名：``, ``【名字】``, a subtitle voice, a ``labels`` pattern, or a label
   on its own line above the text. A label counts when it names a known
   speaker, recurs in the source, or is set off by the format (bold, a
   heading, a voice); a label used once in a source written in labelled
   turns counts when it reads as a name (``王五``, ``Jane Doe``). When the
   parser cannot tell, the paragraph gets no speaker and a warning — never
   the previous speaker's name. A one-off ``中美差距:…`` is text, not a speaker;
4. reported speech, ``X認爲,…`` or ``「…」。X說。`` (sources that set
   ``reported_speech``);
5. otherwise a continuation of the current speaker (``continuation``), the
   source's one voice (``speaker``), or narration.

Lines of one paragraph broken by a hard wrap are joined, and so are the cues
of one speaker in a subtitle file. Short lines standing before an own-line
speaker header are the editor's pull-quote headline; sections listed as
``unattributed`` hold answers with no names; ``highlights`` regions are
summaries. Those broken over several short lines are joined into one paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import Callable

from .config import Entry
from .labels import NOT_SPEAKERS, is_latin_text, is_role, looks_like_name, reads_as_name_once, role_key
from .model import (Block, CleanLine, CleanText, Cue, Format, Hint, Layout, ParsedSection, ParsedSource, Removal,
                    strip_blank)

# A label: a name (Han, Latin letters, digits, spaces, dots, hyphens), an optional note in
# brackets, a colon. Han names are short; Latin names such as 'Alexandria Ocasio-Cortez' are not.
LABEL = re.compile(
    # 36氪 and 《财经》 are interviewers too: a label may start with a few digits before Han, or with 《.
    r"^(?P<label>(?:[\u3400-\u9fffA-Za-z《]|\d{1,3}(?=[\u3400-\u9fff]))[\u3400-\u9fffA-Za-z0-9·•.'’&\-《》 ]{0,39}?)\s*"
    r"(?:[（(](?P<note>[^（）()]{1,60})[）)]|,\s*(?P<comma_note>[^,:：]{2,60}?))?\s*[:：]\s*(?P<rest>.*)$"
    r"|^【(?P<label_b>[^【】]{1,15})】\s*[:：]?\s*(?P<rest_b>.*)$"  # 【名字】text
    r"|^\[(?P<label_c>[^\[\]]{1,40})\]\s*[:：]\s*(?P<rest_c>.*)$"  # [Jane Doe]: text (a colon: [Applause] is no label)
    r"|^(?P<label_d>[QA])(?:\.\s+|\s{2,}|\t)(?P<rest_d>\S.*)$"  # Q.  Mr. President, … (press briefings: no colon)
)
HAN_LABEL_MAX = 15
# Han words that end a phrase of saying: 他说：… / 李大海表示：… introduce words, they are no label.
_SAYING = re.compile(r"(?:说|說|道|表示|认为|認為|認爲|指出|提到|强调|強調|透露|坦言|回应|回應|介绍|介紹|称|稱)$")
# A numbered heading (一、开场 / 1. 关于开源 / 第三部分) may even end in a question mark.
NUMBERED_HEADING = re.compile(
    r"^(?:[一二三四五六七八九十]+、|\d{1,2}[.、．]\s?|第[一二三四五六七八九十\d]+[部分章节问])"
    r"|^(?:话题|話題|问题|問題|议题|議題|主题|主題)\s*[一二三四五六七八九十\d]+\s*[:：、.]"  # 話題一：… / 问题 2：…
    r"|^[一二三四五六七八九十]+[问問]\s*[:：]"  # 一问：… (the nine questions)
)
NUMBERED_HEADING_MAX = 60  # a numbered heading may be a whole question
NUMBER_ONLY = re.compile(r"^(?:\d{1,2}[.、．]?|[一二三四五六七八九十]+、|Part \d+|PART \d+)$")
QUESTION_CUE = re.compile(r"^(?:追問|追问|向|問|问)(?P<name>.{1,12}?)(?:提問|提问|發問|发问)?[:：]\s*(?P<rest>.*)$")
SPEECH_VERBS = (
    "認爲|認為|认为|表示|提到|稱|称|說|说|指出|強調|强调|坦言|透露|直言|澄清|回應|回应|"
    "贊同|赞同|認同|认同|同意|更願意|更愿意|試圖|试图|嘗試|尝试|選擇|选择|相信|談到|谈到"
)
TERMINAL = "。！？!?…」”』）)：:;；"
SENTENCE_END = "。！？!?….」”』\"'）)"
_STAGE_DIRECTION = re.compile(r"[\[(（【][^\[\]()（）【】]{1,30}[\])）】]")
HEADING_MAX = 32  # a heading is shorter than this
SHORT_LINE = 30  # pull-quote and broken-answer lines are shorter than this
HARD_WRAP = 60  # a line this long that stops mid-sentence was wrapped, even with no blank lines in the source
LABELLED_FROM = 3  # label lines that make a source one written in labelled turns
SUBTITLE_PARAGRAPH = 200  # characters after which a subtitle paragraph ends at the next sentence end
SUBTITLE_MAX = 600  # … and after which it ends at the next cue whatever


@dataclass
class _Line:
    line: CleanLine
    kind: str  # heading | cue | turn | header | unknown | text
    label: str | None = None
    note: str = ""
    rest: str = ""
    addressed_to: str | None = None
    highlight: bool = False
    pull_quote: bool = False
    guessed: bool = False  # a heading by guess, not by declaration or Markdown
    title: str = ""  # a heading's text (a number line before it joined in)
    number_line: int | None = None  # that number line


@dataclass(frozen=True)
class _Label:
    label: str
    note: str
    rest: str


def _label_match(text: str) -> _Label | None:
    match = LABEL.match(text)
    if not match:
        return None
    groups = (("label", "rest"), ("label_b", "rest_b"), ("label_c", "rest_c"), ("label_d", "rest_d"))
    label_group, rest_group = next((g, r) for g, r in groups if match.group(g))
    label, rest = strip_blank(match.group(label_group)), match.group(rest_group)
    has_han = bool(re.search(r"[\u3400-\u9fff]", label))
    if rest.startswith("//") or label.isdigit() or (has_han and len(label) > HAN_LABEL_MAX):
        return None
    if has_han and _SAYING.search(label) and not is_role(label):
        return None
    comma_note = match.group("comma_note")
    if comma_note and not (len(label.split()) >= 2 and looks_like_name(label)):
        return None  # 'Well, here is the thing:' — a comma note only after a full name (Jensen Huang, NVIDIA:)
    return _Label(label, strip_blank(match.group("note") or comma_note or ""), strip_blank(rest))


def _custom_label(text: str, patterns: tuple[str, ...]) -> _Label | None:
    """A house style the source declares (``labels``): a pattern with a group named ``name``."""
    for pattern in patterns:
        match = re.search(pattern, text)
        if match and match.groupdict().get("name"):
            groups = match.groupdict()
            rest = groups.get("text")
            if rest is None:
                rest = text[match.end():]
            return _Label(strip_blank(groups["name"]), strip_blank(groups.get("note") or ""), strip_blank(rest))
    return None


def _looks_like_heading(text: str) -> bool:
    """Short, one phrase, no closing punctuation (什麼是agi, 價格戰是好是壞), or numbered."""
    if NUMBERED_HEADING.match(text) and not text.endswith(("。", "；", ";", ".")):
        return len(text) <= NUMBERED_HEADING_MAX
    if len(text) > HEADING_MAX:
        return False
    return not text.endswith(tuple(TERMINAL) + (".", ",", "，", "、")) and not re.search("[。！？!?]", text)


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


def _same_label(a: str, b: str) -> bool:
    return a.strip(" :：").lower() == b.strip(" :：").lower()


@dataclass
class _Reading:
    """What the whole source says about its labels, before any line is decided."""

    counts: Counter  # label → lines it starts
    bare_names: set  # names that stand alone on a line, without a colon, more than once (Lex Fridman ⏎ text)
    labelled: bool  # the source is written in labelled turns
    latin: bool  # the source is written in a Latin script (almost no Han characters)
    blank_lines: bool  # paragraphs are separated by blank lines
    markdown_headings: bool


def _evidence(cl: CleanLine, match: _Label) -> bool:
    """The format sets the label off: bold (``**名：**``, ``**Name**:``) or a heading (``### 名：``)."""
    strong = cl.strong.strip(" :：")
    return bool(strong and strong.lower().startswith(match.label.lower())) or bool(cl.heading and not match.rest)


def _line_label(cl: CleanLine, source: Entry) -> _Label | None:
    if cl.voice:
        return _Label(cl.voice, "", "" if _same_label(cl.text, cl.voice) else cl.text)
    found = _custom_label(cl.text, source.labels) or _label_match(cl.text)
    if found is None and cl.strong and _same_label(cl.strong, cl.text) and len(cl.text) <= 40:
        # **杨植麟** on a line of its own, no colon: a bold name above the words
        bare = re.match(r"^(?P<label>[^（）()]+?)\s*(?:[（(](?P<note>[^（）()]{1,60})[）)])?$", cl.text)
        if bare and looks_like_name(strip_blank(bare.group("label"))):
            found = _Label(strip_blank(bare.group("label")), strip_blank(bare.group("note") or ""), "")
    return found


def _accept(cl: CleanLine, match: _Label, reading: _Reading, is_known: Callable[[str], bool],
            open_roster: bool, declared: bool) -> str | None:
    """turn: the label names who speaks; unknown: it reads as a name the roster lacks; None: text."""
    if declared or cl.voice or is_known(match.label) or match.label in reading.bare_names:
        return "turn"
    bare_bold = not match.rest and not re.search("[:：】]", cl.text)
    if bare_bold and reading.counts[match.label] < 2:
        return None  # a bold line once is a title as often as a name
    if cl.heading and match.rest:  # ### 中美差距：云端… is a heading with a colon
        return None
    name_like = looks_like_name(match.label)
    recurring = reading.counts[match.label] >= 2
    if role_key(match.label) in NOT_SPEAKERS:
        return None
    if not name_like:
        has_han = bool(re.search(r"[\u3400-\u9fff]", match.label))
        if recurring and has_han and (not cl.heading or not match.rest):
            return "turn"
        # 《财经》：最后一个问题？ once among labelled turns: someone speaks, but who cannot be told
        if reading.labelled and not recurring and _entity_like(match.label) and re.search(r"[。！？!?…]$", match.rest):
            return "unknown"
        return None
    if recurring:
        return "turn"
    if _evidence(cl, match):
        return "turn" if open_roster else "unknown"
    if not reads_as_name_once(match.label, match.rest):
        return None
    if reading.labelled:
        return "turn" if open_roster else "unknown"
    return "unknown"  # a name with a colon, once, in prose: whose words these are cannot be told


# Characters of a phrase, not of a name: 我的观点是 / 第一 / 比如 before a colon are the speaker's own words.
_PHRASE = re.compile(r"[我你您他她它们這这那是的了就在有和与與及也都說说讲講看想如第首其最比例即总總而但所因]|^[一二三四五六七八九十]")


def _entity_like(label: str) -> bool:
    """A short label that could name a person or an outlet (36氪, 《财经》, 晚点LatePost), not a phrase."""
    return len(label) <= 10 and not _PHRASE.search(label) and role_key(label) not in NOT_SPEAKERS


def _with_title(match: _Label | None, reading: _Reading) -> _Label | None:
    """张鹏 智谱AI CEO： where 张鹏： recurs: the same speaker, the rest a note (their title)."""
    if match is None or reading.counts[match.label] > 1 or match.note:
        return match
    for short in reading.counts:
        if reading.counts[short] > 1 and match.label.startswith(short) and match.label[len(short):len(short) + 1] in " ·，,":
            return _Label(short, strip_blank(match.label[len(short):].strip(" ·，,")), match.rest)
    return match


def _read_source(clean: CleanText, source: Entry, is_known) -> _Reading:
    counts = Counter()
    named = 0  # lines whose label names someone or reads as a name
    seen: set = set()
    for cl in clean.lines:
        match = _line_label(cl, source)
        if match:
            # The same whole line again (a title a page injects) is one line, not a turn said twice.
            if match.rest and (match.label, match.rest) in seen:
                continue
            seen.add((match.label, match.rest))
            counts[match.label] += 1
            named += bool(cl.voice or is_known(match.label) or looks_like_name(match.label))
    recurring = sum(n for label, n in counts.items() if n >= 2 and re.search(r"[\u3400-\u9fff]", label))
    lines = clean.lines
    bare = Counter(cl.text for cl in lines if len(cl.text) <= 40 and not re.search(r"[:：。！？!?,，]", cl.text))
    bare_names = {text for text, n in bare.items() if n >= 2 and looks_like_name(text)}
    named += sum(bare[name] for name in bare_names)
    blank_lines = sum(cl.blank_before for cl in lines[1:]) >= (len(lines) - 1) / 2 if len(lines) > 1 else True
    latin = is_latin_text("".join(cl.text for cl in lines[:200]))
    return _Reading(counts, bare_names, max(named, recurring) >= LABELLED_FROM, latin, blank_lines,
                    any(cl.heading for cl in lines))


def _classify(clean: CleanText, source: Entry, is_known: Callable[[str], bool], open_roster: bool,
              warnings: list[str]) -> tuple[list[_Line], _Reading]:
    highlighted = _regions(list(clean.lines), source.highlights)
    reading = _read_source(clean, source, is_known)
    headings_off = source.headings is False
    declared = () if headings_off else source.headings
    out: list[_Line] = []
    where = f"seeds/{clean.seed}"
    for cl in clean.lines:
        text = cl.text
        item = _Line(cl, "text", highlight=cl.number in highlighted)
        cue = QUESTION_CUE.match(text) if not cl.cue else None
        match = _with_title(_line_label(cl, source), reading)
        if match is None and text in reading.bare_names:
            match = _Label(text, "", "")  # a name alone on its line, again and again: the header of a turn
        custom = bool(source.labels) and _custom_label(text, source.labels) is not None
        verdict = _accept(cl, match, reading, is_known, open_roster, custom) if match else None
        if any(re.search(p, text) or re.search(p, cl.raw.strip()) for p in declared):
            item.kind = "heading"
        elif cue and is_known(cue.group("name")):
            item.kind, item.addressed_to, item.rest = "cue", cue.group("name"), text
        elif verdict == "turn":
            item.label, item.note, item.rest = match.label, match.note, match.rest
            item.kind = "turn" if item.rest else "header"
        elif verdict == "unknown":
            item.kind = "unknown"
            warnings.append(f"{where}, line {cl.number}: '{match.label}' looks like a speaker label used once, but "
                            "whose words these are cannot be told: the paragraph has no speaker. If it is a speaker, "
                            "add them to the event in site_config/ (or run `python -m generator add`).")
        elif cl.heading:
            item.kind = "heading"
        out.append(item)
    _mark_pull_quotes(out)
    guess = not headings_off and not reading.markdown_headings
    unattributed = False
    for i, item in enumerate(out):
        if item.kind == "heading":
            unattributed = any(re.search(p, item.line.text) for p in source.unattributed)
        elif (guess and item.kind == "text" and not item.pull_quote and not unattributed and i + 1 < len(out)
              and _may_be_heading(out, i, reading, source)):
            item.kind, item.guessed = "heading", True
    _join_number_lines(out)
    return out, reading


def _may_be_heading(items: list[_Line], i: int, reading: _Reading, source: Entry) -> bool:
    """A short line standing alone, not inside a turn, not a sentence."""
    cl = items[i].line
    if cl.cue or not _looks_like_heading(cl.text):
        return False
    if _STAGE_DIRECTION.fullmatch(cl.text):
        return False  # [Applause], （笑）: what happened, not a heading
    if any(re.search(p, cl.text) for p in source.not_headings):
        return False
    following = items[i + 1] if i + 1 < len(items) else None
    if following is None or following.kind == "heading" or NUMBER_ONLY.match(following.line.text):
        return False  # a heading heads something: a byline before the first heading is text
    before = items[i - 1] if i else None
    if before is not None and before.kind == "header" and not before.highlight:
        return False  # the first line under 名字： is what they said
    if before is not None and not cl.blank_before and reading.blank_lines and before.kind != "heading":
        return False  # the next line of a paragraph
    words = cl.text.split()
    if re.fullmatch(r"[A-Za-z0-9 ,'’\-]+", cl.text) and len(words) <= 3 and before is not None \
            and before.kind in ("turn", "header", "text") and not NUMBERED_HEADING.match(cl.text) \
            and (reading.latin or not all(w[0].isupper() or w[0].isdigit() for w in words)):
        return False  # "That's right" / "Thank you" in a conversation; "Scaling Law" in Chinese text is a heading
    return True


def _join_number_lines(items: list[_Line]) -> None:
    """``01.`` on a line of its own before a title line: one heading, ``01. 大模型的未来``."""
    for i, item in enumerate(items):
        item.title = item.line.text.rstrip("：:—- ") if item.kind == "heading" else ""
    for i, item in enumerate(items[:-1]):
        following = items[i + 1]
        if item.kind in ("text", "heading") and NUMBER_ONLY.match(item.line.text) and following.kind == "heading":
            item.kind, item.guessed = "number", False
            following.title = f"{item.line.text} {following.title}"
            following.number_line = item.line.number


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
        if j >= 0 and items[j].kind == "header":
            continue  # the lines under a header are what was said, however short ("That's right.")
        # A headline is broken over lines or left unpunctuated; one finished
        # sentence before a header is the end of the previous answer.
        if any(not r.line.text.endswith(tuple("。！!.")) for r in run):
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


def _joiner(before: str, after: str) -> str:
    """What goes between two pieces of one paragraph: a space between Latin words (or
    between unpunctuated subtitle cues), nothing inside Chinese text."""
    if not before or not after:
        return ""
    latin = re.match(r"[A-Za-z0-9,.;:!?'’\")\]]", before[-1]) and re.match(r"[A-Za-z0-9\"'(\[]", after[0])
    return " " if latin else ""


def _cue_joiner(before: str, after: str) -> str:
    """Between two subtitle lines: nothing after Chinese punctuation, else a space, so that
    the break between two unpunctuated cues stays visible."""
    return "" if before.endswith(tuple("。，！？、；：」』）…")) and not re.match(r"[A-Za-z0-9]", after[:1]) else " "


def _is_open(text: str) -> bool:
    """A paragraph that stops mid-sentence."""
    return bool(text) and not text.endswith(tuple(SENTENCE_END) + ("：", ":", ";", "；"))


class _Blocks:
    """The blocks of one source as they are made; the last may still grow (a wrapped line, a cue)."""

    def __init__(self):
        self.items: list[Block] = []

    def add(self, block: Block) -> None:
        self.items.append(block)

    def extend_last(self, number: int, text: str, raw: str, joiner: str) -> None:
        last = self.items[-1]
        self.items[-1] = replace(last, lines=last.lines + (number,), text=last.text + joiner + text,
                                 raw=last.raw + "\n" + raw)

    @property
    def last(self) -> Block | None:
        return self.items[-1] if self.items else None


def parse(
    clean: CleanText,
    source: Entry,
    is_known: Callable[[str], bool],
    names_in: Callable[[str], list[str]],
    open_roster: bool = False,
) -> ParsedSource:
    """Group one source's lines into sections and blocks (paragraphs).

    ``open_roster`` is True while the speakers are being found (a seed that
    site_config/ does not list): a label used once that reads as a name is then
    a new speaker, not a paragraph with nobody's name.
    """
    warnings: list[str] = []
    items, reading = _classify(clean, source, is_known, open_roster, warnings)
    where = f"seeds/{clean.seed}"
    sections = [ParsedSection(0, "", None)]
    blocks = _Blocks()
    decisions: list[Removal] = []
    current: str | None = None  # label of whoever is speaking
    current_note = ""
    highlight_label: str | None = None
    pending: list[int] = []  # header lines waiting for their text
    pending_start: float | None = None
    unattributed = False
    joining: list[_Line] = []  # short broken lines that make one paragraph
    orphans: list[int] = []  # header lines with no text under them
    voice = source.speaker  # the source's one voice, if it declares one
    subtitles = clean.format in (Format.SRT, Format.VTT)
    previous: _Line | None = None

    def emit(item: _Line, text: str, label, cue: Cue, kind: Hint, addressed_to=None, note=""):
        nonlocal pending_start
        cl = item.line
        start = pending_start if pending_start is not None else cl.start
        blocks.add(Block(tuple(pending + [cl.number]), cl.raw, text, label, cue, kind, len(sections) - 1,
                         addressed_to, note, start))
        pending.clear()
        pending_start = None

    def flush_joined():
        if joining:
            kind = Hint.UNATTRIBUTED if unattributed and not joining[0].pull_quote else Hint.HIGHLIGHT
            label = highlight_label if joining[0].highlight and not joining[0].pull_quote else None
            blocks.add(Block(tuple(j.line.number for j in joining), "\n".join(j.line.raw for j in joining),
                             "".join(j.line.text for j in joining), label, Cue.HIGHLIGHT if label else Cue.NONE,
                             kind, len(sections) - 1))
            joining.clear()

    def continues(item: _Line) -> bool:
        """The line goes on the paragraph before it: a hard wrap, or the next cue of one speaker."""
        last = blocks.last
        if last is None or previous is None or pending or last.lines[-1] != previous.line.number:
            return False
        if previous.kind not in ("text", "turn", "unknown") or previous.highlight or previous.pull_quote:
            return False
        if last.kind_hint not in (Hint.TURN, Hint.NARRATION, Hint.UNKNOWN, Hint.QUESTION) or last.cue is Cue.QUESTION_CUE:
            return False
        cl = item.line
        if cl.voice == "":
            return False  # '>>' or a dialogue dash: another voice
        if cl.cue:
            if cl.cue == previous.line.cue:
                return True  # the next line of one cue
            if len(last.text) >= SUBTITLE_MAX:
                return False
            return _is_open(last.text) or len(last.text) < SUBTITLE_PARAGRAPH
        return (not cl.blank_before and _is_open(previous.line.text)
                and (reading.blank_lines or len(previous.line.text) >= HARD_WRAP))

    for item in items:
        text = item.line.text
        if item.pull_quote or (unattributed and item.kind == "text"):
            if joining and joining[-1].line.text.endswith(tuple("。！？!?")):
                flush_joined()
            joining.append(item)
            previous = item
            continue
        flush_joined()
        if not item.highlight:
            highlight_label = None
        if item.kind == "number":
            decisions.append(Removal(clean.seed, item.line.number, "heading", text,
                                     "a section number on its own line, joined to the heading after it", False))
            previous = item
            continue
        if item.kind == "heading":
            orphans.extend(pending)
            pending.clear()
            sections.append(ParsedSection(len(sections), item.title, item.line.number,
                                          (item.number_line,) if item.number_line else ()))
            if item.guessed:
                decisions.append(Removal(clean.seed, item.line.number, "heading", text,
                                         "a short line without closing punctuation, read as a section heading "
                                         "(not so? list it under 'not_headings' in site_config/sources.yaml)", False))
            current = None
            unattributed = any(re.search(p, text) for p in source.unattributed)
            previous = item
            continue
        if item.kind == "header":
            if item.highlight:
                highlight_label = item.label
            else:
                current, current_note = item.label, item.note
            pending.append(item.line.number)
            if item.line.start is not None:
                pending_start = item.line.start
            previous = item
            continue
        same_voice = item.kind == "turn" and item.line.voice and item.label == current
        if (item.kind == "text" or same_voice) and continues(item):
            words = item.rest if same_voice else text
            joiner = _cue_joiner(blocks.last.text, words) if item.line.cue else _joiner(blocks.last.text, words)
            blocks.extend_last(item.line.number, words, item.line.raw, joiner)
            previous = item
            continue
        if item.highlight:
            emit(item, text, highlight_label, Cue.HIGHLIGHT if highlight_label else Cue.NONE, Hint.HIGHLIGHT)
        elif item.kind == "cue":
            current = None
            emit(item, text, None, Cue.QUESTION_CUE, Hint.QUESTION, item.addressed_to)
        elif item.kind == "turn":
            current, current_note = item.label, item.note
            emit(item, item.rest, item.label, Cue.TURN, Hint.TURN, note=item.note)
        elif item.kind == "unknown":
            current = None
            emit(item, text, None, Cue.NONE, Hint.UNKNOWN)
        elif pending and current:
            emit(item, text, current, Cue.TURN, Hint.TURN, note=current_note)
        elif source.reported_speech and (name := _reported_speaker(text, names_in)):
            current = name
            emit(item, text, name, Cue.REPORTED, Hint.TURN)
        elif _STAGE_DIRECTION.fullmatch(text):  # [Applause], （笑）: what happened, said by nobody
            emit(item, text, None, Cue.NONE, Hint.NARRATION)
        elif item.line.voice == "":  # another voice, unnamed: not the one before
            current = None
            emit(item, text, None, Cue.NONE, Hint.UNKNOWN)
        elif (source.continuation or subtitles) and current:
            emit(item, text, current, Cue.CONTINUATION, Hint.TURN, note=current_note)
        elif voice:
            emit(item, text, None, Cue.VOICE, Hint.TURN)
        else:
            emit(item, text, None, Cue.NONE, Hint.NARRATION)
        previous = item
    flush_joined()
    orphans.extend(pending)
    result = list(blocks.items)
    return ParsedSource(
        source_id=clean.source_id,
        seed=clean.seed,
        layout=_layout(result, source, clean.format),
        sections=tuple(sections),
        blocks=tuple(result),
        orphan_labels=tuple(orphans),
        labels=tuple(dict.fromkeys(b.label for b in result if b.label and b.cue in (Cue.TURN, Cue.REPORTED))),
        decisions=tuple(decisions),
        warnings=(tuple(warnings) + _label_warnings(result, where, is_known, open_roster)
                  + _source_warnings(result, where, reading.labelled)),
        notes=tuple(dict.fromkeys((b.label, b.note) for b in result if b.label and b.cue is Cue.TURN)),
    )


def _source_warnings(blocks: list[Block], where: str, labelled: bool) -> tuple[str, ...]:
    """A source that names nobody, or whose labelled turns leave much of it to nobody."""
    if not blocks:
        return ()
    if not any(b.label or b.cue is Cue.VOICE for b in blocks):
        return (f"{where}: no paragraph has a speaker: no labels were found. If one person speaks throughout, set "
                "'speaker:' for its source in site_config/sources.yaml; if it uses a house style of labels, "
                "describe it with 'labels:'.",)
    narration = sum(b.kind_hint is Hint.NARRATION for b in blocks)
    if labelled and narration > len(blocks) / 3:
        first = next(b.lines[0] for b in blocks if b.kind_hint is Hint.NARRATION)
        return (f"{where}: {narration} of {len(blocks)} paragraphs are narration (nobody's words) in a source written "
                f"in labelled turns, the first on line {first}: are some labels written in a way the parser missed?",)
    return ()


def _label_warnings(blocks: list[Block], where: str, is_known, open_roster: bool) -> tuple[str, ...]:
    """A label that starts one turn only, and that no editor has listed, is worth a look:
    a name, or words with a colon?"""
    firsts: dict[str, int] = {}
    counts: Counter = Counter()
    for b in blocks:
        if b.label and b.cue is Cue.TURN:
            key = role_key(b.label)  # Q1 and Q2 are one label
            counts[key] += 1
            firsts.setdefault(key, b.lines[0])
    labels = {role_key(b.label): b.label for b in blocks if b.label and b.cue is Cue.TURN}
    return tuple(f"{where}, line {firsts[key]}: the label '{labels[key]}' is used once; check that it names a speaker"
                 for key, n in counts.items() if n == 1 and len(counts) > 1 and (open_roster or not is_known(labels[key])))


def _layout(blocks: list[Block], source: Entry, fmt: Format) -> Layout:
    if fmt in (Format.SRT, Format.VTT):
        return Layout.SUBTITLES
    cues = Counter(b.cue for b in blocks)
    if source.speaker and cues[Cue.VOICE] >= cues[Cue.TURN]:
        return Layout.MONOLOGUE
    headers = sum(1 for b in blocks if b.cue is Cue.TURN and len(b.lines) > 1)
    if cues[Cue.REPORTED] > cues[Cue.TURN]:
        return Layout.REPORTED if source.continuation else Layout.ARTICLE
    if headers > cues[Cue.TURN] / 2:
        return Layout.HEADERS
    return Layout.TURNS if cues[Cue.TURN] else Layout.ARTICLE
