"""parse + link on the real seeds, against the hand-checked readings in tests/expected/."""

from __future__ import annotations

import pytest

from conftest import SEEDS, expected_lines
from generator.model import Kind


def paragraphs_of(built, seed):
    return [p for p in built.corpus.paragraphs if p.seed == seed]


def sections_of(built, seed):
    source = next(s for s in built.corpus.sources if s.seed == seed)
    return [s for s in built.corpus.sections if s.source == source.id]


@pytest.mark.parametrize("seed", SEEDS)
def test_sections_come_in_the_order_of_the_hand_checked_headings(built, seed):
    expected = [n for n, (what, _, _) in sorted(expected_lines(seed).items()) if what == "heading"]
    got = [s.line for s in sections_of(built, seed) if s.line is not None]
    assert got == expected


def test_section_titles_of_the_topic_by_topic_summary_are_its_six_topics(built):
    titles = [s.title for s in sections_of(built, "000_9966fb3fc63ff396.txt")]
    assert titles == [
        "",
        "話題一：是否相信大模型是AGI之路的基石？",
        "話題二：到底什麼是AGI？",
        "話題三：對Scaling Law還特別堅信嗎，還會起作用嗎？",
        "話題四：關於開源。",
        "話題五：AI安全不斷被討論，當下是最急迫的問題嗎？",
        "話題六：如何看待大模型價格戰？",
    ]


def test_section_titles_of_the_nine_questions_panel_are_the_nine_questions_and_the_bonus_round(built):
    titles = [s.title for s in sections_of(built, "002_4a5568773011dad0.txt")][1:]
    assert [t.split("：")[0] for t in titles] == ["一问", "二问", "三问", "四问", "五问", "六问", "七问", "八问", "九问", "彩蛋"]


@pytest.mark.parametrize("seed", SEEDS)
def test_every_paragraph_line_has_the_hand_checked_speaker_and_kind(built, seed):
    expected = expected_lines(seed)
    wrong = []
    for p in paragraphs_of(built, seed):
        for line in p.lines:
            what, speaker, kind = expected[line]
            if what == "label":  # an own-line header belongs to the paragraph under it
                assert p.speaker == speaker, f"line {line}: header names {speaker}, paragraph has {p.speaker}"
                continue
            assert what == "para", f"line {line} is a {what} in the hand-checked list"
            if (p.speaker or "-", p.kind.value) != (speaker, kind):
                wrong.append((line, speaker, kind, p.speaker, p.kind.value))
    assert wrong == []


def test_at_least_99_percent_of_paragraphs_are_attributed_as_hand_checked(built):
    right = total = 0
    for seed in SEEDS:
        expected = expected_lines(seed)
        for p in paragraphs_of(built, seed):
            text_lines = [n for n in p.lines if expected[n][0] == "para"]
            total += 1
            right += expected[text_lines[0]][1] == (p.speaker or "-")
    assert total > 650
    assert right / total >= 0.99, f"{right}/{total}"


def test_the_two_zhang_pengs_are_two_speakers(built):
    apsara = {p.speaker for p in built.corpus.paragraphs if p.event == "apsara-2024-o1-panel"}
    baai = {p.speaker for p in built.corpus.paragraphs if p.event == "baai-2024-peak-dialogue"}
    csdn = {p.speaker for p in built.corpus.paragraphs if p.event == "csdn-1024-2023-nine-questions"}
    assert "zhang-peng-geekpark" in apsara and "zhang-peng-zhipu" not in apsara
    assert "zhang-peng-zhipu" in baai and "zhang-peng-zhipu" in csdn
    assert "zhang-peng-geekpark" not in baai | csdn
    names = {s.id: s.name for s in built.corpus.speakers}
    assert names["zhang-peng-geekpark"] == names["zhang-peng-zhipu"] == "张鹏"


def test_follow_up_question_to_zhang_peng_is_the_moderators_not_zhang_pengs(built):
    [p] = [p for p in paragraphs_of(built, "000_9966fb3fc63ff396.txt") if p.text.startswith("追問張鵬")]
    assert (p.speaker, p.kind, p.addressed_to) == ("wang-zhongyuan", Kind.QUESTION, "zhang-peng-zhipu")
    [q] = [p for p in paragraphs_of(built, "000_9966fb3fc63ff396.txt") if p.text.startswith("向李大海提問")]
    assert (q.speaker, q.kind, q.addressed_to) == ("wang-zhongyuan", Kind.QUESTION, "li-dahai")


def test_continuation_paragraph_belongs_to_the_speaker_before_it(built):
    [p] = [p for p in paragraphs_of(built, "000_9966fb3fc63ff396.txt") if p.text.startswith("我相信未來門檻")]
    assert p.speaker == "li-dahai"


def test_pull_quote_headline_is_one_highlight_paragraph_not_speech(built):
    [p] = [p for p in paragraphs_of(built, "002_4a5568773011dad0.txt") if p.lines == (108, 110)]
    assert p.text == "跨模态能力是真正迈向人类大脑认知能力的关键"
    assert (p.kind, p.speaker) == (Kind.HIGHLIGHT, None)


def test_bonus_round_answers_stay_and_carry_no_name(built):
    bonus = [p for p in paragraphs_of(built, "002_4a5568773011dad0.txt") if p.kind is Kind.UNATTRIBUTED]
    assert [p.text for p in bonus][:2] == ["大模型会达到获突破 95 分位以上的人类智力水平。", "希望机器像人一样思考，让程序员多留几根头发。"]
    assert len(bonus) == 6 and all(p.speaker is None for p in bonus)


def test_heading_that_looks_like_a_speaker_line_is_a_heading(built):
    titles = [s.title for s in sections_of(built, "003_dc7046a9a6216149.txt")]
    assert "中美差距：雲端差距明顯，端側同時起步" in titles  # 云 written in Traditional
    assert not any(p.text.startswith(("云端差距明顯", "雲端差距明顯")) for p in paragraphs_of(built, "003_dc7046a9a6216149.txt"))


def test_highlights_under_a_name_are_highlights_of_that_speaker(built):
    highlights = [p for p in paragraphs_of(built, "004_46b7432f21e51e22.txt") if p.kind is Kind.HIGHLIGHT]
    assert {p.speaker for p in highlights} == {"jiang-daxin", "yang-zhilin", "zhu-jun"}
    assert len(highlights) == 10


def test_summary_points_of_the_interview_are_highlights_without_a_speaker(built):
    points = [p for p in paragraphs_of(built, "003_dc7046a9a6216149.txt") if p.kind is Kind.HIGHLIGHT]
    assert len(points) == 13 and all(p.speaker is None for p in points)


def test_questioners_and_hosts_ask_questions(built):
    kinds = {(p.speaker, p.kind) for p in paragraphs_of(built, "003_dc7046a9a6216149.txt")}
    assert ("lin-fan", Kind.QUESTION) in kinds and ("ai-guangnian", Kind.QUESTION) in kinds
    assert ("li-dahai", Kind.SPEECH) in kinds


def test_each_layout_is_detected_and_reported(built):
    layouts = {p.seed[:3]: p.layout.value for p in built.parsed}
    assert layouts == {"000": "reported", "001": "article", "002": "headers", "003": "turns", "004": "turns"}
