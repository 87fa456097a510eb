"""The search index Yanlu writes (generator/search_index.py) is the one Pagefind writes of the same pages.

Pagefind itself is the reference: it indexes the same pages into a folder of its own, and every file is
compared once decompressed and decoded (CBOR, with cbor2). Pages are numbered differently (Pagefind in the
order the file system lists them, Yanlu in the order of their addresses), so a page number is compared as the
page it stands for, and an index chunk's name, made of its content, is not compared.
"""

from __future__ import annotations

import gzip
import json
import shutil
import subprocess
from pathlib import Path

import cbor2
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator import search, search_index
from generator.model import YanluError
from generator.search_index import pagefind_binary

ROOTS = Path(__file__).parent / "roots" / "search_index"


def decompressed(path: Path) -> bytes:
    data = gzip.decompress(path.read_bytes())
    assert data.startswith(search_index.SIGNATURE), f"{path}: not a Pagefind file"
    return data[len(search_index.SIGNATURE):]


def bundle_contents(folder: Path) -> dict:
    """A Pagefind bundle as what it says: its entry, its meta (pages as id → word count), its fragments
    (id → JSON), its words (word → [pages], [variants], each page as its fragment id) and its chunks' bounds."""
    entry = json.loads((folder / "pagefind-entry.json").read_text(encoding="utf-8"))
    meta_hash = entry["languages"][search_index.LANG].pop("hash")
    meta = cbor2.loads(decompressed(folder / f"pagefind.{meta_hash}.pf_meta"))
    version, pages, chunks, filters, sorts, fields = meta
    ids = [page_id for page_id, _count in pages]

    def numbered(entries: list) -> list:  # each page number is its distance from the one before
        number, out = 0, []
        for step, locs, meta_locs in entries:
            number += step
            out.append((ids[number], locs, meta_locs))
        return sorted(out)

    words = {}
    for _first, _last, chunk in chunks:
        (listed,) = cbor2.loads(decompressed(folder / "index" / f"{chunk}.pf_index"))
        for word, entries, variants in listed:
            words[word] = (numbered(entries), [(form, numbered(forms)) for form, forms in variants])
    fragments = {path.stem: json.loads(decompressed(path)) for path in (folder / "fragment").glob("*.pf_fragment")}
    return {"entry": entry, "version": version, "pages": dict(pages), "bounds": [(a, b) for a, b, _ in chunks],
            "filters": filters, "sorts": sorts, "fields": fields, "fragments": fragments, "words": words,
            "runtime": {name: (folder / name).read_bytes() for name in search_index.RUNTIME}}


def pagefind_bundle(pages: Path, into: Path) -> dict:
    subprocess.run([str(pagefind_binary()), "--site", str(pages), "--output-path", str(into), "--silent"],
                   check=True, capture_output=True)
    return bundle_contents(into)


def assert_same_bundle(ours: dict, pagefinds: dict) -> None:
    for part in ("entry", "version", "pages", "bounds", "filters", "sorts", "fields", "fragments", "runtime"):
        assert ours[part] == pagefinds[part], part
    missing = pagefinds["words"].keys() - ours["words"].keys()
    extra = ours["words"].keys() - pagefinds["words"].keys()
    assert not missing and not extra, (sorted(missing)[:10], sorted(extra)[:10])
    differ = [w for w in ours["words"] if ours["words"][w] != pagefinds["words"][w]]
    assert not differ, [(w, ours["words"][w], pagefinds["words"][w]) for w in differ[:3]]


def test_the_index_publish_wrote_of_the_seeds_is_the_one_pagefind_writes(published_project, tmp_path):
    pages = published_project / "docs" / search.SEARCH_DIR / search.PAGEFIND_INPUT
    ours = bundle_contents(published_project / "www" / "yanlu" / "pagefind")
    assert_same_bundle(ours, pagefind_bundle(pages, tmp_path / "pagefind"))
    assert len(ours["pages"]) == sum(1 for _ in pages.rglob("*.html")) > 30
    assert len(ours["words"]) > 10_000 and len(ours["bounds"]) > 1  # the seeds' words fill several chunks


def awkward_pages(folder: Path) -> Path:
    """The hand-written page (tests/roots/search_index/) and pages made by search.pagefind_page of awkward text:
    letters with marks, a compatibility ideograph (﨑, which t2s keeps), full-width and title-case letters, a year
    in a title, an address that is not ASCII."""
    shutil.copytree(ROOTS, folder, ignore=shutil.ignore_patterns("*.md"))
    texts = {"events/café-2023": ("2023 Café 大会", "Crème brûlée GPT-4o 﨑 ＡＩ ǅ İstanbul naïve 說話 ylfs00"),
             "speakers/王小川": ("王小川", "百川智能 CEO"), "topics/scaling-law": ("Scaling Law", "")}
    for path, (title, said) in texts.items():
        kind = {"events": "event", "speakers": "speaker", "topics": "topic"}[path.split("/")[0]]
        part = {"kind": kind, "title": search.index_words([search.index_form(title)]),
                "said": search.index_words([search.index_form(said)])}
        if kind == "event":
            part |= {"year": "2023", "filters": [["speaker", "王小川"], ["year", "2023"]]}
        page = folder / path / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(search.pagefind_page([part]), encoding="utf-8")
    return folder


def test_awkward_words_are_indexed_as_pagefind_indexes_them(tmp_path):
    pages = awkward_pages(tmp_path / "pages")
    search_index.index(pages, tmp_path / "ours")
    assert_same_bundle(bundle_contents(tmp_path / "ours"), pagefind_bundle(pages, tmp_path / "pagefind"))


def test_what_the_index_holds_of_a_page_whose_words_stand_twice(tmp_path):
    search_index.index(ROOTS, tmp_path / "ours")
    found = bundle_contents(tmp_path / "ours")
    (page_id,) = found["pages"]
    assert found["pages"][page_id] == 13  # 12 words and two block ends: "2024 开源 开源 |" and 9 more
    assert found["fragments"][page_id]["url"] == "/events/repeated/"
    assert found["fragments"][page_id]["meta"] == {"kind": "event", "title": "", "year": "2024"}
    words = found["words"]
    # 开源: twice in the title (weight 5: 120), once in the text (24): by weight, then the distance from the last.
    assert words["开源"] == ([(page_id, [-25, 4, -121, 1, 1], [])], [])
    assert words["模型"] == ([(page_id, [-25, 5, 1], [])], [])
    # café is indexed as cafe, and kept as written as its variant; cafe as written is the word itself.
    assert words["cafe"] == ([(page_id, [-25, 8], [])], [("café", [(page_id, [-25, 7, 2], [])])])
    # 2024 in the title, the text and the year (meta field 2 of kind, title, year).
    assert words["2024"] == ([(page_id, [-25, 10, -121, 0], [-3, 0])], [])
    assert words["event"] == ([(page_id, [-25, 11], [-1, 0])], [])
    assert "|" not in words and found["fields"] == ["kind", "title", "year"]


def test_the_same_pages_give_the_same_files(tmp_path):
    pages = awkward_pages(tmp_path / "pages")
    search_index.index(pages, tmp_path / "a")
    search_index.index(pages, tmp_path / "b")
    files = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*") if p.is_file())
    assert all((tmp_path / "a" / f).read_bytes() == (tmp_path / "b" / f).read_bytes() for f in files)


@pytest.mark.parametrize("body, problem", [
    ('<div>gpt-4o |</div>', "'gpt-4o' is not a word as search.index_words writes it"),
    ('<div>GPT |</div>', "'GPT' is not a word"),
    ('<p>开源</p>', "is not a page generator/search.py writes for search"),
])
def test_a_page_search_did_not_write_is_refused_naming_it(tmp_path, body, problem):
    page = tmp_path / "pages" / "events" / "x" / "index.html"
    page.parent.mkdir(parents=True)
    page.write_text(search.pagefind_page([{"kind": "event", "title": ["开源"], "said": []}])
                    .replace('<div data-pagefind-weight="5">开源 |</div>', body), encoding="utf-8")
    with pytest.raises(YanluError) as error:
        search_index.index(tmp_path / "pages", tmp_path / "out")
    assert error.value.where == str(page) and problem in error.value.problem


def test_publish_indexes_the_pages_of_a_project_given_by_a_relative_path(tmp_path, monkeypatch):
    """The index runs in the generator package's folder: the folders it is given are made absolute first."""
    from generator import publish

    shutil.copytree(ROOTS, tmp_path / "docs" / search.SEARCH_DIR / search.PAGEFIND_INPUT, ignore=shutil.ignore_patterns("*.md"))
    monkeypatch.chdir(tmp_path)
    run, pages = publish.start_pagefind(Path("docs") / search.SEARCH_DIR / search.PAGEFIND_INPUT, Path("out"))
    assert publish.finish_pagefind(run, pages) == {"/events/repeated/": next(iter(bundle_contents(tmp_path / "out")["pages"]))}
    assert pages == 1 and bundle_contents(tmp_path / "out")["entry"]["languages"][search_index.LANG]["page_count"] == 1


@settings(max_examples=300, deadline=2000, derandomize=True)
@given(st.text(min_size=1, max_size=40))
def test_every_word_search_writes_of_any_text_is_one_the_index_takes_whole(text):
    """Whatever a transcript holds, its index words are words as search_index.py indexes them (a word it could
    not take whole would stop publishing)."""
    words = search.index_words([search.index_form(text)])
    bundle = search_index.build([search_index.IndexPage("/x/", {}, [(1, [*words, search_index.BLOCK_END])])])
    (fragment,) = [content for name, content in bundle.files.items() if name.startswith("fragment/")]
    assert json.loads(fragment)["word_count"] == len(words) + 1
