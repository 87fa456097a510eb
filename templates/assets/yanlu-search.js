/* Yanlu search: the header's box, answered by this script's Pagefind index (pagefind/ beside the
   pages, built by `python -m generator site`; `mkdocs serve` has none and the box says so).

   - Lazy: Pagefind (pagefind/pagefind.js, its WebAssembly and the index's metadata) is loaded on the
     first focus of the box; a query then fetches only the index chunks of its words and the page
     fragments of the results shown.
   - Character by character: publish.py writes every Chinese character into the index as a word of
     its own, so 价格战 is searched as the characters 价 格 战 — ranked by Pagefind's score — and kept
     only where they stand together (an exact-phrase search of the same characters). Whatever a
     word segmenter would cut, a query finds what the page says.
   - Both scripts: a query typed in the other script is converted with window.YANLU_CHARS (a map
     of the characters the corpus uses, generator/pipeline.py query_chars), not while an input
     method is still composing.
   - Paragraphs: the hits on a page are grouped by the element with an id they fall in (each
     paragraph's div#q-…, else the heading above them) and link there, with the words around the
     first hit. Transcript text only ever goes into the page as text, never as HTML. */
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
  const HAN_AT_END = new RegExp(`[${HAN}]$`, "u");
  const HAN_AT_START = new RegExp(`^[${HAN}]`, "u");
  const INDEX_SPACE = new RegExp(`([${HAN}])\\s+(?=[${HAN}])`, "gu");
  const PAGES_AT_ONCE = 10;  // pages whose fragments are fetched per batch ("more results" for the next)
  const HITS_SHOWN = 3;      // paragraphs shown per page before "N more on this page"
  const HITS_KEPT = 50;
  const BEFORE = 12;         // index words (a Chinese character is one) shown before the first hit
  const EXCERPT = 72;        // index words per excerpt
  const WAIT_MS = 120;       // typing pause before searching

  let pagefind = null;       // Promise of the Pagefind module, once loaded
  let timer = 0;
  let generation = 0;        // the latest search; older ones drop their answers
  let current = null;        // {parts, results, shown} of the latest search
  let searched = null;       // the query the list shows

  box.hidden = false;

  // ---------------------------------------------------------------- Pagefind, loaded on first use

  function load() {
    if (!pagefind) {
      pagefind = import(new URL(CONFIG.pagefind, location.href).href).then(async function (module) {
        await module.init();
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

  /* Parts of a query: what stands between spaces and punctuation. Each is a list of tokens, one per
     Chinese character and one per run of other letters and digits: 价格战 Scaling → [[价,格,战],[Scaling]]. */
  function parse(query) {
    const parts = [];
    for (const run of query.split(/[^\p{L}\p{N}]+/u)) {
      const tokens = run.match(TOKEN);
      if (tokens) parts.push(tokens);
    }
    return parts;
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

  function reset(query) {
    generation += 1;
    searched = query;
    current = null;
    output.dataset.query = query;
    list.textContent = "";
    moreButton.hidden = true;
  }

  async function search() {
    const query = input.value.trim();
    if (query === searched && output.dataset.state !== "error") {
      if (query) output.hidden = false;
      return;
    }
    reset(query);
    const mine = generation;
    if (!query) return close();
    if (!CONFIG.indexed) return show("unavailable", CONFIG.unavailable);
    const parts = parse(query);
    if (!parts.length) return show("none", CONFIG.none);
    show("loading", CONFIG.loading);
    try {
      const pf = await load();
      const terms = parts.map(function (p) { return p.join(" "); }).join(" ");
      const phrases = parts.filter(function (p) { return p.length > 1; })
        .map(function (p) { return '"' + p.join(" ") + '"'; });
      // The same characters load the same index chunks: the phrase searches cost no extra bytes.
      const answers = await Promise.all([terms].concat(phrases).map(function (q) { return pf.search(q); }));
      if (mine !== generation) return;
      const together = answers.slice(1).map(function (a) { return new Set(a.results.map(function (r) { return r.id; })); });
      const results = answers[0].results.filter(function (r) {
        return together.every(function (ids) { return ids.has(r.id); });
      });
      if (!results.length) return show("none", CONFIG.none);
      current = {parts: parts.map(function (p) { return p.map(normal); }), results: results, shown: 0};
      status.textContent = CONFIG.count.replace("{n}", results.length);
      await more();
    } catch (error) {
      if (mine !== generation) return;
      searched = null;
      show("error", CONFIG.failed);
      console.warn("Yanlu search:", error);
    }
  }

  async function more() {
    const run = current;
    const batch = run.results.slice(run.shown, run.shown + PAGES_AT_ONCE);
    run.shown += batch.length;
    const pages = await Promise.all(batch.map(function (r) { return r.data(); }));
    if (run !== current) return;
    for (const page of pages) list.append(item(page, run.parts));
    moreButton.hidden = run.shown >= run.results.length;
    output.dataset.state = "done";
  }

  // ---------------------------------------------------------------- one page of results

  /* Where the parts of the query stand in a page's words: [{at, length, part}], by position. */
  function find(words, parts) {
    const hits = [];
    parts.forEach(function (tokens, part) {
      for (let i = 0; i + tokens.length <= words.length; i++) {
        let k = 0;
        while (k < tokens.length && words[i + k] && words[i + k].startsWith(tokens[k])) k++;
        if (k === tokens.length) hits.push({at: i, length: k, part: part});
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

  /* Pagefind keeps a page's text with < > & " ' as HTML entities: the words as written, for a text
     node (never parsed as HTML), so a transcript's "<b>" shows as <b>, not as &lt;b&gt;. */
  const ENTITIES = {lt: "<", gt: ">", amp: "&", quot: '"', apos: "'", "#39": "'", "#x27": "'"};
  function unescaped(text) {
    return String(text || "").replace(/&(lt|gt|amp|quot|apos|#39|#x27);/g, function (_, name) { return ENTITIES[name]; });
  }

  /* A heading's or title's text without the spaces publish.py put between characters for the index. */
  function unspace(text) {
    return unescaped(text).replace(INDEX_SPACE, "$1").replace(/\s+/g, " ").trim();
  }

  function item(page, parts) {
    const words = page.raw_content.split("\u200b").map(unescaped);  // Pagefind's words, as the locations count them
    const anchors = page.anchors.filter(function (a) { return a.id; })
      .sort(function (a, b) { return a.location - b.location; });
    let hits = find(words.map(normal), parts);
    if (!hits.length) hits = page.locations.map(function (at) { return {at: at, length: 1, part: 0}; });
    const marked = new Set();
    hits.forEach(function (h) { for (let i = 0; i < h.length; i++) marked.add(h.at + i); });

    // Group the hits by the last element with an id before them: a paragraph (div#q-…) or a heading.
    const regions = [];
    let a = -1, region = null;
    for (const hit of hits) {
      while (a + 1 < anchors.length && anchors[a + 1].location <= hit.at) a++;
      if (!region || region.index !== a) {
        let heading = "";
        for (let h = a; h >= 0 && !heading; h--) if (/^h\d$/i.test(anchors[h].element)) heading = anchors[h].text;
        region = {index: a, anchor: anchors[a], heading: heading, hits: [], parts: new Set(),
                  start: a >= 0 ? anchors[a].location : 0,
                  end: a + 1 < anchors.length ? anchors[a + 1].location : words.length};
        regions.push(region);
      }
      region.hits.push(hit);
      region.parts.add(hit.part);
    }
    // The most of the query's parts first, then the most hits, then page order.
    regions.sort(function (x, y) {
      return y.parts.size - x.parts.size || y.hits.length - x.hits.length || x.start - y.start;
    });

    const entry = el("li", "yl-search__item");
    const title = el("a", "yl-search__page", unspace(page.meta && page.meta.title) || page.url);
    title.href = page.url;
    entry.append(title);
    const hitList = el("ol", "yl-search__hits");
    regions.slice(0, HITS_KEPT).forEach(function (r, n) {
      const link = el("a", "yl-search__hit");
      link.href = r.anchor ? page.url.split("#")[0] + "#" + encodeURIComponent(r.anchor.id) : page.url;
      const shown = excerpt(words, r, marked);
      // Where the paragraph stands (the heading above it), unless the excerpt starts with that heading.
      if (r.heading && !(r.anchor && /^h\d$/i.test(r.anchor.element) && shown.dataset.start === String(r.start))) {
        link.append(el("span", "yl-search__where", unspace(r.heading)));
      }
      link.append(shown);
      const li = el("li");
      li.hidden = n >= HITS_SHOWN;
      li.append(link);
      hitList.append(li);
    });
    entry.append(hitList);
    const hidden = Math.min(regions.length, HITS_KEPT) - HITS_SHOWN;
    if (hidden > 0) {
      const button = el("button", "yl-search__more-here", CONFIG.more_here.replace("{n}", hidden));
      button.type = "button";
      button.addEventListener("click", function () {
        hitList.querySelectorAll("li[hidden]").forEach(function (li) { li.hidden = false; });
        const next = hitList.children[HITS_SHOWN];
        button.remove();
        if (next) next.querySelector("a").focus();
      });
      entry.append(button);
    }
    return entry;
  }

  /* The words around a region's first hit, the hits marked, as text nodes and <mark>s. */
  function excerpt(words, region, marked) {
    const first = region.hits[0].at;
    let start = Math.max(region.start, first - BEFORE);
    const end = Math.min(region.end, start + EXCERPT);
    start = Math.max(region.start, Math.min(start, end - EXCERPT));
    const pieces = [];  // [text, marked]; spaces apart, as " "
    for (let i = start; i < end; i++) {
      const parts = /^(\s*)([\s\S]*?)(\s*)$/.exec(words[i]);
      if (parts[1]) pieces.push([" ", false]);
      if (parts[2]) pieces.push([parts[2].replace(/\s+/g, " "), marked.has(i)]);
      if (parts[3]) pieces.push([" ", false]);
    }
    const span = el("span", "yl-search__excerpt");
    span.dataset.start = String(start);
    if (start > region.start) span.append("…");
    let last = "";
    for (let k = 0; k < pieces.length; k++) {
      const text = pieces[k][0];
      if (text === " ") {
        let n = k + 1;
        while (n < pieces.length && pieces[n][0] === " ") n++;
        const after = n < pieces.length ? pieces[n][0] : "";
        // No space at the start, none twice, none between two Chinese characters (the index's own).
        if (!last || last.endsWith(" ") || !after || (HAN_AT_END.test(last) && HAN_AT_START.test(after))) continue;
      }
      span.append(pieces[k][1] ? el("mark", "", text) : text);
      last = text;
    }
    if (end < region.end) span.append("…");
    return span;
  }

  // ---------------------------------------------------------------- the reader

  function onInput(event) {
    if (event.isComposing) return;  // an input method is still composing: wait for compositionend
    convertBox();
    clearTimeout(timer);
    timer = setTimeout(search, WAIT_MS);
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
    if (input.value.trim() && searched === input.value.trim()) output.hidden = false;
  });
  box.querySelector("form").addEventListener("submit", function (event) {
    event.preventDefault();
    clearTimeout(timer);
    const first = list.querySelector("a.yl-search__hit");
    if (first && searched === input.value.trim()) first.click();
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
    const all = links();
    if (!all.length) return;
    event.preventDefault();
    const at = all.indexOf(document.activeElement);
    if (event.target === input) all[event.key === "ArrowDown" ? 0 : all.length - 1].focus();
    else if (event.key === "ArrowUp" && at <= 0) input.focus();
    else all[Math.min(all.length - 1, at + (event.key === "ArrowDown" ? 1 : -1))].focus();
  });
  moreButton.addEventListener("click", function () {
    if (current) more().catch(function (error) { show("error", CONFIG.failed); console.warn("Yanlu search:", error); });
  });
  output.addEventListener("click", function (event) {
    if (event.target.closest && event.target.closest("a")) close();
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
})();
