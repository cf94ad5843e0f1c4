"""Sphinx extension: release links, and in an incremental build, rewrite the pages whose
sidebar changed.

Below each report it links the same page of the previous and the next release (the same
notebook and municipality, the period before and after of the same kind: month, quarter,
year), from ``_build/release_links.json`` (:func:`helpers.publishing.book.release_links`).

Sphinx re-reads and rewrites only the pages whose source changed. Each page's HTML also
holds its sidebar, which with the collapsed navigation of the book (``collapse_navbar``)
shows the page's own branch: the siblings of each of its ancestors and its own children,
with their titles. When a municipality is added, the pages of the other municipalities of
its region therefore need a new sidebar, but not a new reading. This extension gives every
page a signature of exactly what its sidebar shows and, after reading, returns the pages
whose signature changed, which Sphinx then writes again (the ``env-updated`` event).
"""

from __future__ import annotations

import hashlib
import html
import json
from pathlib import Path

#: Written by :func:`helpers.publishing.book.write_toc` beside the generated table of contents.
RELEASE_LINKS = "release_links.json"


def _titles(app, env) -> dict[str, str]:
    titles = {doc: title.astext() for doc, title in env.titles.items()}
    site_map = getattr(env, "external_site_map", None) or getattr(app.config, "external_site_map", None)
    if site_map is not None:
        for doc in list(titles):
            entry = site_map.get(doc)
            if entry is not None and entry.title:
                titles[doc] = entry.title
    return titles


def release_links(app) -> dict[str, dict]:
    """docname -> its previous and next release (``{"prev": [docname, title], ...}``)."""
    cached = getattr(app, "reportbook_release_links", None)
    if cached is None:
        path = Path(app.outdir).parent / RELEASE_LINKS
        try:
            cached = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            cached = {}
        app.reportbook_release_links = cached
    return cached


def link_releases(app, pagename, templatename, context, doctree) -> None:
    """Below a report: links to the same page of the previous and the next release."""
    link = release_links(app).get(pagename)
    if not link or "body" not in context:
        return
    parts = []
    for key, text in (("prev", "Forrige udgivelse"), ("next", "Næste udgivelse")):
        if key in link:
            target, title = link[key]
            uri = app.builder.get_relative_uri(pagename, target)
            parts.append(f'<a href="{html.escape(uri)}" rel="{key}">{text}: {html.escape(title)}</a>')
    context["body"] += (
        '<nav class="reportbook-releases" aria-label="Samme side i andre udgivelser"><p>'
        + " · ".join(parts)
        + "</p></nav>"
    )


def signatures(app, env) -> dict[str, str]:
    """docname -> digest of what its sidebar and release links show: for it and each
    ancestor, the children (in order) and their titles; its previous and next release."""
    includes = env.toctree_includes
    parents: dict[str, str] = {}
    for parent, children in includes.items():
        for child in children:
            parents.setdefault(child, parent)
    titles = _titles(app, env)
    app.reportbook_release_links = None  # read again: a build may have added a release
    links = release_links(app)
    found = {}
    for doc in env.found_docs:
        chain, current = [], doc
        while current is not None and current not in chain:
            chain.append(current)
            current = parents.get(current)
        shown = [(a, [(c, titles.get(c, "")) for c in includes.get(a, [])]) for a in reversed(chain)]
        shown.append(links.get(doc))
        found[doc] = hashlib.sha256(repr(shown).encode("utf-8")).hexdigest()
    return found


def rewrite_changed_sidebars(app, env) -> list[str]:
    new = signatures(app, env)
    old = getattr(env, "reportbook_sidebars", None) or {}
    env.reportbook_sidebars = new
    return sorted(doc for doc, digest in new.items() if old.get(doc) != digest and doc in env.all_docs)


def _name_toggles(soup) -> None:
    """Give every expand/collapse toggle of the sidebar (a ``<summary>`` holding only a
    decorative chevron) an accessible name: "Vis eller skjul siderne under <title>" (WCAG
    4.1.2; axe's ``summary-name``)."""
    for summary in soup.select("details > summary"):
        if summary.get("aria-label") or summary.get_text(strip=True):
            continue
        item = summary.parent.parent
        link = item.find("a", recursive=False) if item is not None else None
        title = link.get_text(" ", strip=True) if link is not None else ""
        summary["aria-label"] = f"Vis eller skjul siderne under {title}" if title else "Vis eller skjul undersider"


def name_sidebar_toggles(app, pagename, templatename, context, doctree) -> None:
    """Wrap the theme's sidebar generator so that its toggles have names (runs after the
    theme has put the generator in the page context)."""
    generate = context.get("generate_toctree_html")
    if generate is None or getattr(generate, "reportbook_named", False):
        return

    def named(*args, **kwargs):
        out = generate(*args, **kwargs)
        if hasattr(out, "select"):
            _name_toggles(out)
        return out

    named.reportbook_named = True
    context["generate_toctree_html"] = named


def setup(app):
    app.connect("env-updated", rewrite_changed_sidebars)
    app.connect("html-page-context", name_sidebar_toggles, priority=900)
    app.connect("html-page-context", link_releases)
    # sphinx-external-toc always loads sphinx-multitoc-numbering, which does not declare
    # whether it can read in parallel, so Sphinx would read serially (and warn, an error
    # with -W). It only replaces how section numbers are assigned, which Sphinx does in the
    # main process after the parallel readers' environments are merged; this book has no
    # numbered toctree.
    multitoc = app.extensions.get("sphinx_multitoc_numbering")
    if multitoc is not None:
        multitoc.parallel_read_safe = multitoc.parallel_write_safe = True
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
