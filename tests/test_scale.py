"""What makes large archives fast must not change what is built.

A build split over two processes, a rebuild inside one long-lived process
(`mkdocs serve`), a configuration or a corpus.json part kept from an earlier
run: each must give exactly what a plain build from nothing gives.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from generator import bench, ids, pipeline
from generator.export import compact, corpus_json, corpus_json_pieces, with_matches
from helpers_project import copy_project, replace_in, run_cli

N = pipeline.PARALLEL_FROM + 4  # enough transcripts for a build to use worker processes


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory) -> Path:
    """A benchmark archive of N transcripts (generator/bench.py), inputs only."""
    root = tmp_path_factory.mktemp("synthetic") / "project"
    bench.make_project(root, N, bench.load_material(ROOT), ROOT)
    return root


def fresh_copy(synthetic: Path, dest: Path) -> pipeline.Project:
    shutil.copytree(synthetic / "seeds", dest / "seeds")
    shutil.copytree(synthetic / "site_config", dest / "site_config")
    return pipeline.Project(dest)


def test_a_build_in_two_processes_writes_exactly_what_one_process_writes(synthetic, tmp_path, monkeypatch):
    one = fresh_copy(synthetic, tmp_path / "one")
    two = fresh_copy(synthetic, tmp_path / "two")
    pipeline.build(one, jobs=1)
    workers = tmp_path / "workers"
    workers.mkdir()
    real = pipeline._process_source

    def noting_the_process(*args, **kwargs):  # forked workers run this too, and leave their pid behind
        (workers / str(os.getpid())).touch()
        return real(*args, **kwargs)

    monkeypatch.setattr(pipeline, "_process_source", noting_the_process)
    result = pipeline.build(two, jobs=2)
    pids = {int(p.name) for p in workers.iterdir()}
    assert len(pids) == 2 and os.getpid() not in pids  # the sources were read in two other processes
    assert len(result.corpus.sources) == N
    written = tree(two.docs)
    assert written == tree(one.docs)
    assert sum(name.startswith("zh-hant/events/bench-event-") for name in written) == N


def test_an_error_found_in_a_worker_process_stops_the_build_with_its_message(synthetic, tmp_path, monkeypatch):
    project = fresh_copy(synthetic, tmp_path / "p")
    real = pipeline._process_source

    def finds_a_problem_in_the_last_seed(raw, source, config, converter, index, topics, key):
        result, errors = real(raw, source, config, converter, index, topics, key)
        if raw.seed == f"{N:04d}_bench.txt":  # forked workers run this patched function too
            errors = [*errors, pipeline.YanluError(f"seeds/{raw.seed}", "a problem only a worker saw", "Fix it.", 7)]
        return result, errors

    monkeypatch.setattr(pipeline, "_process_source", finds_a_problem_in_the_last_seed)
    with pytest.raises(pipeline.YanluErrors) as caught:
        pipeline.build(project, jobs=2)
    assert caught.value.message == f"seeds/{N:04d}_bench.txt, line 7: a problem only a worker saw\n  Fix: Fix it."
    assert not project.docs.exists()


def test_a_rebuild_in_the_same_process_redoes_only_the_edited_transcript(synthetic, tmp_path, monkeypatch):
    project = fresh_copy(synthetic, tmp_path / "serve")
    cache = pipeline.SourceCache(project.root / ".yanlu-cache", in_memory=True)  # as the MkDocs hook keeps it
    pipeline.build(project, cache=cache)
    before = tree(project.docs)
    mtimes = {p: p.stat().st_mtime_ns for p in project.docs.rglob("*") if p.is_file()}

    seed = project.seeds / "0003_bench.txt"
    text = seed.read_text(encoding="utf-8")
    last_label = [line for line in text.splitlines() if "：" in line][-1].split("：")[0]
    seed.write_text(text + f"{last_label}：最后再补充一句话。\n", encoding="utf-8")
    processed = []
    real = pipeline._process_source
    monkeypatch.setattr(pipeline, "_process_source", lambda raw, *a, **k: processed.append(raw.seed) or real(raw, *a, **k))
    shutil.rmtree(project.root / ".yanlu-cache")  # the memory alone must be enough
    pipeline.build(project, cache=cache)
    assert processed == ["0003_bench.txt"]

    rebuilt = fresh_copy(synthetic, tmp_path / "fresh")
    shutil.copy(seed, rebuilt.seeds / seed.name)
    pipeline.build(rebuilt)
    after = tree(project.docs)
    assert after == tree(rebuilt.docs)  # the same as building the edited archive from nothing
    changed = {name for name in after if before.get(name) != after[name]}
    assert "zh-hans/events/bench-event-0003.md" in changed and "data/corpus.json" in changed
    assert len(changed) < len(after) / 4
    untouched = [p for p, m in mtimes.items() if str(p.relative_to(project.docs)) not in changed]
    assert all(p.stat().st_mtime_ns == mtimes[p] for p in untouched)


def test_a_rebuild_in_the_same_process_sees_an_edited_speaker(synthetic, tmp_path, monkeypatch):
    """What one process keeps between rebuilds (the configuration, each source's settings,
    the converter) must not hide an edit to site_config/."""
    project = fresh_copy(synthetic, tmp_path / "serve")
    cache = pipeline.SourceCache(project.root / ".yanlu-cache", in_memory=True)
    pipeline.build(project, cache=cache)
    speakers = project.site_config / "speakers.yaml"
    speaker = pipeline.load_project_config(project).speakers[0]
    text = speakers.read_text(encoding="utf-8")
    assert f"name: {speaker.name}\n  note: {speaker.note}\n" in text
    speakers.write_text(text.replace(f"note: {speaker.note}", "note: 改过的简介", 1), encoding="utf-8")
    processed = []
    real = pipeline._process_source
    monkeypatch.setattr(pipeline, "_process_source", lambda raw, *a, **k: processed.append(raw.seed) or real(raw, *a, **k))
    pipeline.build(project, cache=cache)
    assert processed  # the sources of the speaker's events were read again
    assert "改过的简介" in (project.docs / "zh-hans" / "speakers" / f"{speaker.id}.md").read_text(encoding="utf-8")
    rebuilt = fresh_copy(synthetic, tmp_path / "fresh")
    shutil.copy(speakers, rebuilt.site_config / "speakers.yaml")
    pipeline.build(rebuilt)
    assert tree(project.docs) == tree(rebuilt.docs)


def test_corpus_json_from_the_kept_parts_is_byte_for_byte_the_whole_serialisation(built):
    assert set(built.json_parts) == {s.id for s in built.corpus.sources}
    assert b"".join(corpus_json_pieces(built.corpus, with_matches(built.corpus, built.json_parts))) == (compact(corpus_json(built.corpus)) + "\n").encode()


def test_a_page_deleted_from_docs_is_written_again_though_nothing_changed(tmp_path):
    project = pipeline.Project(copy_project(tmp_path / "p"))
    pipeline.build(project)
    before = tree(project.docs)
    for page in ("zh-hans/speakers/li-dahai.md", "zh-hant/events/baai-2024-peak-dialogue.md", "zh-hant/index.md"):
        (project.docs / page).unlink()
    pipeline.build(project)
    assert tree(project.docs) == before


def test_an_edited_configuration_is_read_again_not_taken_from_the_cache(tmp_path):
    root = copy_project(tmp_path / "p")
    assert run_cli(root, "build").returncode == 0
    assert (root / ".yanlu-cache" / "config.pickle").exists()
    replace_in(root / "site_config" / "speakers.yaml", "面壁智能联合创始人、CEO", "面壁智能联合创始人兼首席执行官")
    assert run_cli(root, "build").returncode == 0
    assert "面壁智能联合创始人兼首席执行官" in (root / "docs" / "zh-hans" / "speakers" / "li-dahai.md").read_text("utf-8")
    replace_in(root / "site_config" / "speakers.yaml", "  - id: li-dahai", "  - idd: li-dahai")
    broken = run_cli(root, "build")
    assert broken.returncode == 1 and "site_config/speakers.yaml" in broken.stderr


def test_options_may_follow_the_command(tmp_path):
    root = copy_project(tmp_path / "p")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    result = subprocess.run([sys.executable, "-m", "generator", "check", "--root", str(root), "--quiet", "--jobs", "2"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1].startswith("Checked 694 paragraphs from 5 transcripts")


def test_a_corrected_paragraph_is_recorded_as_vanished_without_reading_all_of_corpus_json(synthetic, tmp_path,
                                                                                          monkeypatch):
    project = fresh_copy(synthetic, tmp_path / "p")
    first = pipeline.build(project)
    ids.write_record(project, first.corpus)  # as `python -m generator site` does when publishing
    seed = project.seeds / "0005_bench.txt"
    lines = seed.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines) if "：" in line and len(line) > 20)
    old = next(p for p in first.corpus.paragraphs if p.seed == seed.name and number + 1 in p.lines)
    lines[number] = lines[number] + "（更正）"
    seed.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def whole_file_read(_project):
        raise AssertionError("the whole previous corpus.json was read")

    monkeypatch.setattr(ids, "previous_paragraphs", whole_file_read)
    result = pipeline.build(project)
    assert any(old.id in warning and f"source {old.source}" in warning for warning in result.corpus.warnings)
    recorded = ids.kept_texts(project)  # in .yanlu-cache/, for `aliases`: never in docs/, which is published
    assert list(recorded) == [old.id] and recorded[old.id]["text"] == old.text
    assert not (project.data / "vanished-paragraphs.json").exists()
