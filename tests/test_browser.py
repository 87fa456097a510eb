"""The published site in a real browser: permalinks, copy link, search, the script toggle, screenshots.

The project's inputs are copied to a temporary folder and published with
``generator.publish.publish`` into ``www/yanlu/``, which ``python -m
http.server`` serves on 127.0.0.1, so the site lives under the sub-path
``/yanlu/`` as on a GitHub Pages project site (and 127.0.0.1 is a secure
context, so the clipboard API works). Debian's Chromium drives it headless.
Without /usr/bin/chromium these tests fail, they do not skip: CI installs it.

Paragraph ids and the expected words come from the built ``corpus.json``;
nothing here hard-codes an id.
"""

from __future__ import annotations

import json
import os
import re
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: F401  (and the session's `browser` fixture)
from conftest import CORRECTED_ID, CORRECTED_ON, EVENT, PREFIX  # noqa: F401  (the published site's)

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
SCREENSHOTS = ROOT / "screenshots"
SCRIPTS = ("zh-hans", "zh-hant")
OTHER = {"zh-hans": "zh-hant", "zh-hant": "zh-hans"}
TOGGLE_LABEL = {"zh-hans": "繁", "zh-hant": "简"}
VIEWPORT = {"width": 1280, "height": 900}
MISSING_CHROMIUM = (
    f"{CHROMIUM} is missing: the browser tests need Debian's Chromium and CJK fonts. "
    "Install them with `apt-get install chromium fonts-noto-cjk` (.ci/run does this in CI)."
)
TOGGLE_MISSING = (
    "each page header should hold one a.yl-script-toggle (templates/overrides/partials/alternate.html), labelled "
    "繁 on Simplified pages and 简 on Traditional ones, pointing to the same page in the other script, keeping "
    "#q-… and remembering the choice in localStorage for the root page."
)


# ------------------------------------------------------------------ the site, served


# The published site, served (tests/conftest.py: one for the session, shared with test_citable_search.py).
@pytest.fixture(scope="session")
def project(published_project) -> Path:
    return published_project


@pytest.fixture(scope="session")
def corpus(published_corpus) -> dict:
    return published_corpus


class _MkDocsYaml(yaml.SafeLoader):
    """Reads mkdocs.yml for its plain values; MkDocs' own tags (!ENV, !relative …) read as None."""


_MkDocsYaml.add_multi_constructor("!", lambda loader, suffix, node: None)


@pytest.fixture(scope="session")
def yanlu_config(project) -> dict:
    """extra.yanlu of each script's MkDocs config (the notices the permalink script shows)."""
    read = lambda name: yaml.load((project / name).read_text(encoding="utf-8"), Loader=_MkDocsYaml)["extra"]["yanlu"]
    hans = read("mkdocs.yml")
    return {"zh-hans": hans, "zh-hant": {**hans, **read("mkdocs.zh-hant.yml")}}


@pytest.fixture(scope="session")
def base(published_base) -> str:
    return published_base


@contextmanager
def open_page(browser, **options):
    """A fresh browser context (own storage, permissions, locale) with one page, 1280×900."""
    if browser is None:
        pytest.fail(MISSING_CHROMIUM, pytrace=False)
    context = browser.new_context(viewport=VIEWPORT, **options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.js_errors = []
    page.on("pageerror", lambda error: page.js_errors.append(str(error)))
    try:
        yield page
    finally:
        context.close()


# ------------------------------------------------------------------ helpers


def paragraph(corpus: dict, speaker: str, words: str, event: str | None = None) -> dict:
    """The paragraph of ``speaker`` whose Simplified text contains ``words`` (the corpus changed if none)."""
    found = [p for p in corpus["paragraphs"]
             if p["speaker"] == speaker and words in p["zh-Hans"] and (event is None or p["event"] == event)]
    assert found, f"corpus.json has no paragraph of {speaker} containing {words!r}: update this test's choice"
    return found[0]


def late_paragraph(corpus: dict) -> dict:
    """One of 朱军's last paragraphs on the 云栖大会 page: far below the first screen."""
    return [p for p in corpus["paragraphs"] if p["event"] == EVENT and p["speaker"] == "zhu-jun"][-1]


def event_url(base: str, script: str, pid: str = "") -> str:
    return f"{base}{script}/events/{EVENT}/" + (f"#{pid}" if pid else "")


def position(page, pid: str) -> dict:
    return page.evaluate(
        """id => {
            const el = document.getElementById(id);
            if (!el) return null;
            const r = el.getBoundingClientRect();
            const header = document.querySelector(".md-header");
            return {top: r.top, bottom: r.bottom, height: r.height, innerHeight: window.innerHeight,
                    scrollY: window.scrollY, pageTop: r.top + window.scrollY,
                    headerBottom: header ? header.getBoundingClientRect().bottom : 0,
                    className: el.className};
        }""",
        pid,
    )


def assert_shown(page, pid: str) -> None:
    """The paragraph is highlighted (yl-target) and entirely on screen, below the sticky header."""
    try:
        page.wait_for_selector(f"#{pid}.yl-target", state="attached", timeout=5_000)
    except Exception:
        pass
    box = position(page, pid)
    assert box is not None, f"no element with id {pid} on {page.url}"
    assert "yl-target" in box["className"].split(), f"#{pid} is not highlighted (class={box['className']!r}) on {page.url}"
    assert box["headerBottom"] - 1 <= box["top"] and box["bottom"] <= box["innerHeight"], (
        f"#{pid} is not in view on {page.url}: {box}")


def normalised(text: str) -> str:
    """Compare without whitespace: excerpts and pages may break lines and space words differently."""
    return re.sub(r"\s+", "", text)


def type_with_ime(page, text: str) -> None:
    """Type ``text`` the way a Chinese input method does: a composition that grows, then one commit.

    Zhuyin and Cangjie users see the characters while composing (ㄐ → 價 → 價格 → 價格戰);
    the page receives input events with isComposing = true for each step.
    """
    cdp = page.context.new_cdp_session(page)
    steps = ["ㄐ"] + [text[: i + 1] for i in range(len(text))]
    for step in steps:
        cdp.send("Input.imeSetComposition", {"text": step, "selectionStart": len(step), "selectionEnd": len(step)})
        page.wait_for_timeout(50)
    cdp.send("Input.insertText", {"text": text})
    cdp.detach()
    page.keyboard.press("End")  # the commit keystroke's keyup


SEARCH_BOX = "header input.yl-search__input"
# yanlu-search.js marks the results with the query they answer and a state once they are shown;
# the benchmark waits for the same signal (generator/bench.py).
from generator.bench import SEARCH_SETTLED_JS  # noqa: E402
SEARCH_RESULTS_JS = """() => {
    const out = document.querySelector(".yl-search__output");
    const hits = [...out.querySelectorAll("a.yl-search__hit")].map(a => ({
        href: a.href, text: a.textContent, shown: a.offsetParent !== null}));
    return {state: out.dataset.state, meta: out.querySelector(".yl-search__meta").textContent,
            pages: [...out.querySelectorAll("a.yl-search__page")].map(a => a.href), hits};
}"""


def search(page, base: str, script: str, query: str, ime: bool = False, expand: bool = True) -> dict:
    """Type ``query`` into the header search box of the ``script`` home page; the results it shows.

    With ``expand``, every "more results" and "N more on this page" button is pressed first, as a
    reader looking for a paragraph would: the result then lists everything the box can show.
    """
    page.goto(f"{base}{script}/")
    box = page.locator(SEARCH_BOX)
    box.click()
    if ime:
        type_with_ime(page, query)
    else:
        box.press_sequentially(query, delay=20)
    page.wait_for_function(SEARCH_SETTLED_JS, timeout=10_000)
    if expand:
        for _ in range(20):  # more pages, 10 at a time
            more = page.locator(".yl-search__more:visible")
            if not more.count():
                break
            shown = page.locator(".yl-search__item").count()
            more.click()
            page.wait_for_function(f"() => document.querySelectorAll('.yl-search__item').length > {shown}")
        buttons = page.locator(".yl-search__more-here")  # each goes away once pressed
        for _ in range(200):
            if not buttons.count():
                break
            buttons.first.click()
    found = page.evaluate(SEARCH_RESULTS_JS)
    hits = [(urlsplit(h["href"]).path, urlsplit(h["href"]).fragment, normalised(h["text"]), h["shown"])
            for h in found["hits"]]
    return {"state": found["state"], "meta": normalised(found["meta"]), "input": box.input_value(),
            "pages": [urlsplit(href).path for href in found["pages"]], "hits": hits,
            "text": "".join(text for _, _, text, _ in hits)}


def hit_for(results: dict, script: str, target: dict) -> tuple | None:
    """The result that links to ``target``'s paragraph on its event page, if the box lists one."""
    path = f"{PREFIX}{script}/events/{target['event']}/"
    return next((hit for hit in results["hits"] if hit[0] == path and hit[1] == target["id"]), None)


def describe(results: dict) -> str:
    hits = ", ".join(f"{path}#{fragment}" for path, fragment, _, _ in results["hits"][:30])
    return (f"search box holds {results['input']!r}; state {results['state']}; {results['meta']}; "
            f"pages: {results['pages']}; first results: {hits}")


# ------------------------------------------------------------------ 1-3 permalinks and copy link


def test_permalink_far_down_the_page_is_scrolled_to_highlighted_and_keyboard_reachable(browser, base, corpus):
    target = late_paragraph(corpus)
    pid = target["id"]
    with open_page(browser) as page:
        page.goto(event_url(base, "zh-hans", pid))
        assert_shown(page, pid)
        box = position(page, pid)
        assert box["pageTop"] > 3 * box["innerHeight"], f"{pid} is not far down the page, the test proves little: {box}"

        link = page.locator(f"#{pid} a.yl-link")
        copy = page.locator(f"#{pid} button.yl-copy")
        assert link.count() == 1 and link.get_attribute("href") == f"#{pid}"
        assert copy.count() == 1 and copy.get_attribute("data-yl-copy") == pid

        # Real keyboard: from the speaker's name, Tab reaches the permalink, then the copy button.
        page.locator(f"#{pid} a.yl-who").focus()
        active = lambda: page.evaluate(
            "() => { const el = document.activeElement;"
            " return [['yl-who', 'yl-link', 'yl-copy'].find(c => el.classList.contains(c)) || el.tagName,"
            " el.closest('.yl-p')?.id]; }")
        for _ in range(5):
            page.keyboard.press("Tab")
            if active() == ["yl-link", pid]:
                break
        assert active() == ["yl-link", pid], f"Tab never reached the permalink of {pid}; focus is on {active()}"
        assert link.is_visible()
        page.keyboard.press("Tab")
        assert active() == ["yl-copy", pid], f"Tab after the permalink goes to {active()}, not the copy button"
        assert not page.js_errors, page.js_errors


def test_unknown_paragraph_id_shows_a_notice(browser, base, yanlu_config):
    with open_page(browser) as page:
        page.goto(event_url(base, "zh-hans", "q-0000000000"))
        notice = page.locator(".yl-notice")
        notice.wait_for(state="visible", timeout=5_000)
        assert notice.inner_text().strip() == yanlu_config["zh-hans"]["missing_anchor"]
        box = notice.bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= VIEWPORT["height"], f"notice not on screen: {box}"
        assert page.locator(".yl-target").count() == 0
        assert not page.js_errors, page.js_errors


def test_copy_button_puts_the_paragraphs_short_link_on_the_clipboard(browser, base, corpus):
    ids = [p["id"] for p in corpus["paragraphs"] if p["event"] == EVENT]
    opened_at, copied = ids[0], ids[len(ids) // 2]  # the page's own hash must not leak into the copied link
    with open_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        prompts = []
        page.on("dialog", lambda dialog: (prompts.append(dialog.default_value or dialog.message), dialog.dismiss()))
        page.goto(event_url(base, "zh-hans", opened_at))
        assert page.evaluate("() => window.isSecureContext")
        button = page.locator(f"#{copied} button.yl-copy")
        label = button.inner_text()
        button.click()
        page.wait_for_function("b => b.textContent === b.getAttribute('data-yl-copied')", arg=button.element_handle(),
                               timeout=5_000)
        assert not prompts, f"the copy button fell back to prompt(): {prompts}"
        # the short link: one address for both scripts, wherever the paragraph's page is later (generator/shortlinks.py)
        assert page.evaluate("() => navigator.clipboard.readText()") == f"{base}q/#{copied}"
        assert label == "复制链接"
        assert not page.js_errors, page.js_errors


# ------------------------------------------------------------------ 4 search in Chinese

SEARCHES = [
    # query, speaker of the expected paragraph, words of it that its result must show, page that must be found
    ("价格战", "wang-xiaochuan", "价格战对于中国发展大模型", "topics/price-war/"),
    ("李大海", "li-dahai", "最近有个机构做过一个调研", "speakers/li-dahai/"),
    ("面壁智能", "li-dahai", "面壁智能发布的 MiniCPM1.0", None),
    ("Scaling Law", "yang-zhilin", "Scaling Law会持续，但Scale方法会变化", "topics/scaling-law/"),
]


@pytest.mark.parametrize("query, speaker, words, page_path", SEARCHES, ids=[s[0] for s in SEARCHES])
def test_search_in_chinese_finds_the_paragraph(browser, base, corpus, query, speaker, words, page_path):
    target = paragraph(corpus, speaker, words)
    with open_page(browser) as page:
        results = search(page, base, "zh-hans", query)
        assert not page.js_errors, page.js_errors
    hit = hit_for(results, "zh-hans", target)
    assert hit is not None, (
        f"searching {query!r} lists no link to the paragraph {target['id']} ({words!r}): {describe(results)}")
    assert normalised(words) in hit[2], f"the result for {target['id']} shows {hit[2]!r}, not {words!r}"
    if page_path:
        assert f"{PREFIX}zh-hans/{page_path}" in results["pages"], (
            f"searching {query!r} does not list {page_path}: {describe(results)}")


def test_a_search_result_opens_the_paragraph_highlighted(browser, base, corpus):
    target = paragraph(corpus, "wang-xiaochuan", "价格战对于中国发展大模型")
    with open_page(browser) as page:
        search(page, base, "zh-hans", "价格战")
        link = page.locator(f"a.yl-search__hit[href$='/events/{target['event']}/#{target['id']}']")
        assert link.count() == 1, f"no single result links to #{target['id']}"
        link.click()
        page.wait_for_url(re.compile(f".*#{target['id']}$"))
        assert_shown(page, target["id"])
        assert page.locator(".yl-search__output").is_hidden(), "the results stay open over the paragraph"
        assert not page.js_errors, page.js_errors


def test_enter_in_the_search_box_opens_the_first_result(browser, base):
    with open_page(browser) as page:
        search(page, base, "zh-hans", "价格战", expand=False)
        first = page.locator("a.yl-search__hit").first.evaluate("a => a.href")
        page.locator(SEARCH_BOX).press("Enter")
        page.wait_for_url(first)  # the first result's paragraph, not the search again
        assert not page.js_errors, page.js_errors


# 量子纠缠: words no page holds (子纠, 纠缠: Pagefind would search them as a shorter start, 子, 纠); 源模型是: its words
# 源模, 模型 and 型是 stand on one page (apsara-2024-o1-panel), never together.
@pytest.mark.parametrize("query", ["量子纠缠", "源模型是"])
def test_search_for_words_that_are_nowhere_says_so(browser, base, corpus, query):
    assert not any(query in p["zh-Hans"] for p in corpus["paragraphs"])
    with open_page(browser) as page:
        results = search(page, base, "zh-hans", query)
        assert not page.js_errors, page.js_errors
    assert results["state"] == "none" and not results["hits"], describe(results)
    assert results["meta"] == "没有找到符合条件的结果", describe(results)


def test_search_downloads_under_a_megabyte_before_the_first_result(browser, base):
    """Everything search fetches — pagefind.js, its worker and WebAssembly, the index metadata, the
    index chunks of the query's characters and the fragments of the first results — counted from the
    first focus of the box until the first result shows (Pagefind's files are compressed already)."""
    with open_page(browser) as page:
        page.goto(f"{base}zh-hans/")
        page.wait_for_load_state("networkidle")
        fetched = {}

        def on_response(response):
            try:
                fetched[response.url] = len(response.body())
            except Exception as exc:  # a redirect has no body
                fetched[response.url] = 0
                print(f"{response.url}: {exc}")

        page.on("response", on_response)
        box = page.locator(SEARCH_BOX)
        box.click()
        box.press_sequentially("价格战", delay=20)
        page.wait_for_function(SEARCH_SETTLED_JS, timeout=10_000)
        page.locator("a.yl-search__hit").first.wait_for(state="visible")
        page.remove_listener("response", on_response)
        assert not page.js_errors, page.js_errors
    names = sorted(url.rsplit("/", 1)[-1].split("?")[0] for url in fetched)
    total = sum(fetched.values())
    print(f"search 价格战: {total} bytes in {len(fetched)} files before the first result: {names}")
    for expected in ("pagefind.js", ".pf_meta", "wasm.", ".pf_index", ".pf_fragment"):
        assert any(expected in name for name in names), f"no {expected} among the files search fetched: {names}"
    # The address keeps the search once it is answered (?q=…), and Chromium fetches the page's own
    # icon again for a new address: that one file may come from elsewhere on the site.
    assert all(url.startswith(f"{base}pagefind/") or url == f"{base}zh-hans/assets/images/favicon.png"
               for url in fetched), f"search fetched files from outside pagefind/: {sorted(fetched)}"
    assert total < 1_000_000, f"{total} bytes before the first result for 价格战: {fetched}"


# ------------------------------------------------------------------ 5 toggle between scripts

TOGGLE_PAGES = ["", f"events/{EVENT}/", "speakers/li-dahai/", "topics/price-war/"]


@pytest.mark.parametrize("script", SCRIPTS)
def test_every_page_header_links_to_the_same_page_in_the_other_script(browser, base, script):
    problems = []
    with open_page(browser) as page:
        for path in TOGGLE_PAGES:
            page.goto(f"{base}{script}/{path}", wait_until="domcontentloaded")
            toggle = page.locator("header a.yl-script-toggle")
            if toggle.count() != 1:
                problems.append(f"{script}/{path}: {toggle.count()} a.yl-script-toggle in the header")
                continue
            label = toggle.inner_text().strip()
            target = urlsplit(toggle.evaluate("a => a.href")).path
            expected = f"{PREFIX}{OTHER[script]}/{path}"
            if label != TOGGLE_LABEL[script]:
                problems.append(f"{script}/{path}: labelled {label!r}, not {TOGGLE_LABEL[script]!r}")
            if target != expected:
                problems.append(f"{script}/{path}: points to {target}, not {expected}")
            if not toggle.is_visible():
                problems.append(f"{script}/{path}: not visible")
    assert not problems, TOGGLE_MISSING + "\n" + "\n".join(problems)


def click_toggle(page, to_script: str) -> None:
    toggle = page.locator("header a.yl-script-toggle")
    assert toggle.count() == 1, TOGGLE_MISSING
    toggle.click()
    page.wait_for_url(re.compile(f".*/{to_script}/.*"), timeout=5_000)
    page.wait_for_load_state()


def test_toggle_keeps_the_paragraph_anchor(browser, base, corpus):
    pid = late_paragraph(corpus)["id"]
    with open_page(browser) as page:
        page.goto(event_url(base, "zh-hans", pid))
        assert_shown(page, pid)
        click_toggle(page, "zh-hant")
        assert page.url == event_url(base, "zh-hant", pid), (
            f"the 繁 toggle on {event_url(base, 'zh-hans', pid)} led to {page.url}: the #{pid} anchor was lost "
            "(mkdocs-material's alternate-language handler takes over clicks on links to a page named by a "
            "<link rel=alternate hreflang> and navigates without the hash)")
        assert_shown(page, pid)
        assert page.locator("header a.yl-script-toggle").inner_text().strip() == "简"
        assert not page.js_errors, page.js_errors


def test_root_page_remembers_the_script_chosen_with_the_toggle(browser, base):
    with open_page(browser, locale="zh-CN") as page:  # the browser prefers Simplified …
        page.goto(f"{base}zh-hans/speakers/li-dahai/")
        click_toggle(page, "zh-hant")  # … but the reader chose Traditional
        page.goto(base)
        try:
            page.wait_for_url(f"{base}zh-hant/", timeout=5_000)
        except Exception:
            storage = page.evaluate("() => JSON.stringify(localStorage)")
            pytest.fail(f"{base} went to {page.url}, not {base}zh-hant/; localStorage: {storage}", pytrace=False)


@pytest.mark.parametrize("locale, script", [("zh-TW", "zh-hant"), ("zh-HK", "zh-hant"), ("zh-CN", "zh-hans"),
                                            ("en-US", "zh-hans")])
def test_root_page_follows_the_browser_language(browser, base, locale, script):
    with open_page(browser, locale=locale) as page:
        page.goto(base)
        page.wait_for_url(f"{base}{script}/", timeout=5_000)
        assert page.locator("html").get_attribute("lang") == {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[script]


# ------------------------------------------------------------------ 6 search across scripts


def cross_script(browser, base, corpus, script: str, query: str, ime: bool = False) -> tuple[dict, list[str]]:
    """Search ``query`` (typed in the other script) on ``script``; what is missing from what 价格战 finds."""
    key = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[script]
    target = paragraph(corpus, "wang-xiaochuan", "价格战对于中国发展大模型")
    words = target[key][:16]
    with open_page(browser) as page:
        results = search(page, base, script, query, ime=ime)
        assert not page.js_errors, page.js_errors
    problems = []
    hit = hit_for(results, script, target)
    if hit is None:
        problems.append(f"no result links to the paragraph {target['id']}")
    elif normalised(words) not in hit[2]:
        problems.append(f"the result for {target['id']} does not show {words!r}: {hit[2]!r}")
    if f"{PREFIX}{script}/topics/price-war/" not in results["pages"]:
        problems.append("the topic page (topics/price-war/) is not found")
    return results, problems


def test_simplified_site_finds_traditional_query(browser, base, corpus):
    results, problems = cross_script(browser, base, corpus, "zh-hans", "價格戰")
    assert not problems, (
        "searching 價格戰 on the Simplified site should find what 价格战 finds (the index holds Simplified "
        "characters; yanlu-search.js converts the query): " + "; ".join(problems) + f"\n{describe(results)}")
    assert results["input"] == "价格战", f"the box holds {results['input']!r}, not the converted 价格战"


def test_traditional_site_finds_simplified_query(browser, base, corpus):
    results, problems = cross_script(browser, base, corpus, "zh-hant", "价格战")
    assert not problems, (
        "searching 价格战 on the Traditional site should find what 價格戰 finds (the index holds Traditional "
        "characters; yanlu-search.js converts the query): " + "; ".join(problems) + f"\n{describe(results)}")
    assert results["input"] == "價格戰", f"the box holds {results['input']!r}, not the converted 價格戰"


def test_cross_script_query_typed_through_an_input_method(browser, base, corpus):
    """A Traditional reader on the Simplified site types 價格戰 with Zhuyin: one query, and it finds 价格战."""
    results, problems = cross_script(browser, base, corpus, "zh-hans", "價格戰", ime=True)
    assert results["input"] in ("價格戰", "价格战"), (
        f"typing 價格戰 through an input method left {results['input']!r} in the search box: "
        "templates/assets/yanlu-search.js converts the box while the IME is still composing")
    assert not problems, "; ".join(problems) + f"\n{describe(results)}"


# ------------------------------------------------------------------ search recall over the seeds

HAN_RUN = re.compile(r"[\u4e00-\u9fff]{2,}")
RECALL_WORDS = ["价格战", "大模型", "开源", "模型", "智能"]  # the queries and the commonest words
RECALL_PER_EVENT = 10  # sampled substrings per event, each searched in both scripts on both sites


def searchable(p: dict, key: str) -> list[str]:
    """A paragraph's text in ``key``'s script as search holds it: the pieces between its garbled runs
    (kept out of the index: garbled letters are not words)."""
    return re.split("|".join(map(re.escape, p["garbled"])), p[key]) if p.get("garbled") else [p[key]]


def recall_queries(corpus: dict) -> list[tuple[str, str]]:
    """(Simplified, Traditional) forms of 2–4 character queries: a deterministic sample of substrings
    of every event's paragraphs, every speaker's name, and RECALL_WORDS (where a paragraph holds them)."""
    import random

    rng = random.Random(17)
    pairs = []
    for event in corpus["events"]:
        paragraphs = [p for p in corpus["paragraphs"] if p["event"] == event["id"]
                      and len(p["zh-Hans"]) == len(p["zh-Hant"]) and HAN_RUN.search(p["zh-Hans"])]
        for p in rng.sample(paragraphs, min(RECALL_PER_EVENT, len(paragraphs))):
            run = rng.choice(HAN_RUN.findall(p["zh-Hans"]))
            start = p["zh-Hans"].index(run)
            length = min(len(run), rng.randint(2, 4))
            at = start + rng.randrange(len(run) - length + 1)
            pair = (p["zh-Hans"][at:at + length], p["zh-Hant"][at:at + length])
            if any(pair[0] in piece for piece in searchable(p, "zh-Hans")):
                pairs.append(pair)
    for speaker in corpus["speakers"]:
        pairs.append((speaker["name"]["zh-Hans"], speaker["name"]["zh-Hant"]))
    for word in RECALL_WORDS:
        p = next(p for p in corpus["paragraphs"] if word in p["zh-Hans"] and len(p["zh-Hans"]) == len(p["zh-Hant"]))
        at = p["zh-Hans"].index(word)
        pairs.append((word, p["zh-Hant"][at:at + len(word)]))
    return list(dict.fromkeys(pairs))


RECALL_JS = """async (queries) => {
    const out = [];
    for (const q of queries) out.push(await window.yanluSearch.find(q));
    return out;
}"""


@pytest.mark.parametrize("script", SCRIPTS)
def test_search_finds_every_paragraph_that_holds_the_query_in_either_script(browser, base, corpus, script):
    """Recall: for each sampled query, typed in this site's script and in the other, every paragraph
    whose text holds it (after the box's conversion) is among the box's results, linked by its anchor.
    Runs the box's own code (window.yanluSearch.find: the query parsed, searched and grouped by
    paragraph as the box does) without drawing each result."""
    key = {"zh-hans": "zh-Hans", "zh-hant": "zh-Hant"}[script]
    pairs = recall_queries(corpus)
    typed = [q for pair in pairs for q in pair]
    with open_page(browser) as page:
        page.goto(f"{base}{script}/")
        page.locator(SEARCH_BOX).click()  # loads Pagefind, as a reader's first focus does
        answers = page.evaluate(RECALL_JS, typed)
        assert not page.js_errors, page.js_errors
    missing, checked = [], 0
    for query, answer in zip(typed, answers):
        found = {(urlsplit(h["url"]).path, h["id"]) for h in answer["hits"]}
        for p in corpus["paragraphs"]:
            if answer["query"] and any(answer["query"] in piece for piece in searchable(p, key)):
                checked += 1
                if (f"{PREFIX}{script}/events/{p['event']}/", p["id"]) not in found:
                    missing.append(f"{query!r} (searched as {answer['query']!r}): {p['event']}#{p['id']} {p[key][:40]!r}")
    print(f"{script}: {len(typed)} queries, {checked} paragraphs expected, {len(missing)} missing")
    assert checked > 500, f"only {checked} paragraphs were expected: the sample is too small to say anything"
    assert not missing, f"{len(missing)} of {checked} paragraphs not found:\n" + "\n".join(missing[:40])


def test_search_link_with_a_speaker_filter_lists_only_that_speakers_paragraphs(browser, base, corpus):
    """?q=开源&speaker=… is one search: the box, the filter and the results as the link says; every
    paragraph listed is that speaker's and holds the query, and the filter shows in the filter control."""
    speaker = next(s for s in corpus["speakers"] if s["id"] == "li-dahai")
    name = speaker["name"]["zh-Hans"]
    expected = {p["id"] for p in corpus["paragraphs"] if p["speaker"] == "li-dahai" and "开源" in p["zh-Hans"]}
    assert expected, "the seeds have no paragraph of 李大海 on 开源: update this test's choice"
    with open_page(browser) as page:
        page.goto(f"{base}zh-hans/?q=%E5%BC%80%E6%BA%90&speaker={name}")
        page.wait_for_function(SEARCH_SETTLED_JS, timeout=10_000)
        for _ in range(50):
            buttons = page.locator(".yl-search__more-here:visible, .yl-search__more:visible")
            if not buttons.count():
                break
            buttons.first.click()
        hits = page.evaluate("""() => [...document.querySelectorAll("a.yl-search__hit")].map(a => ({
            href: a.getAttribute("href"), who: (a.querySelector(".yl-search__who") || {}).textContent || ""}))""")
        chosen = page.locator("select.yl-search__select[name=speaker]").input_value()
        box = page.locator(SEARCH_BOX).input_value()
        assert not page.js_errors, page.js_errors
    ids = {urlsplit(h["href"]).fragment for h in hits}
    assert box == "开源" and chosen == name, f"the box holds {box!r} and the speaker filter {chosen!r}"
    assert ids == expected, f"listed {sorted(ids)}, expected 李大海's paragraphs on 开源 {sorted(expected)}"
    assert {h["who"] for h in hits} == {name}, f"results show other speakers: {hits}"


def test_search_filters_are_labelled_keyboard_usable_and_kept_in_the_address(browser, base, corpus):
    with open_page(browser) as page:
        results = search(page, base, "zh-hans", "大模型", expand=False)
        assert results["hits"], describe(results)
        summary = page.locator("summary.yl-search__filters-title")
        summary.focus()
        page.keyboard.press("Enter")  # opens the filters, which loads their values
        year = page.locator("select.yl-search__select[name=year]")
        page.wait_for_function("() => document.querySelector('select[name=year]').options.length > 1")
        labels = page.evaluate("""() => [...document.querySelectorAll("label.yl-search__filter")].map(l => l.textContent.trim().slice(0, 2))""")
        sizes = [page.locator(sel).bounding_box() for sel in ("summary.yl-search__filters-title", "select[name=speaker]",
                                                              "select[name=event]", "select[name=year]")]
        year.focus()
        page.keyboard.press("ArrowDown")  # the first year: a keyboard changes the filter
        page.wait_for_function("() => new URLSearchParams(location.search).get('year')")
        chosen = year.input_value()
        page.wait_for_function(SEARCH_SETTLED_JS, timeout=10_000)
        params = page.evaluate("() => Object.fromEntries(new URLSearchParams(location.search))")
        assert not page.js_errors, page.js_errors
    assert labels == ["讲者", "活动", "年份"], labels
    assert all(box and box["height"] >= 24 for box in sizes), f"filter controls under 24 px high: {sizes}"
    assert params == {"q": "大模型", "year": chosen}, params
    years = {e["date"][:4] for e in corpus["events"]}
    assert chosen in years, f"the year filter offers {chosen!r}, not one of the events' years {years}"


# ------------------------------------------------------------------ the site stays on its own host


def test_pages_make_no_failing_or_third_party_requests(browser, base, corpus):
    pid = late_paragraph(corpus)["id"]
    bad = []
    with open_page(browser) as page:
        def on_request(request):
            if urlsplit(request.url).scheme in ("http", "https") and urlsplit(request.url).hostname != "127.0.0.1":
                bad.append(f"third-party request {request.url}")
        page.on("request", on_request)
        page.on("response", lambda response: response.status >= 400 and bad.append(f"{response.status} {response.url}"))
        page.on("requestfailed", lambda request: bad.append(f"failed {request.url}: {request.failure}"))
        for url in (f"{base}zh-hans/", event_url(base, "zh-hans", pid), f"{base}zh-hant/speakers/li-dahai/"):
            page.goto(url)
            page.wait_for_load_state("networkidle")
        # Search, too: Pagefind's script, WebAssembly, index and fragments come from the site itself.
        for script, query in (("zh-hant", "價格戰"), ("zh-hans", "Scaling Law")):
            search(page, base, script, query, expand=False)
            page.wait_for_load_state("networkidle")
        assert not page.js_errors, page.js_errors
    assert not bad, "requests that failed or left the site:\n" + "\n".join(bad)


# ------------------------------------------------------------------ 7 screenshots for the README

CJK_GLYPHS_JS = """() => {
    const font = getComputedStyle(document.querySelector(".md-typeset") || document.body).fontFamily;
    const canvas = document.createElement("canvas");
    canvas.width = canvas.height = 64;
    const g = canvas.getContext("2d");
    const draw = ch => { g.clearRect(0, 0, 64, 64); g.font = "48px " + font; g.fillText(ch, 4, 52); return canvas.toDataURL(); };
    return {yan: draw("言"), lu: draw("录"), lu_hant: draw("錄"), none: draw("\\u{10FFFD}"), blank: (g.clearRect(0, 0, 64, 64), canvas.toDataURL())};
}"""


def assert_cjk_renders(page) -> None:
    """Distinct glyphs for distinct characters: missing CJK fonts draw every character as the same box."""
    glyphs = page.evaluate(CJK_GLYPHS_JS)
    assert len({glyphs["yan"], glyphs["lu"], glyphs["lu_hant"], glyphs["none"], glyphs["blank"]}) == 5, (
        "Chinese characters render as identical boxes: no CJK font (install fonts-noto-cjk)")


def test_screenshots_for_the_readme(browser, base, corpus, tmp_path):
    """Taken into a temporary folder, so a test run leaves the checkout clean; with
    YANLU_SCREENSHOTS=1 they replace the README's pictures in screenshots/."""
    folder = SCREENSHOTS if os.environ.get("YANLU_SCREENSHOTS") == "1" else tmp_path
    folder.mkdir(exist_ok=True)
    pid = paragraph(corpus, "yang-zhilin", "开放性的强化学习", event=EVENT)["id"]
    shots = {
        "event-page.png": (event_url(base, "zh-hans", pid), pid),
        "speaker-page.png": (f"{base}zh-hans/speakers/li-dahai/", None),
    }
    with open_page(browser) as page:
        for name, (url, shown) in shots.items():
            page.goto(url)
            if shown:
                assert_shown(page, shown)
            assert_cjk_renders(page)
            page.evaluate("() => document.fonts.ready")
            path = folder / name
            page.screenshot(path=str(path))
            assert path.stat().st_size > 20_000, f"{path} looks empty"
        assert page.locator("h1").first.inner_text().strip() == "李大海"


# ------------------------------------------------------------------ accessibility (axe-core)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
PHONE = {"width": 390, "height": 844}
# Every page kind, in both scripts: home, the lists (and a year of events), an event, a speaker and one
# of its parts, a topic and one of its parts, the 404 page, an event of two sources, the changes page.
PAGE_KINDS = ("", "events/", "events/2024/", f"events/{EVENT}/", "speakers/", "speakers/li-dahai/",
              "speakers/li-dahai/2024/", "topics/", "topics/price-war/", "topics/price-war/2024-06/", "404.html",
              "events/baai-2024-peak-dialogue/", "changes/")


def axe_violations(page) -> list[dict]:
    """The serious and critical WCAG 2.0–2.2 A/AA violations axe-core finds on the page as shown
    (evaluated by the test itself, whatever the page loads)."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `npm ci` (make test and .ci/run do) to install the pinned axe-core",
                    pytrace=False)
    page.evaluate("source => { if (!window.axe) (0, eval)(source); }", AXE.read_text(encoding="utf-8"))
    result = page.evaluate(
        """tags => axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]})
            .then(r => r.violations.filter(v => v.impact === "serious" || v.impact === "critical")
            .map(v => ({id: v.id, impact: v.impact, help: v.help,
                        nodes: v.nodes.map(n => n.target.join(" ") + ": " + (n.failureSummary || "").split("\\n")[1])})))""",
        AXE_TAGS,
    )
    return result


@pytest.mark.parametrize("viewport,scripts", [(VIEWPORT, SCRIPTS), (PHONE, SCRIPTS[:1])], ids=["1280px", "390px"])
def test_every_page_kind_has_no_serious_accessibility_violation(browser, base, viewport, scripts):
    """Every page kind as it is shown (after its JavaScript ran), and the root page and site/404.html,
    and the root page as it is without JavaScript. On a desktop in both scripts; on a phone, where what
    changes is the layout (the same templates and styles in either script), in Simplified."""
    urls = [f"{base}{script}/{kind}" for script in scripts for kind in PAGE_KINDS] + [f"{base}404.html"]
    found = []

    def check(page, url):
        page.goto(url)
        page.wait_for_load_state("load")
        for v in axe_violations(page):
            found.append(f"{url}: {v['impact']} {v['id']} ({v['help']}), {len(v['nodes'])} nodes, e.g. "
                         + "; ".join(v["nodes"][:3]))

    with open_page(browser) as page:
        page.set_viewport_size(viewport)
        for url in urls:
            check(page, url)
        # The root page as shown without JavaScript (with it, it leaves for a script's home page at once).
        root = urlsplit(base)
        served = (lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                  body=re.sub(r"<script>.*?</script>", "", route.fetch().text(), flags=re.S)))
        page.route(f"{root.scheme}://{root.netloc}{root.path}", served)
        check(page, base)
    assert not found, f"{len(found)} serious or critical axe-core violations:\n" + "\n".join(found)


# ------------------------------------------------------------------ without JavaScript


def test_without_javascript_no_copy_button_shows_and_the_permalink_is_still_highlighted(browser, base, corpus):
    pid = late_paragraph(corpus)["id"]
    with open_page(browser, java_script_enabled=False) as page:
        page.goto(event_url(base, "zh-hans", pid))
        # yanlu.js makes the buttons: without it there is none that would do nothing
        assert page.locator("button.yl-copy, button.yl-act").count() == 0
        assert page.locator(".yl-tools a.yl-link").count() > 10
        assert page.locator(f"#{pid} a.yl-link").is_visible(), "the #q-… permalink itself should stay"
        background = page.evaluate("id => getComputedStyle(document.getElementById(id)).backgroundColor", pid)
        other = page.evaluate("() => getComputedStyle(document.querySelector('.yl-p:not(:target)')).backgroundColor")
        assert background == "rgb(255, 243, 191)" and background != other, (
            f"#{pid} is not highlighted by :target without JavaScript (background {background}, others {other})")


# ------------------------------------------------------------------ phones: targets big enough to hit


@pytest.mark.parametrize("viewport,least", [(VIEWPORT, 24), (PHONE, 44)], ids=["1280px-24px", "390px-44px"])
def test_toggle_copy_and_permalink_controls_are_big_enough_to_hit(browser, base, corpus, viewport, least):
    pid = late_paragraph(corpus)["id"]
    with open_page(browser) as page:
        page.set_viewport_size(viewport)
        page.goto(event_url(base, "zh-hans", pid))
        sizes = {}
        for name, selector in (("简/繁 toggle", "a.yl-script-toggle"), ("copy button", f"#{pid} button.yl-copy"),
                               ("permalink", f"#{pid} a.yl-link"), ("copy quote", f"#{pid} button[data-yl-act=quote]"),
                               ("cite", f"#{pid} button[data-yl-act=cite]")):
            box = page.locator(selector).first.bounding_box()
            assert box is not None, f"the {name} ({selector}) is not shown at {viewport['width']} px"
            sizes[name] = (round(box["width"], 1), round(box["height"], 1))
        small = {name: size for name, size in sizes.items() if min(size) < least}
        assert not small, f"controls smaller than {least}×{least} px at {viewport['width']} px: {small} (all: {sizes})"


# ------------------------------------------------------------------ 404 pages from a sub-path


def test_site_404_page_shown_at_any_missing_address_links_home_in_the_readers_script(browser, base, project):
    body = (project / "www" / "yanlu" / "404.html").read_text(encoding="utf-8")
    served = lambda route: route.fulfill(status=404, content_type="text/html; charset=utf-8", body=body)
    # As GitHub Pages does: site/404.html in place of a missing page, at any depth under the sub-path.
    cases = ((f"{base}zh-hant/events/nowhere/", "zh-hant", ["zh-CN"]), (f"{base}old/path/page.html", "zh-hans", ["zh-CN"]),
             (f"{base}old/path/page.html", "zh-hant", ["en-US", "zh-HK"]))  # the first Chinese language counts
    for missing, script, languages in cases:
        with open_page(browser, locale=languages[0]) as page:
            page.add_init_script(f"Object.defineProperty(navigator, 'languages', {{get: () => {languages!r}}})")
            page.route(missing, served)
            page.goto(missing)
            home = page.locator(f'a[data-yl-to="{script}/"]:visible').first
            page.wait_for_function("(a) => a.href.endsWith(a.dataset.ylTo) && a.href.includes('/yanlu/')",
                                   arg=home.element_handle())
            assert home.get_attribute("href") == f"{base}{script}/".replace(base.split("/yanlu/")[0], ""), (
                f"from {missing} the home link should lead to {base}{script}/, not {home.get_attribute('href')}")
            heading = page.locator("h1 span:visible").inner_text()
            assert heading == ("找不到這個頁面" if script == "zh-hant" else "找不到这个页面"), heading
            home.click()
            page.wait_for_url(f"{base}{script}/")
            assert page.locator("a.yl-script-toggle").count() == 1


def test_each_scripts_404_page_is_styled_when_the_site_lives_under_a_sub_path(browser, base):
    for script in SCRIPTS:
        with open_page(browser) as page:
            failed = []
            page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
            page.goto(f"{base}{script}/404.html")
            page.wait_for_load_state("networkidle")
            assert not failed, f"{script}/404.html under {PREFIX}: {failed}"
            position = page.evaluate("() => getComputedStyle(document.querySelector('.md-header')).position")
            assert position == "sticky", f"{script}/404.html loads unstyled under {PREFIX} (header is {position})"
            page.locator("a.yl-script-toggle").click()
            page.wait_for_url(f"{base}{OTHER[script]}/")


# ------------------------------------------------------------------ phones: the event page's table of contents


def test_event_page_table_of_contents_on_a_phone_reaches_sections_and_speakers(browser, base, corpus):
    first_of_zhu_jun = next(p for p in corpus["paragraphs"] if p["event"] == EVENT and p["speaker"] == "zhu-jun")
    with open_page(browser) as page:
        page.set_viewport_size(PHONE)
        page.goto(event_url(base, "zh-hans"))
        toc = page.locator("nav.yl-toc")
        assert toc.get_attribute("aria-label") == "本页目录"
        summary = toc.locator("summary")
        assert summary.is_visible() and summary.bounding_box()["y"] < 2 * PHONE["height"], (
            "the table of contents should be near the top of the page on a phone")
        summary.click()
        sections = toc.locator('a[href^="#s-"]')
        assert sections.count() >= 5, f"only {sections.count()} sections in the table of contents"
        last = sections.nth(sections.count() - 1)
        title, target = last.inner_text(), last.get_attribute("href")[1:]
        last.click()
        page.wait_for_timeout(300)
        box = position(page, target)
        assert box["headerBottom"] - 1 <= box["top"] < box["innerHeight"], f"section {title} not in view: {box}"
        assert page.locator(f"#{target}").inner_text().strip().startswith(title)
        page.goto(event_url(base, "zh-hans"))
        page.locator("nav.yl-toc summary").click()
        page.locator("nav.yl-toc .yl-toc__speakers a", has_text="朱军").click()
        assert_shown(page, first_of_zhu_jun["id"])



# ------------------------------------------------------------------ garbled text is marked, not quoted as words

GARBLED_LABEL = {"zh-hans": "〔乱码：原文此处编码错误〕", "zh-hant": "〔亂碼：原文此處編碼錯誤〕"}


def test_garbled_runs_are_marked_announced_and_not_found_by_search(browser, base, corpus):
    garbled = [p for p in corpus["paragraphs"] if p["garbled"]]
    assert sum(len(p["garbled"]) for p in garbled) == 15, "seed 003 carries 15 flagged mojibake runs"
    [p] = [p for p in garbled if "?煽啃赃@個差異在中國" in p["garbled"]]  # a GBK/Big5 mix-up
    for script in SCRIPTS:
        with open_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
            page.goto(f"{base}{script}/events/{p['event']}/")
            marks = page.locator("article mark.yl-garbled")
            assert marks.count() == sum(len(q["garbled"]) for q in garbled if q["event"] == p["event"])
            mark = page.locator(f"#{p['id']} mark.yl-garbled")
            label = mark.locator(".yl-garbled__label")
            assert label.is_visible() and label.inner_text() == GARBLED_LABEL[script]
            assert mark.inner_text() == GARBLED_LABEL[script] + "?煽啃赃@個差異在中國"  # as found, in both scripts
            # What a screen reader announces: the accessible text of the paragraph holds the label before the run.
            snapshot = page.locator(f"#{p['id']} .yl-text").aria_snapshot()
            assert GARBLED_LABEL[script] in snapshot and snapshot.index(GARBLED_LABEL[script]) < snapshot.index("煽啃")
            # Copy quote carries the marker too: a quote pasted elsewhere never passes garbled letters off as words.
            page.locator(f"#{p['id']} button[data-yl-act=quote]").click()
            page.wait_for_function("t => navigator.clipboard.readText().then(c => c.includes(t))",
                                   arg=GARBLED_LABEL[script] + "?煽啃赃@個差異在中國", timeout=5_000)
            results = search(page, base, script, "煽啃")
            assert results["state"] == "none" and not results["hits"], (
                f"{script}: a search for the letters of a garbled run finds them: " + describe(results))
            # The words around the run are still found.
            around = search(page, base, script, "可靠性")  # the same characters in both scripts
            assert around["hits"], f"{script}: the words beside a garbled run are not found: " + describe(around)


# ------------------------------------------------------------------ corrections and the same statement elsewhere


@pytest.mark.parametrize("script,label", [("zh-hans", "修订于"), ("zh-hant", "修訂於")])
def test_an_old_id_lands_on_the_corrected_paragraph_which_shows_its_earlier_words_on_demand(browser, base, corpus,
                                                                                          script, label):
    new = dict(corpus["aliases"])[CORRECTED_ID]
    with open_page(browser) as page:
        page.goto(event_url(base, script, CORRECTED_ID))
        page.wait_for_function("() => document.querySelector('.yl-p.yl-target')")
        assert page.evaluate("() => document.querySelector('.yl-p.yl-target').id") == new
        summary = page.locator(f"#{new} details.yl-revised summary")
        assert summary.inner_text().startswith(f"{label} {CORRECTED_ON}")
        earlier = page.locator(f"#{new} details.yl-revised .yl-earlier")
        assert not earlier.is_visible()
        summary.click()
        assert earlier.is_visible() and earlier.inner_text().endswith("。。")
        box = summary.bounding_box()
        assert min(box["width"], box["height"]) >= 24


def test_also_reported_links_lead_to_the_other_sources_report_and_back(browser, base, corpus):
    by_id = {p["id"]: p for p in corpus["paragraphs"]}
    pid = next(p["id"] for p in corpus["paragraphs"] if p["also_reported"] and p["seed"].startswith("000"))
    other = by_id[pid]["also_reported"][0]
    with open_page(browser) as page:
        page.goto(f"{base}zh-hans/events/baai-2024-peak-dialogue/#{pid}")
        page.locator(f"#{pid} a.yl-also[href='#{other}']").click()
        page.wait_for_function(f"() => location.hash === '#{other}'")
        back = page.locator(f"#{other} a.yl-also[href='#{pid}']")
        assert back.is_visible() and "亦见于" in back.inner_text()


# ------------------------------------------------------------------ citable quotes: short links, copy quote, cite

FEATURED = yaml.safe_load((ROOT / "site_config" / "featured.yaml").read_text(encoding="utf-8"))["featured"][0]["id"]
# The reader's "today" in the cite tests (Playwright's clock), so the access date in the expected strings is fixed.
TODAY = "2026-03-05T10:00:00"
CSL_SCHEMA = json.loads((ROOT / "tests" / "csl-data.json").read_text(encoding="utf-8"))

# Where the view of a paragraph after arriving at it: highlighted, on screen, the paragraph before it (if any)
# at least partly visible above it, below the sticky header.
ARRIVED_JS = """id => {
    const t = document.getElementById(id);
    if (!t) return "no element";
    if (!t.classList.contains("yl-target")) return "not highlighted";
    const all = [...document.querySelectorAll(".yl-p")], i = all.indexOf(t);
    const header = document.querySelector(".md-header").getBoundingClientRect().bottom;
    const r = t.getBoundingClientRect();
    if (r.top < header - 1 || r.top > innerHeight - 40) return `the paragraph is off screen: top ${r.top}`;
    if (i > 0) {
        const p = all[i - 1].getBoundingClientRect();
        if (p.bottom < header + 16 || p.top > r.top) return `the paragraph before is not in view: ${p.top}..${p.bottom}`;
    }
    return "";
}"""

EVERY_PARAGRAPH_JS = """async ([ids, arrived]) => {
    const check = eval(arrived), problems = [];
    for (const id of ids) {
        const changed = new Promise(resolve => addEventListener("hashchange", resolve, {once: true}));
        location.hash = id;
        await changed;
        await new Promise(resolve => requestAnimationFrame(resolve));
        const problem = check(id);
        if (problem) problems.push(id + ": " + problem);
    }
    return problems;
}"""


def short_link(base: str, pid: str) -> str:
    return f"{base}q/#{pid}"


@pytest.mark.parametrize("script,options", [
    # The remembered choice beats the browser's language; every paragraph of every page is arrived at.
    ("zh-hans", {"locale": "zh-TW", "stored": "zh-hans", "every": True}),
    # Else the browser's language: each event's short link (arriving at every paragraph is checked above).
    ("zh-hant", {"locale": "zh-TW", "stored": None, "every": False}),
], ids=["remembered-zh-hans", "browser-zh-hant"])
def test_a_short_link_for_every_paragraph_opens_it_in_the_readers_script(browser, base, project, corpus, script, options):
    # The map, for every paragraph: the shard of its id names its event.
    q = project / "www" / "yanlu" / "q"
    depth = len(next((q / "map").glob("*.json")).stem)
    for p in corpus["paragraphs"]:
        shard = json.loads((q / "map" / f"{p['id'][2:2 + depth]}.json").read_text(encoding="utf-8"))
        assert shard.get(p["id"][2 + depth:]) == p["event"], f"the short-link map sends {p['id']} elsewhere"
    by_event = {}
    for p in corpus["paragraphs"]:
        by_event.setdefault(p["event"], []).append(p["id"])
    with open_page(browser, locale=options["locale"]) as page:
        if options["stored"]:
            page.goto(f"{base}q/")
            page.evaluate("s => localStorage.setItem('yanlu-script', s)", options["stored"])
        for event, ids in by_event.items():
            # Through the short link, once per event (the last paragraph: the map, the redirect, the arrival) …
            page.goto(short_link(base, ids[-1]))
            page.wait_for_url(f"**/{script}/events/{event}/#{ids[-1]}")
            page.wait_for_load_state("load")
            assert page.evaluate(ARRIVED_JS, ids[-1]) == "", page.evaluate(ARRIVED_JS, ids[-1])
            # … then every paragraph of the page, arriving at its anchor as the redirect does.
            problems = page.evaluate(EVERY_PARAGRAPH_JS, [ids, f"({ARRIVED_JS})"]) if options["every"] else []
            assert not problems, f"{len(problems)} of {len(ids)} paragraphs of {event}: {problems[:5]}"
        assert not page.js_errors, page.js_errors


def test_an_unknown_short_link_says_so_and_offers_search(browser, base):
    with open_page(browser) as page:
        page.goto(short_link(base, "q-0000000000"))
        notice = page.locator("#yl-q-unknown")
        notice.wait_for(state="visible")
        assert "q-0000000000" in notice.inner_text() and "找不到" in notice.inner_text()
        search = page.locator("#yl-q-unknown a.yl-q-search:visible")
        assert search.count() == 1 and search.get_attribute("href") == "../zh-hans/"
        assert not axe_violations(page)
        assert not page.js_errors, page.js_errors


def test_without_javascript_the_short_link_page_leads_to_the_id_lists(browser, base, corpus):
    pid = corpus["paragraphs"][0]["id"]
    with open_page(browser, java_script_enabled=False) as page:
        page.goto(short_link(base, pid))
        page.get_by_role("link", name="编号列表").click()
        page.get_by_role("link", name=f"q-{pid[2]}…").click()
        links = page.locator(f"li:has(code:text-is('{pid}')) a")
        assert links.count() == 2
        links.nth(1).click()
        assert page.url.endswith(f"/zh-hant/events/{corpus['paragraphs'][0]['event']}/#{pid}")


EXPECTED_CITATIONS = {
    "zh-hans": {
        "quote": "“没有本质的问题。重要的是怎么很高效的去Scale。Scaling Law会持续，但Scale方法会变化。”\n"
                 "——杨植麟，2024 智源大会 · 尖峰对话，2024-06-14\n{url}",
        "gbt": "杨植麟. 2024 智源大会 · 尖峰对话[EB/OL]//未署名科技网站（作者署名“御柳”）. "
               "王小川張鵬李大海楊植麟迴應大模型的一切:AGI、價格戰、開源和Scaling Law. (2024-06-14)[2026-03-05]. {url}.",
        "apa": "杨植麟. (2024, June 14). 2024 智源大会 · 尖峰对话 [Remarks]. "
               "In 王小川張鵬李大海楊植麟迴應大模型的一切:AGI、價格戰、開源和Scaling Law. 未署名科技网站（作者署名“御柳”）. "
               "Retrieved March 5, 2026, from {url}",
    },
    "zh-hant": {
        "quote": "「沒有本質的問題。重要的是怎麼很高效的去Scale。Scaling Law會持續，但Scale方法會變化。」\n"
                 "——楊植麟，2024 智源大會 · 尖峰對話，2024-06-14\n{url}",
        "gbt": "楊植麟. 2024 智源大會 · 尖峰對話[EB/OL]//未署名科技網站（作者署名“御柳”）. "
               "王小川張鵬李大海楊植麟迴應大模型的一切:AGI、價格戰、開源和Scaling Law. (2024-06-14)[2026-03-05]. {url}.",
        "apa": "楊植麟. (2024, June 14). 2024 智源大會 · 尖峰對話 [Remarks]. "
               "In 王小川張鵬李大海楊植麟迴應大模型的一切:AGI、價格戰、開源和Scaling Law. 未署名科技網站（作者署名“御柳”）. "
               "Retrieved March 5, 2026, from {url}",
    },
}


def open_cited(page, base: str, script: str, where: str):
    """The featured paragraph's tools: on its event page (#id) or as a quote on 杨植麟's speaker page (its 2024 part)."""
    page.clock.set_fixed_time(TODAY)
    if where == "event":
        page.goto(f"{base}{script}/events/baai-2024-peak-dialogue/#{FEATURED}")
        return page.locator(f"#{FEATURED}")
    page.goto(f"{base}{script}/speakers/yang-zhilin/2024/")
    return page.locator(f"blockquote[data-yl-q='{FEATURED}']")


@pytest.mark.parametrize("script", SCRIPTS)
@pytest.mark.parametrize("where", ["event", "speaker"])
def test_copy_quote_and_cite_give_the_expected_text_in_each_format(browser, base, script, where):
    expected = {k: v.format(url=short_link(base, FEATURED)) for k, v in EXPECTED_CITATIONS[script].items()}
    with open_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        holder = open_cited(page, base, script, where)
        holder.locator("button[data-yl-act=quote]").click()
        page.wait_for_function("t => navigator.clipboard.readText().then(c => c === t)", arg=expected["quote"], timeout=5_000)
        holder.locator("button.yl-copy").click()
        page.wait_for_function("t => navigator.clipboard.readText().then(c => c === t)", arg=short_link(base, FEATURED),
                               timeout=5_000)
        holder.locator("button[data-yl-act=cite]").click()
        box = holder.locator(".yl-cite-box")
        assert box.locator("[data-yl-style=gbt]").inner_text() == expected["gbt"]
        assert box.locator("[data-yl-style=apa]").inner_text() == expected["apa"]
        # Chinese source: GB/T first; each style copies itself
        assert box.locator(".yl-cite-style").all_inner_texts() == ["GB/T 7714-2015", "APA 7"]
        box.locator("button[data-yl-act=copy-cite]").nth(1).click()
        page.wait_for_function("t => navigator.clipboard.readText().then(c => c === t)", arg=expected["apa"], timeout=5_000)
        record = json.loads(page.evaluate("a => fetch(a.href).then(r => r.text())", box.locator("a.yl-cite-file").first.element_handle()))
        errors = [e.message for e in __import__("jsonschema").Draft3Validator(CSL_SCHEMA).iter_errors(record)]
        assert not errors, errors
        assert record[0]["id"] == FEATURED and record[0]["accessed"] == {"date-parts": [[2026, 3, 5]]}
        assert record[0]["URL"] == short_link(base, FEATURED) and record[0]["author"][0]["literal"] in expected["quote"]
        bib = page.evaluate("a => fetch(a.href).then(r => r.text())", box.locator("a.yl-cite-file").nth(1).element_handle())
        assert bib.startswith(f"@misc{{{FEATURED},") and "urldate = {2026-03-05}" in bib
        assert holder.locator("button[data-yl-act=cite]").get_attribute("aria-expanded") == "true"
        assert not axe_violations(page), axe_violations(page)
        assert not page.js_errors, page.js_errors


def test_the_event_links_its_csl_json_and_every_record_validates(browser, base, project, corpus):
    import jsonschema
    validator = jsonschema.Draft3Validator(CSL_SCHEMA)
    for script in SCRIPTS:
        paths = sorted((project / "www" / "yanlu" / script / "data" / "csl").glob("*.json"))
        assert [p.stem for p in paths] == sorted(e["id"] for e in corpus["events"]), f"{script}: one file per event"
        for path in paths:
            errors = [e.message for e in validator.iter_errors(json.loads(path.read_text(encoding="utf-8")))]
            assert not errors, f"{path.name}: {errors[:3]}"
    with open_page(browser) as page:
        page.goto(f"{base}zh-hant/events/{EVENT}/")
        items = page.evaluate("a => fetch(a.href).then(r => r.json())", page.locator("a.yl-csl").element_handle())
        assert items[0]["id"] == EVENT and len(items) > 100 and items[1]["language"] == "zh-Hans"


def test_an_alias_notice_shows_beside_the_paragraph(browser, base, corpus):
    pid = late_paragraph(corpus)["id"]
    url = event_url(base, "zh-hans")
    with open_page(browser) as page:
        served = (lambda route: route.fulfill(status=200, content_type="text/html; charset=utf-8",
                  body=route.fetch().text().replace('"aliases": {', f'"aliases": {{"q-00000000aa": "{pid}", ', 1)))
        page.route(url, served)
        page.goto(url + "#q-00000000aa")
        page.wait_for_selector(f"#{pid}.yl-target")
        assert page.evaluate("() => location.hash") == f"#{pid}"
        assert page.evaluate("id => document.getElementById(id).previousElementSibling.className", pid) == "yl-notice"
        box = page.locator(".yl-notice").bounding_box()
        assert 0 <= box["y"] < VIEWPORT["height"], f"the notice is not on screen: {box}"
        assert page.evaluate(ARRIVED_JS, pid) == ""


def test_printed_quotes_show_their_full_address_and_no_buttons(browser, base, corpus):
    pid = late_paragraph(corpus)["id"]
    with open_page(browser) as page:
        page.goto(event_url(base, "zh-hans", pid))
        page.emulate_media(media="print")
        after = page.evaluate("id => getComputedStyle(document.querySelector('#' + id + ' .yl-link'), '::after').content", pid)
        assert after == f'" {short_link(base, pid)}"'
        shown = page.evaluate("() => [...document.querySelectorAll('.yl-copy, .yl-act')].filter(b => b.offsetParent).length")
        assert shown == 0


def test_a_featured_quote_has_its_own_page_in_both_scripts_that_previews_the_words(browser, base, project, corpus):
    p = next(p for p in corpus["paragraphs"] if p["id"] == FEATURED)
    for script, key in (("zh-hans", "zh-Hans"), ("zh-hant", "zh-Hant")):
        html_text = (project / "www" / "yanlu" / script / "quotes" / FEATURED / "index.html").read_text(encoding="utf-8")
        for meta in ('property="og:description"', 'name="twitter:description"'):
            assert f'<meta {meta} content="{p[key]}">' in html_text
    with open_page(browser) as page:
        page.goto(f"{base}zh-hant/quotes/{FEATURED}/")
        assert page.locator(".yl-featured .yl-text").inner_text() == p["zh-Hant"]
        caption = page.locator(".yl-featured figcaption").inner_text()
        assert "楊植麟" in caption and "2024-06-14" in caption and "尖峰對話" in caption
        assert page.locator("#before + blockquote, h2#before ~ blockquote").count() >= 1
        assert not axe_violations(page), axe_violations(page)
        page.locator(".yl-featured a.yl-context").click()
        page.wait_for_selector(f"#{FEATURED}.yl-target")
        assert "/zh-hant/events/baai-2024-peak-dialogue/" in page.url


def test_selected_words_offer_a_text_fragment_link_to_the_passage(browser, base, corpus):
    p = next(p for p in corpus["paragraphs"] if p["id"] == FEATURED)
    words = "Scaling Law会持续"
    assert words in p["zh-Hans"]
    with open_page(browser, permissions=["clipboard-read", "clipboard-write"]) as page:
        page.goto(f"{base}zh-hans/events/baai-2024-peak-dialogue/#{FEATURED}")
        page.evaluate("""([id, words]) => {
            const text = document.querySelector('#' + id + ' .yl-text'), node = [...text.childNodes].find(n => n.nodeType === 3 && n.data.includes(words));
            const range = document.createRange(), at = node.data.indexOf(words);
            range.setStart(node, at); range.setEnd(node, at + words.length);
            getSelection().removeAllRanges(); getSelection().addRange(range);
        }""", [FEATURED, words])
        button = page.locator(f"#{FEATURED} button.yl-passage")
        button.wait_for(state="visible")
        button.click()
        link = f"{base}zh-hans/events/baai-2024-peak-dialogue/#{FEATURED}:~:text=Scaling%20Law%E4%BC%9A%E6%8C%81%E7%BB%AD"
        page.wait_for_function("t => navigator.clipboard.readText().then(c => c === t)", arg=link, timeout=5_000)
        page.goto(f"{base}zh-hans/")
        page.goto(link)
        page.wait_for_selector(f"#{FEATURED}.yl-target")
        assert not page.js_errors, page.js_errors
