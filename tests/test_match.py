"""match: one statement reported by two sources of one event (generator/match.py).

Measured against the hand-checked list of true pairs in seeds 000/001
(tests/expected/also_reported_000_001.yaml) and a hand-made event
(tests/roots/also_reported/pairs.yaml) with known matches and non-matches.
"""

from __future__ import annotations

import pytest
import yaml

from generator import match
from generator.config import Entry, load_config
from generator.convert import Converter
from generator.model import Corpus, Event, Kind, Layout, Paragraph, Participation, Script, Source, Speaker, YanluErrors
from generator.pipeline import build_corpus

from conftest import EXPECTED, ROOT

TRUTH = yaml.safe_load((EXPECTED / "also_reported_000_001.yaml").read_text(encoding="utf-8"))
FIXTURE = yaml.safe_load((ROOT / "tests" / "roots" / "also_reported" / "pairs.yaml").read_text(encoding="utf-8"))
EVENT = "baai-2024-peak-dialogue"


def true_pairs() -> set[tuple[str, str]]:
    return {tuple(sorted((p["a"], p["b"]))) for p in TRUTH["pairs"]}


def found_in(corpus: Corpus, event: str) -> set[tuple[str, str]]:
    event_of = {p.id: p.event for p in corpus.paragraphs}
    return {tuple(sorted((a, b))) for a, others in corpus.also_reported for b in others if event_of[a] == event}


def test_the_hand_checked_list_names_paragraphs_of_000_and_001_at_their_lines(built):
    by_id = {p.id: p for p in built.corpus.paragraphs}
    for entry in TRUTH["pairs"] + TRUTH["not_pairs"]:
        a, b = by_id[entry["a"]], by_id[entry["b"]]
        assert (a.seed[:3], b.seed[:3]) == ("000", "001"), entry
        assert (a.lines[0], b.lines[0]) == (entry["a_line"], entry["b_line"]), entry
        assert a.speaker == b.speaker, entry  # a pair is one speaker's statement


def test_matching_on_000_001_reaches_90_percent_precision_and_80_percent_recall(built):
    found, truth = found_in(built.corpus, EVENT), true_pairs()
    hits = found & truth
    precision, recall = len(hits) / len(found), len(hits) / len(truth)
    print(f"\nalso_reported on 000/001: {len(found)} found, {len(hits)} of {len(truth)} true pairs; "
          f"precision {precision:.0%}, recall {recall:.0%}; false: {sorted(found - truth)}; missed: {sorted(truth - found)}")
    assert precision >= 0.90 and recall >= 0.80
    rejected = {tuple(sorted((p["a"], p["b"]))) for p in TRUTH["not_pairs"]}
    assert not found & rejected


def across_events(corpus: Corpus, alike=None) -> list[float]:
    """The null: a speaker's paragraphs of different events never report one statement, so the best
    counterparts there are what a threshold must stay above."""
    names = match.participant_names(corpus)
    every = tuple(sorted({n for forms in names.values() for n in forms}, key=lambda f: (-len(f), f)))
    paragraphs = [p for p in corpus.paragraphs if match.matchable(p)]
    texts = {p.id: match.normalised(p.hans, every) for p in paragraphs}
    event_of = {p.id: p.event for p in paragraphs}
    source_event = {p.source: p.event for p in paragraphs}
    best = match.best_counterparts(paragraphs, texts, alike)
    return sorted(score for (pid, other), (score, _q) in best.items() if source_event[other] != event_of[pid])


def test_the_threshold_matches_few_paragraphs_of_different_events(built):
    """THRESHOLD is the 95th percentile of the null (its justification): at most 5 % false matches there."""
    across = across_events(built.corpus)
    rate = sum(score >= match.THRESHOLD for score in across) / len(across)
    print(f"\nbest counterparts across events: {len(across)}, at or above {match.THRESHOLD}: {rate:.1%}")
    assert len(across) > 100 and rate <= 0.05


def test_rapidfuzz_does_better_than_character_bigrams_on_000_001(built):
    """Why rapidfuzz: the same rule with a plain bigram overlap (no library), its threshold set the same
    way (the null's 95th percentile), finds fewer true pairs or more false ones."""
    def bigram_overlap(a: str, b: str) -> float:
        grams = lambda t: {t[i:i + 2] for i in range(len(t) - 1)}  # noqa: E731
        if len(a) < match.MIN_CHARS or len(b) < match.MIN_CHARS:
            return 0.0
        return len(grams(a) & grams(b)) / min(len(grams(a)), len(grams(b)))

    truth, event_of = true_pairs(), {p.id: p.event for p in built.corpus.paragraphs}
    f1 = {}
    for name, alike in (("rapidfuzz partial_ratio", match.likeness), ("bigram overlap", bigram_overlap)):
        null = across_events(built.corpus, alike)
        threshold = null[int(0.95 * len(null))]
        found = {pair for pair in match.found_pairs(built.corpus, alike, threshold) if event_of[pair[0]] == EVENT}
        hits = len(found & truth)
        p, r = hits / max(len(found), 1), hits / len(truth)
        f1[name] = 2 * p * r / (p + r) if hits else 0.0
        print(f"\n{name}: threshold {threshold:.3f}, precision {p:.0%}, recall {r:.0%}")
    assert f1["rapidfuzz partial_ratio"] > f1["bigram overlap"]


# ---------------------------------------------------------------- the hand-made event


def fixture_corpus(converter: Converter) -> Corpus:
    speakers = tuple(Speaker(sid, name, converter.hant(name), ()) for sid, name in FIXTURE["speakers"].items())
    event = Event("e", "事件", "事件", "2024-01-01", "", None,
                  tuple(Participation(s.id, "panelist", "") for s in speakers), ("a", "b"))
    sources = (Source("a", "a.txt", "e", "A", "甲报", "", Script.HANS, Layout.TURNS),
               Source("b", "b.txt", "e", "B", "乙報", "", Script.HANT, Layout.TURNS))
    paragraphs = []
    for source in sources:
        for seq, item in enumerate(FIXTURE[source.id], start=1):
            text = item["text"]
            hans = text if source.script is Script.HANS else converter.hans(text)
            hant = text if source.script is Script.HANT else converter.hant(text)
            paragraphs.append(Paragraph(item["id"], "e", source.id, source.seed, "s-0", seq, item["speaker"],
                                        Kind.SPEECH, text, text, (seq,), hans=hans, hant=hant))
    return Corpus((event,), sources, speakers, (), (), tuple(paragraphs))


class Config:
    def __init__(self, *matches: dict):
        self.matches = tuple(Entry(m, "site_config/matches.yaml", n + 2) for n, m in enumerate(matches))


def test_the_hand_made_event_matches_across_scripts_and_nothing_else():
    corpus = match.match(fixture_corpus(Converter()), Config())
    expected = {tuple(sorted(pair)) for pair in FIXTURE["same"]}
    assert found_in(corpus, "e") == expected
    also = dict(corpus.also_reported)
    assert also["q-a000000001"] == ("q-b000000001",) and also["q-b000000001"] == ("q-a000000001",)  # both ways
    assert "q-a000000005" not in also  # 李四 said 张三's words: another speaker, never the same statement
    assert "q-a000000004" not in also  # 对。 says too little


def test_an_editor_confirms_and_rejects_pairs():
    corpus = fixture_corpus(Converter())
    decided = match.match(corpus, Config({"a": "q-a000000002", "b": "q-b000000003", "same": True},
                                         {"a": "q-b000000002", "b": "q-a000000003", "same": False}))
    assert found_in(decided, "e") == {("q-a000000001", "q-b000000001"), ("q-a000000002", "q-b000000003")}


@pytest.mark.parametrize("entry, problem", [
    ({"a": "q-a000000001", "b": "q-ffffffffff", "same": True}, "paragraph q-ffffffffff does not exist"),
    ({"a": "q-a000000001", "b": "q-a000000002", "same": True}, "are not from two sources of one event"),
])
def test_a_wrong_verdict_names_the_file_and_line(entry, problem):
    with pytest.raises(YanluErrors) as caught:
        match.match(fixture_corpus(Converter()), Config(entry))
    assert caught.value.errors[0].message.startswith("site_config/matches.yaml, line 2: ") and problem in caught.value.message


def test_matches_yaml_is_optional_and_validated(project_copy):
    (project_copy.site_config / "matches.yaml").unlink()
    assert load_config(project_copy.site_config).matches == ()
    (project_copy.site_config / "matches.yaml").write_text("matches:\n  - {a: q-1, b: q-57f28e83e7, same: maybe}\n",
                                                          encoding="utf-8")
    with pytest.raises(YanluErrors) as caught:
        load_config(project_copy.site_config)
    text = caught.value.message
    assert "site_config/matches.yaml, line 2" in text and "'q-1' is not a paragraph id" in text and "'maybe' is not true or false" in text


def test_a_confirmed_pair_in_site_config_shows_in_the_corpus(project_copy):
    (project_copy.site_config / "matches.yaml").write_text(
        "matches:\n  - {a: q-71841dc58d, b: q-bfe167e9fa, same: true, note: same answer}\n"
        "  - {a: q-2d11441756, b: q-1e58884293, same: false}\n", encoding="utf-8")
    corpus = build_corpus(project_copy, write_cache=False).corpus
    found = found_in(corpus, EVENT)
    assert ("q-71841dc58d", "q-bfe167e9fa") in found and ("q-1e58884293", "q-2d11441756") not in found
