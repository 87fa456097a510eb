/* Yanlu search: the header box, answered by the Pagefind index both scripts share (pagefind/ beside the
   scripts' folders, built by `python -m generator site`; `mkdocs serve` has none and the box says so).
   The index is described in generator/search.py and the README ("Search").

   - Lazy: Pagefind (pagefind/pagefind.js, its WebAssembly and the index's metadata) is loaded on the
     first focus of the box; a query then fetches only the index chunks of its words and the page
     fragments of the results shown (the best one first, so the first result comes early).
   - Index words: each Chinese character with the one after it, once a page (generator/search.py index_words), so
     价格 is one word, 开源模型 the words 开源 源模 模型, and 价 the prefix of words (Pagefind matches words by
     prefix); ranked by Pagefind's score. Both scripts' words are in one form (search.py index_form: each
     character as t2s converts it alone), the query's made so with window.YANLU_INDEX_CHARS. Where on a page the
     query stands is found here, in the page's own text in this script: its title, speakers and places
     (paragraphs, headings) are a JSON file of this script named by the page's Pagefind id
     (pagefind/yanlu/<lang>/<id>.json), fetched with the page's fragment. The
     index's language is "und", and Pagefind is started with that language so that it leaves the query's words as
     they are (for zh it would cut them again with Intl.Segmenter).
   - Both scripts: a query typed in the other script is converted with window.YANLU_CHARS (a map
     of the characters the corpus uses, generator/pipeline.py query_chars), not while an input
     method is still composing.
   - Results: event pages list the paragraphs that hold the query, each with its speaker and the
     heading above it, linking to the paragraph's #q-… anchor; speaker and topic pages are short
     results of their own (name, note or keywords).
   - Citing: each paragraph's result carries the tools it has on its event page (permalink, copy link, copy
     quote, cite), given by yanlu.js (window.YanluCite) the paragraph's words, its speaker and its source's facts,
     all from the page's places.
   - Filters: speaker, event and year (words of the index, filterToken); the query and the filters are kept in the
     address (?q=…&speaker=…&event=…&year=…), so a search is a link. A speaker filter shows that
     speaker's paragraphs only. Transcript text only ever goes into the page as text, never as HTML. */
(function () {
  "use strict";
  const CONFIG = (window.YANLU || {}).search;
  const box = document.querySelector("[data-yl-search]");
  if (!CONFIG || !box) return;

  const CHARS = window.YANLU_CHARS || {};
  const INDEX_CHARS = window.YANLU_INDEX_CHARS || {};
  const input = box.querySelector(".yl-search__input");
  const output = box.querySelector(".yl-search__output");
  const status = box.querySelector(".yl-search__meta");
  const list = box.querySelector(".yl-search__results");
  const moreButton = box.querySelector(".yl-search__more");

  const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  const TOKEN = new RegExp(`[${HAN}]|[^${HAN}]+`, "gu");  // one Chinese character, or a run of anything else
  const IS_HAN = new RegExp(`^[${HAN}]$`, "u");
  const LETTER = /[\p{L}\p{N}]/u;
  const SPACE = /\s/u;
  const WORD = new RegExp(`[${HAN}]|[^\\s${HAN}]+`, "gu");  // one Chinese character, or a run of other letters
  const INDEX_LANG = "und";  // generator/search.py INDEX_LANG
  const FILTERS = ["speaker", "event", "year"];
  const PAGES_FIRST = 1;     // pages whose fragments are fetched before the first result shows (a fragment is a whole
                             // event's places and words, ~15 kB at 2,000 transcripts: on a phone each one delays it)
  const PAGES_AT_ONCE = 10;  // pages whose fragments are fetched per batch ("more results" for the next)
  const HITS_SHOWN = 3;      // paragraphs shown per page before "N more on this page"
  const BEFORE = 12;         // words shown before the first hit (a Chinese character is one)
  const EXCERPT = 72;        // words per excerpt
  const DATA = "yanlu/" + CONFIG.script + "/";  // generator/search.py BUNDLE_DATA: each page's data in this script
  const EMPTY_BATCHES = 3;   // batches of pages checked before "nothing found", when none holds the query itself
  const WAIT_MS = 120;       // typing pause before searching

  let pagefind = null;       // Promise of the Pagefind module, once loaded
  let timer = 0;
  let generation = 0;        // the latest search; older ones drop their answers
  let current = null;        // {parts, results, shown} of the latest search
  let searched = null;       // the query (and filters) the list shows
  const chosen = {};         // filter → value the reader chose ("" or missing: any)

  box.hidden = false;

  // ---------------------------------------------------------------- Pagefind, loaded on first use

  function load() {
    if (!pagefind) {
      pagefind = import(new URL(CONFIG.pagefind, location.href).href).then(async function (module) {
        // Pagefind takes its language from <html lang> when it starts (synchronously, in init):
        // the index's neutral one, so that it does not re-segment the query; the page's comes back at once.
        const root = document.documentElement, lang = root.getAttribute("lang");
        root.setAttribute("lang", INDEX_LANG);
        // On the page's own thread: a worker costs its start and another 41 kB before the first search.
        // baseUrl: a result's address is its page's in this script's folder (the index lies beside both folders).
        await module.options({noWorker: true, baseUrl: new URL(CONFIG.base, location.href).pathname});
        let started;
        try { started = module.init(); } finally { root.setAttribute("lang", lang); }
        await started;
        return module;
      });
      pagefind.catch(function () { pagefind = null; });  // try again next time
    }
    return pagefind;
  }

  // ---------------------------------------------------------------- the query

  function convert(text, chars) {
    let out = "";
    for (const ch of text) out += (chars || CHARS)[ch] || ch;
    return out;
  }

  /* Text in the form the index holds both scripts in (generator/search.py index_form). */
  function indexForm(text) {
    return convert(text, INDEX_CHARS);
  }

  /* The box holds the query in this page's script: convert what the reader typed in the other. */
  function convertBox() {
    const value = input.value, converted = convert(value);
    if (converted !== value) {
      const caret = input.selectionStart;
      input.value = converted;
      input.setSelectionRange(caret, caret);
    }
  }

  function normal(word) {
    return word.toLowerCase().replace(/[^\p{L}\p{N}]+/gu, "");
  }

  /* The index's words for a run of tokens (generator/search.py index_words): a Chinese run as its words of two
     characters, or, one character, as it is (the prefix of the page's words); every other run as it is:
     价格战 → 价格 格战, 开源模型 → 开源 源模 模型, o1模型 → o1 模型. */
  const WORD_CHARS = 2;  // generator/search.py WORD_CHARS
  function indexWords(tokens) {
    const words = [];
    let run = [];
    const flush = function () {
      if (run.length && run.length < WORD_CHARS) words.push(run.join(""));
      for (let i = 0; i + WORD_CHARS <= run.length; i++) words.push(run.slice(i, i + WORD_CHARS).join(""));
      run = [];
    };
    for (const token of tokens) {
      if (IS_HAN.test(token)) run.push(token);
      else { flush(); words.push(token); }
    }
    flush();
    return words;
  }

  /* Parts of a query: what stands between spaces and punctuation, each with the index's words (``words``) and its
     letters as a page's text is matched (``key``; ``word``: it starts with a letter that is not Chinese, and so
     only where a word of the text starts): 价格战 Scaling → [{价格战}, {scaling}]. */
  function parse(query) {
    const parts = [];
    for (const run of query.split(/[^\p{L}\p{N}]+/u)) {
      const tokens = indexForm(run).match(TOKEN);
      if (!tokens) continue;
      const words = indexWords(tokens).map(normal).filter(Boolean);
      if (words.length) parts.push({words: words, key: normal(run), word: !IS_HAN.test(tokens[0])});
    }
    return parts;
  }

  function activeFilters() {
    const filters = {};
    for (const name of FILTERS) if (chosen[name]) filters[name] = chosen[name];
    return filters;
  }

  /* The index word of a filter value (generator/search.py filter_token: the same function). Filters
     are words searched with the query, not Pagefind filters, whose index files differ run to run. */
  const LETTERS = {speaker: "s", event: "e", year: "y"};
  function filterToken(name, value) {
    let token = "ylf" + LETTERS[name];
    for (const basis of [0x811c9dc5, 0x050c5d1f]) {
      let h = basis;
      for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 0x01000193) >>> 0;
      token += h.toString(16).padStart(8, "0");
    }
    return token;
  }

  /* The address carries the search: ?q=…&speaker=…&event=…&year=… (the #anchor stays). */
  function remember(query) {
    const params = new URLSearchParams(location.search);
    for (const name of ["q"].concat(FILTERS)) params.delete(name);
    if (query) params.set("q", query);
    for (const name of FILTERS) if (chosen[name]) params.set(name, chosen[name]);
    const search = params.toString();
    const url = location.pathname + (search ? "?" + search : "") + location.hash;
    if (url !== location.pathname + location.search + location.hash) history.replaceState(history.state, "", url);
  }

  // ---------------------------------------------------------------- searching

  function show(state, text) {
    output.hidden = false;
    input.setAttribute("aria-expanded", "true");
    output.dataset.state = state;
    status.textContent = text;
  }

  function close() {
    output.hidden = true;
    input.setAttribute("aria-expanded", "false");
  }

  /* What a search is of: the query and the filters chosen (``searched`` holds the one the list shows). */
  function searchKey() {
    return input.value.trim() + "\n" + JSON.stringify(activeFilters());
  }

  function reset(key) {
    generation += 1;
    searched = key;
    current = null;
    output.dataset.query = key.split("\n")[0];
    list.textContent = "";
    moreButton.hidden = true;
  }

  async function search() {
    const query = input.value.trim();
    const key = searchKey();
    if (key === searched && output.dataset.state !== "error") {
      if (query) output.hidden = false;
      return;
    }
    reset(key);
    const mine = generation;
    // The address keeps the search once it is answered (a new address makes Chromium fetch the
    // page's icon again: not before the first results).
    if (!query) return remember(query), close();
    if (!CONFIG.indexed) return show("unavailable", CONFIG.unavailable);
    const parts = parse(query);
    if (!parts.length) return remember(query), show("none", CONFIG.none);
    show("loading", CONFIG.loading);
    try {
      const results = await pages(parts, activeFilters());
      if (mine !== generation) return;
      if (!results.length) return remember(query), show("none", CONFIG.none);
      current = {parts: parts, results: results, shown: 0, dropped: 0, speaker: chosen.speaker || ""};
      status.textContent = CONFIG.count.replace("{n}", results.length);
      const answered = function () { return current && current.results === results; };
      // The best page shows as soon as its fragment is in, then the rest of the first batch.
      await more(PAGES_FIRST, results.length > PAGES_FIRST);
      if (answered() && current.shown < results.length) await more(PAGES_AT_ONCE - current.shown);
      // A page holds every word of the query but not the query (its words apart, or a word Pagefind searched by a
      // shorter start of it): not shown. Real matches rank first: none in the first batches is none at all.
      for (let batch = 1; answered() && current.shown === current.dropped && current.shown < results.length
           && batch < EMPTY_BATCHES; batch++) await more(PAGES_AT_ONCE);
      if (answered() && current.shown === current.dropped) return remember(query), show("none", CONFIG.none);
      if (answered()) remember(query);
    } catch (error) {
      if (mine !== generation) return;
      searched = null;
      show("error", CONFIG.failed);
      console.warn("Yanlu search:", error);
    }
  }

  /* The pages that hold every part of the query (Pagefind finds a page when it holds all the words), by Pagefind's
     score; where each part stands on a page is found in its text (``regionsOf``). */
  async function pages(parts, filters) {
    const pf = await load();
    const tokens = Object.keys(filters).map(function (name) { return filterToken(name, indexForm(filters[name])); });
    const words = [].concat.apply([], parts.map(function (p) { return p.words; }));
    // Pagefind searches a word no page holds as the longest start of it some page does (子纠 as 子). A word the
    // index holds whole (two Chinese characters, a filter's) is also searched alone and exactly (quoted): the same
    // index chunk, no extra bytes.
    const whole = words.filter(function (w) {
      const chars = Array.from(w);
      return chars.length === WORD_CHARS && chars.every(function (c) { return IS_HAN.test(c); });
    }).concat(tokens);
    const answers = await Promise.all([words.concat(tokens).join(" ")].concat(whole.map(function (w) {
      return '"' + w + '"'; })).map(function (q) { return pf.search(q); }));
    const holding = answers.slice(1).map(function (a) { return new Set(a.results.map(function (r) { return r.id; })); });
    return answers[0].results.filter(function (r) { return holding.every(function (ids) { return ids.has(r.id); }); });
  }

  /* The next ``count`` pages of results; ``partial``: more of this batch follow at once. */
  async function more(count, partial) {
    const run = current;
    const batch = run.results.slice(run.shown, run.shown + (count || PAGES_AT_ONCE));
    run.shown += batch.length;
    const pages = await Promise.all(batch.map(fetchPage));
    if (run !== current) return;
    for (const page of pages) {
      const entry = item(page, run);
      if (entry) list.append(entry);
      else run.dropped += 1;
    }
    status.textContent = CONFIG.count.replace("{n}", run.results.length - run.dropped);
    if (partial) return;
    moreButton.hidden = run.shown >= run.results.length;
    output.dataset.state = "done";
  }

  // ---------------------------------------------------------------- one page of results

  /* A result's fragment, and what the box shows of its page in this script (generator/search.py page_part, placed
     by generator/publish.py place_data), fetched at once: {t: title or name, d: an entity's line, w: an event's
     speakers, p: [{i: id, t: text, h: heading level, l: the heading's own length, k: speaker (in w), n: the name
     shown, s: source (in c), g: garbled runs [[start, end]]}], c: [each source's citation facts]}. */
  function fetchPage(result) {
    const url = new URL(DATA + result.id + ".json", new URL(CONFIG.pagefind, location.href)).href;
    const shown = fetch(url).then(function (response) {
      if (!response.ok) throw new Error(url + ": " + response.status);
      return response.json();
    });
    return Promise.all([result.data(), shown]).then(function (both) {
      const data = both[1] || {};
      both[0].shown = {t: String(data.t || ""), d: String(data.d || ""), w: data.w || [], p: data.p || [], c: data.c || []};
      return both[0];
    });
  }

  /* A text's letters and numbers, lower-cased, as a query's parts are matched: spaces go (o1模型 finds "o1 模型"),
     any other character, and a garbled run, is one break; ``from`` and ``to`` give each letter's place in the text. */
  function lettersOf(text, garbled) {
    let out = "";
    const from = [], to = [];
    const runs = garbled || [];
    let g = 0;
    for (let i = 0; i < text.length;) {
      const ch = String.fromCodePoint(text.codePointAt(i)), next = i + ch.length;
      while (g < runs.length && runs[g][1] <= i) g++;
      const inRun = g < runs.length && runs[g][0] <= i;
      if (!inRun && LETTER.test(ch)) {
        for (const unit of ch.toLowerCase()) { out += unit; from.push(i); to.push(next); }
      } else if ((inRun || !SPACE.test(ch)) && !out.endsWith("\u0000")) {
        out += "\u0000"; from.push(i); to.push(next);
      }
      i = next;
    }
    return {text: out, from: from, to: to};
  }

  /* Where the parts of the query stand in a text: [{at, end, part}], by position. */
  function hitsIn(text, garbled, parts) {
    const letters = lettersOf(text, garbled), hits = [];
    parts.forEach(function (part, n) {
      for (let p = letters.text.indexOf(part.key); p >= 0; p = letters.text.indexOf(part.key, p + 1)) {
        const at = letters.from[p], before = Array.from(text.slice(Math.max(0, at - 2), at)).pop() || "";
        if (part.word && LETTER.test(before) && !IS_HAN.test(before)) continue;  // inside a word
        hits.push({at: at, end: letters.to[p + part.key.length - 1], part: n});
      }
    });
    return hits.sort(function (a, b) { return a.at - b.at; });
  }

  function el(tag, className, text) {
    const node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* The places of a page where the query stands (paragraphs, headings, the page's top), best first: [{id, text,
     garbled, hits, heading (the heading's text above, or its own), isHeading, speaker, name, source}]; with a speaker
     chosen, that speaker's paragraphs only. A paragraph's speaker's name counts (a hit there is shown by the name). */
  function regionsOf(page, run) {
    const data = page.shown, who = data.w, regions = [];
    let heading = "";
    data.p.forEach(function (p, index) {
      const text = String(p.t || "");
      if (p.h) heading = text.slice(0, p.l || 0);
      const hits = hitsIn(text, p.g, run.parts);
      const named = p.n ? hitsIn(String(p.n), null, run.parts) : [];
      if (!hits.length && !named.length) return;
      regions.push({index: index, id: p.i || "", text: text, garbled: p.g || [], hits: hits, heading: heading,
                    isHeading: !!p.h, parts: new Set(hits.concat(named).map(function (h) { return h.part; })),
                    count: hits.length + named.length, speaker: p.k === undefined ? "" : who[p.k] || "",
                    name: String(p.n || ""), source: p.s === undefined ? null : data.c[p.s] || null});
    });
    const kept = run.speaker ? regions.filter(function (r) { return r.speaker === run.speaker; }) : regions;
    // The most of the query's parts first, then the most hits, then page order.
    return kept.sort(function (x, y) { return y.parts.size - x.parts.size || y.count - x.count || x.index - y.index; });
  }

  /* Under a paragraph's result, the tools it has on its event page (yanlu.js: window.YanluCite): its permalink,
     copy link (the short link), copy quote and cite, with the same words and citations. */
  function tools(li, url, region) {
    const cite = window.YanluCite, L = cite ? cite.labels() : {};
    const id = region.id;
    if (!cite || !L.copy_link || !id.startsWith("q-")) return;
    cite.register(li, {id: id, who: region.name, words: region.text, source: region.source || {}});
    li.classList.add("yl-cited");
    li.setAttribute("data-yl-cite-prefix", "yl-search-cite-");
    const row = el("div", "yl-tools yl-search__tools");
    const link = el("a", "yl-link", "#" + id);
    link.href = url;
    link.title = L.permalink;
    link.setAttribute("aria-label", L.permalink + " " + id);
    row.append(link);
    cite.addButtons(link, id);  // the buttons a paragraph has on its page
    li.append(row);
  }

  function item(page, run) {
    const meta = page.meta || {};
    if (meta.kind === "speaker" || meta.kind === "topic") return entity(page, meta);
    const kept = regionsOf(page, run);
    if (!kept.length) return null;

    const entry = el("li", "yl-search__item");
    const title = el("a", "yl-search__page", page.shown.t || page.url);
    title.href = page.url;
    entry.append(title);
    const hitList = el("ol", "yl-search__hits");
    const hitItem = function (r) {
      const link = el("a", "yl-search__hit");
      link.href = r.id ? page.url.split("#")[0] + "#" + encodeURIComponent(r.id) : page.url;
      const text = excerpt(r);
      // Where the paragraph stands (the heading above it), unless the excerpt starts with that heading.
      if (r.heading && !(r.isHeading && text.dataset.start === "0")) link.append(el("span", "yl-search__where", r.heading));
      if (r.speaker) link.append(el("span", "yl-search__who", r.speaker));
      link.append(text);
      const li = el("li");
      li.append(link);
      tools(li, link.href, r);
      return li;
    };
    kept.slice(0, HITS_SHOWN).forEach(function (r) { hitList.append(hitItem(r)); });
    entry.append(hitList);
    const hidden = kept.length - HITS_SHOWN;
    if (hidden > 0) {  // the rest are drawn when asked for
      const button = el("button", "yl-search__more-here", CONFIG.more_here.replace("{n}", hidden));
      button.type = "button";
      button.addEventListener("click", function () {
        kept.slice(HITS_SHOWN).forEach(function (r) { hitList.append(hitItem(r)); });
        const next = hitList.children[HITS_SHOWN];
        button.remove();
        if (next) next.querySelector("a").focus();
      });
      entry.append(button);
    }
    return entry;
  }

  /* A speaker's or topic's page: its name and the line under it. */
  function entity(page, meta) {
    const entry = el("li", "yl-search__item yl-search__item--entity");
    const title = el("a", "yl-search__page", page.shown.t || page.url);
    title.href = page.url;
    const kind = el("span", "yl-search__kind", meta.kind === "speaker" ? CONFIG.speaker : CONFIG.topic);
    title.prepend(kind);
    entry.append(title);
    if (page.shown.d) entry.append(el("span", "yl-search__excerpt", page.shown.d));
    return entry;
  }

  /* The text around a region's first hit, the hits marked, as text nodes and <mark>s; a garbled run is no words to
     show. BEFORE and EXCERPT count words: a Chinese character is one, so is a run of other letters. */
  function excerpt(region) {
    const text = region.text;
    const words = Array.from(text.matchAll(WORD), function (m) { return m.index; });
    const ends = Array.from(text.matchAll(WORD), function (m) { return m.index + m[0].length; });
    const first = region.hits.length ? region.hits[0].at : 0;
    let at = 0;
    while (at + 1 < words.length && words[at + 1] <= first) at++;
    let from = Math.max(0, at - BEFORE);
    const until = Math.min(words.length, from + EXCERPT);
    from = Math.max(0, Math.min(from, until - EXCERPT));
    const start = from > 0 ? words[from] : 0, end = until < words.length ? ends[until - 1] : text.length;
    const state = function (i) {  // 0 shown, 1 marked, 2 not shown
      if (region.garbled.some(function (g) { return g[0] <= i && i < g[1]; })) return 2;
      return region.hits.some(function (h) { return h.at <= i && i < h.end; }) ? 1 : 0;
    };
    const span = el("span", "yl-search__excerpt");
    span.dataset.start = String(start);
    if (start > 0) span.append("…");
    for (let i = start; i < end;) {
      const on = state(i);
      let j = i + 1;
      while (j < end && state(j) === on) j++;
      if (on === 1) span.append(el("mark", "", text.slice(i, j)));
      else if (on === 0) span.append(text.slice(i, j));
      i = j;
    }
    if (end < text.length) span.append("…");
    return span;
  }

  // ---------------------------------------------------------------- filters

  const filterBox = el("details", "yl-search__filters");
  const filterSummary = el("summary", "yl-search__filters-title", CONFIG.filters);
  filterBox.append(filterSummary);
  const filterRow = el("div", "yl-search__filter-row");
  const selects = {};
  for (const name of FILTERS) {
    const label = el("label", "yl-search__filter");
    label.append(el("span", "", CONFIG[name]));
    const select = el("select", "yl-search__select");
    select.name = name;
    select.append(new Option(CONFIG.any, ""));
    label.append(select);
    filterRow.append(label);
    selects[name] = select;
    select.addEventListener("change", function () {
      chosen[name] = select.value;
      summarise();
      search();
    });
  }
  filterBox.append(filterRow);
  output.insertBefore(filterBox, output.firstChild);

  function summarise() {
    const values = FILTERS.map(function (n) { return chosen[n]; }).filter(Boolean);
    filterSummary.textContent = CONFIG.filters + (values.length ? "：" + values.join(" · ") : "");
  }

  /* A select shows a chosen value even before the lists are loaded. */
  function offer(name, value) {
    const select = selects[name];
    if (value && !Array.prototype.some.call(select.options, function (o) { return o.value === value; })) {
      select.append(new Option(value, value));
    }
    select.value = value || "";
  }

  let filtersLoaded = null;
  filterBox.addEventListener("toggle", function () {
    if (!filterBox.open || filtersLoaded) return;
    // Loaded when the reader opens the filters, not before a first result.
    // pagefind/yanlu-filters-<script>.json (generator/publish.py): each filter's values, in the order to offer them.
    const file = "yanlu-filters-" + CONFIG.script + ".json";
    filtersLoaded = fetch(new URL(file, new URL(CONFIG.pagefind, location.href)).href).then(function (r) {
      if (!r.ok) throw new Error(file + ": " + r.status);
      return r.json();
    }).then(function (all) {
      for (const name of FILTERS) {
        const select = selects[name];
        while (select.options.length > 1) select.remove(1);
        for (const pair of all[name] || []) select.append(new Option(pair[0], pair[0]));
        offer(name, chosen[name]);
      }
    }).catch(function (error) { filtersLoaded = null; console.warn("Yanlu search:", error); });
  });

  // ---------------------------------------------------------------- the reader

  function onInput(event) {
    if (event.isComposing) return;  // an input method is still composing: wait for compositionend
    convertBox();
    clearTimeout(timer);
    // A word committed by an input method or pasted is the query: at once. Keys one by one: a pause.
    const word = event.type === "compositionend" || (event.data && Array.from(event.data).length > 1)
      || event.inputType === "insertFromPaste";
    timer = setTimeout(search, word ? 0 : WAIT_MS);
  }

  function links() {
    return Array.prototype.filter.call(output.querySelectorAll("a, button"), function (node) {
      return node.offsetParent !== null;
    });
  }

  input.addEventListener("input", onInput);
  input.addEventListener("compositionend", onInput);
  input.addEventListener("focus", function () {
    if (!CONFIG.indexed) return show("unavailable", CONFIG.unavailable);
    load().catch(function () {});  // reported when a search needs it
    if (input.value.trim() && searched === searchKey()) output.hidden = false;
  });
  box.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    const first = list.querySelector("a.yl-search__hit");
    if (first && searched === searchKey()) first.click();
    else search();
  });
  box.addEventListener("keydown", function (event) {
    if (event.key === "Escape") {
      close();
      if (event.target === input) input.blur();
      else input.focus();
      return;
    }
    if (event.key !== "ArrowDown" && event.key !== "ArrowUp") return;
    if (event.target.tagName === "SELECT") return;  // a filter's own keys choose its value
    const all = links();
    if (!all.length) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement);
    if (event.target === input) all[event.key === "ArrowDown" ? 0 : all.length - 1].focus();
    else if (event.key === "ArrowUp" && at <= 0) input.focus();
    else all[Math.min(all.length - 1, at + (event.key === "ArrowDown" ? 1 : -1))].focus();
  });
  moreButton.addEventListener("click", function () {
    if (current) more(PAGES_AT_ONCE).catch(function (error) { show("error", CONFIG.failed); console.warn("Yanlu search:", error); });
  });
  output.addEventListener("click", function (event) {
    // A link leaves the results; a cite panel's files (CSL-JSON, BibTeX) are downloads, not a way out.
    if (event.target.closest && event.target.closest("a:not(.yl-cite-file)")) close();
  });
  document.addEventListener("click", function (event) {
    // composedPath, not contains: a "more on this page" button is gone from the page by now
    if (event.composedPath().indexOf(box) < 0) close();
  });
  /* Like mkdocs-material's own search: f, s or / jump to the box. */
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey || event.isComposing) return;
    if (["f", "s", "/"].indexOf(event.key) < 0) return;
    const active = document.activeElement;
    if (active && (active.isContentEditable || /^(input|textarea|select)$/i.test(active.tagName))) return;
    event.preventDefault();
    input.focus();
    input.select();
  });
  /* A search link (?q=…&speaker=…): the box, the filters and the results as they were, in this
     page's script (a link made on the other script's site is converted). */
  (function fromAddress() {
    const params = new URLSearchParams(location.search);
    const query = convert(params.get("q") || "");
    for (const name of FILTERS) {
      chosen[name] = convert(params.get(name) || "");
      offer(name, chosen[name]);
    }
    summarise();
    if (FILTERS.some(function (n) { return chosen[n]; })) filterBox.open = true;
    if (!query) return;
    input.value = query;
    search();
  })();
  /* What the box would list for a query, every page and paragraph, without drawing it: the
     converted query and [{url, id, speaker, name, words, source}] (tests/test_browser.py checks recall with it,
     tests/test_citable_search.py the words and source each result's tools cite). */
  window.yanluSearch = {
    find: async function (query, filters) {
      const converted = convert(query), parts = parse(converted), run = {parts: parts, speaker: (filters || {}).speaker || ""};
      if (!parts.length) return {query: converted, hits: []};
      const results = await pages(parts, filters || {});
      const data = await Promise.all(results.map(fetchPage));
      const hits = [];
      for (const page of data) {
        const meta = page.meta || {};
        if (meta.kind === "speaker" || meta.kind === "topic") { hits.push({url: page.url, id: "", speaker: ""}); continue; }
        for (const r of regionsOf(page, run)) {
          hits.push({url: page.url, id: r.id, speaker: r.speaker, name: r.name, words: r.text, source: r.source});
        }
      }
      return {query: converted, hits: hits};
    },
  };
})();
