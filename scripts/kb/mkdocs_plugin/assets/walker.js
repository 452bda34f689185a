/* kb decision-tree walker: asks one question at a time on a tree page (trees/<id>/).
 *
 * Progressive enhancement: each <div class="kb-walker"> holds its tree as JSON in a
 * <script type="application/json" class="kb-walker-data"> (a one-element array, so that Material's
 * instant navigation, which re-runs inline scripts as JavaScript, runs it harmlessly); without
 * JavaScript the div only says to use the diagram and tables. The walk lives in the address (#walk=fact:value,...), so a reload
 * or a shared link restores it, and the browser's back button steps back through it.
 *
 * Branch semantics are exactly those of scripts/kb/walk.py (DESIGN.md): `when: <scalar>` is
 * equality where a boolean equals only a boolean (never 1 or 0); `when: [a, b]` is any of them;
 * `when: {lt|lte|gt|gte: n}` holds when every comparison holds, for numbers only; branches are
 * tried in order, the first that holds wins, else `default`, else the walk is stuck.
 *
 * Works on every page load, including Material's instant navigation (document$), and offline.
 */
(function () {
  "use strict";

  var HASH_KEY = "walk=";
  var COMPARISONS = {
    lt: function (v, n) { return v < n; },
    lte: function (v, n) { return v <= n; },
    gt: function (v, n) { return v > n; },
    gte: function (v, n) { return v >= n; }
  };

  // --- branch semantics: a port of scripts/kb/walk.py ------------------------------------------

  function isNumber(value) {
    return typeof value === "number" && isFinite(value);
  }

  function isMapping(value) {
    return value !== null && typeof value === "object" && !Array.isArray(value);
  }

  /* Equality without true == 1: booleans equal only booleans. */
  function scalarEquals(when, value) {
    if (typeof when === "boolean" || typeof value === "boolean") {
      return typeof when === "boolean" && typeof value === "boolean" && when === value;
    }
    if (isNumber(when) && isNumber(value)) return when === value;
    if (when === null || value === null) return when === value;
    return typeof when === typeof value && !isMapping(when) && !Array.isArray(when) &&
      when === value;
  }

  function branchHolds(when, value) {
    if (Array.isArray(when)) {
      return when.some(function (w) { return scalarEquals(w, value); });
    }
    if (isMapping(when)) {
      var ops = Object.keys(when);
      if (!ops.length || !isNumber(value)) return false;
      return ops.every(function (op) {
        var compare = Object.prototype.hasOwnProperty.call(COMPARISONS, op) ? COMPARISONS[op] : null;
        var bound = when[op];
        return compare !== null && isNumber(bound) && compare(value, bound);
      });
    }
    return scalarEquals(when, value);
  }

  /* [branch index, next node] for a value at a question node; [-1, default] or [-2, ""]. */
  function choose(node, value) {
    var branches = node.branches || [];
    for (var i = 0; i < branches.length; i++) {
      if (branchHolds(branches[i].when, value)) return [i, branches[i].next];
    }
    if (node.default) return [-1, node.default];
    return [-2, ""];
  }

  function has(mapping, key) {
    return Object.prototype.hasOwnProperty.call(mapping, key);
  }

  /* Walk `tree` with the known `facts` (a plain object) from its start: the same result as
   * kb.walk.walk: {steps: [{node, fact, value, branch, next}], outcome, stuck, missing, at}. */
  function walk(tree, facts, maxSteps) {
    var limit = maxSteps || 1000;
    var steps = [];
    var nodeId = tree.start;
    var seen = {};
    while (steps.length < limit) {
      var node = has(tree.nodes, nodeId) ? tree.nodes[nodeId] : null;
      if (node === null) {
        return {steps: steps, outcome: "", stuck: "node `" + nodeId + "` does not exist"};
      }
      if (node.outcome) return {steps: steps, outcome: nodeId, stuck: ""};
      if (seen[nodeId]) return {steps: steps, outcome: "", stuck: "cycle at node `" + nodeId + "`"};
      seen[nodeId] = true;
      if (!has(facts, node.ask)) {
        return {steps: steps, outcome: "", stuck: "", missing: node.ask, at: nodeId};
      }
      var value = facts[node.ask];
      var chosen = choose(node, value);
      if (chosen[0] === -2) {
        return {
          steps: steps, outcome: "", at: nodeId,
          stuck: "no branch of `" + nodeId + "` holds for " + node.ask + "=" +
            formatValue(value) + " and there is no default"
        };
      }
      steps.push({node: nodeId, fact: node.ask, value: value, branch: chosen[0], next: chosen[1]});
      nodeId = chosen[1];
    }
    return {steps: steps, outcome: "", stuck: "too many steps"};
  }

  function formatValue(value) {
    if (typeof value === "boolean") return value ? "true" : "false";
    return String(value);
  }

  // --- typed answers and the walk in the address -------------------------------------------------

  /* A typed value for `fact` from text, or null when the fact does not accept it. */
  function parseValue(fact, text) {
    var raw = String(text).trim();
    if (fact.type === "boolean") {
      if (raw === "true") return true;
      if (raw === "false") return false;
      return null;
    }
    if (fact.type === "choice") {
      return (fact.options || []).indexOf(raw) >= 0 ? raw : null;
    }
    if (fact.type === "number") {
      if (raw === "" || !/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(raw)) return null;
      var number = Number(raw);
      if (!isNumber(number)) return null;
      if (isNumber(fact.min) && number < fact.min) return null;
      if (isNumber(fact.max) && number > fact.max) return null;
      return number;
    }
    return null;
  }

  /* The answers in the address: [[fact, value], ...] in order, and the parts that were ignored. */
  function readHash(tree, hash) {
    var text = (hash || "").replace(/^#/, "");
    var answers = [];
    var ignored = [];
    if (text.indexOf(HASH_KEY) !== 0) return {answers: answers, ignored: ignored, present: false};
    var body = text.slice(HASH_KEY.length);
    body.split(",").forEach(function (part) {
      if (!part) return;
      var colon = part.indexOf(":");
      var factId, valueText;
      try {
        factId = decodeURIComponent(colon < 0 ? part : part.slice(0, colon));
        valueText = colon < 0 ? "" : decodeURIComponent(part.slice(colon + 1));
      } catch (e) {
        ignored.push(part);
        return;
      }
      var fact = has(tree.facts, factId) ? tree.facts[factId] : null;
      var value = fact ? parseValue(fact, valueText) : null;
      if (value === null || answers.some(function (a) { return a[0] === factId; })) {
        ignored.push(factId + (colon < 0 ? "" : ":" + valueText));
        return;
      }
      answers.push([factId, value]);
    });
    return {answers: answers, ignored: ignored, present: true};
  }

  function encodePart(text) {
    return encodeURIComponent(text).replace(/%2F/g, "/");
  }

  function walkHash(answers) {
    if (!answers.length) return "";
    return "#" + HASH_KEY + answers.map(function (a) {
      return encodePart(a[0]) + ":" + encodePart(formatValue(a[1]));
    }).join(",");
  }

  function factsOf(answers) {
    var facts = {};
    answers.forEach(function (a) { facts[a[0]] = a[1]; });
    return facts;
  }

  // --- how values and outcomes read -----------------------------------------------------------

  function answerText(fact, value) {
    if (fact && fact.type === "boolean") return value ? "Yes" : "No";
    if (fact && fact.labels && typeof value === "string" && has(fact.labels, value)) {
      return fact.labels[value];  // the option's label: what people read
    }
    if (fact && fact.type === "number" && fact.unit) return formatValue(value) + " " + fact.unit;
    return formatValue(value);
  }

  function slaText(hours) {
    return formatValue(hours) + (hours === 1 ? " hour" : " hours");
  }

  function absoluteUrl(href) {
    try {
      return new URL(href, window.location.href).href;
    } catch (e) {
      return href;
    }
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      var value = attrs[key];
      if (value === null || value === undefined || value === false) return;
      if (key === "text") node.textContent = value;
      else if (key === "className") node.className = value;
      else if (key.indexOf("on") === 0) node.addEventListener(key.slice(2), value);
      else node.setAttribute(key, value === true ? "" : String(value));
    });
    (children || []).forEach(function (child) {
      if (child === null || child === undefined) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
    return node;
  }

  // --- one walker --------------------------------------------------------------------------------

  /* The safety-policy notice for the signals the answers so far raise (a fact's `signals`,
     with branch semantics), naming each policy, its queue and its SLA; null when none. */
  function signalNotice(tree, steps) {
    var policies = tree.policies || {};
    var raised = [];
    steps.forEach(function (step) {
      var signals = (tree.facts[step.fact] || {}).signals || {};
      Object.keys(signals).forEach(function (id) {
        if (raised.indexOf(id) < 0 && has(policies, id) && branchHolds(signals[id], step.value)) {
          raised.push(id);
        }
      });
    });
    if (!raised.length) return null;
    return el("div", {className: "kb-walker-signal admonition danger", role: "alert",
      tabindex: "0", "data-signals": raised.join(" ")}, raised.map(function (id) {
      var policy = policies[id];
      var queue = (policy.queues || []).join(" or ") || "a specialist";
      var sla = isNumber(policy.max_sla_hours) ? " within " + slaText(policy.max_sla_hours) : "";
      return el("p", {}, [el("strong", {text: "Safety policy: " + policy.title + ". "}),
        "This answer raises the " + id + " signal: the case must reach " + queue + sla +
        "; the AI never closes it alone."]);
    }));
  }

  function Walker(root, tree) {
    this.root = root;
    this.tree = tree;
    this.answers = [];
    this.ignored = [];
    this.uid = "kb-walker-" + tree.id;
    this.app = el("div", {className: "kb-walker-app"});
    this.live = el("p", {className: "kb-walker-live", role: "status", "aria-live": "polite"});
    var fallback = root.querySelector(".kb-walker-fallback");
    if (fallback) fallback.remove();
    root.appendChild(this.app);
    root.appendChild(this.live);
    root.classList.add("kb-walker--ready");
  }

  /* Read the walk from the address and show it; `focus` moves focus to the new question. */
  Walker.prototype.sync = function (focus) {
    var hash = window.location.hash;
    var parsed = readHash(this.tree, hash);
    // an in-page anchor (a heading in the table of contents) leaves the walk as it is
    if (this.rendered && !parsed.present && hash && hash !== "#") return;
    this.answers = parsed.answers;
    this.ignored = parsed.ignored;
    this.render(focus);
  };

  /* Change the walk: record it in the address (a history entry) and show it. */
  Walker.prototype.go = function (answers, announce) {
    var result = walk(this.tree, factsOf(answers));
    // keep only the answers the walk used, in the order it used them
    var used = {};
    result.steps.forEach(function (s) { used[s.fact] = true; });
    this.answers = answers.filter(function (a) { return used[a[0]]; });
    this.ignored = [];
    var url = window.location.pathname + window.location.search + walkHash(this.answers);
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
      window.history.pushState({kbWalk: this.tree.id}, "", url);
    }
    this.render(true);
    if (announce) this.live.textContent = announce;
  };

  Walker.prototype.answer = function (factId, value) {
    var fact = this.tree.facts[factId];
    var kept = this.answers.filter(function (a) { return a[0] !== factId; });
    kept.push([factId, value]);
    this.go(kept, "Answered " + answerText(fact, value) + ".");
  };

  Walker.prototype.back = function () {
    var result = walk(this.tree, factsOf(this.answers));
    this.backTo(result.steps.length - 1);
  };

  /* Return to step `index` (0-based): its question is asked again, later answers are dropped. */
  Walker.prototype.backTo = function (index) {
    var result = walk(this.tree, factsOf(this.answers));
    if (index < 0 || index >= result.steps.length) return;
    var keep = {};
    result.steps.slice(0, index).forEach(function (s) { keep[s.fact] = true; });
    delete keep[result.steps[index].fact];
    var answers = this.answers.filter(function (a) { return keep[a[0]]; });
    this.go(answers, "Back to question " + (index + 1) + ".");
  };

  Walker.prototype.restart = function () {
    this.go([], "Started over.");
  };

  Walker.prototype.render = function (focus) {
    var self = this;
    var tree = this.tree;
    var result = walk(tree, factsOf(this.answers));
    this.rendered = true;
    this.result = result;
    this.app.textContent = "";

    if (this.ignored.length) {
      this.app.appendChild(el("p", {className: "kb-walker-notice"}, [
        "Ignored from the link (not an answer this tree accepts): " + this.ignored.join(", ") + "."
      ]));
    }

    this.app.appendChild(this.renderPath(result));
    var notice = signalNotice(tree, result.steps);
    if (notice) this.app.appendChild(notice);

    var focusTarget = null;
    if (result.outcome) {
      var outcome = this.renderOutcome(result);
      this.app.appendChild(outcome);
      focusTarget = outcome.querySelector("h3");
    } else if (result.missing) {
      var question = this.renderQuestion(result);
      this.app.appendChild(question);
      focusTarget = question.querySelector("h3");
    } else {
      var stuck = el("section", {className: "kb-walker-stuck", "aria-labelledby": this.uid + "-h"}, [
        el("h3", {id: this.uid + "-h", tabindex: "-1", text: "This walk cannot go on"}),
        el("p", {text: "The tree stops here: " + result.stuck + ". This is a mistake in the tree " +
          "(kb lint reports it); go back a step or tell the tree's owner."})
      ]);
      this.app.appendChild(stuck);
      focusTarget = stuck.querySelector("h3");
    }

    var steps = result.steps.length;
    this.app.appendChild(el("div", {className: "kb-walker-controls"}, [
      el("button", {type: "button", className: "md-button kb-walker-back",
        disabled: steps === 0, onclick: function () { self.back(); }}, ["Back"]),
      el("button", {type: "button", className: "md-button kb-walker-restart",
        disabled: steps === 0, onclick: function () { self.restart(); }}, ["Start over"])
    ]));

    this.highlight(result);
    if (focus && focusTarget) focusTarget.focus({preventScroll: !!result.outcome});
    if (focus && result.outcome) this.showOutcome();
  };

  /* Bring the outcome to the top of the window: its next step, reply and copy buttons show
     without scrolling (CSS keeps it clear of the sticky header). */
  Walker.prototype.showOutcome = function () {
    var outcome = this.app.querySelector(".kb-walker-outcome");
    if (outcome && outcome.scrollIntoView) outcome.scrollIntoView({block: "start"});
  };

  Walker.prototype.renderPath = function (result) {
    var self = this;
    var tree = this.tree;
    var nav = el("nav", {className: "kb-walker-path", "aria-label": "Path so far"});
    nav.appendChild(el("h3", {className: "kb-walker-path-title", text: "Path so far"}));
    if (!result.steps.length) {
      nav.appendChild(el("p", {className: "kb-walker-empty",
        text: "No questions answered yet. Start with the first question below."}));
      return nav;
    }
    var list = el("ol", {className: "kb-walker-steps"});
    result.steps.forEach(function (step, i) {
      var fact = tree.facts[step.fact] || {question: step.fact};
      var button = el("button", {
        type: "button", className: "kb-walker-step",
        "data-node": step.node, "data-fact": step.fact, "data-value": formatValue(step.value),
        title: "Change this answer",
        // the name holds the visible text, "change" included (speech input users say it)
        "aria-label": "Answer " + (i + 1) + ": " + fact.question + " " +
          answerText(fact, step.value) + " change",
        onclick: function () { self.backTo(i); }
      }, [
        el("span", {className: "kb-walker-step-question", text: fact.question}),
        " ",
        el("strong", {className: "kb-walker-step-answer", text: answerText(fact, step.value)}),
        " ",
        el("span", {className: "kb-walker-step-change", "aria-hidden": "true", text: "change"})
      ]);
      list.appendChild(el("li", {}, [button]));
    });
    nav.appendChild(list);
    return nav;
  };

  Walker.prototype.renderQuestion = function (result) {
    var self = this;
    var fact = this.tree.facts[result.missing] || {question: result.missing, type: ""};
    var number = result.steps.length + 1;
    var headingId = this.uid + "-q";
    var section = el("section", {className: "kb-walker-question", "aria-labelledby": headingId,
      "data-node": result.at, "data-fact": result.missing}, [
      el("h3", {id: headingId, tabindex: "-1"}, [
        el("span", {className: "kb-walker-number", text: "Question " + number + ": "}),
        fact.question
      ])
    ]);
    if (fact.type === "boolean" || fact.type === "choice") {
      var values = fact.type === "boolean" ? [true, false] : (fact.options || []);
      var group = el("div", {className: "kb-walker-choices", role: "group",
        "aria-labelledby": headingId});
      values.forEach(function (value) {
        group.appendChild(el("button", {
          type: "button", className: "md-button md-button--primary kb-walker-choice",
          "data-value": formatValue(value),
          onclick: function () { self.answer(result.missing, value); }
        }, [answerText(fact, value)]));
      });
      section.appendChild(group);
    } else if (fact.type === "number") {
      var inputId = this.uid + "-input";
      var errorId = this.uid + "-error";
      var hint = [];
      if (isNumber(fact.min)) hint.push("at least " + formatValue(fact.min));
      if (isNumber(fact.max)) hint.push("at most " + formatValue(fact.max));
      var input = el("input", {
        id: inputId, type: "number", inputmode: "decimal", step: "any", required: true,
        min: isNumber(fact.min) ? fact.min : null, max: isNumber(fact.max) ? fact.max : null,
        className: "kb-walker-number-input", "aria-describedby": errorId
      });
      var error = el("p", {id: errorId, className: "kb-walker-error", "aria-live": "assertive"});
      var form = el("form", {className: "kb-walker-number-form", novalidate: true,
        onsubmit: function (event) {
          event.preventDefault();
          var value = parseValue(fact, input.value);
          if (value === null) {
            error.textContent = "Enter a number" + (hint.length ? " " + hint.join(" and ") : "") +
              ".";
            input.setAttribute("aria-invalid", "true");
            input.focus();
            return;
          }
          self.answer(result.missing, value);
        }
      }, [
        el("label", {"for": inputId, text: "Answer" + (fact.unit ? " (" + fact.unit + ")" : "") +
          (hint.length ? ", " + hint.join(" and ") : "")}),
        " ",
        input,
        " ",
        el("button", {type: "submit", className: "md-button md-button--primary kb-walker-next"},
          ["Next"]),
        error
      ]);
      section.appendChild(form);
    } else {
      section.appendChild(el("p", {text: "This fact has an unknown type; the tree needs fixing."}));
    }
    return section;
  };

  /* The href of an outcome's article or macro: the outcomes table's link (written for this
   * site's URL style) when present, else the fallback in the walker's data. */
  Walker.prototype.linkHref = function (role, nodeId, ref) {
    var selector = "a[data-kb-" + role + '="' + (window.CSS && CSS.escape ? CSS.escape(nodeId) : nodeId) + '"]';
    var link = document.querySelector(selector);
    return link ? link.getAttribute("href") : ref.href;
  };

  Walker.prototype.renderOutcome = function (result) {
    var self = this;
    var nodeId = result.outcome;
    var outcome = this.tree.nodes[nodeId].outcome;
    var details = (this.tree.outcome_details || {})[nodeId] || {};
    var headingId = this.uid + "-outcome";
    var section = el("section", {
      className: "kb-walker-outcome kb-resolution-" + outcome.resolution + " kb-handler-" +
        outcome.handled_by,
      "aria-labelledby": headingId, "data-node": nodeId
    }, [
      el("h3", {id: headingId, tabindex: "-1"}, [
        el("span", {className: "kb-walker-number", text: "Outcome: "}),
        outcome.title
      ])
    ]);
    /* First what to do now, the date it turns on and the reply: above the fold on any screen. */
    if (details.next_action) {
      section.appendChild(el("p", {className: "kb-walker-next-action"}, [
        el("strong", {text: "Next: "}), details.next_action]));
    }
    var due = deadlineOf(outcome.deadline, factsOf(this.answers), this.today());
    if (due) {
      section.appendChild(el("p", {className: "kb-walker-deadline", "data-due": isoDate(due.due)},
        [el("strong", {text: deadlineText(due)})]));
    }
    var status = el("span", {className: "kb-walker-copy-status", role: "status",
      "aria-live": "polite"});
    var reply = details.reply ? filledReply(details.reply, due) : null;
    section.appendChild(el("p", {className: "kb-walker-copy"}, [
      reply ? el("button", {type: "button", className: "md-button md-button--primary kb-walker-copy-reply",
        onclick: function () { self.copyText(reply.text, status, "Reply"); }}, ["Copy reply"]) : null,
      reply ? " " : null,
      el("button", {type: "button", className: "md-button kb-walker-copy-button",
        onclick: function () { self.copyText(self.caseNote(), status, "Case note"); }},
        ["Copy case note"]),
      " ",
      status
    ]));
    if (reply) {
      section.appendChild(el("div", {className: "kb-walker-reply", tabindex: "0", role: "region",
        "aria-label": "Reply to send" + (details.macro ? ": " + details.macro.title : "")},
        reply.parts));
    }
    var facts = el("dl", {className: "kb-walker-facts"});
    function row(name, value, cls, raw) {
      facts.appendChild(el("dt", {text: name}));
      facts.appendChild(el("dd", {className: cls || null, "data-value": raw || null}, [value]));
    }
    row("Resolution", outcome.resolution, "kb-walker-resolution");
    row("Who handles it", HANDLERS[outcome.handled_by] || outcome.handled_by, "kb-walker-handler",
      outcome.handled_by);
    if (outcome.queue) row("Queue", outcome.queue, "kb-walker-queue");
    if (outcome.sla_hours !== undefined && outcome.sla_hours !== null) {
      row("SLA", slaText(outcome.sla_hours), "kb-walker-sla");
    }
    section.appendChild(facts);
    if (details.guidance_html) {
      var guidance = el("div", {className: "kb-walker-guidance"});
      guidance.innerHTML = details.guidance_html;  // rendered from the tree's Markdown at build
      section.appendChild(guidance);
    }
    var links = el("ul", {className: "kb-walker-links"});
    if (details.article) {
      links.appendChild(el("li", {}, ["Article: ", el("a", {
        className: "kb-walker-article", href: this.linkHref("article", nodeId, details.article)
      }, [refText(details.article)])]));
    }
    if (details.macro) {
      links.appendChild(el("li", {}, ["Reply macro: ", el("a", {
        className: "kb-walker-macro", href: this.linkHref("macro", nodeId, details.macro)
      }, [refText(details.macro)])]));
      /* The reply in each language it exists in, the tree's market's required one first. */
      if (details.macro_languages) {
        var langs = el("ul", {className: "kb-walker-macro-languages", "aria-label": "Reply languages"});
        details.macro_languages.forEach(function (lang) {
          langs.appendChild(el("li", {}, [el("a", {
            href: lang.href, hreflang: lang.locale, lang: lang.locale
          }, [lang.name]), lang.stale ? " (translation out of date)" : ""]));
        });
        links.lastChild.appendChild(langs);
      }
    }
    if (links.childNodes.length) section.appendChild(links);
    return section;
  };

  var HANDLERS = {ai: "No specialist needed: an AI agent may close it",
    specialist: "A specialist"};

  // --- deadlines: dates counted from day T, from the answers and today --------------------------

  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August",
    "September", "October", "November", "December"];
  var WEEKDAYS = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"];
  var DAY_MS = 86400000;

  /* A calendar day as a Date at UTC midnight: day arithmetic without time zones or DST. */
  function calendarDay(year, month, day) {
    return new Date(Date.UTC(year, month, day));
  }

  function parseDay(text) {
    var m = /^(\d{4})-(\d\d)-(\d\d)$/.exec(text || "");
    if (!m) return null;
    var day = calendarDay(+m[1], +m[2] - 1, +m[3]);
    return isoDate(day) === text ? day : null;
  }

  function isoDate(day) {
    return day.toISOString().slice(0, 10);
  }

  /* `Fri 4 Dec 2026` for the outcome; `4 December 2026` for the customer's reply. */
  function shortDate(day) {
    return WEEKDAYS[day.getUTCDay()] + " " + day.getUTCDate() + " " +
      MONTHS[day.getUTCMonth()].slice(0, 3) + " " + day.getUTCFullYear();
  }

  function longDate(day) {
    return day.getUTCDate() + " " + MONTHS[day.getUTCMonth()] + " " + day.getUTCFullYear();
  }

  /* Today as a calendar day: the page address's `?kb-today=YYYY-MM-DD` (to replay a case as of
     another day, and for tests), else this computer's date. */
  Walker.prototype.today = function () {
    var day = parseDay(new URLSearchParams(window.location.search).get("kb-today"));
    if (day) return day;
    var now = new Date();
    return calendarDay(now.getFullYear(), now.getMonth(), now.getDate());
  };

  /* The outcome's deadline for these answers: {label, days, start, due, today}, or null when
     the tree declares none or the walk does not know the facts it counts from. */
  function deadlineOf(deadline, facts, today) {
    if (!deadline || !has(facts, deadline.since) || !isNumber(facts[deadline.since])) return null;
    var days = deadline.by ? (deadline.days || {})[facts[deadline.by]] : deadline.days;
    if (!isNumber(days)) return null;
    var start = new Date(today.getTime() - Math.round(facts[deadline.since]) * DAY_MS);
    return {label: deadline.label, days: days, start: start, today: today,
      due: new Date(start.getTime() + Math.round(days) * DAY_MS), deadline: deadline};
  }

  function deadlineText(due) {
    var text = due.label + " on " + shortDate(due.due) + " (T+" + formatValue(due.days) + ")";
    var left = Math.round((due.due - due.today) / DAY_MS);
    if (left === 0) return text + ": today";
    if (left < 0) return text + ": passed " + (-left) + (left === -1 ? " day" : " days") + " ago";
    return text + ": in " + left + (left === 1 ? " day" : " days");
  }

  /* The reply with what the walk knows filled in: {text, parts}; `parts` are the nodes that
     show it, unfilled placeholders and filled values marked. */
  function filledReply(reply, due) {
    var known = {};
    if (due && due.deadline.fills) known[due.deadline.fills] = longDate(due.due);
    if (due && due.deadline.start_fills) known[due.deadline.start_fills] = longDate(due.start);
    var parts = [];
    var text = "";
    var pattern = /\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g;
    var last = 0;
    var source = reply.text || "";
    var match;
    while ((match = pattern.exec(source)) !== null) {
      var before = source.slice(last, match.index);
      parts.push(before);
      text += before;
      var name = match[1];
      if (has(known, name)) {
        parts.push(el("mark", {className: "kb-walker-filled", title: name, text: known[name]}));
        text += known[name];
      } else {
        parts.push(el("mark", {className: "kb-walker-placeholder", title: "Fill in: " + name,
          text: match[0]}));
        text += match[0];
      }
      last = pattern.lastIndex;
    }
    parts.push(source.slice(last));
    text += source.slice(last);
    return {text: text + "\n", parts: parts};
  }

  function refText(ref) {
    return ref.title + (ref.heading ? " \u203a " + ref.heading : "");
  }

  function pad2(n) {
    return (n < 10 ? "0" : "") + n;
  }

  /* Local date and time as `2026-12-05 17:40` for the note's first line. */
  function noteTime(now) {
    return now.getFullYear() + "-" + pad2(now.getMonth() + 1) + "-" + pad2(now.getDate()) +
      " " + pad2(now.getHours()) + ":" + pad2(now.getMinutes());
  }

  /* The outcome's lines of the note: outcome, queue and SLA, reply macro, article. */
  Walker.prototype.outcomeLines = function (nodeId) {
    var outcome = this.tree.nodes[nodeId].outcome;
    var details = (this.tree.outcome_details || {})[nodeId] || {};
    var lines = ["Outcome: " + outcome.title];
    var routing = [];
    if (outcome.queue) routing.push("Queue: " + outcome.queue);
    if (outcome.sla_hours !== undefined && outcome.sla_hours !== null) {
      routing.push("SLA: " + slaText(outcome.sla_hours));
    }
    if (routing.length) lines.push(routing.join("; "));
    var due = deadlineOf(outcome.deadline, factsOf(this.answers), this.today());
    if (due) {
      lines.push(due.label + ": " + isoDate(due.due) + " (T+" + formatValue(due.days) +
        ", T = " + isoDate(due.start) + ")");
    }
    if (details.macro) lines.push("Reply: " + details.macro.title);
    if (details.article) {
      lines.push("Article: " + refText(details.article) + " " +
        absoluteUrl(this.linkHref("article", nodeId, details.article)));
    }
    return lines;
  };

  /* The ticket-ready case note: when, which tree, the answers in words, then the outcome. */
  Walker.prototype.caseNote = function () {
    var tree = this.tree;
    var result = this.result || walk(tree, factsOf(this.answers));
    var lines = [noteTime(new Date()) + " \u00b7 " + tree.title];
    result.steps.forEach(function (step) {
      var fact = tree.facts[step.fact] || {question: step.fact};
      lines.push("- " + fact.question + " " + answerText(fact, step.value));
    });
    lines = lines.concat(result.outcome ? this.outcomeLines(result.outcome)
      : ["Outcome: not reached yet"]);
    lines.push("Walk: " + absoluteUrl(window.location.pathname + window.location.search +
      walkHash(this.answers)));
    return lines.join("\n") + "\n";
  };

  /* Put `text` on the clipboard; where the browser refuses, select it in a box to copy by hand. */
  Walker.prototype.copyText = function (text, status, what) {
    var done = function () { status.textContent = what + " copied to the clipboard."; };
    var fallback = function () {
      var area = el("textarea", {className: "kb-walker-note", readonly: true, rows: "8",
        "aria-label": what});
      area.value = text;
      status.parentNode.appendChild(area);
      area.focus();
      area.select();
      var copied = false;
      try { copied = document.execCommand("copy"); } catch (e) { copied = false; }
      status.textContent = copied ? what + " copied to the clipboard."
        : "Copying is blocked here: the text is selected below, copy it with Ctrl+C.";
      if (copied) area.remove();
    };
    if (navigator.clipboard && navigator.clipboard.writeText) {
      navigator.clipboard.writeText(text).then(done, fallback);
    } else {
      fallback();
    }
  };

  /* Mark the walked path in the page's diagram (classes only; the walker says it in words). */
  Walker.prototype.highlight = function (result) {
    var svg = document.querySelector('svg.kb-tree-svg[data-tree="' + this.tree.id + '"]');
    if (!svg) return;
    var visited = {};
    var taken = {};
    result.steps.forEach(function (s) {
      visited[s.node] = true;
      taken[s.node + "\u0000" + s.next] = true;
    });
    var current = result.outcome || result.at || "";
    var currentNode = null;
    Array.prototype.forEach.call(svg.querySelectorAll(".kb-node"), function (node) {
      var id = node.getAttribute("data-node");
      node.classList.toggle("kb-visited", !!visited[id]);
      node.classList.toggle("kb-current", id === current);
      if (id === current) currentNode = node;
    });
    if (currentNode) showInDiagram(svg, currentNode);
    Array.prototype.forEach.call(svg.querySelectorAll(".kb-edge, .kb-edge-label"),
      function (edge) {
        var key = edge.getAttribute("data-from") + "\u0000" + edge.getAttribute("data-to");
        edge.classList.toggle("kb-taken", !!taken[key]);
      });
    var box = svg.closest(".kb-tree-diagram");
    if (box && !box.kbPathChosen) showPath(box, result.steps.length > 0);
  };

  // --- the diagram: zoom, pan and the walked-path view ------------------------------------------

  var ZOOM_MIN = 0.05;
  var ZOOM_MAX = 3;
  var ZOOM_STEP = 1.25;

  /* Scroll the diagram's own box (never the page) so that `node` is in view. */
  function showInDiagram(svg, node) {
    var box = svg.closest(".kb-tree-diagram");
    if (!box || !node.getBoundingClientRect) return;
    var outer = box.getBoundingClientRect();
    var inner = node.getBoundingClientRect();
    if (inner.left < outer.left || inner.right > outer.right) {
      box.scrollLeft += (inner.left - outer.left) - (outer.width - inner.width) / 2;
    }
    if (inner.top < outer.top || inner.bottom > outer.bottom) {
      box.scrollTop += (inner.top - outer.top) - (outer.height - inner.height) / 2;
    }
  }

  /* The diagram at `scale` times its drawn size, keeping the point at (x, y) of the box (the
     box's centre by default) where it was. */
  function zoomTo(box, scale, x, y) {
    var svg = box.querySelector("svg.kb-tree-svg");
    var natural = parseFloat(svg.getAttribute("width")) || svg.viewBox.baseVal.width;
    var old = box.kbScale || 1;
    scale = Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, scale));
    if (x === undefined) x = box.clientWidth / 2;
    if (y === undefined) y = box.clientHeight / 2;
    var px = (box.scrollLeft + x) / old;
    var py = (box.scrollTop + y) / old;
    box.kbScale = scale;
    svg.style.width = (natural * scale) + "px";
    box.scrollLeft = px * scale - x;
    box.scrollTop = py * scale - y;
    var level = box.kbZoomLevel;
    if (level) level.textContent = Math.round(scale * 100) + "%";
  }

  /* The scale at which the whole diagram fits the box's width and height. */
  function fitScale(box) {
    var svg = box.querySelector("svg.kb-tree-svg");
    var width = parseFloat(svg.getAttribute("width")) || 1;
    var height = parseFloat(svg.getAttribute("height")) || 1;
    var style = window.getComputedStyle(box);
    var padX = parseFloat(style.paddingLeft) + parseFloat(style.paddingRight);
    var padY = parseFloat(style.paddingTop) + parseFloat(style.paddingBottom);
    return Math.min(1, (box.clientWidth - padX) / width, (box.clientHeight - padY) / height);
  }

  /* Walked path (the rest of the tree faded) or the whole tree; set by the reader's choice, or
     by whether a walk has started. */
  function showPath(box, on) {
    box.classList.toggle("kb-diagram--path", on);
    var button = box.kbPathButton;
    if (button) button.setAttribute("aria-pressed", on ? "true" : "false");
  }

  function diagramKeys(box, event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    var scale = box.kbScale || 1;
    if (event.key === "+" || event.key === "=") zoomTo(box, scale * ZOOM_STEP);
    else if (event.key === "-" || event.key === "_") zoomTo(box, scale / ZOOM_STEP);
    else if (event.key === "0") zoomTo(box, 1);
    else if (event.key === "f" || event.key === "F") zoomTo(box, fitScale(box));
    else return;
    event.preventDefault();
  }

  /* Drag to pan with a mouse (a finger scrolls the box natively); pinch with two fingers, or on
     a trackpad, to zoom. */
  function pointerGestures(box) {
    var pointers = {};
    var pinch = null;
    var drag = null;
    function spread() {
      var p = Object.keys(pointers).map(function (k) { return pointers[k]; });
      return p.length === 2 ? Math.hypot(p[0].x - p[1].x, p[0].y - p[1].y) : 0;
    }
    box.addEventListener("pointerdown", function (event) {
      if (event.pointerType === "mouse" && event.button !== 0) return;
      pointers[event.pointerId] = {x: event.clientX, y: event.clientY};
      var keys = Object.keys(pointers);
      if (keys.length === 2) {
        pinch = {distance: spread(), scale: box.kbScale || 1};
        drag = null;
      } else if (keys.length === 1 && event.pointerType === "mouse") {
        drag = {x: event.clientX, y: event.clientY, left: box.scrollLeft, top: box.scrollTop};
      }
    });
    box.addEventListener("pointermove", function (event) {
      if (!pointers[event.pointerId]) return;
      pointers[event.pointerId] = {x: event.clientX, y: event.clientY};
      if (pinch && pinch.distance > 0) {
        var rect = box.getBoundingClientRect();
        zoomTo(box, pinch.scale * spread() / pinch.distance, event.clientX - rect.left,
          event.clientY - rect.top);
        event.preventDefault();
      } else if (drag) {
        box.scrollLeft = drag.left - (event.clientX - drag.x);
        box.scrollTop = drag.top - (event.clientY - drag.y);
      }
    });
    function release(event) {
      delete pointers[event.pointerId];
      if (Object.keys(pointers).length < 2) pinch = null;
      if (!Object.keys(pointers).length) drag = null;
    }
    box.addEventListener("pointerup", release);
    box.addEventListener("pointercancel", release);
    box.addEventListener("pointerleave", release);
    // a trackpad's pinch arrives as a wheel event with ctrlKey set
    box.addEventListener("wheel", function (event) {
      if (!event.ctrlKey) return;
      event.preventDefault();
      var rect = box.getBoundingClientRect();
      zoomTo(box, (box.kbScale || 1) * Math.exp(-event.deltaY / 200), event.clientX - rect.left,
        event.clientY - rect.top);
    }, {passive: false});
  }

  function enhanceDiagram(box) {
    if (box.kbDiagram) return;
    box.kbDiagram = true;
    var svg = box.querySelector("svg.kb-tree-svg");
    if (!svg) return;
    function control(label, text, onClick) {
      return el("button", {type: "button", className: "md-button kb-diagram-zoom",
        "aria-label": label, title: label, onclick: onClick}, [text]);
    }
    box.kbZoomLevel = el("span", {className: "kb-diagram-level", "aria-live": "polite",
      text: "100%"});
    box.kbPathButton = el("button", {type: "button", className: "md-button kb-diagram-path",
      "aria-pressed": "false", onclick: function () {
        box.kbPathChosen = true;
        showPath(box, !box.classList.contains("kb-diagram--path"));
      }}, ["Walked path only"]);
    var controls = el("div", {className: "kb-diagram-controls", role: "group",
      "aria-label": "Diagram view"}, [
      control("Zoom out", "\u2212", function () { zoomTo(box, (box.kbScale || 1) / ZOOM_STEP); }),
      box.kbZoomLevel,
      control("Zoom in", "+", function () { zoomTo(box, (box.kbScale || 1) * ZOOM_STEP); }),
      control("Fit the whole diagram", "Fit", function () { zoomTo(box, fitScale(box)); }),
      control("Actual size (100%)", "100%", function () { zoomTo(box, 1); }),
      box.kbPathButton,
      el("span", {className: "kb-diagram-note",
        text: "Drag or scroll to pan; pinch, or + and \u2212 on the diagram, to zoom."})
    ]);
    box.parentNode.insertBefore(controls, box);
    box.addEventListener("keydown", function (event) { diagramKeys(box, event); });
    pointerGestures(box);
    var start = svg.querySelector(".kb-node.kb-start");
    if (start) showInDiagram(svg, start);
  }

  // --- start-up: every page load, instant navigation included ----------------------------------

  var walkers = [];

  function init() {
    walkers = walkers.filter(function (w) { return document.body.contains(w.root); });
    Array.prototype.forEach.call(document.querySelectorAll(".kb-tree-diagram"), enhanceDiagram);
    Array.prototype.forEach.call(document.querySelectorAll(".kb-walker[data-kb-tree]"),
      function (root) {
        if (root.kbWalker) return;
        // by position, not class: instant navigation re-creates the script without attributes
        var data = root.querySelector("script");
        var tree;
        try {
          tree = JSON.parse(data ? data.textContent : "null");
        } catch (e) {
          tree = null;
        }
        if (Array.isArray(tree)) tree = tree[0];
        if (!tree || !tree.nodes || !tree.facts) return;
        var walker = new Walker(root, tree);
        root.kbWalker = walker;
        walkers.push(walker);
        var restoring = window.location.hash.indexOf("#" + HASH_KEY) === 0;
        walker.sync(false);
        if (restoring && walker.result && walker.result.outcome) walker.showOutcome();
        else if (restoring && root.scrollIntoView) root.scrollIntoView({block: "start"});
      });
  }

  function onAddressChange() {
    walkers.forEach(function (w) {
      if (document.body.contains(w.root)) w.sync(true);
    });
  }

  if (!window.kbWalkerInstalled) {
    window.kbWalkerInstalled = true;
    window.addEventListener("popstate", onAddressChange);
    window.addEventListener("hashchange", onAddressChange);
    // exposed for tests and for tools that check the port against kb.walk
    window.kbWalker = {walk: walk, branchHolds: branchHolds, scalarEquals: scalarEquals,
      parseValue: parseValue, readHash: readHash, walkHash: walkHash, deadlineOf: deadlineOf};
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(function () { init(); });
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", init);
    } else {
      init();
    }
  }
})();
