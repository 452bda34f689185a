/* kb plugin: what the theme leaves to the page for assistive technology.
   - The search dialog gets a name ("Search").
   - A wide table's scroll container, when it does scroll, becomes reachable by keyboard
     (tabindex 0) and a named region, so that keyboard users can scroll it; re-checked when the
     window changes size, and left alone when it does not scroll. */
(function () {
  "use strict";

  var SCROLLERS = ".md-typeset__scrollwrap";

  function nameSearch() {
    var dialog = document.querySelector(".md-search[role='dialog']");
    if (dialog && !dialog.hasAttribute("aria-label")) dialog.setAttribute("aria-label", "Search");
  }

  function headingBefore(node) {
    var headings = document.querySelectorAll(".md-content h1, .md-content h2, .md-content h3");
    var found = "";
    Array.prototype.forEach.call(headings, function (h) {
      if (h.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_FOLLOWING) {
        found = h.textContent.replace(/\u00b6/g, "").trim();
      }
    });
    return found;
  }

  function markScrollers() {
    var count = 0;
    Array.prototype.forEach.call(document.querySelectorAll(SCROLLERS), function (box) {
      var scrolls = box.scrollWidth > box.clientWidth + 1 || box.scrollHeight > box.clientHeight + 1;
      if (!scrolls) {
        if (box.hasAttribute("data-kb-scroll-region")) {
          ["data-kb-scroll-region", "tabindex", "role", "aria-label"].forEach(function (name) {
            box.removeAttribute(name);
          });
        }
        return;
      }
      count += 1;
      var heading = headingBefore(box);
      box.setAttribute("data-kb-scroll-region", "");
      box.setAttribute("tabindex", "0");
      box.setAttribute("role", "region");
      box.setAttribute("aria-label", "Table " + count + (heading ? " under \u201c" + heading +
        "\u201d" : "") + ", scrolls sideways");
    });
    document.documentElement.setAttribute("data-kb-a11y", "ready");
  }

  function update() {
    nameSearch();
    markScrollers();
  }

  var pending = 0;
  function later() {
    if (pending) window.cancelAnimationFrame(pending);
    pending = window.requestAnimationFrame(function () { pending = 0; update(); });
  }

  // Material wraps tables in their scroll containers when it (re)renders a page: follow it
  if (typeof window.document$ !== "undefined" && window.document$.subscribe) {
    window.document$.subscribe(later);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", later);
  } else {
    later();
  }
  window.addEventListener("resize", later);
})();
