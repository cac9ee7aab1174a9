"""A Content-Security-Policy on every built page, computed from the page as written.

When the HTML is written, each page gets a ``<meta http-equiv="Content-Security-Policy">`` as
the first element of its ``<head>``: scripts only from the site itself (``'self'``) plus the
SHA-256 hashes of the inline scripts that page carries (the themes' small configuration
scripts), no plugins (``object-src 'none'``) and no ``<base>`` pointing elsewhere
(``base-uri 'self'``). The hashes are taken from the written page, so whatever a theme or
another extension changes in its inline scripts, the policy matches it.

Inline event handlers cannot be allowed by a hash, so the two the theme writes (print and
full screen) are turned into ``data-edition-action`` attributes that ``edition/actions.js``
wires up. Any other inline handler, or a ``javascript:`` URL, stops the build: it would be
blocked in the reader's browser.
"""

from __future__ import annotations

import base64
import hashlib
import re
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError

META_ID = "edition-csp"
SCRIPT_RE = re.compile(r"<script(?P<attrs>(?:\s[^>]*)?)>(?P<body>.*?)</script\s*>", re.S | re.I)
TYPE_RE = re.compile(r"""\stype\s*=\s*["']?([^"'\s>]+)""", re.I)
JS_TYPES = {"", "text/javascript", "application/javascript", "module", "text/ecmascript"}
# the theme's inline handlers, and what actions.js does instead
HANDLERS = {"toggleFullScreen()": "fullscreen", "window.print()": "print"}
HANDLER_RE = re.compile(r"""\son(?P<event>[a-z]+)\s*=\s*(?P<q>["'])(?P<code>.*?)(?P=q)""", re.I | re.S)
JS_URL_RE = re.compile(r"""(?:href|src|action|formaction)\s*=\s*["']?\s*javascript:""", re.I)
OLD_META_RE = re.compile(rf'\n<meta http-equiv="Content-Security-Policy" id="{META_ID}"[^>]*>')
HEAD_RE = re.compile(r"<head(\s[^>]*)?>", re.I)
CHARSET_RE = re.compile(r"<meta\s+charset\s*=[^>]*>", re.I)
SKIP_DIRS = {"_static", "_sources", "_images", "_downloads"}


def script_hash(body: str) -> str:
    """The CSP source expression allowing an inline script with exactly this text."""
    digest = hashlib.sha256(body.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def inline_scripts(html: str) -> list[str]:
    """The text of each inline script the browser would run (not JSON data blocks, not src=)."""
    bodies = []
    for match in SCRIPT_RE.finditer(html):
        attrs = match.group("attrs") or ""
        if re.search(r"\ssrc\s*=", attrs, re.I):
            continue
        kind = TYPE_RE.search(attrs)
        if (kind.group(1).lower() if kind else "") not in JS_TYPES:
            continue
        bodies.append(match.group("body"))
    return bodies


def policy(html: str) -> str:
    """The page's policy: its own scripts and the hashes of its inline scripts, nothing else."""
    hashes = sorted({script_hash(body) for body in inline_scripts(html)})
    script_src = " ".join(["'self'", *hashes])
    return f"script-src {script_src}; object-src 'none'; base-uri 'self'"


def _replace_handlers(html: str, page: str) -> str:
    def one(match: re.Match[str]) -> str:
        event, code = match.group("event").lower(), match.group("code").strip()
        if event == "click" and code in HANDLERS:
            return f' data-edition-action="{HANDLERS[code]}"'
        raise ExtensionError(
            f"{page}: inline handler on{event}={code!r} would be blocked by the Content-Security-Policy; "
            "move it into a script file (see edition/actions.js)"
        )

    # only inside tags: a handler-like phrase in text is not an attribute
    return re.sub(r"<[a-zA-Z][^<>]*>", lambda tag: HANDLER_RE.sub(one, tag.group(0)), html)


def secure_page(html: str, page: str) -> str:
    """The page with its inline handlers moved out and its policy as the head's first element."""
    html = OLD_META_RE.sub("", html)
    html = _replace_handlers(html, page)
    if JS_URL_RE.search(html):
        raise ExtensionError(f"{page}: a javascript: URL would be blocked by the Content-Security-Policy")
    head = HEAD_RE.search(html)
    if head is None:
        raise ExtensionError(f"{page}: no <head> to put the Content-Security-Policy in")
    # after the charset declaration (which must stay in the first 1024 bytes), before any script
    charset = CHARSET_RE.search(html, head.end())
    at = charset.end() if charset else head.end()
    first_script = html.lower().find("<script", head.end())
    if 0 <= first_script < at:
        at = head.end()
    meta = f'<meta http-equiv="Content-Security-Policy" id="{META_ID}" content="{policy(html)}">'
    return html[:at] + "\n" + meta + html[at:]


def pages(outdir: Path) -> list[Path]:
    return [p for p in sorted(outdir.rglob("*.html"))
            if not (set(p.relative_to(outdir).parts[:-1]) & SKIP_DIRS)]


def rewrite_pages(app: Sphinx, exception: Exception | None, transform) -> None:
    """After a successful HTML build, pass each page through transform(html, relative path); a page
    the transform leaves as it was (one carried over from the last build) keeps its file."""
    if exception is not None or app.builder.format != "html":
        return
    outdir = Path(app.outdir)
    for path in pages(outdir):
        html = path.read_text(encoding="utf-8")
        changed = transform(html, str(path.relative_to(outdir)))
        if changed != html:
            path.write_text(changed, encoding="utf-8")


def add_policies(app: Sphinx, exception: Exception | None) -> None:
    rewrite_pages(app, exception, secure_page)


def setup(app: Sphinx) -> dict[str, Any]:
    app.add_js_file("edition/actions.js", loading_method="defer")
    # after every other build-finished step that writes pages, before the site is published
    app.connect("build-finished", add_policies, priority=800)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
