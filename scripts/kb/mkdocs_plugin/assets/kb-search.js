/* kb plugin: the site search, on Pagefind's index (site/pagefind/, built after the site).

   Only on a site built with the kb plugin's `search: pagefind` (the default): a site that keeps
   Material's search has its `.md-search` form, and this script leaves it alone. Nothing is
   loaded until the reader opens the search; then Pagefind fetches only the index chunks and
   result fragments a query needs, from the site itself (no CDN).

   Keyboard: "/" or "s" (outside a text field) or the header button opens the dialog; typing
   searches; ArrowDown/ArrowUp (or Tab) move through the results; Enter opens the focused
   result, or the first one from the search box, at the section that matched; Escape closes.
   Each result names its kind (tree, article, macro) and is marked when restricted. */
(function () {
  "use strict";
  if (document.querySelector(".md-search")) return;
  var script = document.currentScript;
  var root = new URL("../../", script.src);
  var KINDS = {tree: "Tree", article: "Article", macro: "Macro"};
  var SHOWN = 10;
  var engine = null;
  var dialog, box, list, status, latest = 0;

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  function load() {
    if (!engine) {
      engine = import(new URL("pagefind/pagefind.js", root).href).then(function (pagefind) {
        /* a decision tree's page is long (questions, outcomes, cases): Pagefind's default
           length penalty (0.75) would rank a short article that names the case above it */
        return pagefind.options({baseUrl: root.pathname, ranking: {pageLength: 0.3}})
          .then(function () {
          return pagefind;
        });
      });
    }
    return engine;
  }

  /* Pagefind's excerpt is HTML with <mark>s; only its text and marks are kept */
  function excerpt(html) {
    var out = element("p", {"class": "kb-search__excerpt"});
    var parsed = new DOMParser().parseFromString(html, "text/html");
    parsed.body.childNodes.forEach(function (node) {
      if (node.nodeType === Node.TEXT_NODE) out.appendChild(document.createTextNode(node.textContent));
      else if (node.nodeName === "MARK") out.appendChild(element("mark", {}, node.textContent));
      else out.appendChild(document.createTextNode(node.textContent || ""));
    });
    return out;
  }

  /* the section that matched most of the query, when it has its own anchor */
  function bestSection(data) {
    var best = null;
    (data.sub_results || []).forEach(function (sub) {
      if (!sub.anchor || !sub.anchor.id) return;
      if (!best || sub.locations.length > best.locations.length) best = sub;
    });
    return best;
  }

  function item(data, index) {
    var meta = data.meta || {};
    var section = bestSection(data);
    var li = element("li", {"class": "kb-search__result"});
    var link = element("a", {"href": section ? section.url : data.url,
                             "class": "kb-search__link", "id": "kb-search-result-" + index});
    link.appendChild(element("span", {"class": "kb-search__title"}, meta.title || data.url));
    if (section && section.title && section.title !== meta.title) {
      link.appendChild(element("span", {"class": "kb-search__section"}, section.title));
    }
    var badges = element("span", {"class": "kb-search__badges"});
    var kind = KINDS[meta.kind] || "Page";
    badges.appendChild(element("span", {"class": "kb-search__kind kb-search__kind--" +
                                        (meta.kind || "page")}, kind));
    if (meta.visibility === "restricted") {
      badges.appendChild(element("span", {"class": "kb-search__restricted"}, "Restricted"));
    }
    link.appendChild(badges);
    link.appendChild(excerpt(section ? section.excerpt : data.excerpt));
    li.appendChild(link);
    return li;
  }

  function run() {
    var query = box.value.trim();
    var ticket = ++latest;
    if (!query) {
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    load().then(function (pagefind) {
      return pagefind.search(query);
    }).then(function (found) {
      if (ticket !== latest || !found) return null;
      return Promise.all(found.results.slice(0, SHOWN).map(function (r) { return r.data(); }))
        .then(function (pages) {
          if (ticket !== latest) return;
          list.replaceChildren.apply(list, pages.map(item));
          status.textContent = found.results.length === 0 ? "No results" :
            found.results.length + (found.results.length === 1 ? " result" : " results");
          dialog.setAttribute("data-answered", query);  /* the query the list now answers */
        });
    });
  }

  function links() { return Array.prototype.slice.call(list.querySelectorAll("a")); }

  function onKey(event) {
    var all = links();
    var at = all.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && all.length) {
      all[Math.min(at + 1, all.length - 1)].focus();
    } else if (event.key === "ArrowUp" && at >= 0) {
      (at === 0 ? box : all[at - 1]).focus();
    } else if (event.key === "Enter" && document.activeElement === box && all.length) {
      all[0].click();
    } else if (event.key === "Escape") {
      dialog.close();  /* at once: a search box would only clear its text on the first Escape */
    } else {
      return;
    }
    event.preventDefault();
  }

  function open() {
    load();
    if (!dialog.open) dialog.showModal();
    box.focus();
    box.select();
  }

  function build() {
    dialog = element("dialog", {"class": "kb-search", "aria-label": "Search the knowledge base"});
    var form = element("form", {"method": "dialog", "role": "search", "class": "kb-search__form"});
    var label = element("label", {"for": "kb-search-input", "class": "kb-search__label"}, "Search");
    box = element("input", {"type": "search", "id": "kb-search-input", "autocomplete": "off",
                            "spellcheck": "false", "class": "kb-search__input",
                            "placeholder": "Search articles, trees and replies",
                            "aria-describedby": "kb-search-status"});
    var close = element("button", {"type": "button", "class": "kb-search__close",
                                   "aria-label": "Close search"}, "\u00d7");
    status = element("p", {"id": "kb-search-status", "class": "kb-search__status",
                           "role": "status", "aria-live": "polite"});
    list = element("ul", {"class": "kb-search__results", "aria-label": "Search results"});
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    close.addEventListener("click", function () { dialog.close(); });
    box.addEventListener("input", run);
    dialog.addEventListener("keydown", onKey);
    dialog.addEventListener("click", function (event) {
      if (event.target === dialog) dialog.close();
    });
    form.append(label, box, close);
    dialog.append(form, status, list);
    document.body.appendChild(dialog);

    var button = element("button", {"type": "button", "class": "md-header__button md-icon kb-search__open",
                                    "aria-label": "Search", "aria-keyshortcuts": "/ s",
                                    "title": "Search (/)"});
    button.innerHTML = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 24 24" aria-hidden="true">' +
      '<path d="M9.5 3A6.5 6.5 0 0 1 16 9.5c0 1.61-.59 3.09-1.56 4.23l.27.27h.79l5 5-1.5 1.5-5-5v-.79' +
      'l-.27-.27A6.52 6.52 0 0 1 9.5 16 6.5 6.5 0 0 1 3 9.5 6.5 6.5 0 0 1 9.5 3m0 2C7 5 5 7 5 9.5' +
      'S7 14 9.5 14 14 12 14 9.5 12 5 9.5 5"/></svg>';
    button.addEventListener("click", open);
    var header = document.querySelector(".md-header__inner");
    var anchor = header && header.querySelector(".md-header__source");
    if (header) header.insertBefore(button, anchor);
    else document.body.insertBefore(button, document.body.firstChild);

    document.addEventListener("keydown", function (event) {
      var target = event.target;
      var typing = target && (target.isContentEditable ||
        /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
      if (typing || event.ctrlKey || event.metaKey || event.altKey || dialog.open) return;
      if (event.key === "/" || event.key === "s") {
        event.preventDefault();
        open();
      }
    });
  }

  build();
}());
