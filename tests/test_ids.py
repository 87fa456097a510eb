"""Published ids survive a clone (site_config/published-ids.txt, in git), and removed words stay removed."""

from __future__ import annotations

import gzip
import re
import subprocess
from pathlib import Path

import pytest

from generator import ids, pipeline
from generator.publish import publish
from helpers_project import ROOT, copy_project, replace_in, run_cli, seed_name
from test_hook import mkdocs_project


def published_ids_that_vanished(project: pipeline.Project, corpus) -> list[tuple[str, str]]:
    """The check `make test` runs on the repository: recorded ids the corpus no longer answers."""
    return ids.vanished(ids.read_record(project), corpus)


def test_the_published_ids_record_is_tracked_in_git():
    listed = subprocess.run(["git", "ls-files", "--error-unmatch", f"site_config/{ids.RECORD}"], cwd=ROOT,
                            capture_output=True, text=True)
    if listed.returncode and "not a git repository" in listed.stderr:
        pytest.skip("not a git checkout")
    assert listed.returncode == 0, listed.stderr
    assert len(ids.read_record(pipeline.Project(ROOT))) > 600


def test_the_repositorys_seeds_keep_every_published_id(built):
    """Fails when an edit to seeds/ or site_config/ breaks a published quote link without an alias:
    run `python -m generator aliases` (a correction) or publish (`make site`, a removal) and commit."""
    gone = published_ids_that_vanished(pipeline.Project(ROOT), built.corpus)
    assert gone == [], f"published paragraph ids no longer exist (id, source): {gone}"


def test_on_a_fresh_copy_a_vanished_published_id_is_named_with_its_source_and_fails_the_check(tmp_path, built):
    root = copy_project(tmp_path / "clone")  # as a fresh clone: seeds/ and site_config/, no docs/, no cache
    git = ["git", "-c", "user.name=t", "-c", "user.email=t@example.org"]
    for command in (["init", "-q"], ["add", "."], ["commit", "-qm", "published"]):
        subprocess.run(git + command, cwd=root, check=True, capture_output=True)
    seed = seed_name("000")
    (old,) = [p for p in built.corpus.paragraphs if p.seed == seed and "沒有問題的" in p.text]
    replace_in(root / "seeds" / seed, "沒有問題的", "沒問題的")
    done = run_cli(root, "build")
    assert done.returncode == 0, done.stderr
    assert (f"Warning: published paragraph id {old.id} (source {old.source}, seeds/{seed}) no longer exists, "
            "so links to it break.") in done.stdout
    quiet = run_cli(root, "build", "--quiet")  # --quiet hides the summary, never a link that breaks
    assert f"Warning: published paragraph id {old.id} (source {old.source}" in quiet.stderr
    corpus = pipeline.build_corpus(pipeline.Project(root), write_cache=False).corpus
    assert published_ids_that_vanished(pipeline.Project(root), corpus) == [(old.id, old.source)]
    # A correction: `aliases` finds the published text in git and where it went; the check passes again.
    aliases = run_cli(root, "aliases")
    assert aliases.returncode == 0, aliases.stderr
    assert f"{old.id} → " in aliases.stdout
    corpus = pipeline.build_corpus(pipeline.Project(root), write_cache=False).corpus
    assert published_ids_that_vanished(pipeline.Project(root), corpus) == []


def site_bytes(site: Path) -> list[tuple[str, bytes]]:
    """Every file under site/, Pagefind's compressed index and fragments decompressed."""
    found = []
    for path in sorted(p for p in site.rglob("*") if p.is_file()):
        data = path.read_bytes()
        if "pagefind" in path.parts:
            try:
                data = gzip.decompress(data)
            except OSError:
                pass
        found.append((str(path.relative_to(site)), data))
    return found


REMOVED = ("A: 因为隐私和延迟。\n", ("隐私和延迟", "隱私和延遲"))
CORRECTED = ("下一個方向", "下一個重要方向", ("下一個方向", "下一个方向"))


def test_publishing_records_the_ids_and_removed_words_appear_nowhere_in_site(tmp_path):
    project = mkdocs_project(tmp_path / "p")
    record = ids.record_path(project)
    assert not record.exists()
    first = publish(project)
    assert set(ids.read_record(project)) == {p.id for p in first.corpus.paragraphs}
    (removed,) = [p for p in first.corpus.paragraphs if REMOVED[1][0] in p.text]
    (corrected,) = [p for p in first.corpus.paragraphs if CORRECTED[0] in p.text]
    assert any(REMOVED[1][0].encode() in data for _name, data in site_bytes(project.root / "site"))

    replace_in(project.seeds / "qa.txt", REMOVED[0], "")
    replace_in(project.seeds / "headers.txt", CORRECTED[0], CORRECTED[1])
    recorded = record.read_bytes()
    warned = pipeline.build(project).corpus.warnings
    assert any(removed.id in w and "source qa" in w for w in warned)
    assert any(corrected.id in w and "source headers" in w for w in warned)
    added, unmatched = ids.update_aliases(project)
    assert [old for old, _new, _score in added] == [corrected.id]
    assert [p["id"] for p in unmatched] == [removed.id]
    result = pipeline.build(project)
    assert record.read_bytes() == recorded  # build (and serve) only read the record
    assert not any(corrected.id in w for w in result.corpus.warnings)

    publish(project)
    now = ids.read_record(project)
    assert removed.id not in now and now[corrected.id] == "headers"  # the alias keeps the old id published
    words = [w.encode() for w in REMOVED[1]]
    leaks = [(name, w.decode()) for name, data in site_bytes(project.root / "site") for w in words if w in data]
    assert leaks == []
    # The corrected paragraph's earlier words are published as its correction (`aliases` kept them), and
    # only there: under 修订于 on its event page, on the changes page, in the corrections feed and the data.
    earlier = [name for name, data in site_bytes(project.root / "site") if any(w.encode() in data for w in CORRECTED[2])
               and "pagefind" not in name]
    assert earlier and all(re.search(r"/(events|changes)/.*index\.html$|/feeds/corrections\.xml$|^data/corpus\.json$", name)
                           for name in earlier), earlier
    assert not (project.docs / "data" / "vanished-paragraphs.json").exists()
