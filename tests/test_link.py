"""link: stable ids, speaker resolution and the editor's overrides."""

from __future__ import annotations

import re

import pytest

from generator.convert import converter_for
from generator.link import _topics_of_lines, id_text, stable_id, topic_patterns
from generator.model import Kind, YanluErrors
from generator.pipeline import build_corpus


def ids_by_text(build):
    return {(p.source, p.seq): p.id for p in build.corpus.paragraphs}


def ids_of(build, source_id):
    return [p.id for p in build.corpus.paragraphs if p.source == source_id]


def test_paragraph_id_is_q_and_a_short_hash_of_source_id_and_normalised_text(built):
    p = built.corpus.paragraphs[0]
    assert re.fullmatch(r"q-[0-9a-f]{10}", p.id)
    from generator.convert import Converter
    converter = Converter([(t.values["hans"], t.values["hant"]) for t in built.config.protect])
    assert p.id == stable_id("q-", p.source, id_text(p.text, converter))


def test_ids_are_unique_across_the_corpus(built):
    ids = [p.id for p in built.corpus.paragraphs]
    assert len(ids) == len(set(ids))


def test_id_is_the_same_whichever_script_the_text_is_written_in(built):
    from generator.convert import Converter
    converter = Converter([(t.values["hans"], t.values["hant"]) for t in built.config.protect])
    differing = [p.id for p in built.corpus.paragraphs if id_text(p.hans, converter) != id_text(p.hant, converter)]
    assert differing == []


def test_ids_do_not_move_when_a_seed_is_added(built, project_copy):
    seeds = project_copy.seeds
    (seeds / "005_new.txt").write_text("新的访谈\n\n主持人甲: 你好。\n\n嘉宾乙: 你好,很高兴来。\n\n主持人甲: 再见。\n\n嘉宾乙: 再见。\n", encoding="utf-8")
    after = build_corpus(project_copy)
    for source in built.corpus.sources:
        assert ids_of(after, source.id) == ids_of(built, source.id)


def test_ids_do_not_move_when_a_seed_is_removed(built, project_copy):
    (project_copy.seeds / "001_916f3dda478f6c1c.txt").unlink()
    config = project_copy.site_config
    sources = (config / "sources.yaml").read_text(encoding="utf-8")
    start = sources.index("  - id: baai-2024-bbtnews")
    end = sources.index("  - id: csdn-1024-2023-transcript")
    (config / "sources.yaml").write_text(sources[:start] + sources[end:], encoding="utf-8")
    events = (config / "events.yaml").read_text(encoding="utf-8")
    (config / "events.yaml").write_text(events.replace(", baai-2024-bbtnews]", "]"), encoding="utf-8")
    after = build_corpus(project_copy)
    assert "baai-2024-bbtnews" not in {s.id for s in after.corpus.sources}
    for source in after.corpus.sources:
        assert ids_of(after, source.id) == ids_of(built, source.id)


def test_ids_do_not_move_when_seeds_are_renamed_and_reordered(built, project_copy):
    config = project_copy.site_config / "sources.yaml"
    text = config.read_text(encoding="utf-8")
    # Reverse the order of the files on disk, so seeds are read in another order.
    for number, path in enumerate(sorted(project_copy.seeds.glob("*.txt"), reverse=True)):
        new_name = f"{number:03d}_renamed_{path.name}"
        path.rename(path.with_name(new_name))
        text = text.replace(f"seed: {path.name}", f"seed: {new_name}")
    config.write_text(text, encoding="utf-8")
    after = build_corpus(project_copy)
    for source in built.corpus.sources:
        assert ids_of(after, source.id) == ids_of(built, source.id)
        assert all("renamed" in p.seed for p in after.corpus.paragraphs if p.source == source.id)


def test_id_survives_a_corrected_speaker_attribution(built, project_copy):
    config = project_copy.site_config / "sources.yaml"
    text = config.read_text(encoding="utf-8")
    override = "    overrides:\n      - {match: '^我相信未來門檻', speaker: zhang-peng-zhipu, reason: test}\n"
    config.write_text(text.replace("    reported_speech: true\n\n  - id: baai-2024-bbtnews",
                                   "    reported_speech: true\n" + override + "\n  - id: baai-2024-bbtnews"), encoding="utf-8")
    after = build_corpus(project_copy)
    [before] = [p for p in built.corpus.paragraphs if p.text.startswith("我相信未來門檻")]
    [now] = [p for p in after.corpus.paragraphs if p.text.startswith("我相信未來門檻")]
    assert (before.speaker, now.speaker) == ("li-dahai", "zhang-peng-zhipu")
    assert before.id == now.id


def test_repeated_text_in_one_source_gets_an_ordinal_and_the_first_keeps_its_id(project_copy):
    seed = project_copy.seeds / "004_46b7432f21e51e22.txt"
    text = seed.read_text(encoding="utf-8")
    marker = "张鹏: 数据墙的问题,数据墙。"
    seed.write_text(text.replace("朱军: 目前明显没有那么 OPEN。", "张鹏: 对。\n\n朱军: 目前明显没有那么 OPEN。")
                    .replace(marker, marker + "\n\n张鹏: 对。"), encoding="utf-8")
    result = build_corpus(project_copy)
    same = [p for p in result.corpus.paragraphs if p.text == "对。" and p.source == "apsara-2024-appso"]
    assert len(same) == 2 and same[0].id != same[1].id


def test_label_naming_two_people_of_one_event_is_refused(project_copy):
    speakers = project_copy.site_config / "speakers.yaml"
    speakers.write_text(speakers.read_text(encoding="utf-8").replace(
        "  - id: zhu-jun\n    name: 朱军\n", "  - id: zhu-jun\n    name: 朱军\n    aliases: [姜大昕]\n"), encoding="utf-8")
    with pytest.raises(YanluErrors) as error:
        build_corpus(project_copy)
    assert "speaker label '姜大昕' is ambiguous: it could be jiang-daxin or zhu-jun" in error.value.message
    assert "seeds/004_46b7432f21e51e22.txt, line 24" in error.value.message


def test_override_that_matches_nothing_is_reported(project_copy):
    config = project_copy.site_config / "sources.yaml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        "match: '^5月下旬'", "match: '^6月下旬'"), encoding="utf-8")
    with pytest.raises(YanluErrors) as error:
        build_corpus(project_copy)
    assert "override '^6月下旬' of source 'baai-2024-bbtnews' matches no paragraph" in error.value.message


def test_topics_come_from_keywords_in_either_script(built):
    [p] = [p for p in built.corpus.paragraphs if p.text.startswith("王小川表示，價格戰對於中國")]
    assert "price-war" in p.topics
    world = [p for p in built.corpus.paragraphs if "world model" in p.text]
    assert world and all("openai-o1" not in p.topics for p in world if "RL" not in p.text and "o1" not in p.text)


def test_reported_speech_in_a_news_article_is_attributed_and_the_scene_setting_is_not(built):
    article = {p.text[:8]: p for p in built.corpus.paragraphs if p.source == "baai-2024-bbtnews"}
    assert article["楊植麟認為，當下"].speaker == "yang-zhilin"
    assert article["作為開幕式最後一"].kind is Kind.NARRATION
    assert article["「畢竟大模型迭代"].speaker == "wang-zhongyuan"


def test_topics_found_over_a_whole_source_are_those_each_paragraph_holds(built):
    """link._topics_of_lines searches each topic once per source; a paragraph must get exactly
    the topics whose pattern it matches alone, Latin word boundaries at its edges included."""
    converter = converter_for(built.config)
    topics = topic_patterns(built.config, converter)
    lines = [converter.hans(p.text).lower() for p in built.corpus.paragraphs[:600]]
    lines += ["agi", "xagi", "agix", "rl训练", "world", "通用人工智能agi", "", "1agi", "agi2", "说agi。"]
    expected = [tuple(t.topic for t in topics if t.pattern.search(line)) for line in lines]
    assert _topics_of_lines(topics, "\n".join(lines)) == expected
    agi = next(t for t in topics if t.topic == "agi")
    assert [bool(agi.pattern.search(line)) for line in ["agi", "xagi", "agix", "1agi", "agi2", "说agi。", "a agi"]] == \
           [True, False, False, False, False, True, True]  # whole words only
