/* Yanlu search: the header box, answered by this script's Pagefind index (pagefind/ beside the
   pages, built by `python -m generator site`; `mkdocs serve` has none and the box says so).
   The index is described in generator/search.py and the README ("Search").

   - Lazy: Pagefind (pagefind/pagefind.js, its WebAssembly and the index's metadata) is loaded on the
     first focus of the box; a query then fetches only the index chunks of its words and the page
     fragments of the results shown (the best one first, so the first result comes early).
   - Bigrams: the index holds every Chinese character with the one after it (价格战 → 价格 格战 战),
     so 价格战 is searched as 价格 格战 — ranked by Pagefind's score — and kept only where they stand
     together (an exact-phrase search of the same words, which reads no extra bytes). A single
     character finds every bigram it starts (Pagefind matches words by prefix). The index's
     language is "und", and Pagefind is started with that language so that it leaves the query's
     words as they are (for zh it would cut them again with Intl.Segmenter).
   - Both scripts: a query typed in the other script is converted with window.YANLU_CHARS (a map
     of the characters the corpus uses, generator/pipeline.py query_chars), not while an input
     method is still composing.
   - Results: event pages list the paragraphs that hold the query, each with its speaker and the
     heading above it, linking to the paragraph's #q-… anchor; speaker and topic pages are short
     results of their own (name, note or keywords).
   - Citing: each paragraph's result carries the tools it has on its event page (permalink, copy link, copy
     quote, cite), given by yanlu.js (window.YanluCite) the paragraph's whole text, rebuilt from the page's words,
     its speaker, and its source's facts (in the id of an anchor after the source's heading: generator/search.py).
   - Filters: speaker, event and year (words of the index, filterToken); the query and the filters are kept in the
     address (?q=…&speaker=…&event=…&year=…), so a search is a link. A speaker filter shows that
     speaker's paragraphs only. Transcript text only ever goes into the page as text, never as HTML. */
(function () {
  "use strict";
  const CONFIG = (window.YANLU || {}).search;
  const box = document.querySelector("[data-yl-search]");
  if (!CONFIG || !box) return;

  const CHARS = window.YANLU_CHARS || {};
  const input = box.querySelector(".yl-search__input");
  const output = box.querySelector(".yl-search__output");
  const status = box.querySelector(".yl-search__meta");
  const list = box.querySelector(".yl-search__results");
  const moreButton = box.querySelector(".yl-search__more");

  const HAN = "\\u3400-\\u4dbf\\u4e00-\\u9fff\\uf900-\\ufaff\\u{20000}-\\u{3134f}";
  const TOKEN = new RegExp(`[${HAN}]|[^${HAN}]+`, "gu");  // one Chinese character, or a run of anything else
  const IS_HAN = new RegExp(`^[${HAN}]$`, "u");
  const BIGRAM = new RegExp(`^([^${HAN}]*[${HAN}])[${HAN}]`, "u");  // an index word: its character and the next
  // Next to these a space is the index's, not the writer's: Chinese text and its punctuation.
  const CLOSE = new RegExp(`[${HAN}\\u3000-\\u303f\\uff00-\\uffef\\u2018-\\u201f\\u2026\\u2014]`, "u");
  const INDEX_LANG = "und";  // generator/search.py INDEX_LANG
  const FILTERS = ["speaker", "event", "year"];
  const PAGES_FIRST = 1;     // pages whose fragments are fetched before the first result shows (a fragment is a whole
                             // event's words, ~11 kB at 2,000 transcripts: on a phone each one delays it)
  const PAGES_AT_ONCE = 10;  // pages whose fragments are fetched per batch ("more results" for the next)
  const HITS_SHOWN = 3;      // paragraphs shown per page before "N more on this page"
  const BEFORE = 12;         // index words (a Chinese character is one) shown before the first hit
  const EXCERPT = 72;        // index words per excerpt
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
        await module.options({noWorker: true});
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

  function convert(text) {
    let out = "";
    for (const ch of text) out += CHARS[ch] || ch;
    return out;
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

  /* The index's words for a run of tokens: each Chinese character with the next (the last one's
     partner is the character after the query, whatever it is: the previous bigram covers it), a
     lone character as itself, and every other run as it is: 价格战 → 价格 格战, o1模型 → o1 模型. */
  function indexWords(tokens) {
    const words = [];
    let run = [];
    const flush = function () {
      if (run.length === 1) words.push(run[0]);
      for (let i = 0; i + 1 < run.length; i++) words.push(run[i] + run[i + 1]);
      run = [];
    };
    for (const token of tokens) {
      if (IS_HAN.test(token)) run.push(token);
      else { flush(); words.push(token); }
    }
    flush();
    return words;
  }

  /* Parts of a query: what stands between spaces and punctuation, each as the index's words:
     价格战 Scaling → [[价格,格战],[scaling]]. */
  function parse(query) {
    const parts = [];
    for (const run of query.split(/[^\p{L}\p{N}]+/u)) {
      const tokens = run.match(TOKEN);
      if (tokens) parts.push(indexWords(tokens).map(normal).filter(Boolean));
    }
    return parts.filter(function (p) { return p.length; });
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
      current = {parts: parts, results: results, shown: 0, speaker: chosen.speaker || ""};
      status.textContent = CONFIG.count.replace("{n}", results.length);
      // The best page shows as soon as its fragment is in, then the rest of the first batch.
      await more(PAGES_FIRST, results.length > PAGES_FIRST);
      if (current && current.results === results && current.shown < results.length) {
        await more(PAGES_AT_ONCE - current.shown);
      }
      if (current && current.results === results) remember(query);
    } catch (error) {
      if (mine !== generation) return;
      searched = null;
      show("error", CONFIG.failed);
      console.warn("Yanlu search:", error);
    }
  }

  /* The pages that hold every part of the query, each part's words side by side, by Pagefind's score. */
  async function pages(parts, filters) {
    const pf = await load();
    const options = {};
    const tokens = Object.keys(filters).map(function (name) { return filterToken(name, filters[name]); });
    const terms = parts.map(function (p) { return p.join(" "); }).concat(tokens).join(" ");
    const phrases = parts.filter(function (p) { return p.length > 1; })
      .map(function (p) { return '"' + p.join(" ") + '"'; });
    // The same words load the same index chunks: the phrase searches cost no extra bytes.
    const answers = await Promise.all([terms].concat(phrases).map(function (q) { return pf.search(q, options); }));
    const together = answers.slice(1).map(function (a) { return new Set(a.results.map(function (r) { return r.id; })); });
    return answers[0].results.filter(function (r) {
      return together.every(function (ids) { return ids.has(r.id); });
    });
  }

  /* The next ``count`` pages of results; ``partial``: more of this batch follow at once. */
  async function more(count, partial) {
    const run = current;
    const batch = run.results.slice(run.shown, run.shown + (count || PAGES_AT_ONCE));
    run.shown += batch.length;
    const pages = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (run !== current) return;
    for (const page of pages) {
      const entry = item(page, run);
      if (entry) list.append(entry);
    }
    if (partial) return;
    moreButton.hidden = run.shown >= run.results.length;
    output.dataset.state = "done";
  }

  // ---------------------------------------------------------------- one page of results

  /* Where the parts of the query stand in a page's words: [{at, length, part}], by position. Only
     where Pagefind found a word of the query (its locations) can a part start. A part ending in a
     bigram marks one word more: the next word shows the bigram's second character. */
  function find(words, parts, locations) {
    const hits = [];
    const starts = locations && locations.length ? Array.from(new Set(locations)) : words.map(function (_, i) { return i; });
    parts.forEach(function (tokens, part) {
      const extra = BIGRAM.test(tokens[tokens.length - 1]) ? 1 : 0;
      for (const i of starts) {
        let k = 0;
        while (k < tokens.length && i + k < words.length && normal(words[i + k]).startsWith(tokens[k])) k++;
        if (k === tokens.length) hits.push({at: i, length: Math.min(k + extra, words.length - i), part: part});
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

  /* A page's text as Pagefind gives it (``content``: the words as written, never parsed as HTML, so a
     transcript's "<b>" and "&lt;b&gt;" show as written; ``raw_content`` escapes < and > but not &,
     which cannot be read back). SPACE ends a word the writer put a space after, next to Chinese text
     (generator/search.py bigram_text). */
  const SPACE = "\u2423";
  /* A mark (⌧, a word of its own) stands where a garbled run is (generator/search.py): no word to show in an
     excerpt; the run itself, for a copy quote, is in the id of the anchor around the mark (GARBLED_ANCHOR and the
     text, percent-encoded). A source's citation facts are in the id of an anchor after its heading (CITE_ANCHOR
     and the JSON). */
  const CITE_ANCHOR = "ylc-", GARBLED_ANCHOR = "ylg-";
  const isData = function (a) { return a.id.startsWith(CITE_ANCHOR) || a.id.startsWith(GARBLED_ANCHOR); };
  /* Whether the page's ``i``-th word stands for a garbled run (a writer's own ⌧ is a word as written). */
  function isRun(runs, i) { return Object.prototype.hasOwnProperty.call(runs || {}, i); }
  function anchorData(a, prefix) {
    try { return decodeURIComponent(a.id.slice(prefix.length)); } catch (e) { return ""; }
  }

  /* An index word as the page wrote it: a bigram is its first character (the next word holds the second). */
  function shown(word) {
    return word.replace(BIGRAM, "$1").replace(SPACE, " ");
  }

  /* Whether shown words ``last`` then ``next`` had a space between them: the writer's, or one Pagefind
     split at (never next to Chinese text or its punctuation). */
  function spaced(last, next) {
    return last.endsWith(" ") || (!CLOSE.test(last[last.length - 1]) && !CLOSE.test(next[0]));
  }

  /* A heading's text in the index's words (Pagefind's anchors), as the page wrote it. */
  function readable(text) {
    const words = String(text || "").split(/\s+/);
    return wordsOf(words, {text: 0, end: words.length}, null);
  }

  /* A page's words and the places (paragraphs, headings) where the query stands, best first;
     with a speaker chosen, that speaker's paragraphs only. */
  function regionsOf(page, run) {
    const meta = page.meta || {};
    const words = String(page.content || "").trimStart().split(/\s+/);  // Pagefind's words, as its locations count them
    const anchors = page.anchors.filter(function (a) { return a.id; })
      .sort(function (a, b) { return a.location - b.location; });
    // Paragraphs (div#q-…) and headings (any other id but a speaker's: generator/search.py writes
    // headings as plain blocks for Pagefind).
    const places = anchors.filter(function (a) { return !a.id.startsWith("by-") && !isData(a); });
    // The data anchors: each source's facts from where its heading stands, and each garbled run where it stands.
    const cites = [], runs = {};
    for (const a of anchors) {
      if (a.id.startsWith(CITE_ANCHOR)) {
        let facts = null;
        try { facts = JSON.parse(anchorData(a, CITE_ANCHOR)); } catch (e) { facts = null; }
        if (facts) cites.push({location: a.location, facts: facts});
      } else if (a.id.startsWith(GARBLED_ANCHOR)) {
        runs[a.location] = anchorData(a, GARBLED_ANCHOR);
      }
    }
    // The filter words stand last, in div#yl-filters: the end of the page's last paragraph, never a place.
    const isHeading = function (a) { return !!a && !a.id.startsWith("q-") && a.id !== "yl-filters"; };
    const speakers = anchors.filter(function (a) { return a.id.startsWith("by-"); });
    let who = [];
    try { who = JSON.parse(meta.who || "[]"); } catch (e) { who = []; }
    let hits = find(words, run.parts, page.locations);
    if (!hits.length) hits = page.locations.map(function (at) { return {at: at, length: 1, part: 0}; });
    const marked = new Set();
    hits.forEach(function (h) { for (let i = 0; i < h.length; i++) marked.add(h.at + i); });

    // Group the hits by the paragraph (div#q-…) or heading they fall in, the last such element before them.
    const regions = [];
    let a = -1, region = null;
    for (const hit of hits) {
      while (a + 1 < places.length && places[a + 1].location <= hit.at) a++;
      if (!region || region.index !== a) {
        let heading = "";
        for (let h = a; h >= 0 && !heading; h--) if (isHeading(places[h])) heading = places[h].text;
        const start = a >= 0 ? places[a].location : 0;
        const end = a + 1 < places.length ? places[a + 1].location : words.length;
        const by = places[a] && places[a].id.startsWith("q-") ? speakers.find(function (s) {
          return s.location >= start && s.location < end;
        }) : null;
        // The paragraph's text starts after its speaker's name, which the result shows on its own.
        const text = by ? Math.max(start, by.location + String(by.text || "").trim().split(/\s+/).filter(Boolean).length) : start;
        region = {index: a, anchor: places[a], heading: heading, hits: [], parts: new Set(), start: start, end: end,
                  text: text, speaker: by ? who[Number(by.id.split("-")[1])] || "" : "",
                  name: by ? readable(by.text) : "", source: sourceOf(cites, start)};
        regions.push(region);
      }
      region.hits.push(hit);
      region.parts.add(hit.part);
    }
    // A speaker chosen: that speaker's paragraphs only.
    const said = regions.filter(function (r) { return !(r.anchor && r.anchor.id === "yl-filters"); });
    const kept = run.speaker ? said.filter(function (r) { return r.speaker === run.speaker; }) : said;
    // The most of the query's parts first, then the most hits, then page order.
    kept.sort(function (x, y) {
      return y.parts.size - x.parts.size || y.hits.length - x.hits.length || x.start - y.start;
    });
    return {words: words, marked: marked, regions: kept, isHeading: isHeading, runs: runs};
  }

  /* The citation facts of the source a place of the page (at word ``start``) belongs to: the facts of the last
     source anchor before it (generator/search.py _cite_anchors), or null. */
  function sourceOf(cites, start) {
    let facts = null;
    for (const c of cites) if (c.location <= start) facts = c.facts;
    return facts;
  }

  /* Index words back into text: a paragraph's whole text, from the page's words between its speaker's name and
     the next place (``region``: text … end), its garbled runs (``runs``: the page's, by the word they stand at, or
     null) where they stand, as the page shows them. */
  function wordsOf(words, region, runs) {
    let out = "", last = "", force = null;  // force: the space (or none) after a garbled run, as the page had it
    for (let i = region.text; i < region.end; i++) {
      const word = words[i] || "";
      let text, before = null, after = null;
      if (isRun(runs, i)) {
        const run = runs[i];
        text = run.trim();
        before = /^\s/.test(run);
        after = /\s$/.test(run);
      } else {
        text = shown(word);
      }
      if (!text) continue;
      if (out && (force !== null ? force : before !== null ? before : spaced(last, text))) out += " ";
      out += text.trimEnd();
      last = text;
      force = after;
    }
    return out;
  }

  /* Under a paragraph's result, the tools it has on its event page (yanlu.js: window.YanluCite): its permalink,
     copy link (the short link), copy quote and cite, with the same words and citations. */
  function tools(li, url, region, words, runs) {
    const cite = window.YanluCite, L = cite ? cite.labels() : {};
    const id = region.anchor && region.anchor.id;
    if (!cite || !L.copy_link || !id || !id.startsWith("q-")) return;
    cite.register(li, {id: id, who: region.name, words: wordsOf(words, region, runs), source: region.source || {}});
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
    const found = regionsOf(page, run), words = found.words, marked = found.marked, kept = found.regions;
    const isHeading = found.isHeading;
    if (!kept.length) return null;

    const entry = el("li", "yl-search__item");
    const title = el("a", "yl-search__page", meta.title || page.url);
    title.href = page.url;
    entry.append(title);
    const hitList = el("ol", "yl-search__hits");
    const hitItem = function (r) {
      const link = el("a", "yl-search__hit");
      link.href = r.anchor ? page.url.split("#")[0] + "#" + encodeURIComponent(r.anchor.id) : page.url;
      const text = excerpt(words, r, marked, found.runs);
      // Where the paragraph stands (the heading above it), unless the excerpt starts with that heading.
      if (r.heading && !(isHeading(r.anchor) && text.dataset.start === String(r.start))) {
        link.append(el("span", "yl-search__where", readable(r.heading)));
      }
      if (r.speaker) link.append(el("span", "yl-search__who", r.speaker));
      link.append(text);
      const li = el("li");
      li.append(link);
      tools(li, link.href, r, words, found.runs);
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
    const title = el("a", "yl-search__page", meta.title || page.url);
    title.href = page.url;
    const kind = el("span", "yl-search__kind", meta.kind === "speaker" ? CONFIG.speaker : CONFIG.topic);
    title.prepend(kind);
    entry.append(title);
    if (meta.description) entry.append(el("span", "yl-search__excerpt", meta.description));
    return entry;
  }

  /* The words around a region's first hit, the hits marked, as text nodes and <mark>s. */
  function excerpt(words, region, marked, runs) {
    const first = region.hits[0].at;
    const from = first >= region.text ? region.text : region.start;  // the name only when the hit is in it
    let start = Math.max(from, first - BEFORE);
    const end = Math.min(region.end, start + EXCERPT);
    start = Math.max(from, Math.min(start, end - EXCERPT));
    const pieces = [];  // [text, marked], spaces only where the writer's text had room for one
    let last = "", previous = -1;
    for (let i = start; i < end; i++) {
      const word = isRun(runs, i) ? "" : shown(words[i] || "");  // a garbled run is no words to show
      if (!word) continue;
      if (last && spaced(last, word)) pieces.push([" ", marked.has(i) && marked.has(previous)]);
      pieces.push([word.trimEnd(), marked.has(i)]);
      last = word;
      previous = i;
    }
    const span = el("span", "yl-search__excerpt");
    span.dataset.start = String(start);
    if (start > from) span.append("…");
    for (let k = 0; k < pieces.length;) {
      let text = "";
      const on = pieces[k][1];
      while (k < pieces.length && pieces[k][1] === on) text += pieces[k++][0];
      span.append(on ? el("mark", "", text) : text);
    }
    if (end < region.end) span.append("…");
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
    // pagefind/yanlu-filters.json (generator/publish.py): each filter's values, in the order to offer them.
    filtersLoaded = fetch(new URL("yanlu-filters.json", new URL(CONFIG.pagefind, location.href)).href).then(function (r) {
      if (!r.ok) throw new Error("yanlu-filters.json: " + r.status);
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
      const data = await Promise.all(results.map(function (r) { return r.data(); }));
      const hits = [];
      for (const page of data) {
        const meta = page.meta || {};
        if (meta.kind === "speaker" || meta.kind === "topic") { hits.push({url: page.url, id: "", speaker: ""}); continue; }
        const found = regionsOf(page, run);
        for (const r of found.regions) {
          hits.push({url: page.url, id: r.anchor ? r.anchor.id : "", speaker: r.speaker, name: r.name,
                     words: wordsOf(found.words, r, found.runs), source: r.source});
        }
      }
      return {query: converted, hits: hits};
    },
  };
})();
