"""The Content-Security-Policy: theme scripts hashed, content never."""

from __future__ import annotations

import base64
import hashlib

from kb.mkdocs_plugin.csp import policy_for, with_policy

THEME = "var palette=1"
PAGE = (
    '<html><head><meta charset="utf-8"><script>' + THEME + "</script>"
    '<script src="assets/bundle.js"></script></head><body>'
    '<article class="md-content__inner md-typeset"><script>alert(1)</script>'
    '<script type="application/json" class="kb-walker-data">[1]</script></article>'
    '<script id="__config" type="application/json">{}</script></body></html>'
)


def sha(text: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode()).digest()).decode() + "'"


def test_only_the_theme_scripts_outside_the_content_are_hashed() -> None:
    policy = policy_for(PAGE)
    script_src = next(d for d in policy.split("; ") if d.startswith("script-src"))
    assert script_src == f"script-src 'self' {sha(THEME)}"
    assert sha("alert(1)") not in policy


def test_a_script_left_open_in_the_content_neither_hides_a_theme_script_nor_is_hashed() -> None:
    page = ('<html><head><meta charset="utf-8"></head><body>'
            '<article class="md-content__inner md-typeset"><p>x</p><script>evil()</article>'
            "<script>" + THEME + "</script></body></html>")
    script_src = next(d for d in policy_for(page).split("; ") if d.startswith("script-src"))
    assert script_src == f"script-src 'self' {sha(THEME)}"


def test_the_policy_refuses_objects_base_forms_and_frames() -> None:
    policy = policy_for(PAGE)
    for directive in ("object-src 'none'", "base-uri 'none'", "form-action 'none'",
                      "frame-src 'none'", "default-src 'self'"):
        assert directive in policy
    assert "unsafe-inline" not in next(d for d in policy.split("; ")
                                       if d.startswith("script-src"))


def test_the_policy_comes_before_every_script() -> None:
    html = with_policy(PAGE)
    assert html.index("Content-Security-Policy") < html.index("<script")
    assert html.startswith('<html><head><meta charset="utf-8"><meta http-equiv=')


def test_only_a_pagefind_site_may_compile_webassembly() -> None:
    script_src = next(d for d in policy_for(PAGE, wasm=True).split("; ")
                      if d.startswith("script-src"))
    assert script_src == f"script-src 'self' 'wasm-unsafe-eval' {sha(THEME)}"
    assert "wasm-unsafe-eval" not in policy_for(PAGE)
    assert "unsafe-eval'" not in script_src.replace("'wasm-unsafe-eval'", "")
