"""render: the Markdown pages, by their content."""

from __future__ import annotations

import re

import pytest

from generator.convert import converter_for
from generator.model import Kind, Script
from generator.pipeline import build, update_aliases
from generator import render
from generator.render import Renderer, href, md_escape


@pytest.fixture(scope="module")
def pages(built):
    converter = converter_for(built.config)
    return {script: {p.path: p.content for p in Renderer(built.corpus, script, converter).pages()} for script in Script}


@pytest.mark.parametrize("source, target, expected", [
    ("index.md", "events/x.md", "events/x/"),
    ("events/x.md", "speakers/y.md", "../../speakers/y/"),
    ("events/x.md", "events/x.md", "./"),
    ("speakers/y.md", "index.md", "../../"),
    ("events/index.md", "events/x.md", "x/"),
])
def test_links_between_pages_are_relative(source, target, expected):
    assert href(source, target) == expected


def test_markdown_and_html_in_a_heading_are_escaped():
    assert md_escape("# *a* [x](javascript:y) <b>") == r"\# \*a\* \[x\]\(javascript:y\) &lt;b&gt;"


def test_both_scripts_have_the_same_pages(pages):
    assert set(pages[Script.HANS]) == set(pages[Script.HANT])
    assert {"index.md", "events/baai-2024-peak-dialogue.md", "speakers/li-dahai.md", "topics/price-war.md"} <= set(pages[Script.HANS])


def test_event_page_shows_both_sources_of_one_event_with_publishers(pages):
    page = pages[Script.HANS]["events/baai-2024-peak-dialogue.md"]
    assert "000_9966fb3fc63ff396.txt" in page and "001_916f3dda478f6c1c.txt" in page
    assert "北京商报（记者 杨月涵）" in page


def test_name_in_running_text_links_to_the_right_zhang_peng(pages):
    apsara = pages[Script.HANS]["events/apsara-2024-o1-panel.md"]
    assert "speakers/zhang-peng-geekpark/" in apsara and "speakers/zhang-peng-zhipu/" not in apsara
    baai = pages[Script.HANS]["events/baai-2024-peak-dialogue.md"]
    assert 'class="yl-name" href="../../speakers/zhang-peng-zhipu/">张鹏</a>' in baai


def test_highlights_link_to_the_paragraph_they_summarise(built, pages):
    page = pages[Script.HANS]["events/apsara-2024-o1-panel.md"]
    links = re.findall(r'class="yl-summarises" href="#(q-[0-9a-f]+)"', page)
    highlights = [p for p in built.corpus.paragraphs if p.source == "apsara-2024-appso" and p.kind is Kind.HIGHLIGHT]
    assert len(links) >= len(highlights) - 2
    spoken = {p.id: p for p in built.corpus.paragraphs if p.kind is Kind.SPEECH}
    assert all(link in spoken for link in links)


def test_speaker_page_lists_every_paragraph_of_the_speaker_linking_to_its_place(built, pages):
    page = pages[Script.HANS]["speakers/li-dahai.md"]
    mine = [p for p in built.corpus.paragraphs if p.speaker == "li-dahai"]
    for p in mine:
        assert f"#{p.id}" in page
    assert 'id="q-' not in page  # anchors live on event pages only


def test_topic_page_groups_quotes_by_speaker(pages):
    page = pages[Script.HANS]["topics/scaling-law.md"]
    speakers = re.findall(r"^## (.+?) \{: #speaker-", page, re.M)
    assert "李大海" in speakers and "杨植麟" in speakers


def test_traditional_pages_use_their_own_interface_text(pages):
    assert "講者" in pages[Script.HANT]["index.md"] and "讲者" in pages[Script.HANS]["index.md"]


def test_corrected_paragraph_keeps_its_old_link_through_an_alias(project_copy):
    build(project_copy)
    seed = project_copy.seeds / "000_9966fb3fc63ff396.txt"
    seed.write_text(seed.read_text(encoding="utf-8").replace("沒有問題的", "沒問題的"), encoding="utf-8")
    build(project_copy)  # a build in between must not lose the old id
    added, unmatched = update_aliases(project_copy)
    assert len(added) == 1 and unmatched == []
    old, new, _score = added[0]
    result = build(project_copy)
    assert (old, new) in result.corpus.aliases
    page = (project_copy.docs / "zh-hans" / "events" / "baai-2024-peak-dialogue.md").read_text(encoding="utf-8")
    from mkdocs.utils.meta import get_data  # the page's header as MkDocs reads it
    _body, meta = get_data(page)
    assert meta["yl_aliases"] == {old: new}


def test_home_page_lists_the_newest_events_and_links_to_all_of_them(built, monkeypatch):
    """A large archive's home page shows the first HOME_LISTS events and speakers and links to the full lists."""
    monkeypatch.setattr(render, "HOME_LISTS", 3)
    renderer = Renderer(built.corpus, Script.HANS, converter_for(built.config))
    home, everything = renderer.home().content, renderer.render(
        "list.md.j2", "events/index.md", title="", items=renderer.event_list("events/index.md"), kind="events").content
    newest = [e.id for e in sorted(built.corpus.events, key=lambda e: (e.date, e.id), reverse=True)]
    listed = re.findall(r'^- <a href="events/([^/"]+)/"', home, re.M)
    assert listed == newest[:3]
    assert re.findall(r'^- <a href="([^/"]+)/"', everything, re.M) == newest
    assert f'<a class="yl-more" href="events/">全部活动（{len(newest)}）→</a>' in home
    assert home.count('<a href="speakers/') == 3 and '<a class="yl-more" href="speakers/">全部讲者' in home


def test_a_garbled_run_is_marked_with_words_a_screen_reader_reads_and_kept_out_of_search(built, pages):
    [p] = [p for p in built.corpus.paragraphs if p.seed.startswith("003") and 90 in p.lines]
    page = f"events/{p.event}.md"
    for script, label in ((Script.HANS, "〔乱码：原文此处编码错误〕"), (Script.HANT, "〔亂碼：原文此處編碼錯誤〕")):
        block = pages[script][page].split(f'id="{p.id}"', 1)[1].split("</p>", 1)[0]
        assert (f'<mark class="yl-garbled" data-pagefind-ignore="all"><span class="yl-garbled__label">{label}</span>'
                f'?煽啃赃@個差異在中國</mark>') in block
        assert block.count("yl-garbled__label") == 1
