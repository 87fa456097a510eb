/* Yanlu quote permalinks: scroll to and highlight #q-…, follow aliases of
   corrected paragraphs, say so when an id does not exist, copy links; the 简/繁 toggle.
   Search is yanlu-search.js. */
(function () {
  "use strict";
  var CONFIG = window.YANLU || {};
  var ALIASES = CONFIG.aliases || {};
  var isQuote = function (id) { return /^q-[0-9a-f]+$/.test(id); };

  function notice(text) {
    var old = document.querySelector(".yl-notice");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "yl-notice";
    box.setAttribute("role", "status");
    box.textContent = text;
    var article = document.querySelector("article") || document.body;
    article.insertBefore(box, article.firstChild);
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
    var target = document.getElementById(id);
    if (!target && ALIASES[id] && document.getElementById(ALIASES[id])) {
      history.replaceState(null, "", "#" + ALIASES[id]);
      notice(CONFIG.moved || "");
      return show();
    }
    if (!target) {
      notice(CONFIG.missing || "");
      return;
    }
    target.classList.add("yl-target");
    target.scrollIntoView({ block: "center" });
  }

  function copy(button) {
    var url = location.href.split("#")[0] + "#" + button.getAttribute("data-yl-copy");
    var done = function () {
      var label = button.textContent;
      button.textContent = button.getAttribute("data-yl-copied");
      setTimeout(function () { button.textContent = label; }, 1500);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(url).then(done, function () { prompt("", url); });
    } else {
      prompt("", url);
    }
  }

  /* 简/繁 toggle: remember the choice, carry the anchor, or else the reading position. */
  function toggle(link) {
    try { localStorage.setItem("yanlu-script", link.getAttribute("data-yl-script")); } catch (e) {}
    var base = link.getAttribute("href").split("#")[0];
    if (isQuote(location.hash.slice(1))) {
      link.setAttribute("href", base + location.hash);
    } else {
      var height = document.documentElement.scrollHeight - window.innerHeight;
      try { sessionStorage.setItem("yanlu-scroll", String(height > 0 ? window.scrollY / height : 0)); } catch (e) {}
      link.setAttribute("href", base + location.hash);
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

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".yl-copy");
    if (button) copy(button);
    var link = event.target.closest && event.target.closest(".yl-script-toggle");
    if (link) toggle(link);
  });
  window.addEventListener("hashchange", show);
  function start() { restoreScroll(); show(); }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
