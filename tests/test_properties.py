"""Property-based tests (hypothesis) over generated transcripts.

The generated text mixes what real seeds hold: Simplified and Traditional
Chinese (characters and slices of lines drawn from ``seeds/*.txt``), ASCII and
full-width punctuation, speaker-label-like prefixes (``张鹏:``, ``名字(注):``,
``【名字】``, ``Q:``), NBSPs and ideographic spaces, empty and long lines, and
``\\n``, ``\\r\\n`` and ``\\r`` line endings mixed. The properties:

1. read: ``decode`` of any bytes (with or without a declared encoding) returns
   valid text or raises YanluError, and UTF-8 text (with a BOM, CRLF or mixed
   endings) reads back as the same lines;
2. clean + parse never raise anything but YanluError, finish quickly (2 s
   deadline) and lose nothing: every non-blank line is in a paragraph, a
   heading, an orphan speaker header or a whole-line removal, and its cleaned
   text is in its paragraph; cleaning's script fix rewrites only characters of
   the other script, in place;
3. the whole pipeline on a tiny project whose one seed sources.yaml does not
   list (so it is auto-configured) returns a corpus, losing no line and
   converting each paragraph on its own terms, or raises YanluError(s);
4. restoring punctuation changes only the ASCII marks it converts, one for one.

Every run is deterministic (``derandomize=True``). Each bug these properties
found is pinned below as a plain regression test with its minimal example.
"""

from __future__ import annotations

import codecs
import re
import shutil
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from conftest import ROOT
from generator.clean import FULL_WIDTH, clean, fold, restore_punctuation
from generator.config import Entry, entry_with_defaults, load_config
from generator.convert import converter_for
from generator.model import BLANK, Corpus, RawText, Script, YanluError
from generator.parse import parse
from generator.pipeline import Project, build_corpus
from generator.read import decode, read_seed

# ------------------------------------------------------------------ material from the real seeds

SEED_LINES = tuple(sorted({
    line.strip()
    for path in sorted((ROOT / "seeds").glob("*.txt"))
    for line in path.read_text(encoding="utf-8").splitlines()
    if line.strip()
}))
HAN = tuple(sorted({c for line in SEED_LINES for c in line if "\u3400" <= c <= "\u9fff"}))

PUNCT = tuple(",:?()，：？（）「」;!。、.—…")
SPACES = (" ", "\u00a0", "\u3000", "\t", "\ufeff", "\u200b")  # what cleaning knows as blank
ODD_SPACES = ("\u2003", "\u2028", "\x0b", "\x0c", "\x1c", "\x85")  # whitespace to Python, not to BLANK
LABELS = ("张鹏:", "张鹏：", "李大海：", "李大海:", "名字(注):", "张鹏(智谱AI)：", "李大海（面壁智能）:", "【名字】",
          "【张鹏】", "【李大海】：", "Q:", "A:", "Q：", "A：", "主持人：", "張鵬：", "追问张鹏：", "向李大海提问:",
          "Sam Altman:")
PINYIN = ("(nèi)", "(fā)", "(huà)", "(dǎo)")
# Traces of mojibake (private use, kana, circled numbers, '?', '@') and U+F0000,
# the first supplementary private-use character, which convert.py uses as a placeholder.
ODD_CHARS = ("\ue000", "ア", "①", "?", "@", "\U000f0000")
ENDINGS = ("\n", "\r\n", "\r")

KNOWN = frozenset({"张鹏", "李大海"})


def is_known(label: str) -> bool:
    return label in KNOWN


def names_in(text: str) -> list[str]:
    return [name for name in sorted(KNOWN) if name in text]


def blank(line: str) -> bool:
    """Blank to a reader: nothing but whitespace or the invisible characters cleaning strips."""
    return all(c.isspace() or c in BLANK for c in line)


# ------------------------------------------------------------------ strategies

han = st.sampled_from(HAN)
seed_line = st.sampled_from(SEED_LINES)


@st.composite
def seed_slice(draw) -> str:
    line = draw(seed_line)
    start = draw(st.integers(0, len(line)))
    return line[start:draw(st.integers(start, len(line)))]


fragment = st.one_of(
    seed_slice(), seed_slice(), han, han,
    st.sampled_from(PUNCT), st.sampled_from(PUNCT),
    st.sampled_from(SPACES),
    st.text(alphabet="abcdefghijklmnopqrstuvwxyzAGIMS0123456789", min_size=1, max_size=8),
    st.sampled_from(PINYIN),
    st.sampled_from(ODD_SPACES),
    st.sampled_from(ODD_CHARS),
)
body = st.lists(fragment, min_size=1, max_size=8).map("".join)


@st.composite
def line(draw) -> str:
    """One line of a transcript, without its ending."""
    shape = draw(st.sampled_from(("text", "label", "empty", "seed", "header", "heading", "blank", "long")))
    if shape == "empty":
        return ""
    if shape == "blank":
        return "".join(draw(st.lists(st.sampled_from(SPACES), min_size=1, max_size=3)))
    if shape == "seed":
        return draw(seed_line)
    if shape == "header":  # an own-line speaker header, maybe padded
        return draw(st.sampled_from(("", " ", "\u00a0"))) + draw(st.sampled_from(LABELS)) + draw(st.sampled_from(("", " ", "\u3000")))
    if shape == "label":
        return draw(st.sampled_from(LABELS)) + draw(st.sampled_from(("", " ", "\u00a0"))) + draw(body)
    if shape == "heading":  # short, no closing punctuation
        return "".join(draw(st.lists(han, min_size=1, max_size=12)))
    if shape == "long":
        return "".join(draw(st.lists(seed_line, min_size=2, max_size=6))) * draw(st.integers(1, 4))
    return draw(body)


@st.composite
def transcript(draw, max_lines: int = 30) -> tuple[str, ...]:
    """Lines of a transcript; sometimes with a copied block, as scraped pages have."""
    lines = draw(st.lists(line(), min_size=1, max_size=max_lines))
    if len(lines) >= 3 and draw(st.booleans()):
        start = draw(st.integers(0, len(lines) - 1))
        lines += lines[start:draw(st.integers(start, min(len(lines), start + 6)))]
    return tuple(lines)


@st.composite
def with_endings(draw, lines: tuple[str, ...]) -> tuple[str, tuple[str, ...]]:
    """The lines joined with \\n, \\r\\n and \\r mixed; returns (text, the lines a reader must see).

    A bare \\r before an empty line ended by \\n would read as one \\r\\n, so
    that one ending is written \\r\\n instead.
    """
    endings = list(draw(st.lists(st.sampled_from(ENDINGS), min_size=len(lines), max_size=len(lines))))
    for i in range(len(lines) - 1):
        if endings[i] == "\r" and lines[i + 1] == "" and endings[i + 1].startswith("\n"):
            endings[i] = "\r\n"
    text = "".join(l + e for l, e in zip(lines, endings))
    if draw(st.booleans()):  # no line ending at the end of the file
        text = text[: len(text) - len(endings[-1])]
        return text, lines[:-1] if lines[-1] == "" else lines
    return text, lines


def transcripts_with_endings(max_lines: int = 30):
    return transcript(max_lines).flatmap(with_endings)


def split_lines(text: str) -> tuple[str, ...]:
    """Lines as the read stage splits them (\\r\\n, \\r or \\n; no final empty line)."""
    lines = tuple(re.split(r"\r\n|\r|\n", text))
    return lines[:-1] if lines and lines[-1] == "" else lines


def source_entry(**settings) -> Entry:
    """A minimal source, as tests/test_clean.py builds one."""
    values = dict(id="t", seed="t.txt", event="e", title="标题", script="zh-Hans")
    return entry_with_defaults("sources", values | settings, "site_config/sources.yaml", 1)


def region(start: str, until: str) -> Entry:
    return Entry({"from": start, "until": until, "reason": ""}, "site_config/sources.yaml", 1)


SOURCE_SETTINGS = st.sampled_from((
    {},
    {"continuation": False},
    {"reported_speech": True},
    {"reported_speech": True, "continuation": False},
    {"headings": ("^话题", "^話題")},
    {"unattributed": ("^[\u3400-\u9fff]{1,6}$",)},
    {"noise": ("^分享",), "trim": (r"\(御柳\)$",)},
    {"drop": (region("^【", "^张鹏"),)},
    {"highlights": (region("^Q", "^A"),)},
))


# ------------------------------------------------------------------ 1. read

NOT_UTF8 = st.one_of(
    st.binary(max_size=200),
    st.tuples(st.sampled_from((codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, b"")),
              st.binary(max_size=200)).map(lambda t: t[0] + t[1]),
    # Chinese text in a legacy codec or UTF-16, possibly cut short or with one byte damaged.
    st.tuples(body, st.sampled_from(("gbk", "big5", "gb18030", "utf-16", "utf-16-le", "utf-8")),
              st.integers(0, 400), st.integers(0, 255)).map(
        lambda t: (lambda b: b[: t[2]] + bytes([t[3]]) + b[t[2] + 1:])(t[0].encode(t[1], errors="replace"))),
)


def assert_valid_text(text: str) -> None:
    text.encode("utf-8")  # no lone surrogates: every later stage (OpenCC, JSON) encodes it


@settings(max_examples=200, deadline=2000, derandomize=True)
@given(data=NOT_UTF8)
def test_decode_of_any_bytes_returns_text_or_refuses_with_yanlu_error(data):
    try:
        text, encoding = decode(data, "seeds/t.txt")
    except YanluError as exc:
        assert exc.problem and exc.fix
        return
    assert isinstance(text, str) and encoding in ("utf-8", "utf-16")
    assert_valid_text(text)


# Codec names an editor may write under `encoding:` in sources.yaml: real ones,
# typos, and names Python knows that are not what they look like.
DECLARED = ("utf-8", "UTF-8", "utf8", "gbk", "GBK", "gb2312", "gb18030", "big5", "big5hkscs", "cp950", "cp936",
            "utf-16", "utf-16-le", "utf-16-be", "utf-32", "latin-1", "ascii", "shift_jis", "euc-kr", "hz",
            "utf-8-sig", "utf-9", "big-5", "base64", "rot13", "zlib", "utf-7", "unicode_escape",
            "raw_unicode_escape", "idna", "punycode", "undefined")


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(data=NOT_UTF8, declared=st.sampled_from(DECLARED))
def test_decode_with_a_declared_encoding_returns_text_or_refuses_with_yanlu_error(data, declared):
    try:
        text, encoding = decode(data, "seeds/t.txt", declared)
    except YanluError:
        return
    assert encoding == declared
    assert_valid_text(text)


def _refused_as_empty(exc: YanluError, lines: tuple[str, ...]) -> bool:
    """read_seed refuses a seed whose lines hold only blank characters (model.BLANK)."""
    return "is empty" in exc.problem and all(not l.strip(BLANK) for l in lines)


@settings(max_examples=200, deadline=2000, derandomize=True)
@given(doc=transcripts_with_endings(), bom=st.booleans())
def test_utf8_with_bom_and_any_line_endings_reads_back_as_the_same_lines(doc, bom):
    mixed, lines = doc
    crlf = "".join(line + "\r\n" for line in lines)  # every line ended by CRLF
    for text, expected in ((mixed, lines), (crlf, lines)):
        assert split_lines(text) == expected  # the generator of the test agrees with itself
        if not bom and text.startswith("\ufeff"):
            continue  # indistinguishable from a BOM: stripping it is right
        raw = (codecs.BOM_UTF8 if bom else b"") + text.encode("utf-8")
        assert decode(raw, "seeds/t.txt") == (text, "utf-8")
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "t.txt"
            path.write_bytes(raw)
            try:
                read = read_seed(path)
            except YanluError as exc:
                assert _refused_as_empty(exc, expected), exc
                continue
        assert read.lines == expected and read.encoding == "utf-8"


# ------------------------------------------------------------------ 2. clean + parse


def _is_own_line_header(text: str) -> bool:
    """``张鹏：``, ``名字（注）：``, ``【名字】``: a speaker label with nothing after it."""
    text = text.rstrip()  # cleaning strips BLANK only; an em space may trail
    return text.endswith(("：", ":")) or bool(re.fullmatch(r"【[^【】]{1,15}】\s*[:：]?", text))


def check_nothing_lost(raw_lines: tuple[str, ...], cleaned, parsed) -> None:
    in_blocks = {n: b for b in parsed.blocks for n in b.lines}
    headings = {n for s in parsed.sections if s.line for n in (s.line, *s.lines)}
    orphans = set(parsed.orphan_labels)
    removed = {r.line for r in cleaned.removals if r.whole_line}
    nonblank = {n for n, l in enumerate(raw_lines, start=1) if not blank(l)}
    lost = sorted(nonblank - set(in_blocks) - headings - orphans - removed)
    assert not lost, [(n, raw_lines[n - 1]) for n in lost]
    kept = {cl.number: cl for cl in cleaned.lines}
    # Nothing is counted twice either.
    assert not (set(in_blocks) & headings) and not (set(in_blocks) & orphans) and not (set(kept) & removed)
    for number, block in in_blocks.items():
        cl = kept[number]
        if cl.text in block.text or _is_own_line_header(cl.text):
            continue
        # A turn ('张鹏：text'): the paragraph starts with the text after the label
        # (lines of a hard-wrapped paragraph follow it).
        rest = next(cl.text[i:] for i in range(len(cl.text) + 1) if cl.text[i:] in block.text)
        prefix = cl.text[: len(cl.text) - len(rest)]
        assert block.label and rest, (number, cl.text, block)
        assert block.label in prefix and prefix.rstrip().endswith(("：", ":", "】")), (number, cl.text, block)


CONVERTER = converter_for(load_config(ROOT / "site_config"))  # with the real glossary's protected terms


def clean_and_parse(lines: tuple[str, ...], source: Entry, fix_script: bool = False):
    """Clean and parse as the pipeline does; ``fix_script`` rewrites stray other-script characters too."""
    raw = RawText(Path(source.seed), "utf-8", lines)
    script = Script(source.script)
    stray = (lambda texts: CONVERTER.stray_characters(script, texts)) if fix_script else None
    cleaned = clean(raw, source, stray)
    return cleaned, parse(cleaned, source, is_known, names_in)


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(doc=transcripts_with_endings(), overrides=SOURCE_SETTINGS, title_from_text=st.booleans(),
       script=st.sampled_from((None, "zh-Hans", "zh-Hant")))
def test_clean_and_parse_lose_nothing_and_raise_only_yanlu_errors(doc, overrides, title_from_text, script):
    text, _ = doc
    raw_lines = split_lines(text)
    settings_ = dict(overrides, script=script or "zh-Hans")
    if title_from_text:
        settings_["title"] = next((l.strip() for l in raw_lines if l.strip()), "标题")
    source = source_entry(**settings_)
    note(f"lines={raw_lines!r}")
    try:
        cleaned, parsed = clean_and_parse(raw_lines, source, fix_script=script is not None)
    except YanluError:
        return
    check_nothing_lost(raw_lines, cleaned, parsed)
    # Each block's lines are in seed order and its section exists.
    for block in parsed.blocks:
        assert list(block.lines) == sorted(block.lines) and 0 <= block.section < len(parsed.sections)


def _term_positions(text: str) -> set[int]:
    """Positions inside a protected term (glossary.yaml) of either script: the editor's spelling wins there."""
    terms = sorted({t for pair in CONVERTER.protect for t in pair}, key=len, reverse=True)
    return {i for m in re.finditer("|".join(map(re.escape, terms)), text) for i in range(m.start(), m.end())}


@settings(max_examples=200, deadline=2000, derandomize=True)
@given(lines=transcript(), script=st.sampled_from(("zh-Hans", "zh-Hant")))
def test_writing_stray_characters_in_the_seeds_script_only_converts_them_in_place(lines, script):
    """clean's script fix rewrites characters of the other script where they stand, and nothing else."""
    source = source_entry(script=script)
    raw = RawText(Path(source.seed), "utf-8", lines)
    plain = clean(raw, source)
    fixed = clean(raw, source, lambda texts: CONVERTER.stray_characters(Script(script), texts))
    assert [c.number for c in fixed.lines] == [c.number for c in plain.lines]
    for before, after in zip(plain.lines, fixed.lines):
        assert len(after.text) == len(before.text), (before.text, after.text)
        terms = _term_positions(before.text)
        for i, (old, new) in enumerate(zip(before.text, after.text)):
            if old != new and i not in terms:
                # Only a character of the other script alone (convert.py: "converting it back leaves it
                # as is"), one that has another form in this script; 周 注 托 布 are both scripts'.
                assert CONVERTER.to(Script(script), old) != old, (i, old, new, before.text, after.text)


# ------------------------------------------------------------------ 3. the whole pipeline


def tiny_project(folder: Path, seed: bytes, name: str = "zz_generated.txt") -> Project:
    """site_config/ of the real project with no sources or events, and one seed it does not list."""
    shutil.copytree(ROOT / "site_config", folder / "site_config")
    (folder / "site_config" / "sources.yaml").write_text("sources: []\n", encoding="utf-8")
    (folder / "site_config" / "events.yaml").write_text("events: []\n", encoding="utf-8")
    (folder / "site_config" / "aliases.yaml").write_text("aliases: []\n", encoding="utf-8")
    (folder / "seeds").mkdir()
    (folder / "seeds" / name).write_bytes(seed)
    return Project(folder)


@st.composite
def seed_bytes(draw) -> bytes:
    text, _ = draw(transcripts_with_endings(max_lines=20))
    return draw(st.sampled_from((b"", codecs.BOM_UTF8))) + text.encode("utf-8")


@settings(max_examples=60, deadline=5000, derandomize=True,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(seed=seed_bytes())
def test_pipeline_on_an_unconfigured_seed_returns_a_corpus_or_raises_yanlu_errors(seed):
    with tempfile.TemporaryDirectory() as folder:
        project = tiny_project(Path(folder), seed)
        try:
            result = build_corpus(project)
        except YanluError:  # YanluErrors is one too
            return
    assert isinstance(result.corpus, Corpus)
    [cleaned], [parsed], [source] = result.cleaned, result.parsed, result.corpus.sources
    raw_lines = split_lines(seed.decode("utf-8-sig"))
    check_nothing_lost(raw_lines, cleaned, parsed)
    assert [p.lines for p in result.corpus.paragraphs] == [b.lines for b in parsed.blocks]
    # Both scripts of every paragraph: the own one is the text, the other its conversion alone.
    converter = converter_for(result.config)
    other = Script.HANT if source.script is Script.HANS else Script.HANS
    for p in result.corpus.paragraphs:
        own, converted = (p.hans, p.hant) if source.script is Script.HANS else (p.hant, p.hans)
        assert own == p.text
        assert converted == converter.to(other, p.text), p


# ------------------------------------------------------------------ 4. punctuation

punctuated = st.lists(
    st.one_of(han, han, st.sampled_from(tuple(",:;?!()") * 3), st.sampled_from(PUNCT), st.sampled_from(SPACES),
              st.sampled_from(ODD_SPACES), st.sampled_from(tuple("0123456789aZ/.")), seed_slice()),
    max_size=40,
).map("".join)


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(text=punctuated, data=st.data())
def test_restoring_punctuation_changes_only_the_ascii_marks_it_converts(text, data):
    protected = set(data.draw(st.sets(st.integers(0, max(len(text) - 1, 0)), max_size=5))) if text else set()
    restored = restore_punctuation(text, protected)
    assert len(restored) == len(text)
    for i, (before, after) in enumerate(zip(text, restored)):
        if before != after:
            assert FULL_WIDTH.get(before) == after, (i, before, after)
            assert before in ",:;?!()"
    # Protected positions (mojibake) keep their , : ; ? ! (brackets: see the regression test below).
    for i in protected:
        if text[i] in ",:;?!":
            assert restored[i] == text[i], (i, text)


@settings(max_examples=500, deadline=2000, derandomize=True)
@given(text=st.one_of(punctuated, st.text(), line()))
def test_folding_for_comparison_is_nfkc_without_spaces_lowercased(text):
    """clean.fold takes a shortcut for full-width ASCII; the result must be NFKC's all the same."""
    assert fold(text) == re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


# ------------------------------------------------------------------ regressions for what the properties found
# Each is a minimal failing example of a bug found while writing the properties above.


@pytest.mark.parametrize("data, declared", [
    (b"x", "undefined"),  # UnicodeError('undefined encoding'): not a UnicodeDecodeError, so not caught
    (b"a-zz", "punycode"),  # UnicodeError('incomplete punicode string')
    (b"xn--zz", "idna"),  # UnicodeError from punycode, inside idna
    (b"+2AA-", "utf-7"),  # decodes to a lone surrogate '\ud800'
    (b"\\ud800", "unicode_escape"),  # decodes to a lone surrogate '\ud800'
])
def test_a_declared_encoding_python_knows_but_cannot_read_is_refused_with_a_yanlu_error(data, declared):
    """read.decode catches only LookupError and UnicodeDecodeError around ``data.decode(declared)``."""
    try:
        text, _ = decode(data, "seeds/t.txt", declared)
    except YanluError:
        return
    assert_valid_text(text)


def test_a_declared_encoding_that_yields_lone_surrogates_is_refused_not_a_crash():
    """``encoding: utf-7`` decodes ``+2AA-`` to a lone surrogate; OpenCC then raises UnicodeEncodeError."""
    with tempfile.TemporaryDirectory() as folder:
        project = tiny_project(Path(folder), b"+ZwNpmA-\n+X6BPV2cJ- +2AA-\n", name="s.txt")
        config = project.site_config
        (config / "sources.yaml").write_text(
            "sources:\n  - {id: s, seed: s.txt, event: e, title: 标题, script: zh-Hans, encoding: utf-7}\n",
            encoding="utf-8")
        (config / "events.yaml").write_text(
            "events:\n  - id: e\n    name: 活动\n    date: 2024-01-01\n"
            "    participants: [{speaker: zhang-peng-zhipu, role: panelist}]\n    sources: [s]\n", encoding="utf-8")
        with pytest.raises(YanluError):
            build_corpus(project)


@pytest.mark.parametrize("blank_line", ["\u2003", "\u2028", "\x0b", "\x1c"], ids=["U+2003", "U+2028", "U+000B", "U+001C"])
def test_a_seed_of_only_unicode_whitespace_is_refused_not_a_crash(blank_line):
    """pipeline._auto_configure takes the title with ``next(line.strip() … if line.strip())``.

    read_seed refuses a seed whose lines are blank by its own set (space, tab,
    NBSP, U+3000, BOM), but str.strip() also strips U+2003, U+2028, \\x0b,
    \\x1c …: with nothing left, ``next`` raises StopIteration.
    """
    with tempfile.TemporaryDirectory() as folder:
        project = tiny_project(Path(folder), f"{blank_line}\n".encode("utf-8"))
        with pytest.raises(YanluError, match="empty"):
            build_corpus(project)


def test_a_seed_of_only_zero_width_spaces_is_refused_as_empty():
    """read_seed's blank set lacks U+200B, which clean.BLANK has: the seed is accepted and silently yields nothing."""
    with tempfile.TemporaryDirectory() as folder:
        project = tiny_project(Path(folder), "\u200b\n".encode("utf-8"))
        with pytest.raises(YanluError, match="empty"):
            build_corpus(project)


def test_a_line_of_only_an_em_space_is_neither_a_paragraph_nor_a_heading():
    """clean.BLANK lacks U+2003, so a line of one em space is kept: the last becomes a paragraph whose
    text is an em space, one before other lines a section titled with an em space."""
    cleaned, parsed = clean_and_parse(("标题", "张鹏：你好。", "\u2003", "张鹏：再见。", "\u2003"), source_entry())
    assert [b for b in parsed.blocks if blank(b.text)] == []
    assert [s for s in parsed.sections if s.line and blank(s.title)] == []


def test_a_supplementary_private_use_character_does_not_swap_places_with_a_protected_term():
    """convert.Converter.to replaces protected terms by U+F0000 + i and puts them back with str.replace(…, 1).

    A seed character U+F0000 is taken for the placeholder: 面壁智能 moves into
    the other paragraph of the same source (conversion runs on all of a
    source's paragraphs joined), in the script the source is not written in.
    """
    seed = "标题\n张鹏：甲\U000f0000乙。\n张鹏：我在面壁智能工作。\n"
    with tempfile.TemporaryDirectory() as folder:
        corpus = build_corpus(tiny_project(Path(folder), seed.encode("utf-8"))).corpus
    first, second = corpus.paragraphs
    assert "面壁智能" not in first.hans + first.hant
    assert "面壁智能" in second.hans and "面壁智能" in second.hant


def test_a_supplementary_private_use_character_does_not_scramble_a_line_in_the_script_fix():
    """Converter.stray_characters converts the line with Converter.to (placeholders U+F0000 + i).

    With U+F0000 in a Traditional line, 面壁智能 is put back at the wrong place;
    the result has the same length, so clean rewrites 6 characters of the
    seed's own text: 甲<U+F0000>乙說面壁智能 → 甲面壁說能乙說<U+F0000>.
    """
    line = "張鵬：甲\U000f0000乙說面壁智能"
    cleaned, _ = clean_and_parse(("標題", line), source_entry(script="zh-Hant", title="標題"), fix_script=True)
    assert [cl.text for cl in cleaned.lines] == [line]


@pytest.mark.parametrize("line", ["這就注定了他只有系統一的能力。", "從一個很長的歷史周期來講。", "公司做托管服務。"],
                         ids=["注定", "周期", "托管"])
def test_correct_traditional_text_is_not_rewritten_by_the_script_fix(line):
    """Converter.stray_characters calls a character stray when converting it *back* leaves it as is,
    which holds for every character both scripts write: s2tw's phrases (注定 → 註定, 周期 → 週期,
    托管 → 託管) then rewrite correct Traditional text in a zh-Hant seed (seed 003, lines 252 and 274)."""
    cleaned, _ = clean_and_parse(("標題", line), source_entry(script="zh-Hant", title="標題"), fix_script=True)
    assert [cl.text for cl in cleaned.lines] == [line]
    assert not [r for r in cleaned.removals if r.rule == "script"]


def test_repeated_short_header_lines_are_not_removed_as_a_copied_block():
    """clean._duplicates removes any run of 3 repeated lines, however short.

    The moderator's ``主持人：`` / ``好的。`` / ``张鹏：`` recurs; the second
    time it is removed as a 'duplicate', so 张鹏's answer on line 11 continues
    李大海 instead: the name beside the words is wrong.
    """
    lines = ("标题", "主持人：", "好的。", "张鹏：", "回答一。", "李大海：", "回答二。", "主持人：", "好的。", "张鹏：", "回答三。")
    cleaned, parsed = clean_and_parse(lines, source_entry())
    assert not [r.line for r in cleaned.removals if r.rule == "duplicate"]
    [answer] = [b for b in parsed.blocks if 11 in b.lines]
    assert answer.label == "张鹏", answer


def test_protected_mojibake_brackets_are_left_as_found():
    """restore_punctuation's docstring: positions in ``protected`` are left alone. Brackets are not."""
    text = "這是?(fa)展的問題"
    assert restore_punctuation(text, set(range(2, 11))) == text
