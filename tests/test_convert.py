"""convert: both scripts, character-level, names protected, own script untouched."""

from __future__ import annotations

import opencc
import pytest

from generator.convert import Converter
from generator.model import Script


@pytest.fixture(scope="module")
def converter(built):
    return Converter([(t.values["hans"], t.values["hant"]) for t in built.config.protect])


def test_paragraph_in_its_own_script_is_the_cleaned_source_text_not_a_round_trip(built):
    scripts = {s.id: s.script for s in built.corpus.sources}
    for p in built.corpus.paragraphs:
        own = p.hans if scripts[p.source] is Script.HANS else p.hant
        assert own == p.text


def test_other_script_is_character_level_opencc(built):
    t2s = opencc.OpenCC("t2s.json")
    for p in built.corpus.paragraphs:
        if p.source == "baai-2024-summary" and "面壁" not in p.text:
            assert p.hans == t2s.convert(p.text)


def test_company_name_survives_conversion_that_phrase_configs_would_rewrite(converter):
    assert opencc.OpenCC("s2twp.json").convert("面壁智能") == "面壁智慧"  # why phrase configs are banned
    assert converter.hant("面壁智能的小钢炮") == "面壁智能的小鋼炮"
    assert converter.hans("面壁智能的小鋼炮") == "面壁智能的小钢炮"


def test_protected_terms_appear_unchanged_in_both_scripts(built, converter):
    for p in built.corpus.paragraphs:
        for term in built.config.protect:
            hans, hant = term.values["hans"], term.values["hant"]
            if hans in p.hans:
                assert p.hant.count(hant) >= p.hans.count(hans), (p.id, hans)


def test_editor_phrase_override_replaces_a_conversion_wrong_in_context():
    assert Converter().hant("台湾的台风") == "臺灣的颱風"  # s2tw's choice for 台
    assert Converter([("台湾", "台灣")]).hant("台湾的台风") == "台灣的颱風"
    assert Converter([("台湾", "台灣")]).hans("台灣的颱風") == "台湾的台风"


def test_speaker_names_come_in_both_scripts(built):
    names = {s.id: (s.name, s.name_hant) for s in built.corpus.speakers}
    assert names["yang-zhilin"] == ("杨植麟", "楊植麟")
    assert names["zhang-peng-zhipu"] == ("张鹏", "張鵬")
    assert names["richard-baichuan"] == ("Richard", "Richard")


def test_placeholder_characters_in_the_text_do_not_confuse_protection(converter):
    text = "\ue317面壁智能\U000f0000"
    assert converter.hant(text) == text


def test_a_text_converts_as_its_lines_do_one_by_one_whatever_was_converted_before(built, converter):
    """Each line's conversion is remembered and reused (convert.Converter._plain_lines):
    the remembered lines, and lines with protected terms among them, must give what a
    converter that never saw them gives, line by line, and the ids' round trip what
    OpenCC's t2s ∘ s2tw ∘ t2s gives each text."""
    t2s, s2tw = opencc.OpenCC("t2s.json"), opencc.OpenCC("s2tw.json")
    lines = [p.text for p in built.corpus.paragraphs[:400]] + ["面壁智能的小钢炮", "", "面壁智慧", "后来的发展"]
    converter.canonical(lines[::3])  # leaves some lines remembered, some not
    converter.hant("\n".join(lines[::5]))
    for target in Script:
        fresh = Converter(converter.protect)
        joined = converter.to(target, "\n".join(lines)).split("\n")
        assert joined == [fresh.to(target, line) for line in lines]
        plain = (t2s if target is Script.HANS else s2tw).convert
        terms = [term for pair in converter.protect for term in pair]
        assert [j for j, line in zip(joined, lines) if not any(t in line for t in terms)] == \
               [plain(line) for line in lines if not any(t in line for t in terms)]
    assert converter.canonical(lines) == [t2s.convert(s2tw.convert(t2s.convert(line))) for line in lines]
