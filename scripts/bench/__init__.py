"""Benchmark the knowledge base tooling on a synthetic knowledge base of a chosen size.

    python scripts/bench --sizes 1000,5000 [--shapes varied,one-market] [--out DIR] [--keep]
                         [--repeat N]
                         [--skip-site] [--skip-serve] [--skip-search] [--only STEPS]
                         [--default-nav-max N] [--profile]

For each size N it generates, from a fixed seed, a knowledge base that uses the project's real
schema and vocabularies (read from this repository's mkdocs.yml, which is copied with the same
theme configuration and a fixed `today`): N articles of about 600 words in about 20 sections
with subsections, N/10 decision trees of about 20 nodes, and 10 labeled cases per tree (shape
`varied`); shape `one-market` puts every article and tree on one market and one product, in
20 sections x 5 sub-folders, with five sections and a table each per article and trees of about
13 nodes (`--shapes` times each size in each shape, in one run). It checks
that the result lints with 0 errors and 0 warnings and that every case passes, then times each
command as a whole process (wall clock; CPU time and the peak RSS of the largest single process
from `wait4`; and the peak memory of the whole process tree, the sum over the process and its
descendants sampled from /proc, PSS where readable):

- the floor: one small Python process that reads every file, parses every front matter and tree
  with libyaml's CSafeLoader and runs one markdown-it pass over every body;
- `kb lint` cold, then warm after editing one article (and a check that a warm lint reports an
  error planted by an edit), `kb test`, `kb export` (the agent exports alone), and `kb check`
  (the PR gate: all three in one process), cold;
- `kb build` cold, and warm (after an untimed `kb check`, as a publish follows a pull request);
  and three bare `mkdocs build`s without the kb plugin: the authored pages with MkDocs' own nav
  (skipped above --default-nav-max articles), the authored pages with the nav the kb
  plugin would give them, and the pages `kb build` publishes (authored plus generated, written
  out as Markdown files, with the plugin's assets and nav): only the last holds the same pages;
- findability of the site `kb build` made: the clicks from the home page to every published
  article (breadth-first over the links between built pages), and, with Playwright and
  /usr/bin/chromium, whether the site's search (Pagefind, or Material's when configured) puts
  a sample of articles in its top results when their title is typed, and how fast;
- `kb serve`: time to the first page, then from editing one article (and one tree) to the
  change showing on the served page.

It prints every figure, the ratios issue 6 sets targets for, and writes them to
`<out>/results.json`; the plugin's overhead is `kb build` against the bare build of the
authored pages alone. `--profile` adds where `kb lint` spends its time at the largest size
(cProfile in one process, cold and warm, and the load and each rule timed separately), and
where the MkDocs build with the kb plugin does (cProfile, cold).
Timings are reported, never asserted; only the generated knowledge base's validity is (the
script exits 1 when it does not lint clean or a case fails).

Caches: before every cold step, everything in the generated knowledge base's root that the
generator did not write is deleted, and XDG_CACHE_HOME points at a folder that is emptied, so a
content cache kept in either place starts cold. The warm lint and the warm build keep both.

Code: the kb package is copied at the start and the copy is run (PYTHONPATH), so a long run
measures one version even while the package is being edited; `--live-code` runs it in place.
The version (git commit, uncommitted changes, a hash of the package) is printed.

Modules: `generator` (the synthetic knowledge base), `measurement` (running and timing processes,
memory, `Figure`, the `Bench` helpers), `steps` (each timed step), `findability` (clicks and the
search check), `report` (the printed tables and ratios), `cli` (the command line); the child
programs in `programs/` are run by path.
"""
