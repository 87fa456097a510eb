"""The cache rulebook (generator/cache.py): keys hold the environment, damage is never trusted,
and a build killed at any write leaves what the next build repairs into a fresh build's output."""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator import cache, pipeline
from generator.cache import seal
from helpers_project import ROOT
from test_incremental import EDITS, differences, inputs_of, make_fixture, tree


def fresh_tree(project: pipeline.Project, dest: Path) -> dict[str, bytes]:
    copy = inputs_of(project, dest)
    pipeline.build(copy)
    return tree(copy.docs)


def counting_sources(monkeypatch) -> list[str]:
    processed: list[str] = []
    real = pipeline._process_source
    monkeypatch.setattr(pipeline, "_process_source", lambda raw, *a, **k: processed.append(raw.seed) or real(raw, *a, **k))
    return processed


def page_keys(project: pipeline.Project) -> dict[str, str]:
    keys = {}
    for script in ("zh-hans", "zh-hant"):
        keys.update({f"{script}/{path}": entry[0]
                     for path, entry in cache.load_json(project.cache / f"pages-{script}.json").items()})
    return keys


@pytest.mark.parametrize("what", ["code_digest", "opencc_version"])
def test_a_change_to_the_generators_code_or_to_opencc_invalidates_every_source_and_page(what, tmp_path, monkeypatch):
    project = make_fixture(tmp_path / "p")
    pipeline.build(project)
    keys_before = page_keys(project)
    export_before = cache.load_json(project.cache / "export.json")["key"]
    processed = counting_sources(monkeypatch)
    pipeline.build(project)
    assert processed == []  # nothing changed: everything from the cache

    validated = []
    real_load = pipeline.load_config
    monkeypatch.setattr(pipeline, "load_config", lambda *a, **k: validated.append(1) or real_load(*a, **k))
    monkeypatch.setattr(cache, what, lambda: "changed")  # as an upgrade or an edit to generator/ would
    pipeline.build(project)
    assert sorted(processed) == ["headers.txt", "qa.txt", "roles.txt"]
    assert validated == [1]  # the validated configuration was not taken from .yanlu-cache/ either
    keys_after = page_keys(project)
    assert keys_after.keys() == keys_before.keys()
    assert all(keys_after[p] != keys_before[p] for p in keys_before)
    assert cache.load_json(project.cache / "export.json")["key"] != export_before


def test_the_opencc_version_and_data_files_are_in_the_environment(monkeypatch):
    import opencc
    before = cache.environment()
    assert cache.opencc_version() == opencc.__version__
    monkeypatch.setattr(cache, "opencc_files_digest", lambda: "other dictionaries")
    assert cache.environment() != before


def damage(kind: str, data: bytes) -> bytes:
    if kind == "truncated":
        return data[: len(data) // 2]
    if kind == "empty":
        return b""
    if kind == "one byte flipped":
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0x55]) + data[middle + 1:]
    if kind == "garbage":
        return b"\x80not a cache entry\xff" * 10
    raise AssertionError(kind)


@pytest.mark.parametrize("kind", ["truncated", "empty", "one byte flipped", "garbage"])
def test_a_damaged_cache_file_is_rebuilt_never_trusted(kind, tmp_path, monkeypatch):
    project = make_fixture(tmp_path / "p")
    pipeline.build(project)
    files = sorted(p for p in project.cache.rglob("*") if p.is_file())
    assert {p.name for p in files} >= {"config.pickle", "qa.pickle", "export.json", "pages-zh-hans.json"}
    for path in files:
        path.write_bytes(damage(kind, path.read_bytes()))
    EDITS["letter case"](project.root)  # and an edit, so a trusted stale entry would show
    processed = counting_sources(monkeypatch)
    pipeline.build(project)
    assert sorted(processed) == ["headers.txt", "qa.txt", "roles.txt"]
    assert differences(tree(project.docs), fresh_tree(project, tmp_path / "fresh")) == []
    for path in files:  # every entry written whole again
        assert cache.unseal(path.read_bytes()) is not None, path


def test_a_tampered_but_well_formed_cache_entry_is_rejected_and_rebuilt(tmp_path, monkeypatch):
    project = make_fixture(tmp_path / "p")
    pipeline.build(project)
    entry = project.cache / "sources" / "qa.pickle"
    sealed = entry.read_bytes()
    result = pickle.loads(cache.unseal(sealed))
    forged = result.paragraphs[1].in_scripts("被篡改的文字", "被篡改的文字")
    tampered = pickle.dumps(pipeline.SourceResult(result.key, result.outline, result.removals, result.flags,
                                                  result.sections, (result.paragraphs[0], forged, *result.paragraphs[2:]),
                                                  result.json, result.chars, result.stages))
    header = sealed[: len(sealed) - len(cache.unseal(sealed))]
    entry.write_bytes(header + tampered)  # a valid pickle of a valid result, under the old digest
    processed = counting_sources(monkeypatch)
    built = pipeline.build(project)
    assert processed == ["qa.txt"]
    assert all("被篡改" not in p.text + p.hans + p.hant for p in built.corpus.paragraphs)
    assert "被篡改" not in (project.docs / "zh-hans" / "events" / "qa-interview.md").read_text(encoding="utf-8")


def test_seal_detects_every_damage_it_is_shown():
    payload = pickle.dumps({"a": "言录"})
    sealed = seal(payload)
    assert cache.unseal(sealed) == payload
    for n in range(len(sealed)):
        assert cache.unseal(sealed[:n]) is None
        flipped = sealed[:n] + bytes([sealed[n] ^ 1]) + sealed[n + 1:]
        assert cache.unseal(flipped) is None


@pytest.mark.parametrize("damaged", ["zh-hans/speakers/wang-xiaoming.md", "zh-hant/events/qa-interview.md",
                                     "data/corpus.json", "data/ids.json", "data/cleaning-report.json"])
@pytest.mark.parametrize("how", ["truncated", "garbage"])
def test_a_damaged_file_in_docs_is_written_again_though_nothing_changed(damaged, how, tmp_path):
    project = make_fixture(tmp_path / "p")
    pipeline.build(project)
    before = tree(project.docs)
    path = project.docs / damaged
    path.write_bytes(damage(how, path.read_bytes()) if how == "truncated" else b"{not json")
    pipeline.build(project)
    assert differences(tree(project.docs), before) == []


def test_a_temporary_file_is_swept_and_a_page_the_editor_put_in_docs_is_left_alone(tmp_path):
    project = make_fixture(tmp_path / "p")
    pipeline.build(project)
    before = tree(project.docs)
    own = project.docs / "zh-hans" / "about.md"  # not the build's: MkDocs builds it, as it always did
    own.write_text("# 关于\n", encoding="utf-8")
    (project.docs / "zh-hant" / "events" / ".yanlu-tmp-qa-interview.md.abc").write_text("half", encoding="utf-8")
    pipeline.build(project)
    assert differences(tree(project.docs), {**before, "zh-hans/about.md": own.read_bytes()}) == []


# ------------------------------------------------------------------ killed builds


def run_killed(root: Path, at_write: int) -> subprocess.CompletedProcess:
    env = dict(os.environ, YANLU_KILL_AT_WRITE=str(at_write),
               PYTHONPATH=str(ROOT) + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""))
    return subprocess.run([sys.executable, "-m", "generator", "--root", str(root), "build", "--quiet", "--jobs", "1"],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def writes_of_a_build(tmp_path: Path, edit: str | None) -> int:
    """How many files a build writes (cold, or after ``edit``): the kill points range over them."""
    project = make_fixture(tmp_path)
    if edit:
        pipeline.build(project)
        EDITS[edit](project.root)
    cache._writes = 0
    os.environ["YANLU_KILL_AT_WRITE"] = "1000000"  # counts, never reached
    try:
        pipeline.build(project)
    finally:
        del os.environ["YANLU_KILL_AT_WRITE"]
    return cache._writes


@pytest.mark.parametrize("edit, then", [(None, None), ("letter case", None), ("a source added", None),
                                        ("a source added", "undone")])
def test_a_build_killed_at_any_write_leaves_what_the_next_build_makes_a_fresh_build(edit, then, tmp_path):
    """``then`` "undone": the editor takes the edit back before building again (the killed
    build may have written pages the next one must not keep)."""
    total = writes_of_a_build(tmp_path / "count", edit)
    assert total > 5
    # Every write of a small rebuild; a spread of them in a cold build.
    points = list(range(1, total + 1)) if total <= 10 else sorted({1, 2, total // 4, total // 2, 3 * total // 4,
                                                                   total - 1, total})
    expected = None  # what a build from nothing writes: the same inputs at every kill point
    for at in points:
        project = make_fixture(tmp_path / f"killed-at-{at}")
        if edit:
            pipeline.build(project)
            EDITS[edit](project.root)
        killed = run_killed(project.root, at)
        assert killed.returncode == -signal.SIGKILL, (at, killed.stderr)
        leftovers = [p for p in project.root.rglob(f"{cache.TEMPORARY}*")]
        assert leftovers, "killed between writing a temporary file and putting it in place"
        if then == "undone":
            EDITS[edit](project.root)
        pipeline.build(project)
        if expected is None:
            expected = fresh_tree(project, tmp_path / "fresh")
        assert differences(tree(project.docs), expected) == [], at
        assert not list(project.root.rglob(f"{cache.TEMPORARY}*"))


def test_the_readmes_cache_table_is_the_cache_modules_table():
    def table(text: str) -> str:
        return text[text.index("<!-- cache-table:start -->"):text.index("<!-- cache-table:end -->")]
    assert table((ROOT / "README.md").read_text(encoding="utf-8")) == table(cache.__doc__)


def test_editing_any_module_of_the_generator_makes_every_cached_source_stale(tmp_path):
    """Not a monkeypatch: a copy of generator/ with one comment added to one module, run as a new process."""
    code = tmp_path / "code"
    shutil.copytree(ROOT / "generator", code / "generator", ignore=shutil.ignore_patterns("__pycache__"))
    project = make_fixture(tmp_path / "p")

    def build_with_that_code() -> dict[str, bytes]:
        env = dict(os.environ, PYTHONPATH=str(code))
        done = subprocess.run([sys.executable, "-m", "generator", "--root", str(project.root), "build", "--quiet"],
                              cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return {p.name: p.read_bytes() for p in (project.cache / "sources").iterdir()}

    first = build_with_that_code()
    assert build_with_that_code() == first  # unchanged code: the cached sources stand
    with (code / "generator" / "clean.py").open("a", encoding="utf-8") as module:
        module.write("\n# an edit to the code that cleans\n")
    again = build_with_that_code()
    assert sorted(again) == sorted(first) == ["headers.pickle", "qa.pickle", "roles.pickle"]
    assert all(again[name] != first[name] for name in first)  # each made again, under the new key


def test_what_an_earlier_version_kept_in_the_cache_is_deleted_and_never_read(tmp_path):
    project = make_fixture(tmp_path / "p")
    project.cache.mkdir()
    for name in ("qa.pickle", "export.key"):  # the layout before cache.py: bare pickles, an unsealed key
        (project.cache / name).write_bytes(pickle.dumps("stale"))
    (project.cache / "pages-zh-hans.json").write_text('{"index.md": "an old key"}', encoding="utf-8")
    pipeline.build(project)
    assert not (project.cache / "qa.pickle").exists() and not (project.cache / "export.key").exists()
    assert differences(tree(project.docs), fresh_tree(project, tmp_path / "fresh")) == []


# ------------------------------------------------------------------ what a session in memory keeps (mkdocs serve)


def test_a_session_reuses_what_it_made_only_while_the_inputs_are_equal():
    session = cache.Session(None, in_memory=True)
    made = []
    inputs = (("a", "b"), {"x": 1})
    first = session.reuse("thing", inputs, lambda: made.append(1) or ["made"])
    assert session.reuse("thing", (("a", "b"), {"x": 1}), lambda: made.append(1) or ["other"]) is first
    assert session.reuse("thing", (("a", "b"), {"x": 2}), lambda: made.append(1) or ["again"]) == ["again"]
    assert session.reuse("thing", (("a",),), lambda: made.append(1) or ["fewer"]) == ["fewer"]
    assert made == [1, 1, 1]
    one_shot = cache.Session(None)  # a command's session remembers nothing
    assert one_shot.reuse("thing", inputs, lambda: ["x"]) == ["x"] and one_shot.reuse("thing", inputs, lambda: ["y"]) == ["y"]


def test_published_ids_rewritten_while_serving_are_read_again(tmp_path):
    """The record is kept in memory by its stamp: a record that now names an id the corpus lacks must warn."""
    project = make_fixture(tmp_path / "p")
    session = cache.Session(project.cache, in_memory=True)
    built = pipeline.build(project, cache=session)
    assert not [w for w in built.corpus.warnings if "published paragraph id" in w]
    record = project.site_config / "published-ids.txt"
    some = built.corpus.paragraphs[0]
    record.write_text(f"{some.id} {some.source}\nq-0123456789 {some.source}\n", encoding="utf-8")
    again = pipeline.build(project, cache=session)
    assert [w for w in again.corpus.warnings if "published paragraph id q-0123456789" in w]
    record.write_text(f"{some.id} {some.source}\n", encoding="utf-8")
    assert not [w for w in pipeline.build(project, cache=session).corpus.warnings if "published paragraph id" in w]


def test_the_index_a_session_patches_is_the_index_made_from_nothing(tmp_path):
    """CorpusIndex from sources reused in memory and patched after an edit, against one made from the corpus alone."""
    from generator.render import CorpusIndex
    project = make_fixture(tmp_path / "p")
    session = cache.Session(project.cache, in_memory=True)
    pipeline.build(project, cache=session)
    first = session.kept["index: merged"]
    EDITS["a word"](project.root)
    result = pipeline.build(project, cache=session)
    assert session.kept["index: merged"].positions is first.positions  # patched, not put together afresh
    reused = CorpusIndex(result.corpus, result.entities, groups=[(r.paragraphs, r.shown, r.sections) for r in result.results],
                         reuse=session.reuse, memory=session.kept)
    fresh = CorpusIndex(result.corpus)
    assert "价格战对我们影响很小" in "".join(p.text for p in reused.by_speaker["wang-xiaoming"])
    for name in ("paragraphs", "sections", "by_event", "by_speaker", "by_topic", "sections_of", "speaker_parts",
                 "topic_parts", "shown", "overview_keys", "part_names", "entities", "summarised"):
        assert getattr(reused, name) == getattr(fresh, name), name


def test_a_large_file_replaced_is_whole_and_leaves_no_temporary(tmp_path, monkeypatch):
    monkeypatch.setattr(cache, "SET_ASIDE_FROM", 0)  # every file is "large"
    path = tmp_path / "corpus.json"
    assert cache.write_if_changed(path, [b"one", b" two"])
    reader = path.open("rb")  # a reader of the old file keeps it whole while it is replaced
    assert cache.write_if_changed(path, [b"three"])
    cache.settle()
    assert reader.read() == b"one two" and path.read_bytes() == b"three"
    reader.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["corpus.json"]


def test_a_session_started_on_built_docs_remakes_only_the_edited_sources_export_pieces(tmp_path):
    """`mkdocs serve` on a docs/ built before: its first build writes nothing to docs/data/, yet its first edit
    must remake the edited source's pieces of it alone (at 2,000 transcripts remaking them all was half a
    second of that rebuild), and write what a build from nothing writes."""
    project = make_fixture(tmp_path / "p")
    pipeline.build(project)  # `python -m generator build`, before the server starts
    session = cache.Session(project.cache, in_memory=True)
    pipeline.build(project, cache=session)  # the server's first build
    made: list[str] = []
    reuse = session.reuse
    session.reuse = lambda name, inputs, make: reuse(name, inputs, lambda: made.append(name) or make())
    EDITS["a word"](project.root)
    result = pipeline.build(project, cache=session)
    edited = {r.outline.source_id for r in result.results if r.outline.seed == "qa.txt"}
    remade = {name.rsplit(" ", 1)[-1] for name in made if name.startswith(("export: report", "export: listed", "ids: source"))}
    assert len(edited) == 1 and remade == edited
    fresh = fresh_tree(project, tmp_path / "fresh")
    assert {f"data/{path}": data for path, data in tree(project.data).items()} == {
        path: data for path, data in fresh.items() if path.startswith("data/")}
