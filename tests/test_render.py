"""render: the Markdown pages, by their content."""

from __future__ import annotations

import re

import pytest

from generator.convert import converter_for
from generator.model import Kind, Paragraph, Script
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


def parts_of(pages: dict[str, str], overview: str) -> dict[str, str]:
    """The parts of a speaker's or topic's page (speakers/x/2024.md …), by path."""
    folder = overview[: -len(".md")] + "/"
    return {path: page for path, page in pages.items() if path.startswith(folder)}


def test_speaker_page_lists_every_paragraph_of_the_speaker_linking_to_its_place(built, pages):
    parts = parts_of(pages[Script.HANS], "speakers/li-dahai.md")
    events = {e.id: e for e in built.corpus.events}
    mine = [p for p in built.corpus.paragraphs if p.speaker == "li-dahai"]
    assert set(parts) == {f"speakers/li-dahai/{events[p.event].date[:4]}.md" for p in mine}
    for p in mine:  # on the part of its event's year, linking to its place on the event page
        part = parts[f"speakers/li-dahai/{events[p.event].date[:4]}.md"]
        assert f'href="../../../events/{p.event}/#{p.id}"' in part
    assert not any('id="q-' in page for page in parts.values())  # anchors live on event pages only


def test_speaker_overview_links_each_event_to_the_part_with_its_quotes(built, pages):
    overview = pages[Script.HANS]["speakers/li-dahai.md"]
    spoke = sorted({p.event for p in built.corpus.paragraphs if p.speaker == "li-dahai"})
    events = {e.id: e for e in built.corpus.events}
    for event in spoke:
        year = events[event].date[:4]
        assert f'href="{year}/#event-{event}"' in overview
        assert f"{{: #event-{event} }}" in pages[Script.HANS][f"speakers/li-dahai/{year}.md"]
    assert "yl-quote" not in overview  # the quotes are on the parts


def test_topic_parts_are_months_and_group_quotes_by_speaker(built, pages):
    parts = parts_of(pages[Script.HANS], "topics/scaling-law.md")
    events = {e.id: e for e in built.corpus.events}
    on = [p for p in built.corpus.paragraphs if "scaling-law" in p.topics and p.speaker and p.kind is not Kind.HIGHLIGHT]
    assert set(parts) == {f"topics/scaling-law/{events[p.event].date[:7]}.md" for p in on}
    speakers = {name for page in parts.values() for name in re.findall(r"^## (.+?) \{: #speaker-", page, re.M)}
    assert "李大海" in speakers and "杨植麟" in speakers
    overview = pages[Script.HANS]["topics/scaling-law.md"]
    assert all(f'href="{path.rsplit("/", 1)[1][:-3]}/"' in overview for path in parts)


def test_parts_link_to_their_overview_and_neighbours_in_date_order(pages):
    parts = sorted(parts_of(pages[Script.HANS], "speakers/li-dahai.md"))
    assert len(parts) >= 2, "the fixture should have li-dahai in two years"
    first, second = (pages[Script.HANS][p] for p in parts[:2])
    year2 = parts[1].rsplit("/", 1)[1][:-3]
    assert 'class="yl-parts-nav__up" href="../">↑ 李大海</a>' in first
    assert f'rel="next" href="../{year2}/"' in first and 'rel="prev"' not in first.split("</nav>")[0]
    assert f'rel="prev" href="../{parts[0].rsplit("/", 1)[1][:-3]}/"' in second


def test_a_parts_address_does_not_change_when_another_event_is_added(built):
    """Parts are named by the calendar: an event added in another year (or the same) moves no quote."""
    import dataclasses
    converter = converter_for(built.config)

    def placement(corpus) -> dict[str, set[str]]:
        found = {}
        for page in Renderer(corpus, Script.HANS, converter).pages():
            for pid in re.findall(r'href="[./]*events/[^/"]+/#(q-[0-9a-f]+)"', page.content):
                if page.path.count("/") == 2:
                    found.setdefault(pid, set()).add(page.path)
        return found

    before = placement(built.corpus)
    corpus = built.corpus
    # The same event again, a year earlier than any other, with its paragraphs under new ids.
    oldest = min(corpus.events, key=lambda e: e.date)
    copy = dataclasses.replace(oldest, id="added-event", date="2001-01-01")
    added = [dataclasses.replace(p, id="q-" + format(i, "010x"), event="added-event")
             for i, p in enumerate(q for q in corpus.paragraphs if q.event == oldest.id)]
    after = placement(dataclasses.replace(corpus, events=corpus.events + (copy,), paragraphs=corpus.paragraphs + tuple(added)))
    assert before and all(after[pid] == parts for pid, parts in before.items())
    assert any(path.endswith("/2001.md") for pid in after for path in after[pid] if pid not in before)


def _quote(n: int, event: str) -> Paragraph:
    text = "说" * 10  # 30 bytes: with PART_QUOTE_BYTES, 630 bytes of a part's budget
    return Paragraph(id=f"q-{n:010x}", event=event, source=event, seed="x.txt", section="s", seq=n, speaker="a",
                     kind=Kind.SPEECH, text=text, raw=text, lines=(n,))


CUT_DATES = {"e1": "2024-03-14", "e2": "2024-03-14", "e3": "2024-03-20", "e4": "2024-07-01", "e5": "2024",
             "e6": "2023-05-05", "e7": "2022-02-02", "e8": "2022-02-02", "e9": "2021-01-01", "e10": "2024-07-25"}
CUT_CALENDARS = {event: render.calendar_parts(date) for event, date in CUT_DATES.items()}
CUT_QUOTES = [_quote(n, e) for n, e in enumerate(["e6", "e1", "e1", "e1", "e2", "e2", "e3", "e4", "e5",
                                                  "e7", "e7", "e8", "e8", "e9", "e9", "e9", "e9",
                                                  "e10", "e10", "e10"])]


def test_a_part_too_long_is_cut_into_months_thirds_days_and_events():
    """Budget 2,000: three quotes fit a page, four do not."""
    cut = render.cut_into_parts(CUT_QUOTES, CUT_CALENDARS, 0, budget=2000)
    assert cut.top == {"2021": 4, "2022": 4, "2023": 1, "2024": 11}
    assert cut.groups == {
        "2022": ("2022-02-02_e7", "2022-02-02_e8"),  # one month, one third, one day: straight to its events
        "2024": ("2024_e5", "2024-03", "2024-07"),  # the event dated by its year alone first
        "2024-03": ("2024-03-14", "2024-03-20"),  # both in 中旬: to its days
        "2024-03-14": ("2024-03-14_e1", "2024-03-14_e2"),
        "2024-07": ("2024-07-1", "2024-07-3"),  # 上旬 and 下旬
    }
    assert [(part, [p.seq for p in quotes]) for part, quotes in cut.pages.items()] == [  # oldest first
        ("2021", [13, 14, 15, 16]),  # over the budget, but one event's quotes are not cut apart
        ("2022-02-02_e7", [9, 10]), ("2022-02-02_e8", [11, 12]), ("2023", [0]), ("2024_e5", [8]),
        ("2024-03-14_e1", [1, 2, 3]), ("2024-03-14_e2", [4, 5]), ("2024-03-20", [6]),
        ("2024-07-1", [7]), ("2024-07-3", [17, 18, 19])]
    assert cut.parent("2024-03-14_e2") == "2024-03-14" and cut.parent("2024") is None
    assert [p.seq for p in cut.quotes_in("2024-03")] == [1, 2, 3, 4, 5, 6]


def test_a_topics_parts_start_at_months_and_nothing_is_cut_within_the_budget():
    quotes = [p for p in CUT_QUOTES if p.event not in ("e7", "e8", "e9", "e10")]
    whole = render.cut_into_parts(quotes, CUT_CALENDARS, 0)
    assert whole.groups == {} and {k: len(v) for k, v in whole.pages.items()} == {"2023": 1, "2024": 8}
    topic = render.cut_into_parts(quotes, CUT_CALENDARS, 1, budget=2000)
    assert list(topic.top.items()) == [("2023-05", 1), ("2024", 1), ("2024-03", 6), ("2024-07", 1)]
    assert topic.groups == {"2024-03": ("2024-03-14", "2024-03-20"), "2024-03-14": ("2024-03-14_e1", "2024-03-14_e2")}
    assert set(topic.pages) == {"2023-05", "2024", "2024-03-14_e1", "2024-03-14_e2", "2024-03-20", "2024-07"}


def _page_at(from_path: str, link: str) -> str:
    """The docs/ page a relative link of a generated page leads to (``href``'s inverse), without its anchor."""
    import posixpath
    folder = from_path[: -len(".md")] + "/" if not from_path.endswith("index.md") else from_path[: -len("index.md")]
    target = posixpath.normpath(posixpath.join(folder, link.split("#")[0]))
    return "index.md" if target == "." else target + ".md"


@pytest.fixture(scope="module")
def cut_pages(built):
    """The seeds' pages with parts so small that every speaker's and topic's busiest part is cut."""
    converter = converter_for(built.config)
    index = render.CorpusIndex(built.corpus, part_budget=3000)
    return {script: {p.path: p.content for p in Renderer(built.corpus, script, converter, index=index).pages()}
            for script in Script}


def test_cut_parts_hold_every_quote_once_and_every_link_leads_to_a_page(built, cut_pages):
    pages = cut_pages[Script.HANS]
    assert set(pages) == set(cut_pages[Script.HANT])
    mine = {p.id for p in built.corpus.paragraphs if p.speaker == "li-dahai"}
    parts = parts_of(pages, "speakers/li-dahai.md")
    found = [pid for page in parts.values() for pid in re.findall(r'href="[./]*events/[^/"]+/#(q-[0-9a-f]+)"', page)
             if 'class="yl-context"' in page]
    quoted = re.findall(r'data-yl-q="(q-[0-9a-f]+)"', "".join(parts.values()))
    assert sorted(quoted) == sorted(mine)  # each once
    cut = [path for path, page in parts.items() if "yl-parts--cut" in page]
    assert cut and found, "budget 3,000 should cut li-dahai's year"
    for path, page in pages.items():
        if path.startswith(("speakers/", "topics/")):
            for link in re.findall(r'href="([^"#]*/)(?:#[^"]*)?"', page):
                assert _page_at(path, link) in pages, (path, link)
    for path in cut:  # a cut part lists its finer parts, and each of them leads back up to it
        for link in re.findall(r'<li><a href="([^"]+)"', parts[path]):
            finer = _page_at(path, link)
            assert finer in pages and f'class="yl-parts-nav__up" href="../{path.rsplit("/", 1)[1][:-3]}/"' in pages[finer]


def test_the_overview_links_each_event_to_the_finer_part_with_its_quotes(built, cut_pages):
    overview = cut_pages[Script.HANS]["speakers/li-dahai.md"]
    for link, event in re.findall(r'href="([^"#]+)#event-([^"]+)"', overview):
        page = cut_pages[Script.HANS][_page_at("speakers/li-dahai.md", link)]
        assert f"{{: #event-{event} }}" in page and "yl-quote" in page
    renderer = Renderer(built.corpus, Script.HANT, converter_for(built.config))
    assert renderer.part_label("speakers", "2024") == "2024 年" and renderer.part_label("topics", "2024") == "2024 年（月份不詳）"
    assert renderer.part_label("topics", "2024-06-14") == "2024 年 6 月 14 日"
    assert renderer.part_label("topics", "2024-06-3") == "2024 年 6 月下旬"
    assert renderer.part_label("speakers", "2024-06_baai-2024-peak-dialogue") == (
        "2024 年 6 月 · " + renderer.event_name(renderer.events["baai-2024-peak-dialogue"]))


def test_the_events_list_comes_in_years_each_listing_its_events_newest_first(built, pages):
    years = sorted({e.date[:4] for e in built.corpus.events})
    index = pages[Script.HANS]["events/index.md"]
    for year in years:
        assert f'href="{year}/"' in index
        page = pages[Script.HANS][f"events/{year}.md"]
        listed = re.findall(r'^- <a href="\.\./([^/"]+)/"', page, re.M)
        mine = sorted((e for e in built.corpus.events if e.date[:4] == year), key=lambda e: (e.date, e.id), reverse=True)
        assert listed == [e.id for e in mine]
        assert 'href="./" aria-current="page"' in page


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
