"""Layouts nobody planned for parse through the same mechanism (tests/roots/layouts/)."""

from __future__ import annotations

import shutil

import pytest

from conftest import ROOT
from generator.pipeline import Project, build_corpus

LAYOUTS = ROOT / "tests" / "roots" / "layouts"

# (source, [(first line, speaker, kind) for every paragraph in order]), checked by hand.
EXPECTED = {
    "qa": [  # Q:/A: interview, turns not separated by blank lines, headings numbered 一、
        (3, "host-li", "question"), (4, "wang-xiaoming", "speech"), (5, "wang-xiaoming", "speech"),
        (6, "host-li", "question"), (7, "wang-xiaoming", "speech"),
        (9, "host-li", "question"), (10, "wang-xiaoming", "speech"),
    ],
    "roles": [  # 主持人：/嘉宾： role labels, headings numbered 1.
        (5, "host-zhou", "question"), (7, "guest-sun", "speech"), (9, "guest-sun", "speech"),
        (11, "host-zhou", "question"), (15, "guest-sun", "speech"),
    ],
    "brackets": [  # 【名字】 labels
        (2, "zhao-min", "speech"), (3, "qian-jin", "speech"), (4, "zhao-min", "speech"), (5, "qian-jin", "speech"),
    ],
    "headers": [  # 名字 (公司 职位): headers on their own line, blank lines between turns
        (3, "zhao-min", "speech"), (7, "zhao-min", "speech"), (9, "qian-jin", "speech"),
    ],
}
SECTIONS = {"qa": ["一、开场", "二、关于开源怎么看？"], "roles": ["1. 价格战", "2. 开源"], "brackets": [], "headers": []}


@pytest.fixture(scope="module")
def layouts():
    return build_corpus(Project(LAYOUTS))


@pytest.mark.parametrize("source", sorted(EXPECTED))
def test_every_paragraph_of_a_new_layout_has_the_expected_speaker(layouts, source):
    got = [(p.lines[0], p.speaker, p.kind.value) for p in layouts.corpus.paragraphs if p.source == source]
    assert got == EXPECTED[source]


@pytest.mark.parametrize("source", sorted(SECTIONS))
def test_numbered_headings_start_sections(layouts, source):
    titles = [s.title for s in layouts.corpus.sections if s.source == source and s.seq > 0]
    assert titles == SECTIONS[source]


def test_role_label_with_two_people_in_that_role_is_refused_as_ambiguous(tmp_path):
    shutil.copytree(LAYOUTS, tmp_path / "project")
    events = tmp_path / "project" / "site_config" / "events.yaml"
    events.write_text(events.read_text(encoding="utf-8").replace(
        "      - {speaker: guest-sun, role: guest}\n",
        "      - {speaker: guest-sun, role: guest}\n      - {speaker: wang-xiaoming, role: guest}\n"), encoding="utf-8")
    from generator.model import YanluErrors
    with pytest.raises(YanluErrors) as error:
        build_corpus(Project(tmp_path / "project"))
    assert "speaker label '嘉宾' is ambiguous: it could be guest-sun or wang-xiaoming" in error.value.message


def test_unconfigured_transcript_gets_speakers_from_its_labels_and_a_warning(tmp_path):
    shutil.copytree(LAYOUTS, tmp_path / "project")
    (tmp_path / "project" / "seeds" / "new.txt").write_text(
        "新访谈\n\n甲方：第一个问题？\n\n乙方：第一个回答。\n\n甲方：第二个问题？\n\n乙方：第二个回答。\n", encoding="utf-8")
    result = build_corpus(Project(tmp_path / "project"))
    new = [p for p in result.corpus.paragraphs if p.seed == "new.txt"]
    names = {s.id: s.name for s in result.corpus.speakers}
    assert [names[p.speaker] for p in new] == ["甲方", "乙方", "甲方", "乙方"]
    [warning] = [w for w in result.corpus.warnings if "new.txt" in w]
    assert "sources.yaml" in warning and "python -m generator add seeds/new.txt" in warning and "甲方, 乙方" in warning
