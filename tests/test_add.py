"""`python -m generator add FILE`: a transcript in, draft configuration out, accepted by `check`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.__main__ import main
from generator.config import load_config
from generator.pipeline import Project, build_corpus
from test_layouts import LAYOUTS, UNLISTED, _who

CONFIGURED = ("qa.txt", "roles.txt", "brackets.txt", "headers.txt")


@pytest.fixture
def project(tmp_path) -> Path:
    """The layouts project with only its configured seeds."""
    root = tmp_path / "project"
    shutil.copytree(LAYOUTS / "site_config", root / "site_config")
    (root / "seeds").mkdir()
    for seed in CONFIGURED:
        shutil.copy(LAYOUTS / "seeds" / seed, root / "seeds" / seed)
    return root


@pytest.mark.parametrize("seed", sorted(UNLISTED))
def test_add_writes_configuration_that_check_accepts_with_the_same_speakers(project, seed, capsys):
    assert main(["--root", str(project), "add", str(LAYOUTS / "seeds" / seed)]) == 0
    out = capsys.readouterr().out
    assert f"Copied the transcript to seeds/{seed}" in out and out.rstrip().splitlines()[-1].startswith("Checked ")
    config = load_config(project / "site_config", project / "seeds")  # raises on any error
    [source] = [s for s in config.sources if s.seed == seed]
    assert source.event in {e.id for e in config.events}
    assert main(["--root", str(project), "check"]) == 0
    result = build_corpus(Project(project), write_cache=False)
    got = [(p.lines[0], _who(result.corpus, p)) for p in result.corpus.paragraphs if p.seed == seed]
    assert got == UNLISTED[seed]
    assert not any(f"seeds/{seed} is not in site_config" in w for w in result.corpus.warnings)


def test_add_reuses_a_speaker_by_name_and_joins_an_existing_event(project, tmp_path, capsys):
    transcript = tmp_path / "followup.txt"
    transcript.write_text("对话王小明（续）\n\n李记者：还有一个问题？\n\n王小明：请讲。\n\n李记者：明年呢？\n\n王小明：继续做模型。\n",
                          encoding="utf-8")
    assert main(["--root", str(project), "add", str(transcript), "--event", "qa-interview"]) == 0
    assert "reusing" in capsys.readouterr().out
    config = load_config(project / "site_config", project / "seeds")
    event = config.event("qa-interview")
    assert "followup" in event.sources and len(event.participants) == 2
    result = build_corpus(Project(project), write_cache=False)
    speakers = [p.speaker for p in result.corpus.paragraphs if p.seed == "followup.txt"]
    assert speakers == ["host-li", "wang-xiaoming", "host-li", "wang-xiaoming"]


def test_add_copies_a_gbk_transcript_as_utf8(project, tmp_path):
    transcript = tmp_path / "gbk.txt"
    transcript.write_bytes("访谈\n\n甲方：你好，今天天气怎么样？\n\n乙方：很好，我们开始吧。\n\n甲方：好的。\n\n乙方：谢谢。\n".encode("gbk"))
    assert main(["--root", str(project), "add", str(transcript)]) == 0
    assert (project / "seeds" / "gbk.txt").read_text(encoding="utf-8").startswith("访谈")
