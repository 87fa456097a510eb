"""The command line as an editor uses it: `python -m generator build|check`, its output and exit code.

Every bad input is tried on a copy of a project that was built successfully
first: the command must refuse with the file, the line and the fix, print no
traceback, and leave the previous docs/data/ exactly as it was.
"""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from helpers_project import copy_project, legacy_copy_of_seed, line_of, replace_in, run_cli, seed_name

SEED_001, SEED_002, SEED_003, SEED_004 = (seed_name(p) for p in ("001", "002", "003", "004"))
EVENTS = ("baai-2024-peak-dialogue", "csdn-1024-2023-nine-questions", "fan-talk-2024-li-dahai", "apsara-2024-o1-panel")


@dataclass(frozen=True)
class GoodBuild:
    root: Path
    stdout: str
    stderr: str
    returncode: int
    corpus: bytes
    report: bytes


@pytest.fixture(scope="module")
def good_build(tmp_path_factory) -> GoodBuild:
    """The real inputs, copied and built once with `build`."""
    root = copy_project(tmp_path_factory.mktemp("good") / "project")
    result = run_cli(root, "build")
    data = root / "docs" / "data"
    return GoodBuild(root, result.stdout, result.stderr, result.returncode,
                     (data / "corpus.json").read_bytes() if (data / "corpus.json").exists() else b"",
                     (data / "cleaning-report.json").read_bytes() if (data / "cleaning-report.json").exists() else b"")


@pytest.fixture
def built_copy(good_build, tmp_path) -> Path:
    """A project with the output of a good build in docs/, for a test to break and rebuild."""
    assert good_build.returncode == 0, good_build.stderr
    root = tmp_path / "project"
    shutil.copytree(good_build.root, root)
    return root


def corpus_path(root: Path) -> Path:
    return root / "docs" / "data" / "corpus.json"


def assert_refused(result, good_build, root, where: str, line: int | None, *fragments: str) -> str:
    """Exit 1, 'Error:' naming where (and the line), a Fix line, no traceback, previous output untouched."""
    assert result.returncode == 1, result.stdout + result.stderr
    err = result.stderr
    place = f"{where}, line {line}: " if line else f"{where}: "
    assert re.search(rf"^(Error: )?{re.escape(place)}", err, re.M), err
    assert err.startswith("Error: "), err
    assert "\n  Fix: " in err
    for fragment in fragments:
        assert fragment in err, err
    assert "Traceback" not in err
    assert "Nothing was written; the previous output is unchanged." in err
    assert "Built " not in result.stdout
    assert corpus_path(root).read_bytes() == good_build.corpus
    assert (root / "docs" / "data" / "cleaning-report.json").read_bytes() == good_build.report
    return err


# ------------------------------------------------------------------ the good build


def test_build_on_the_real_inputs_exits_0_writes_docs_data_and_prints_a_summary(good_build):
    assert good_build.returncode == 0, good_build.stderr
    assert "Traceback" not in good_build.stderr
    corpus = json.loads(good_build.corpus)
    assert {e["id"] for e in corpus["events"]} == set(EVENTS)
    assert len(corpus["paragraphs"]) > 500
    report = json.loads(good_build.report)
    assert report["removals"] and "summary" in report

    lines = good_build.stdout.rstrip("\n").splitlines()
    for event in EVENTS:
        assert re.search(rf"^\S+  {event}: \d+ source\(s\), \d+ paragraphs$", good_build.stdout, re.M), event
    assert "2024-06-14  baai-2024-peak-dialogue: 2 source(s), " in good_build.stdout
    assert any(line.startswith("Cleaned 5 transcripts: kept ") for line in lines)
    assert "see docs/data/cleaning-report.json" in good_build.stdout
    paragraphs = len(corpus["paragraphs"])
    assert lines[-1].startswith(f"Built {paragraphs} paragraphs from 5 transcripts in ")
    assert "Warning:" not in good_build.stdout


def test_build_twice_gives_the_same_bytes_and_does_not_rewrite_the_files(tmp_path):
    root = copy_project(tmp_path / "project")
    first = run_cli(root, "build")
    assert first.returncode == 0, first.stderr
    files = [corpus_path(root), root / "docs" / "data" / "cleaning-report.json"]
    before = {f: (f.read_bytes(), f.stat().st_mtime_ns) for f in files}
    second = run_cli(root, "build")
    assert second.returncode == 0, second.stderr
    for f in files:
        assert f.read_bytes() == before[f][0], f"{f.name} changed on a rebuild of the same inputs"
        assert f.stat().st_mtime_ns == before[f][1], f"{f.name} was rewritten though its bytes did not change"


def test_check_reads_everything_and_writes_nothing(tmp_path):
    root = copy_project(tmp_path / "project")
    result = run_cli(root, "check")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip("\n").splitlines()[-1].startswith("Checked ")
    assert not (root / "docs").exists()
    assert sorted(p.name for p in root.iterdir()) == ["seeds", "site_config"]


# ------------------------------------------------------------------ bad inputs


def test_gbk_seed_is_refused_with_a_guess_and_the_fix_and_the_output_is_kept(good_build, built_copy):
    legacy_copy_of_seed(built_copy / "seeds" / SEED_004, "gbk")
    result = run_cli(built_copy, "build")
    # Lines 1-2 of seed 004 are ASCII ('LOADING STUFF…'); the first Chinese byte is on line 3.
    assert_refused(result, good_build, built_copy, f"seeds/{SEED_004}", 3,
                   "is not UTF-8 (it looks like GB18030)", "`encoding: gb18030`", "site_config/sources.yaml")


def test_gbk_seed_builds_once_the_encoding_the_message_suggests_is_declared(good_build, built_copy):
    legacy_copy_of_seed(built_copy / "seeds" / SEED_004, "gbk")
    refused = run_cli(built_copy, "build")
    assert "declare `encoding: gb18030`" in refused.stderr
    replace_in(built_copy / "site_config" / "sources.yaml",
               f"    seed: {SEED_004}\n", f"    seed: {SEED_004}\n    encoding: gb18030\n")
    result = run_cli(built_copy, "build")
    assert result.returncode == 0, result.stderr
    assert result.stdout.rstrip("\n").splitlines()[-1].startswith("Built ")

    def readable(corpus: bytes) -> list[tuple]:
        # The GBK copy wrote '©' as '(c)', so the '^© 版权声明$' noise line now stays; leave it aside.
        return [(p["speaker"], p["kind"], p["text"]) for p in json.loads(corpus)["paragraphs"]
                if p["seed"] == SEED_004 and "版权声明" not in p["text"]]

    assert readable(corpus_path(built_copy).read_bytes()) == readable(good_build.corpus)


def test_big5_seed_is_refused_with_a_guess_and_the_fix_and_the_output_is_kept(good_build, built_copy):
    legacy_copy_of_seed(built_copy / "seeds" / SEED_001, "big5")
    result = run_cli(built_copy, "build")
    assert_refused(result, good_build, built_copy, f"seeds/{SEED_001}", 1,
                   "is not UTF-8 (it looks like BIG5)", "`encoding: big5`", "site_config/sources.yaml")


def test_empty_seed_is_refused_and_the_output_is_kept(good_build, built_copy):
    (built_copy / "seeds" / SEED_002).write_bytes(b"")
    result = run_cli(built_copy, "build")
    assert_refused(result, good_build, built_copy, f"seeds/{SEED_002}", None, "is empty", "Paste the transcript")


def test_yaml_key_typo_is_refused_with_its_line_and_a_suggestion_and_the_output_is_kept(good_build, built_copy):
    speakers = built_copy / "site_config" / "speakers.yaml"
    replace_in(speakers, "    name_hant: Richard\n", "    name_hant: Richard\n    aliasses: [Dick]\n")
    result = run_cli(built_copy, "build")
    assert_refused(result, good_build, built_copy, "site_config/speakers.yaml", line_of(speakers, "aliasses"),
                   "unknown key 'aliasses'. Did you mean 'aliases'?")


def test_yaml_syntax_error_is_refused_with_its_line_and_the_output_is_kept(good_build, built_copy):
    speakers = built_copy / "site_config" / "speakers.yaml"
    replace_in(speakers, "    name: 王小川", "\tname: 王小川")
    result = run_cli(built_copy, "build")
    assert_refused(result, good_build, built_copy, "site_config/speakers.yaml", line_of(speakers, "\tname: 王小川"),
                   "this is not valid YAML")


def test_recurring_label_that_names_nobody_is_refused_with_seed_and_line_and_the_output_is_kept(good_build, built_copy):
    seed = built_copy / "seeds" / SEED_003
    text = seed.read_text(encoding="utf-8")
    assert text.count("\n林凡:") > 2
    seed.write_text(re.sub(r"(?m)^林凡:", "林帆:", text), encoding="utf-8")
    result = run_cli(built_copy, "build")
    first = line_of(seed, "林帆:")
    err = assert_refused(result, good_build, built_copy, f"seeds/{SEED_003}", first,
                         "couldn't find speaker '林帆' among the participants of event 'fan-talk-2024-li-dahai'",
                         "Add '林帆' as a name or alias in site_config/speakers.yaml")
    # One error for the label, naming every line where it is written (the first eight, then a count).
    labelled = [n for n, line in enumerate(seed.read_text(encoding="utf-8").splitlines(), 1) if line.startswith("林帆:")]
    listed = ", ".join(map(str, labelled[:8]))
    assert f"(written on lines {listed} and {len(labelled) - 8} more)" in err
    assert err.count("couldn't find speaker '林帆'") == 1


def test_an_unknown_label_is_reported_only_on_the_lines_where_it_is_written(good_build, built_copy):
    # The editor is sent to each reported line to fix '林帆'; a line without it is a false lead.
    seed = built_copy / "seeds" / SEED_003
    seed.write_text(re.sub(r"(?m)^林凡:", "林帆:", seed.read_text(encoding="utf-8")), encoding="utf-8")
    result = run_cli(built_copy, "build")
    assert result.returncode == 1
    lines = seed.read_text(encoding="utf-8").splitlines()
    listed = re.search(r"couldn't find speaker '林帆' .*\(written on lines ([\d, ]+)", result.stderr)
    reported = [int(n) for n in listed.group(1).split(", ")]
    assert reported
    without_label = [n for n in reported if "林帆" not in lines[n - 1]]
    assert without_label == [], f"lines reported for '林帆' that do not contain it: {without_label}"


def test_event_and_source_disagreeing_about_the_event_is_refused_naming_both_and_the_output_is_kept(
        good_build, built_copy):
    sources = built_copy / "site_config" / "sources.yaml"
    replace_in(sources, f"    seed: {SEED_001}\n    event: baai-2024-peak-dialogue\n",
               f"    seed: {SEED_001}\n    event: fan-talk-2024-li-dahai\n")
    result = run_cli(built_copy, "build")
    err = assert_refused(result, good_build, built_copy, "site_config/events.yaml", 4,
                         "event 'baai-2024-peak-dialogue' claims source 'baai-2024-bbtnews', "
                         "but that source says it reports event 'fan-talk-2024-li-dahai'")
    assert (f"site_config/sources.yaml, line {line_of(sources, '- id: baai-2024-bbtnews')}: "
            "source 'baai-2024-bbtnews' says it reports event 'fan-talk-2024-li-dahai'") in err


def test_problems_in_several_seeds_are_all_reported_in_one_run(good_build, built_copy):
    legacy_copy_of_seed(built_copy / "seeds" / SEED_001, "big5")
    (built_copy / "seeds" / SEED_002).write_bytes(b"")
    result = run_cli(built_copy, "build")
    err = assert_refused(result, good_build, built_copy, f"seeds/{SEED_001}", 1, "it looks like BIG5")
    assert f"seeds/{SEED_002}: is empty" in err
    assert err.count("\n  Fix: ") == 2


def test_debug_shows_the_traceback_as_well_as_the_message(good_build, built_copy):
    (built_copy / "seeds" / SEED_002).write_bytes(b"")
    result = run_cli(built_copy, "--debug", "build")
    assert result.returncode == 1
    assert "Traceback (most recent call last)" in result.stderr
    assert "YanluError" in result.stderr
    assert f"Error: seeds/{SEED_002}: is empty" in result.stderr
    assert corpus_path(built_copy).read_bytes() == good_build.corpus


# ------------------------------------------------------------------ a seed site_config/ does not know yet


NEW_SEED = """一场关于开源模型的小型对谈

主持人甲: 今天我们聊聊开源模型，你怎么看开源和闭源之间的差距？
嘉宾乙: 我认为差距正在缩小，开源社区的迭代速度非常快。
主持人甲: 那么对于创业公司来说，应该选择哪条路线？
嘉宾乙: 创业公司应该先找到自己的场景，再决定用什么模型。
主持人甲: 最后一个问题，明年最值得期待的是什么？
嘉宾乙: 我最期待的是端侧模型真正走进每个人的手机。
"""


def test_unconfigured_seed_with_name_labels_builds_and_warns_what_to_add_to_site_config(built_copy):
    (built_copy / "seeds" / "005_new.txt").write_text(NEW_SEED, encoding="utf-8")
    result = run_cli(built_copy, "build")
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "Warning: seeds/005_new.txt is not in site_config/sources.yaml" in out
    warning = out[out.index("Warning: seeds/005_new.txt"):]
    assert "run `python -m generator add seeds/005_new.txt`" in warning
    assert "(主持人甲, 嘉宾乙)" in warning
    assert any(line.startswith("Cleaned 6 transcripts") for line in out.splitlines())
    assert out.rstrip("\n").splitlines()[-1].startswith("Built ")

    corpus = json.loads(corpus_path(built_copy).read_bytes())
    new = [p for p in corpus["paragraphs"] if p["seed"] == "005_new.txt"]
    assert [p["lines"] for p in new] == [[3], [4], [5], [6], [7], [8]]
    assert all(p["speaker"] for p in new)
    assert len({p["speaker"] for p in new}) == 2
    assert new[0]["speaker"] == new[2]["speaker"] == new[4]["speaker"] != new[1]["speaker"]
    names = {s["id"]: s["name"]["zh-Hans"] for s in corpus["speakers"]}
    assert names[new[0]["speaker"]] == "主持人甲" and names[new[1]["speaker"]] == "嘉宾乙"
    report = json.loads((built_copy / "docs" / "data" / "cleaning-report.json").read_bytes())
    assert any("005_new.txt" in w for w in report["warnings"])


def test_a_huge_seed_of_any_format_is_warned_about(tmp_path):
    from generator.__main__ import seed_size_warnings
    from generator.pipeline import Project
    (tmp_path / "seeds").mkdir()
    (tmp_path / "seeds" / "talk.vtt").write_bytes(b"WEBVTT\n\n" + b"x" * 5_100_000)
    [warning] = seed_size_warnings(Project(tmp_path))
    assert "seeds/talk.vtt is 5.1 MB" in warning
