"""clean: what goes, what stays, and that nothing goes unrecorded."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import ROOT, SEEDS, expected_lines
from generator.clean import clean, is_blank, restore_punctuation
from generator.config import Entry, entry_with_defaults
from generator.model import RawText


def removed_lines(built, seed):
    return {r.line for r in built.corpus.removals if r.seed == seed and r.whole_line}


@pytest.mark.parametrize("seed", SEEDS)
def test_removed_lines_are_exactly_the_hand_checked_noise(built, seed):
    expected = {n for n, (what, _, _) in expected_lines(seed).items() if what == "removed"}
    assert removed_lines(built, seed) == expected


@pytest.mark.parametrize("seed", SEEDS)
def test_every_nonblank_source_line_is_in_the_corpus_or_in_the_cleaning_report(built, seed):
    lines = (ROOT / "seeds" / seed).read_text(encoding="utf-8").splitlines()
    nonblank = {n for n, line in enumerate(lines, start=1) if not is_blank(line)}
    in_paragraphs = {n for p in built.corpus.paragraphs if p.seed == seed for n in p.lines}
    source = next(s for s in built.corpus.sources if s.seed == seed)
    headings = {s.line for s in built.corpus.sections if s.source == source.id and s.line}
    assert nonblank - in_paragraphs - headings - removed_lines(built, seed) == set()
    # And every kept word is in its paragraph: each kept line's text appears in it.
    by_line = {n: p for p in built.corpus.paragraphs if p.seed == seed for n in p.lines}
    for cleaned in next(c for c in built.cleaned if c.seed == seed).lines:
        paragraph = by_line.get(cleaned.number)
        is_header = cleaned.text.endswith(("：", ":"))  # an own-line speaker label: its paragraph's speaker
        if paragraph and not is_header:
            assert cleaned.text in paragraph.text or paragraph.text in cleaned.text


def test_second_copy_of_the_nine_questions_article_is_recorded_as_duplicate(built):
    duplicates = [r for r in built.corpus.removals if r.seed == "002_4a5568773011dad0.txt" and r.rule == "duplicate"]
    assert min(r.line for r in duplicates) == 10  # the teaser's repeat of line 6
    copy = [r for r in duplicates if r.line >= 823]
    assert copy[0].line == 823 and copy[-1].line == 1627
    assert all(r.reason.startswith("repeats line ") for r in copy)


def test_title_injected_again_and_again_is_removed_each_time(built):
    titles = [r.line for r in built.corpus.removals if r.seed == "004_46b7432f21e51e22.txt" and r.rule == "repeated-title"]
    assert titles == [12, 22, 138, 230, 292, 334, 434, 550]


def test_pinyin_annotations_are_cut_and_recorded(built):
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("003") and 48 in p.lines]
    assert "發布後其實有個疑問" in p.text and "(fā)" not in p.text
    [record] = [r for r in built.corpus.removals if r.seed.startswith("003") and r.line == 48 and r.rule == "pinyin"]
    assert record.whole_line is False and "(fā)" in record.text


def test_unrepairable_mojibake_is_kept_and_flagged(built):
    flags = [f for f in built.corpus.flags if f.seed.startswith("003")]
    assert {f.line for f in flags} >= {90, 94, 98, 114, 120, 298}
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("003") and 90 in p.lines]
    assert "?煽啃赃@個差異" in p.text


def test_byline_at_a_paragraphs_end_is_trimmed_and_recorded(built):
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("000") and 77 in p.lines]
    assert p.text.endswith("這纔是健康的方式。")
    assert any(r.rule == "trim" and r.text == "(御柳)" for r in built.corpus.removals if r.seed.startswith("000"))


def test_nbsps_are_made_ordinary_spaces_and_counted(built):
    assert not any("\u00a0" in p.text for p in built.corpus.paragraphs)
    assert sum(r.rule == "nbsp" for r in built.corpus.removals if r.seed.startswith("004")) > 200


@pytest.mark.parametrize("raw, restored", [
    ("王小川認爲,用基石這個詞是沒有問題的。", "王小川認爲，用基石這個詞是沒有問題的。"),
    ("話題二:到底什麼是AGI?", "話題二：到底什麼是AGI？"),
    ("Next Token 的 Prediction(下一个词预测),因此", "Next Token 的 Prediction（下一个词预测），因此"),
    ("除了 Model as a service(MaaS,模型即服务)", "除了 Model as a service（MaaS，模型即服务）"),
    ("1,000 个 GPU", "1,000 个 GPU"),
    ("直播回放地址:https://live.csdn.net/v/340534", "直播回放地址：https://live.csdn.net/v/340534"),
    ("IlyaIlya Sutskever,OpenAI 首席科学家)说", "IlyaIlya Sutskever,OpenAI 首席科学家）说"),
    ("Hello, world (test): fine", "Hello, world (test): fine"),
])
def test_folded_punctuation_is_restored_only_inside_chinese_text(raw, restored):
    assert restore_punctuation(raw) == restored


def test_paragraph_keeps_the_raw_line_beside_the_restored_text(built):
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("000") and 7 in p.lines]
    assert p.raw.startswith("王小川認爲,用基石") and p.text.startswith("王小川認爲，用基石")


def _source(**settings) -> Entry:
    values = dict(id="t", seed="t.txt", event="e", title="标题", script="zh-Hans")
    return entry_with_defaults("sources", values | settings, "site_config/sources.yaml", 1)


def test_short_lines_repeated_alone_are_kept_but_a_copied_block_is_not():
    a, b, c = "第一句话说得比较长一些以便成为复制的内容块", "第二句话也说得比较长一些以便成为复制的内容块", "第三句话同样说得比较长一些以便成为复制的内容块"
    lines = ["标题", "甲：对。", "乙：好的。", "甲：对。", a, b, c, a, b, c]
    result = clean(RawText(Path("t.txt"), "utf-8", tuple(lines)), _source())
    assert [c.number for c in result.lines] == [2, 3, 4, 5, 6, 7]
    assert [r.line for r in result.removals if r.rule == "duplicate"] == [8, 9, 10]


def test_simplified_characters_left_in_a_traditional_seed_are_written_in_traditional_and_recorded(built):
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("003") and 48 in p.lines]
    assert "有什麼差異" in p.text and "什么" not in p.text and "什么差異" in p.raw
    [record] = [r for r in built.corpus.removals if r.seed.startswith("003") and r.line == 48 and r.rule == "script"]
    assert "么→麼" in record.reason and record.whole_line is False


def test_characters_both_scripts_write_are_left_as_the_seed_has_them(built):
    # 000 is mainland-style Traditional: 着 and 爲 stay, though s2tw would write 著 and 為.
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("000") and p.text.startswith("但隨着技術")] or [None]
    texts = " ".join(p.text for p in built.corpus.paragraphs if p.seed.startswith("000"))
    assert "隨着" in texts and "認爲" in texts


def test_each_flagged_run_belongs_to_the_paragraph_holding_it_and_is_kept_as_found_in_both_scripts(built):
    """link.with_garbled_runs and convert: a flagged run is the paragraph's, and no script converts it."""
    runs = [f.text for f in built.corpus.flags if f.rule == "mojibake"]
    assert len(runs) == 15
    owners = {}
    for p in built.corpus.paragraphs:
        for run in p.garbled:
            assert run in p.text and run in p.hans and run in p.hant, (p.id, run)
            owners.setdefault(run, p.id)
    assert set(owners) == set(runs), "every flagged run is listed on its paragraph"
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("003") and 90 in p.lines]
    assert p.garbled == ("?煽啃赃@個差異在中國",)
    assert "還有一個差異是可靠性" in p.hant and "还有一个差异是可靠性" in p.hans  # the words around it convert
    assert not any(p.garbled for p in built.corpus.paragraphs if not p.seed.startswith("003"))
