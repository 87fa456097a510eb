/* Yanlu quote permalinks: scroll to and highlight #q-… (the paragraph before it in view), follow aliases of
   corrected paragraphs (saying so beside the paragraph), say so when an id does not exist, copy short links,
   copy quotes and cite them; the 简/繁 toggle.
   Search is yanlu-search.js. */
(function () {
  "use strict";
  var CONFIG = window.YANLU || {};
  var ALIASES = CONFIG.aliases || {};
  var isQuote = function (id) { return /^q-[0-9a-f]+$/.test(id); };

  /* A notice at the top of the article, or beside the paragraph it is about (just above it). */
  function notice(text, beside) {
    var old = document.querySelector(".yl-notice");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "yl-notice";
    box.setAttribute("role", "status");
    box.textContent = text;
    if (beside) {
      beside.parentNode.insertBefore(box, beside);
      return;
    }
    var article = document.querySelector("article") || document.body;
    article.insertBefore(box, article.firstChild);
  }

  /* The paragraph before this one on the page (usually the question it answers), or null. */
  function previousParagraph(target) {
    var all = document.querySelectorAll(".yl-p");
    for (var i = 1; i < all.length; i++) if (all[i] === target) return all[i - 1];
    return null;
  }

  /* Scroll so that the paragraph before the target shows above it, the target itself well on screen. */
  function arrive(target) {
    var header = 4.5 * parseFloat(getComputedStyle(document.documentElement).fontSize || "16");
    var top = function (el) { return el.getBoundingClientRect().top + window.scrollY; };
    var prev = previousParagraph(target), at = top(target), y = at - header;
    var note = target.previousElementSibling;
    if (note && note.classList.contains("yl-notice")) y = top(note) - header;
    if (prev) y = Math.min(y, top(prev) - header);
    var room = window.innerHeight * 0.55;  // the target starts no lower than this, however long the one before
    if (at - y > room) y = at - room;
    window.scrollTo(0, Math.max(0, y));
  }

  /* The id the address points at; null when the hash is no valid percent-encoding (#q-%E0%A4%A). */
  function hashId() {
    try { return decodeURIComponent(location.hash.slice(1)); } catch (e) { return null; }
  }

  function show() {
    var id = hashId();
    document.querySelectorAll(".yl-target").forEach(function (el) { el.classList.remove("yl-target"); });
    if (id === null) {  // a broken link: say so, as for an id that does not exist
      notice(CONFIG.missing || "");
      return;
    }
    if (!isQuote(id)) return;
    var target = document.getElementById(id), moved = false;
    if (!target && ALIASES[id] && document.getElementById(ALIASES[id])) {
      history.replaceState(null, "", "#" + ALIASES[id]);
      target = document.getElementById(ALIASES[id]);
      moved = true;
    }
    if (!target) {
      notice(CONFIG.missing || "");
      return;
    }
    if (moved) notice(CONFIG.moved || "", target);
    else { var old = document.querySelector(".yl-notice"); if (old) old.remove(); }
    target.classList.add("yl-target");
    arrive(target);
    arrived = target;
  }
  var arrived = null;

  /* The short link of a paragraph: <site>/q/#q-…, one address for both scripts (generator/shortlinks.py). */
  function shortLink(id) {
    var m = /^(.*\/)zh-han[st]\//.exec(location.pathname);
    return new URL((m ? m[1] : "/") + "q/", location.href).href + "#" + id;
  }

  function toClipboard(text, button) {
    var done = function () {
      if (button.getAttribute("data-yl-label") === null) button.setAttribute("data-yl-label", button.textContent);
      button.textContent = button.getAttribute("data-yl-copied") || (CITE.labels || {}).copied || "";
      setTimeout(function () { button.textContent = button.getAttribute("data-yl-label"); }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () { prompt("", text); });
    } else {
      prompt("", text);
    }
  }

  function copy(button) { toClipboard(shortLink(button.getAttribute("data-yl-copy")), button); }

  // ---------------------------------------------------------------- copy quote, cite (GB/T 7714-2015, APA 7, CSL-JSON, BibTeX)

  var CITE = CONFIG.cite || {};
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
                "November", "December"];

  /* A paragraph's own citation facts, registered by a script that draws paragraphs of its own
     (yanlu-search.js: a search result, whose source facts come with its Pagefind fragment). */
  var REGISTERED = typeof WeakMap === "function" ? new WeakMap() : null;
  var HOLDERS = ".yl-p, .yl-quote, .yl-cited";

  /* Everything a citation says, from plain facts: {id, who, words, source: {event, date, place, title, publisher,
     lang, event_id}}; the short link and the reader's today added. */
  function complete(plain) {
    var source = plain.source || {};
    var now = new Date(), pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return {
      holder: plain.holder || null, id: plain.id, who: String(plain.who || "").trim(), words: String(plain.words || "").trim(),
      url: shortLink(plain.id),
      event: source.event || "", date: source.date || "", place: source.place || "", title: source.title || "",
      publisher: source.publisher || "", lang: source.lang || "", eventId: source.event_id || "",
      accessed: now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate())
    };
  }

  /* Everything a citation of the paragraph around an element says, in the page's script. */
  function facts(el) {
    var holder = el.closest(HOLDERS);
    var own = REGISTERED && REGISTERED.get(holder);
    if (own) return complete({holder: holder, id: own.id, who: own.who, words: own.words, source: own.source});
    var id = holder.id || holder.getAttribute("data-yl-q");
    var who = holder.getAttribute("data-yl-who");
    if (who === null) { var name = holder.querySelector(".yl-who"); who = name ? name.textContent : ""; }
    var text = holder.querySelector(".yl-text");
    return complete({holder: holder, id: id, who: who, words: text ? text.innerText : "",
                     source: (CITE.sources || {})[holder.getAttribute("data-yl-src")]});
  }

  function dateParts(date) {
    return String(date || "").split("-").filter(function (n) { return /^\d+$/.test(n); }).map(function (n) { return parseInt(n, 10); });
  }

  function quoteText(f) {
    var L = CITE.labels || {};
    var by = [f.who, f.event, f.date].filter(Boolean).join(L.quote_sep || ", ");
    return (L.quote_open || "") + f.words + (L.quote_close || "") + "\n" + (L.quote_dash || "") + by + "\n" + f.url;
  }

  /* GB/T 7714-2015, an electronic resource within another ([EB/OL]//): speaker. event[EB/OL]//publisher. source
     title. (event date)[date cited]. address. */
  function gbt(f) {
    return (f.who ? f.who + ". " : "") + f.event + "[EB/OL]//" + (f.publisher ? f.publisher + ". " : "") + f.title
      + ". " + (f.date ? "(" + f.date + ")" : "") + "[" + f.accessed + "]. " + f.url + ".";
  }

  function apaDate(date) {
    var p = dateParts(date);
    if (!p.length) return "n.d.";
    return p[0] + (p[1] ? ", " + MONTHS[p[1] - 1] + (p[2] ? " " + p[2] : "") : "");
  }

  function apaDay(date) {
    var p = dateParts(date);
    return MONTHS[p[1] - 1] + " " + p[2] + ", " + p[0];
  }

  /* APA 7: speaker. (date). event [Remarks]. In source title. publisher. Retrieved date, from address */
  function apa(f) {
    var when = "(" + apaDate(f.date) + "). ";
    return (f.who ? f.who + ". " + when : "") + f.event + " [Remarks]. " + (f.who ? "" : when) + "In " + f.title + ". "
      + (f.publisher ? f.publisher + ". " : "") + "Retrieved " + apaDay(f.accessed) + ", from " + f.url;
  }

  function shortTitle(words) { return words.length > 40 ? words.slice(0, 40) + "…" : words; }

  /* One paragraph as CSL-JSON (the same record generator/citations.py writes per event), with the date cited. */
  function csl(f) {
    var item = { id: f.id, type: "speech", title: shortTitle(f.words), abstract: f.words, event: f.event,
                 "container-title": f.title,
                 accessed: { "date-parts": [dateParts(f.accessed)] }, URL: f.url, language: f.lang,
                 source: "言录 Yanlu" };
    if (f.who) item.author = [{ literal: f.who }];
    if (dateParts(f.date).length) item.issued = { "date-parts": [dateParts(f.date)] };
    if (f.place) item["event-place"] = f.place;
    if (f.publisher) item.publisher = f.publisher;
    return [item];
  }

  function bibtex(f) {
    var esc = function (t) { return String(t).replace(/[\\{}]/g, function (c) { return "\\" + c; }); };
    var fields = [["title", shortTitle(f.words)], ["author", f.who ? "{" + esc(f.who) + "}" : ""],
                  ["howpublished", f.event + ". " + f.title + (f.publisher ? ". " + f.publisher : "")],
                  ["date", f.date], ["year", (f.date || "").slice(0, 4)], ["url", f.url], ["urldate", f.accessed],
                  ["note", f.words]];
    return "@misc{" + f.id + ",\n" + fields.filter(function (kv) { return kv[1]; }).map(function (kv) {
      return "  " + kv[0] + " = {" + (kv[0] === "author" || kv[0] === "url" ? kv[1] : esc(kv[1])) + "}";
    }).join(",\n") + "\n}\n";
  }

  function download(label, name, type, text) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(new Blob([text], { type: type }));
    a.download = name;
    a.textContent = label;
    a.className = "yl-cite-file";
    return a;
  }

  /* The cite panel under a paragraph: both styles (GB/T first for Chinese sources, APA first for others),
     each with a copy button, and this paragraph as CSL-JSON and BibTeX files. */
  function cite(button) { panel(facts(button), button); }

  function panel(f, button) {
    var L = CITE.labels || {};
    var open = f.holder.querySelector(".yl-cite-box");
    if (open) {
      open.remove();
      button.setAttribute("aria-expanded", "false");
      return;
    }
    var box = document.createElement("div");
    box.className = "yl-cite-box";
    box.id = (f.holder.getAttribute("data-yl-cite-prefix") || "yl-cite-") + f.id;
    var styles = [["gbt", L.cite_gbt, gbt(f)], ["apa", L.cite_apa, apa(f)]];
    if (!/^zh/.test(f.lang)) styles.reverse();
    styles.forEach(function (style) {
      var row = document.createElement("p");
      row.className = "yl-cite-row";
      var name = document.createElement("span");
      name.className = "yl-cite-style";
      name.textContent = style[1];
      var text = document.createElement("span");
      text.className = "yl-cite-text";
      text.setAttribute("data-yl-style", style[0]);
      text.textContent = style[2];
      var copyIt = document.createElement("button");
      copyIt.type = "button";
      copyIt.className = "yl-act";
      copyIt.setAttribute("data-yl-act", "copy-cite");
      copyIt.textContent = L.copy || "";
      row.appendChild(name); row.appendChild(document.createTextNode(" ")); row.appendChild(text);
      row.appendChild(document.createTextNode(" ")); row.appendChild(copyIt);
      box.appendChild(row);
    });
    var files = document.createElement("p");
    files.className = "yl-cite-row";
    files.appendChild(download(L.cite_csl, f.id + ".json", "application/vnd.citationstyles.csl+json",
                               JSON.stringify(csl(f), null, 2)));
    files.appendChild(document.createTextNode(" "));
    files.appendChild(download(L.cite_bibtex, f.id + ".bib", "application/x-bibtex", bibtex(f)));
    box.appendChild(files);
    f.holder.appendChild(box);
    button.setAttribute("aria-expanded", "true");
    button.setAttribute("aria-controls", box.id);
  }

  /* "Link to this passage": words selected inside one paragraph get a button that copies a text-fragment link
     (#q-…:~:text=…) to the paragraph on its event page, which opens with the passage marked. */
  function fragmentText(text) {
    var enc = function (t) { return encodeURIComponent(t).replace(/-/g, "%2D").replace(/,/g, "%2C"); };
    text = text.replace(/\s+/g, " ").trim();
    if (text.length <= 60) return enc(text);
    return enc(text.slice(0, 24)) + "," + enc(text.slice(-24));
  }

  var passage = null;
  function offerPassage() {
    var selection = window.getSelection(), text = selection ? String(selection).trim() : "";
    if (!text || !selection.rangeCount) return;
    var range = selection.getRangeAt(0), start = range.startContainer, end = range.endContainer;
    var within = function (node) { return (node.nodeType === 1 ? node : node.parentElement).closest(".yl-text"); };
    var para = within(start);
    if (!para || para !== within(end)) return;
    var holder = para.closest(".yl-p, .yl-quote");
    var id = holder.id || holder.getAttribute("data-yl-q");
    var context = holder.querySelector("a.yl-context");
    var link = (context ? context.href : location.href.split("#")[0] + "#" + id) + ":~:text=" + fragmentText(text);
    if (passage && passage.parentNode) passage.remove();
    passage = document.createElement("button");
    passage.type = "button";
    passage.className = "yl-act yl-passage";
    passage.setAttribute("data-yl-act", "passage");
    passage.setAttribute("data-yl-link", link);
    passage.textContent = (CITE.labels || {}).link_passage || "";
    var tools = holder.querySelector(".yl-tools:not(.yl-revisions)");  // not the row of its corrections
    if (tools) tools.appendChild(passage);
  }

  function act(button) {
    var what = button.getAttribute("data-yl-act");
    if (what === "quote") toClipboard(quoteText(facts(button)), button);
    else if (what === "cite") cite(button);
    else if (what === "passage") toClipboard(button.getAttribute("data-yl-link"), button);
    else if (what === "copy-cite") toClipboard(button.parentNode.querySelector(".yl-cite-text").textContent, button);
  }

  /* 简/繁 toggle: remember the choice, carry the anchor, or else the reading position. */
  function toggle(link) {
    try { localStorage.setItem("yanlu-script", link.getAttribute("data-yl-script")); } catch (e) {}
    link.setAttribute("href", link.getAttribute("href").split("#")[0] + location.hash);
    if (!isQuote(location.hash.slice(1))) {  // a paragraph's anchor places the other script's page by itself
      var height = document.documentElement.scrollHeight - window.innerHeight;
      try { sessionStorage.setItem("yanlu-scroll", String(height > 0 ? window.scrollY / height : 0)); } catch (e) {}
    }
  }

  function restoreScroll() {
    var ratio = null;
    try { ratio = sessionStorage.getItem("yanlu-scroll"); sessionStorage.removeItem("yanlu-scroll"); } catch (e) {}
    if (ratio !== null && !location.hash) {
      var height = document.documentElement.scrollHeight - window.innerHeight;
      window.scrollTo(0, parseFloat(ratio) * height);
    }
  }

  /* For scripts that draw paragraphs of their own (yanlu-search.js): the same buttons, texts and panel as a
     paragraph on its page. ``register(holder, {id, who, words, source})`` gives an element with class yl-cited
     (and its .yl-copy and .yl-act buttons, handled below) the facts of its paragraph. */
  window.YanluCite = {
    labels: function () { return CITE.labels || {}; },
    register: function (holder, plain) { if (REGISTERED) REGISTERED.set(holder, plain); },
    addButtons: addButtons
  };

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".yl-copy");
    if (button) copy(button);
    var action = event.target.closest && event.target.closest(".yl-act");
    if (action) act(action);
    var link = event.target.closest && event.target.closest(".yl-script-toggle");
    if (link) toggle(link);
  });
  window.addEventListener("hashchange", show);
  var selecting = null;
  document.addEventListener("selectionchange", function () { clearTimeout(selecting); selecting = setTimeout(offerPassage, 150); });
  /* After a paragraph's permalink: its copy-link, copy-quote and cite buttons (the page's HTML has none: they
     work only with JavaScript). */
  function addButtons(link, id) {
    var L = CITE.labels || {};
    if (!L.copy_link) return;
    var make = function (className, label, act) {
      var b = document.createElement("button");
      b.type = "button";
      b.className = className;
      b.textContent = label;
      if (act) b.setAttribute("data-yl-act", act);
      return b;
    };
    var copyLink = make("yl-copy", L.copy_link), quote = make("yl-act", L.copy_quote, "quote"), citing = make("yl-act", L.cite, "cite");
    copyLink.setAttribute("data-yl-copy", id);
    copyLink.setAttribute("data-yl-copied", L.copied || "");
    quote.setAttribute("data-yl-copied", L.copied || "");
    citing.setAttribute("aria-expanded", "false");
    var after = link;
    [copyLink, quote, citing].forEach(function (b) {
      after.parentNode.insertBefore(document.createTextNode(" "), after.nextSibling);
      after.parentNode.insertBefore(b, after.nextSibling.nextSibling);
      after = b;
    });
  }
  /* Each paragraph's and quote's buttons; printed, each #q-… link is followed by its full short link
     (yanlu.css, @media print). */
  function equipParagraphs() {
    document.querySelectorAll(".yl-tools .yl-link").forEach(function (link) {
      var holder = link.closest(".yl-p, .yl-quote");
      var id = holder && (holder.id || holder.getAttribute("data-yl-q"));
      if (!id) return;
      link.setAttribute("data-yl-print", shortLink(id));
      addButtons(link, id);
    });
  }
  function start() { equipParagraphs(); restoreScroll(); show(); }
  // The browser's own jump to the #q-… anchor may come after the page's script ran: arrive once more then.
  window.addEventListener("load", function () { if (arrived && arrived.id === hashId()) arrive(arrived); });
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
