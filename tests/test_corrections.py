"""Corrections, visible (issue 15): a typo fixed in a seed plus `aliases` shows as a dated correction
with the earlier words on the event page, on the changes page and in the Atom feeds; the old id still
leads to the paragraph; a paragraph removed without an alias is never published again. And each
paragraph links to the line of its seed it came from, when mkdocs.yml sets repo_url."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from generator import ids, pipeline
from generator.config import load_config
from generator.convert import converter_for
from generator.model import Script
from generator.render import Renderer, seeds_url
from helpers_project import ROOT, replace_in, run_cli
from test_incremental import make_fixture

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = "2025-03-01"
TYPO = ("下一個方向", "下一個重要方向")  # headers.txt, Traditional: 錢進's words
EARLIER = {"zh-hans": "下一个方向", "zh-hant": "下一個方向"}
REMOVED = ("晶片需要自研。\n", ("晶片需要自研", "芯片需要自研"))
REPO = "https://github.com/example/yanlu"


@pytest.fixture(scope="module")
def corrected(tmp_path_factory):
    """The small project published once, then a typo fixed and a paragraph removed, `aliases` run, rebuilt."""
    project = make_fixture(tmp_path_factory.mktemp("corrections") / "p")
    (project.root / "mkdocs.yml").write_text(f"site_name: t\nrepo_url: {REPO}\nedit_uri: edit/main/docs/\n",
                                             encoding="utf-8")
    first = pipeline.build(project)
    ids.write_record(project, first.corpus)  # what `make site` records when it publishes
    (old,) = [p for p in first.corpus.paragraphs if TYPO[0] in p.text]
    (removed,) = [p for p in first.corpus.paragraphs if REMOVED[1][0] in p.text]
    replace_in(project.seeds / "headers.txt", *TYPO)
    replace_in(project.seeds / "headers.txt", REMOVED[0], "")
    done = run_cli(project.root, "aliases", extra_env={"YANLU_TODAY": DAY})
    assert done.returncode == 0, done.stderr
    result = pipeline.build(project)
    (new,) = [p for p in result.corpus.paragraphs if TYPO[1] in p.text]
    return project, result, old, new, removed


def test_aliases_keeps_the_day_and_the_earlier_words_in_a_readable_entry(corrected):
    project, _result, old, new, _removed = corrected
    text = (project.site_config / "aliases.yaml").read_text(encoding="utf-8")
    (entry,) = yaml.safe_load(text)["aliases"]
    assert entry == {"old": old.id, "new": new.id, "date": DAY, "earlier": old.text,
                     "note": entry["note"]} and "alike" in entry["note"]
    assert TYPO[0] in text  # the words as written, not escaped out of sight


def test_the_event_page_says_revised_on_the_day_with_the_earlier_words_on_demand(corrected):
    project, _result, old, new, _removed = corrected
    for script, label in (("zh-hans", "修订于"), ("zh-hant", "修訂於")):
        page = (project.docs / script / "events" / "header-panel.md").read_text(encoding="utf-8")
        block = page[page.index(f'id="{new.id}"'):]
        block = block[:block.index("\n</div>")]
        revised = re.search(r'<details class="yl-revised"><summary>(.*?)</summary><p class="yl-earlier">(.*?)</p></details>',
                            block)
        assert revised, block
        assert revised.group(1).startswith(f"{label} {DAY}")
        assert revised.group(2) == (old.hans if script == "zh-hans" else old.hant) and EARLIER[script] in revised.group(2)
        assert f'"{old.id}": "{new.id}"' in page  # the old id still leads here (yl_aliases in the header)


def test_the_changes_page_lists_the_correction_in_both_scripts(corrected):
    project, _result, old, new, _removed = corrected
    for script in ("zh-hans", "zh-hant"):
        page = (project.docs / script / "changes.md").read_text(encoding="utf-8")
        assert DAY in page and f"#{old.id}" in page and f"../events/header-panel/#{new.id}" in page
        assert EARLIER[script] in page


def test_the_atom_feeds_parse_and_list_the_correction(corrected):
    project, result, old, new, _removed = corrected
    for script in ("zh-hans", "zh-hant"):
        feeds = project.docs / script / "feeds"
        for name in ("events.xml", "corrections.xml"):
            feed = ET.parse(feeds / name).getroot()
            assert feed.tag == f"{ATOM}feed"
            for required in ("id", "title", "updated"):
                assert (feed.findtext(f"{ATOM}{required}") or "").strip(), (name, required)
            assert feed.find(f"{ATOM}link").get("href") and feed.find(f"{ATOM}author/{ATOM}name").text
            entries = feed.findall(f"{ATOM}entry")
            assert entries, name
            for entry in entries:
                for required in ("id", "title", "updated"):
                    assert (entry.findtext(f"{ATOM}{required}") or "").strip(), (name, required)
                assert re.fullmatch(r"\d{4}-\d\d-\d\dT00:00:00Z", entry.findtext(f"{ATOM}updated"))
                assert entry.find(f"{ATOM}link").get("href")
        events = ET.parse(feeds / "events.xml").getroot()
        assert {e.findtext(f"{ATOM}id") for e in events.findall(f"{ATOM}entry")} == {
            f"urn:yanlu:event:{e.id}" for e in result.corpus.events}
        (entry,) = ET.parse(feeds / "corrections.xml").getroot().findall(f"{ATOM}entry")
        assert entry.findtext(f"{ATOM}id") == f"urn:yanlu:correction:{old.id}"
        assert entry.findtext(f"{ATOM}updated") == f"{DAY}T00:00:00Z"
        assert entry.find(f"{ATOM}link").get("href") == f"../events/header-panel/#{new.id}"
        assert EARLIER[script] in entry.findtext(f"{ATOM}content")
        assert ET.parse(feeds / "corrections.xml").getroot().findtext(f"{ATOM}updated") == f"{DAY}T00:00:00Z"


def test_feed_links_are_absolute_once_the_sites_address_is_known_and_relative_again_without(corrected, monkeypatch):
    """YANLU_SITE_URL (publish.py, citations.py) makes the feeds' links absolute; it is in the feeds' cache keys,
    so an incremental build with it set, then unset, writes what a build from nothing would."""
    project, _result, _old, new, _removed = corrected
    site = "https://example.org/yanlu/"
    link = lambda feed, rel="alternate": next(l.get("href") for l in feed.findall(f"{ATOM}link") if l.get("rel") == rel)  # noqa: E731
    for address, expected in ((site, f"{site}{{script}}/events/header-panel/#{new.id}"),
                              ("", f"../events/header-panel/#{new.id}")):
        monkeypatch.setenv("YANLU_SITE_URL", address)
        pipeline.build(project)
        for script in ("zh-hans", "zh-hant"):
            feeds = project.docs / script / "feeds"
            corrections = ET.parse(feeds / "corrections.xml").getroot()
            (entry,) = corrections.findall(f"{ATOM}entry")
            assert link(entry) == expected.format(script=script)
            assert link(corrections, "self") == (f"{site}{script}/feeds/corrections.xml" if address else "corrections.xml")
            assert link(corrections) == (f"{site}{script}/changes/" if address else "../changes/")
            events = ET.parse(feeds / "events.xml").getroot()
            assert all(link(e).startswith(f"{site}{script}/events/") == bool(address) for e in events.findall(f"{ATOM}entry"))


def test_corpus_json_lists_the_correction_and_the_removed_words_appear_nowhere(corrected):
    project, _result, old, new, removed = corrected
    data = json.loads((project.data / "corpus.json").read_text(encoding="utf-8"))
    assert data["aliases"] == {old.id: new.id}
    assert [(c["old"], c["new"], c["date"], c["zh-Hans"]) for c in data["corrections"]] == [
        (old.id, new.id, DAY, old.hans)]
    for path in sorted(p for p in project.docs.rglob("*") if p.is_file()):
        text = path.read_bytes().decode("utf-8", "replace")
        assert not any(words in text for words in REMOVED[1]), path
        if path.suffix in (".md", ".xml", ".jsonl") or path.name == "corpus.json":
            assert removed.id not in text, path  # only the build's warning names it, until `site` records it


def test_old_alias_entries_without_day_or_words_still_load_and_add_no_correction(tmp_path):
    project = make_fixture(tmp_path / "p")
    built = pipeline.build_corpus(project, write_cache=False)
    (target,) = [p for p in built.corpus.paragraphs if TYPO[0] in p.text]
    (project.site_config / "aliases.yaml").write_text(
        f"aliases:\n  - {{old: q-0000000001, new: {target.id}, note: 'text corrected (90% alike)'}}\n", encoding="utf-8")
    (entry,) = load_config(project.site_config).aliases
    assert (entry.date, entry.earlier) == ("", "")
    corpus = pipeline.build_corpus(project, write_cache=False).corpus
    assert corpus.aliases == (("q-0000000001", target.id),) and corpus.corrections == ()


def test_a_date_that_is_no_day_is_refused_with_the_line(tmp_path):
    project = make_fixture(tmp_path / "p")
    (project.site_config / "aliases.yaml").write_text(
        "aliases:\n  - {old: q-0000000001, new: q-0000000002, date: 2025-13}\n", encoding="utf-8")
    with pytest.raises(Exception) as caught:
        load_config(project.site_config)
    assert "site_config/aliases.yaml, line 2" in str(caught.value) and "YYYY-MM-DD" in str(caught.value)


# ---------------------------------------------------------------- the line in the repository


def test_each_paragraph_links_to_the_first_line_of_its_words_in_its_seed(built):
    base = f"{REPO}/blob/main/seeds/"
    renderer = Renderer(built.corpus, Script.HANS, converter_for(built.config), seeds_url=base)
    seeds = {}
    checked = headers = 0
    for p in built.corpus.paragraphs:
        link = renderer.paragraph_view(p).source_href
        seed, line = re.fullmatch(re.escape(base) + r"([^#]+)#L(\d+)", link).groups()
        assert seed == p.seed
        lines = seeds.setdefault(seed, (ROOT / "seeds" / seed).read_text(encoding="utf-8").splitlines())
        first = p.raw.splitlines()[0].strip()
        # The seed's line holds the paragraph's first raw line (a label or a byline may stand around it);
        # for a speaker header on a line of its own, the line below it, where the words begin.
        assert first[:12] in lines[int(line) - 1], (p.id, line, first[:12], lines[int(line) - 1][:40])
        checked += 1
        headers += int(line) != p.lines[0]
    assert checked == len(built.corpus.paragraphs) > 600 and headers > 20


def test_the_event_page_carries_the_link_and_repo_url_decides_it(corrected, tmp_path):
    project, _result, _old, new, _removed = corrected
    page = (project.docs / "zh-hans" / "events" / "header-panel.md").read_text(encoding="utf-8")
    line = new.text_line
    assert line == new.lines[1]  # headers.txt: 錢進 (星河科技 CTO): stands on the line above the words
    assert (f'<a class="yl-source-line" href="{REPO}/blob/main/seeds/headers.txt#L{line}" rel="noopener nofollow">'
            f"报告或修正（底稿第 {line} 行）</a>") in page
    settings = tmp_path / "mkdocs.yml"
    for text, expected in ((f"repo_url: {REPO}/\nedit_uri: edit/dev/docs/\n", f"{REPO}/blob/dev/seeds/"),
                           (f"repo_url: '{REPO}'\n", f"{REPO}/blob/main/seeds/"),
                           ("repo_url: javascript:alert(1)\n", ""), ("site_name: x\n", "")):
        settings.write_text(text, encoding="utf-8")
        assert seeds_url(settings) == expected, text
