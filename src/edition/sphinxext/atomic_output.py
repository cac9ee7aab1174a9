"""The HTML is written to a fresh folder and put in place as ``_build/html`` in one step.

Sphinx writes pages into its output folder one by one, so a build killed half way used to leave
a mix of new and old pages that the next successful build kept serving (it rewrites only what
it thinks changed). Here every HTML build writes into a new, empty folder beside the old site;
only when the build has finished without error is that folder exchanged with ``_build/html``
in one atomic step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames, during which
``_build/html`` is briefly absent but never mixed). A failed or killed build leaves the previous
site untouched, and its half-written folder is removed by the next build.

The new folder starts as a copy of the published site when that site is what the saved
environment last wrote (recorded beside the environment at each publish), so Sphinx rewrites
only the pages that are out of date and an unchanged book writes only its root page. It starts empty, and
every page is written, when there is no such record (a first build, or a build killed or failed
after it saved its environment) or when a page was removed from the sources, so nothing of a
removed page, and no page an earlier interrupted build had found out of date, is left behind.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
import time
from pathlib import Path
from typing import Any

from sphinx.application import Sphinx
from sphinx.util import logging

logger = logging.getLogger(__name__)
STAGING_PREFIX = ".site-"
SITE_RE = re.compile(r"^\.site-(?P<name>.+)-(?P<stamp>\d{8}T\d{6})-(?P<pid>\d+)$")


def link_for(outdir: Path) -> Path:
    """The published path (Sphinx resolves a ``_build/html`` link left by an earlier scheme)."""
    match = SITE_RE.match(outdir.name)
    return outdir.with_name(match.group("name")) if match else outdir


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def site_folders(link: Path) -> list[Path]:
    """The site folders that sit beside ``link`` (published, staged or left by a killed build)."""
    prefix = f"{STAGING_PREFIX}{link.name}-"
    return sorted(p for p in link.parent.glob(f"{prefix}*") if p.is_dir())


def remove_leftovers(link: Path) -> None:
    """Delete site folders being written by no live build (left by a killed or failed one)."""
    current = link.resolve() if link.is_symlink() else None
    for folder in site_folders(link):
        if folder == current:
            continue
        match = SITE_RE.match(folder.name)
        pid = int(match.group("pid")) if match else 0
        if pid != os.getpid() and _pid_alive(pid) and time.time() - folder.stat().st_mtime < 6 * 3600:
            continue  # another build is writing it right now
        shutil.rmtree(folder, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 with RENAME_EXCHANGE); False if unsupported."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes
    import ctypes.util

    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return result == 0


def publish(staging: Path, target: Path) -> None:
    """Put the finished site ``staging`` at ``target`` in one step, then remove the previous site."""
    if target.is_symlink():  # left by an earlier version of this scheme
        target.unlink()
    if not target.exists():
        os.replace(staging, target)
        return
    if _exchange(staging, target):
        shutil.rmtree(staging, ignore_errors=True)  # it now holds the previous site
        return
    aside = target.with_name(f"{STAGING_PREFIX}{target.name}-00000000T000000-{os.getpid()}")
    os.replace(target, aside)
    os.replace(staging, target)
    shutil.rmtree(aside, ignore_errors=True)


PUBLISHED_RECORD = "edition-published.json"


def _environment_state(app: Sphinx) -> list[int] | None:
    try:
        stat = (Path(app.doctreedir) / "environment.pickle").stat()
    except OSError:
        return None
    return [stat.st_mtime_ns, stat.st_size]


def _published_from_saved_environment(app: Sphinx, link: Path) -> bool:
    """Whether the published site is what the saved environment last wrote.

    Not so after a build that was killed or failed once it had saved its environment, or when
    the site or the environment was replaced from elsewhere: then every page is written anew.
    """
    try:
        record = json.loads((Path(app.doctreedir) / PUBLISHED_RECORD).read_text(encoding="utf-8"))
        site = link.stat().st_ino if link.is_dir() and not link.is_symlink() else None
    except (OSError, ValueError):
        return False
    state = _environment_state(app)
    return state is not None and record == {"site": site, "environment": state}


def stage(app: Sphinx) -> None:
    """Point the HTML builder at a fresh folder beside the published one."""
    if app.builder.format != "html" or getattr(app, "edition_publish_to", None):
        return
    link = link_for(Path(app.outdir))
    remove_leftovers(link)
    staging = link.with_name(f"{STAGING_PREFIX}{link.name}-{time.strftime('%Y%m%dT%H%M%S')}-{os.getpid()}")
    staging.mkdir(parents=True)
    if _published_from_saved_environment(app, link):
        # Start from a copy of the published site (times kept), so that Sphinx writes only the
        # pages it finds out of date, as an in-place build would: an unchanged book rewrites
        # nothing. The copy, not the site, is written to; it is still swapped in whole.
        shutil.copytree(link, staging, symlinks=True, copy_function=shutil.copy2, dirs_exist_ok=True)
        app.edition_carried_over = True
    app.edition_publish_to = link
    app.outdir = app.builder.outdir = staging
    logger.info("writing the site to %s; published as %s when the build succeeds", staging.name, link)


def start_empty_if_pages_were_removed(app: Sphinx, env, added: set[str], changed: set[str],
                                      removed: set[str]) -> list[str]:
    """A page removed from the sources must not be served: then the site is written from nothing."""
    link = getattr(app, "edition_publish_to", None)
    if removed and link is not None:
        staging = Path(app.outdir)
        shutil.rmtree(staging)
        staging.mkdir()
        app.edition_carried_over = False
    return []


def write_the_root_page(app: Sphinx, env) -> list[str]:
    """Into a carried-over site, at least the root page is written, so that Sphinx never skips its
    finishing steps ("no targets are out of date"): the theme's static files are copied fresh and
    every build-finished step (the icon cut, the policies) works on what a full build would give it."""
    return [app.config.root_doc] if getattr(app, "edition_carried_over", False) else []


def finish(app: Sphinx, exception: Exception | None) -> None:
    link = getattr(app, "edition_publish_to", None)
    if link is None:
        return
    staging = Path(app.outdir)
    # with --keep-going a warning (an error, as the book builds) is counted but not raised
    # (Sphinx sets keep_going, and clears warningiserror, when both -W and --keep-going are given)
    strict = app.warningiserror or getattr(app, "keep_going", False)
    failed = exception is not None or app.statuscode or (strict and app._warncount)
    if failed:
        logger.info("build failed: %s left as it was; removing %s", link, staging.name)
        shutil.rmtree(staging, ignore_errors=True)
        # The saved environment holds what this build read, warnings and all; Sphinx would not
        # read those pages again, so the next build would pass without repeating the warnings
        # (and could publish a page that lost its figures). Forget it: every page is read anew.
        (Path(app.doctreedir) / "environment.pickle").unlink(missing_ok=True)
        (Path(app.doctreedir) / PUBLISHED_RECORD).unlink(missing_ok=True)
        return
    publish(staging, link)
    app.outdir = app.builder.outdir = link
    record = {"site": link.stat().st_ino, "environment": _environment_state(app)}
    (Path(app.doctreedir) / PUBLISHED_RECORD).write_text(json.dumps(record), encoding="utf-8")


def setup(app: Sphinx) -> dict[str, Any]:
    app.connect("builder-inited", stage, priority=1)  # first: before any extension copies files out
    app.connect("env-get-outdated", start_empty_if_pages_were_removed)
    app.connect("env-get-updated", write_the_root_page)
    app.connect("build-finished", finish, priority=990)  # last: after every step that writes pages
    return {"parallel_read_safe": True, "parallel_write_safe": True}
