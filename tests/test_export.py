"""export: corpus.json as README documents it, written deterministically."""

from __future__ import annotations

import json

from generator.export import export
from generator.pipeline import build

PARAGRAPH_FIELDS = {"id", "event", "source", "seed", "section", "seq", "speaker", "kind", "text", "zh-Hans",
                    "zh-Hant", "topics", "addressed_to", "lines", "start", "garbled", "also_reported"}


def test_corpus_json_has_the_documented_fields(built, tmp_path):
    export(built.corpus, tmp_path)
    data = json.loads((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    assert {"events", "sources", "speakers", "topics", "sections", "paragraphs"} <= set(data)
    assert set(data["paragraphs"][0]) == PARAGRAPH_FIELDS
    speaker = next(s for s in data["speakers"] if s["id"] == "zhang-peng-zhipu")
    assert speaker["name"] == {"zh-Hans": "张鹏", "zh-Hant": "張鵬"}
    paragraph = next(p for p in data["paragraphs"] if p["seed"] == "003_dc7046a9a6216149.txt")
    assert paragraph["source"] == "fan-talk-2024-ailab" and paragraph["event"] == "fan-talk-2024-li-dahai"
    report = json.loads((tmp_path / "cleaning-report.json").read_text(encoding="utf-8"))
    assert report["summary"]["by_rule"]["duplicate"] > 300 and report["flags"]


def test_every_readme_field_of_corpus_json_is_documented(built):
    from conftest import ROOT
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for field in PARAGRAPH_FIELDS | {"events", "sources", "speakers", "topics", "sections", "paragraphs"}:
        assert f"`{field}`" in readme, field


def test_two_builds_of_the_same_input_are_byte_identical(project_copy, tmp_path):
    build(project_copy)
    first = {p.name: p.read_bytes() for p in project_copy.data.iterdir()}
    mtimes = {p.name: p.stat().st_mtime_ns for p in project_copy.data.iterdir()}
    build(project_copy)
    assert {p.name: p.read_bytes() for p in project_copy.data.iterdir()} == first
    assert {p.name: p.stat().st_mtime_ns for p in project_copy.data.iterdir()} == mtimes  # not rewritten


def test_editing_one_transcript_rewrites_only_the_files_that_show_it(project_copy):
    build(project_copy)
    files = sorted(p for p in project_copy.docs.rglob("*") if p.is_file())
    before = {p: p.stat().st_mtime_ns for p in files}
    seed = project_copy.seeds / "003_dc7046a9a6216149.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("這是第一點。", "這是第一點，也是最重要的一點。"),
                    encoding="utf-8")
    build(project_copy)
    changed = {str(p.relative_to(project_copy.docs)) for p in files if p.stat().st_mtime_ns != before[p]}
    assert "zh-hans/events/fan-talk-2024-li-dahai.md" in changed
    assert "zh-hant/events/fan-talk-2024-li-dahai.md" in changed
    assert "data/corpus.json" in changed
    for script in ("zh-hans", "zh-hant"):
        for other in ("baai-2024-peak-dialogue", "csdn-1024-2023-nine-questions", "apsara-2024-o1-panel"):
            assert f"{script}/events/{other}.md" not in changed
        assert f"{script}/speakers/zhu-jun.md" not in changed  # not at that event
        assert f"{script}/assets/yanlu.css" not in changed
    assert len(changed) < len(files) / 2


def test_paragraphs_jsonl_holds_corpus_json_paragraphs_one_a_line_and_matches_both_ways(built, tmp_path):
    export(built.corpus, tmp_path, built.json_parts)
    corpus = json.loads((tmp_path / "corpus.json").read_text(encoding="utf-8"))
    lines = (tmp_path / "paragraphs.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == corpus["paragraphs"]
    by_id = {p["id"]: p for p in corpus["paragraphs"]}
    matched = [p for p in corpus["paragraphs"] if p["also_reported"]]
    assert len(matched) >= 20  # 000 and 001 report one panel
    for p in matched:
        for other in p["also_reported"]:
            assert p["id"] in by_id[other]["also_reported"] and by_id[other]["source"] != p["source"]
            assert by_id[other]["event"] == p["event"] and by_id[other]["speaker"] == p["speaker"]
    # Written from each source's kept part or from the corpus alone, the bytes are the same.
    whole = tmp_path / "whole"
    export(built.corpus, whole)
    for name in ("corpus.json", "paragraphs.jsonl", "ids.json"):
        assert (whole / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_the_cleaning_report_is_one_item_a_line_and_the_same_whether_made_whole_or_source_by_source(built):
    from generator.export import cleaning_report, cleaning_report_text, one_item_a_line
    corpus = built.corpus
    whole = one_item_a_line(cleaning_report(corpus))
    groups = [(r.outline.source_id, r.paragraphs, r.removals, r.flags) for r in built.results]
    assert cleaning_report_text(corpus, groups) == whole
    assert json.loads(whole) == cleaning_report(corpus)
    lines = whole.splitlines()
    removals = cleaning_report(corpus)["removals"]
    assert len(removals) > 300
    assert [json.loads(line.rstrip(",")) for line in lines[lines.index('"removals": [') + 1:][:len(removals)]] == removals
