/* kb plugin: the site search, on Pagefind's index (site/pagefind/, built after the site).

   Only on a site built with the kb plugin's `search: pagefind` (the default): a site that keeps
   Material's search has its `.md-search` form, and this script leaves it alone. Pagefind fetches
   only the index chunks and result fragments a query needs, from the site itself (no CDN).

   Shards: a large site's index is split into shards (pagefind/kb-shards.json names the folders
   of all but the first, which is pagefind/ itself); they are merged into one search, whose
   results Pagefind orders by score across them.

   Speed: Pagefind's own start (its script, its worker, WebAssembly and index metadata: about
   200 kB at 5,000 articles, cached afterwards) is fetched once the page is idle, or as soon as
   the reader heads for the search (pointer over or focus on the search button, "/" or "s"),
   so the first query waits only for its own chunks; with the browser's Save-Data on, only the
   reader's intent starts it.
   One search runs at a time: keys typed meanwhile fetch their chunks (preload) and the latest
   query is searched next, so a query that has been typed over is never searched. Results show
   as their fragments arrive (each once those above it are in), and the answer to a query the
   reader typed on from while it was searched still shows until the latest one's replaces it:
   the reader sees results one search sooner, and a later answer or an emptied box is never
   overwritten by an earlier one.

   Ranking: Pagefind's, with a title matching the query's words weighing twice its default, and
   a result whose title is the query itself (case, accents and punctuation aside) listed first.
   Each shard scores its pages by its own word counts, so such a page can rank below the first
   results when many titles share most of its words: once the reader stops typing, a query of
   three words or more that no shown result is titled is searched again as a phrase, and a page
   among those that is titled exactly so joins the list, first.

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
  /* a decision tree's page is long (questions, outcomes, cases): Pagefind's default length
     penalty (0.75) would rank a short article that names the case above it. The result labels
     (kind, visibility) are shown, never ranked on. */
  var RANKING = {pageLength: 0.3, metaWeights: {title: 10, kind: 0, visibility: 0}};
  var engine = null;
  var dialog, box, list, status, latest = 0;
  var searching = false, wanted = null;
  var shown = 0;  /* the ticket of the query whose answer the list shows */

  function element(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  /* Pagefind, once ready to search: its worker has the WebAssembly and the metadata of every
     shard (an empty preload returns as soon as they are in) */
  function load() {
    if (!engine) {
      var shards = fetch(new URL("pagefind/kb-shards.json", root).href)
        .then(function (response) { return response.ok ? response.json() : {}; })
        .then(mergedShards, function () { return []; });
      engine = Promise.all([import(new URL("pagefind/pagefind.js", root).href), shards])
        .then(function (loaded) {
          var pagefind = loaded[0], options = {baseUrl: root.pathname, ranking: RANKING};
          return pagefind.options(options)
            .then(function () {
              return Promise.all(loaded[1].map(function (path) {
                return pagefind.mergeIndex(path, options);
              }));
            })
            .then(function () { return pagefind.init(); })
            .then(function () { return pagefind.preload(""); })
            .then(function () { return pagefind; });
        });
    }
    return engine;
  }

  /* the addresses of the shards to merge, from kb-shards.json: folders inside pagefind/ named by
     digits, nothing else */
  function mergedShards(file) {
    var merge = file && Array.isArray(file.merge) ? file.merge : [];
    return merge.filter(function (folder) {
      return typeof folder === "string" && /^[0-9]{1,3}\/$/.test(folder);
    }).map(function (folder) { return new URL("pagefind/" + folder, root).href; });
  }

  /* start Pagefind when the page has nothing else to do (not on a metered connection) */
  function warmWhenIdle() {
    var connection = navigator.connection;
    if (connection && connection.saveData) return;
    var idle = window.requestIdleCallback || function (callback) {
      return setTimeout(callback, 200);
    };
    function start() { idle(load, {timeout: 2000}); }
    if (document.readyState === "complete") start();
    else window.addEventListener("load", start, {once: true});
  }

  /* a title as the reader would type it: case, accents and punctuation aside */
  function words(text) {
    return (text || "").normalize("NFKD").replace(/\p{M}/gu, "").toLowerCase()
      .replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }

  /* whether `page` (a result's data, or null) is titled `typed` (a query's `words`) */
  function titled(page, typed) {
    return Boolean(page) && words((page.meta || {}).title) === typed;
  }

  /* the results in Pagefind's order, except that a page titled exactly `query` comes first */
  function exactTitleFirst(pages, query) {
    var typed = words(query);
    var exact = pages.filter(function (page) { return titled(page, typed); });
    return exact.concat(pages.filter(function (page) { return exact.indexOf(page) < 0; }));
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
    latest++;
    wanted = query || null;
    if (!query) {
      shown = latest;
      list.replaceChildren();
      status.textContent = "";
      return;
    }
    if (searching) {  /* fetch its chunks meanwhile */
      load().then(function (pagefind) { if (wanted === query) pagefind.preload(query); });
    }
    next();
  }

  /* search the latest query, unless a search is running (it searches the latest when done).
     A search's results are shown as soon as they are in, even when the reader has typed on
     meanwhile (they answer what was typed a moment ago, and never replace the results of a
     later query); the next search waits until they are on screen, since Pagefind's worker would
     otherwise hold their fragments behind that search. */
  function next() {
    if (searching || wanted === null) return;
    searching = true;
    function done() {
      searching = false;
      next();
    }
    load().then(function (pagefind) {
      var query = wanted, ticket = latest;  /* the latest query once Pagefind is ready */
      wanted = null;
      if (query === null) return null;
      return pagefind.search(query).then(function (found) {
        return ticket > shown ? show(pagefind, found, query, ticket) : null;
      });
    }).then(done, done);
  }

  /* the first results of `found` (Pagefind's answer to `query`, typed as `ticket`), each shown
     as soon as its own fragment and those of the results above it are in, unless the list
     meanwhile shows a later query's answer (or nothing, the box emptied) */
  function show(pagefind, found, query, ticket) {
    var results = found.results.slice(0, SHOWN);
    var pages = results.map(function () { return undefined; });
    var items = [];  /* each result's list item, made once */
    var rendered = -1;  /* how many of the results, in Pagefind's order, the list has taken */
    var count = found.results.length === 0 ? "No results" :
      found.results.length + (found.results.length === 1 ? " result" : " results");
    function itemOf(page) {
      var at = pages.indexOf(page);
      return items[at] || (items[at] = item(page, at));
    }
    function render() {
      var arrived = pages.indexOf(undefined);
      if (arrived < 0) arrived = pages.length;
      if (ticket < shown || arrived === rendered) return;
      var ready = pages.slice(0, arrived).filter(Boolean);
      if (arrived < pages.length && ready.length === 0) return;
      if (ticket > shown) status.textContent = count;
      shown = ticket;
      rendered = arrived;
      list.replaceChildren.apply(list, exactTitleFirst(ready, query).slice(0, SHOWN).map(itemOf));
    }
    return Promise.all(results.map(function (result, at) {
      return result.data().then(function (page) { pages[at] = page; }, function () {
        pages[at] = null;  /* a fragment that failed to load: the other results still show */
      }).then(render);
    })).then(function () {
      render();
      return ticket === shown ? titledExactly(pagefind, query, pages) : null;
    }).then(function (page) {
      if (page && ticket === shown) {
        pages.push(page);
        render();
      }
      if (ticket === shown) dialog.setAttribute("data-answered", query);  /* all of it shown */
    });
  }

  /* the page titled exactly `query` when none of `pages` is and the reader has stopped typing,
     or null: among the pages that hold `query` as a phrase (a page's title is its first
     words, so those where the phrase opens the page are looked at first) */
  function titledExactly(pagefind, query, pages) {
    var typed = words(query);
    if (wanted !== null || query.indexOf('"') >= 0 || typed.split(" ").length < 3 ||
        pages.some(function (page) { return titled(page, typed); })) {
      return null;
    }
    return pagefind.search('"' + query + '"').then(function (found) {
      var opening = found.results.filter(function (result) { return result.words[0] === 0; });
      var others = found.results.filter(function (result) { return result.words[0] !== 0; });
      return Promise.all(opening.concat(others).slice(0, SHOWN).map(function (result) {
        return result.data().then(null, function () { return null; });
      }));
    }).then(function (phrased) {
      return phrased.filter(function (page) { return titled(page, typed); })[0] || null;
    }, function () { return null; });
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
    button.addEventListener("pointerenter", load);
    button.addEventListener("focus", load);
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
  warmWhenIdle();
}());
