"""What reads as a speaker label, and what does not (generator/labels.py, through parse)."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.clean import clean
from generator.config import entry_with_defaults
from generator.labels import looks_like_name, role_key
from generator.model import RawText
from generator.parse import parse


@pytest.mark.parametrize("label", ["王五", "歐陽娜娜", "李議員", "主席", "埃隆·马斯克", "Jane Doe", "Alexandria Ocasio-Cortez",
                                   "MR. SMITH", "Speaker 2", "说话人1", "Audience", "Hon. Jane Doe", "Ursula von der Leyen",
                                   "Q", "问", "主持人张小珺"])
def test_names_and_roles_read_as_names(label):
    assert looks_like_name(label)


@pytest.mark.parametrize("label", ["中美差距", "注意", "来源", "The point is", "This is it", "Key Takeaways", "Part 1",
                                   "Bottom line", "Note", "嘉宾介绍", "真正的第一台"])
def test_phrases_with_a_colon_do_not(label):
    assert not looks_like_name(label)


def test_numbered_roles_are_their_role():
    assert (role_key("Q1"), role_key("问 2"), role_key("A12")) == ("q", "问", "a")


def _parse_unlisted(text: str):
    source = entry_with_defaults("sources", dict(id="t", seed="t.txt", event="e", title="标题", script="zh-Hans"))
    lines = tuple(text.split("\n"))
    cleaned = clean(RawText(Path("t.txt"), "utf-8", lines), source)
    return parse(cleaned, source, lambda _label: False, lambda _text: [], open_roster=True)


def test_a_phrase_before_a_colon_in_a_labelled_transcript_is_no_new_speaker():
    parsed = _parse_unlisted("标题\n\n张三：我们先看成本。\n\n李四：好。\n\n成本：降低一半\n\n张三：对。\n\n"
                             "Key Takeaways: faster and cheaper\n\n李四：结束。")
    assert set(parsed.labels) == {"张三", "李四"}
    texts = {b.text: b.label for b in parsed.blocks}
    assert [s.title for s in parsed.sections[1:]] == ["成本：降低一半"]  # a short unpunctuated line: a heading, as 中美差距：…
    assert texts["Key Takeaways: faster and cheaper"] == "张三"


def test_a_name_used_once_before_a_sentence_is_a_new_speaker():
    parsed = _parse_unlisted("标题\n\n张三：我先说。\n\n李四：好。\n\n王五：我是突然出现的人。\n\n张三：欢迎。\n\n李四：继续。")
    assert [b.label for b in parsed.blocks] == ["张三", "李四", "王五", "张三", "李四"]


def test_square_bracket_labels_with_a_colon_and_stage_directions_without():
    parsed = _parse_unlisted("标题\n\n[Jane Doe]: hello there.\n\n[John Roe]: hi.\n\n[Applause]\n\n[Jane Doe]: bye.")
    assert [(b.label, b.text) for b in parsed.blocks] == [
        ("Jane Doe", "hello there."), ("John Roe", "hi."), (None, "[Applause]"), ("Jane Doe", "bye.")]


def test_rev_style_headers_with_a_stamp_before_the_colon():
    parsed = _parse_unlisted("标题\n\nSpeaker 1 (00:05):\nWelcome to the show.\n\nJane Doe (01:02:03):\nThanks.\n\n"
                             "Speaker 1 (01:03:00):\nSo tell me more.")
    assert [(b.label, b.start, b.text) for b in parsed.blocks] == [
        ("Speaker 1", 5.0, "Welcome to the show."), ("Jane Doe", 3723.0, "Thanks."), ("Speaker 1", 3780.0, "So tell me more.")]


def test_outlets_as_interviewers_and_a_label_once_that_cannot_be_told():
    parsed = _parse_unlisted("标题\n\n36氪：你们什么时候开始？\n\n王小川：去年。\n\n36氪：为什么？\n\n王小川：因为时机到了。\n\n"
                             "我的观点是：要做好产品。\n\n《财经》：最后一个问题？")
    assert [(b.label, b.kind_hint.value) for b in parsed.blocks] == [
        ("36氪", "turn"), ("王小川", "turn"), ("36氪", "turn"), ("王小川", "turn"),
        ("王小川", "turn"),  # a phrase with a colon inside an answer is the answer
        (None, "unknown")]  # never the previous speaker's
    assert any("line 13: '《财经》' looks like a speaker label used once" in w for w in parsed.warnings)


def test_a_full_name_with_a_comma_note_and_a_name_with_its_title_once():
    parsed = _parse_unlisted("标题\n\nJensen Huang, NVIDIA: We build GPUs.\n\nWell, here is the thing: it works.\n\n"
                             "张鹏 智谱AI CEO：我先说。\n\n张鹏：第二点。\n\n张鹏：第三点。\n\nJensen Huang: Thanks.")
    assert [(b.label, b.note) for b in parsed.blocks] == [
        ("Jensen Huang", "NVIDIA"), ("Jensen Huang", "NVIDIA"), ("张鹏", "智谱AI CEO"), ("张鹏", ""), ("张鹏", ""),
        ("Jensen Huang", "")]


def test_press_briefing_q_without_a_colon_and_a_long_official_title():
    parsed = _parse_unlisted("标题\n\nTHE PRESIDENT:  Thank you all.\n\nQ    Mr. President, will you sign it?\n\n"
                             "THE PRESIDENT:  Yes.\n\nQ.  When?\n\n財經事務及庫務局局長：我們會盡快。")
    assert [(b.label, b.text) for b in parsed.blocks] == [
        ("THE PRESIDENT", "Thank you all."), ("Q", "Mr. President, will you sign it?"), ("THE PRESIDENT", "Yes."),
        ("Q", "When?"), ("財經事務及庫務局局長", "我們會盡快。")]
