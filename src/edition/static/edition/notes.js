// The essay's notes. On wide screens each note sits in the page margin level with the line of
// its marker, or just below the note above it; on narrow screens a marker opens its note as a
// sheet at the foot of the screen. A note's words are lit only while the note or its marker is
// hovered or focused. Without JavaScript every note is listed under its paragraph.
//
// Before first paint (theme-mode.js, in <head>) the root element gets the class edition-js, so
// the CSS starts in the right state: margin notes hidden until this script has placed them
// (they are out of the flow, so placing them moves nothing else), sheets closed.
(function () {
  "use strict";
  var root = document.documentElement;
  var wide = window.matchMedia("(min-width: 1200px)");
  var calm = window.matchMedia("(prefers-reduced-motion: reduce)");
  var GAP = 8; // px between two stacked notes, and below anything else in the margin
  var MIN_LINES = 2; // lines a shortened note keeps in the margin (the rest opens on demand)
  var LIFT = 3; // px: a superscript marker's box starts a little below its line's top
  // A note is never pushed further than this below its line: where a paragraph has more notes than
  // its margin can hold, the rest fold behind one button, and each opens level with its line when
  // its marker is pointed at, focused or followed.
  var MAX_PUSH = 200;

  function keyOf(el) {
    // "ref-a06-2" (marker) and "note-a06-2" (note) share the key "a06-2"
    return el.id.replace(/^(ref|note)-/, "");
  }
  function noteOf(key) { return document.getElementById("note-" + key); }
  function markerOf(key) { return document.getElementById("ref-" + key); }
  function allNotes() { return Array.prototype.slice.call(document.querySelectorAll(".essay-note")); }

  // ---- quiet highlighting ----
  function light(key, on) {
    document.querySelectorAll(".anno-for-" + key).forEach(function (el) { el.classList.toggle("is-lit", on); });
    var marker = markerOf(key), note = noteOf(key);
    if (marker) { marker.classList.toggle("is-lit", on); }
    if (note) { note.classList.toggle("is-lit", on); }
  }
  function owner(target) {
    if (!(target instanceof Element)) { return null; }
    return target.closest(".anno-ref, .essay-note");
  }
  function onEnter(event) {
    var el = owner(event.target);
    if (el && !(event.relatedTarget instanceof Node && el.contains(event.relatedTarget))) { light(keyOf(el), true); }
  }
  function onLeave(event) {
    var el = owner(event.target);
    if (el && !(event.relatedTarget instanceof Node && el.contains(event.relatedTarget))) {
      if (!el.matches(":focus-within")) { light(keyOf(el), false); }
    }
  }
  function onFocusOut(event) {
    var el = owner(event.target);
    if (el && !(event.relatedTarget instanceof Node && el.contains(event.relatedTarget)) && !el.matches(":hover")) {
      light(keyOf(el), false);
    }
  }

  // ---- wide screens: notes in the margin ----
  function obstacles(limit, scrollY) {
    // anything else that reaches into the margin (a full-width figure, a margin block)
    var found = [];
    document.querySelectorAll(".bd-article section > :not(section):not(.essay-excerpt)").forEach(function (el) {
      var r = el.getBoundingClientRect();
      if (r.height > 0 && r.right > limit + 1) { found.push({ top: r.top + scrollY, bottom: r.bottom + scrollY }); }
    });
    return found.sort(function (a, b) { return a.top - b.top; });
  }

  // ---- wide screens: one button per crowded paragraph for the notes that fold ----
  // A paragraph's fold is made when its first note would sit too far down: the button goes where
  // that note would have gone (top), and the paragraph's later notes start below it.
  function foldOf(para, folds) {
    for (var i = 0; i < folds.length; i++) { if (folds[i].para === para) { return folds[i]; } }
    return null;
  }
  function makeFold(para, top) {
    var button = para.querySelector(".essay-notes-fold");
    if (!button) {
      button = document.createElement("button");
      button.type = "button";
      button.className = "essay-notes-fold";
      (para.querySelector(".essay-notes") || para).appendChild(button);
    }
    button.hidden = false;
    return { para: para, button: button, folded: [], top: top, height: button.offsetHeight || 24 };
  }
  function showFolds(folds, origin) {
    document.querySelectorAll(".essay-notes-fold").forEach(function (button) {
      button.hidden = !folds.some(function (fold) { return fold.button === button; });
    });
    folds.forEach(function (fold) {
      var button = fold.button;
      var opened = fold.para.classList.contains("edition-notes-open");
      var n = fold.folded.length, para = fold.para.id.replace(/^essay-p/, "");
      // the visible words are the button's name (no aria-label that could say something else)
      button.textContent = opened ? "Fold notes on \u00b6" + para + " again"
                                  : "Show " + n + " more note" + (n === 1 ? "" : "s") + " on \u00b6" + para;
      button.setAttribute("aria-expanded", opened ? "true" : "false");
      button.style.top = Math.round(fold.top - origin) + "px";
    });
  }

  function place() {
    var notes = allNotes();
    if (!wide.matches) {
      notes.forEach(function (n) {
        n.style.top = ""; n.style.removeProperty("--note-clamp"); n.classList.remove("is-clamped", "is-folded");
      });
      showFolds([], 0);
      root.classList.add("edition-notes-placed");
      return;
    }
    if (!notes.length) { return; }
    // Read every size first (notes at full length), then write, so layout is computed twice at most.
    notes.forEach(function (n) { n.style.setProperty("--note-clamp", "none"); });
    var sy = window.scrollY;
    var limit = notes[0].offsetParent ? notes[0].offsetParent.getBoundingClientRect().right : 0;
    var blocked = obstacles(limit, sy);
    var items = notes.map(function (note) {
      var marker = markerOf(keyOf(note));
      var box = note.offsetParent || document.body;
      var s = window.getComputedStyle(note);
      var pad = parseFloat(s.paddingTop) + parseFloat(s.paddingBottom) + parseFloat(s.borderTopWidth) + parseFloat(s.borderBottomWidth);
      return {
        note: note,
        anchor: marker ? marker.getBoundingClientRect().top + sy - LIFT : 0,
        full: note.offsetHeight,
        pad: pad,
        line: parseFloat(s.lineHeight),
        origin: box.getBoundingClientRect().top + sy + box.clientTop,
      };
    });
    // Each note is shown whole if it ends before the next note's line; otherwise it keeps as
    // many whole lines as fit (at least MIN_LINES) and opens over the notes below it when
    // pointed at or focused. So a note moves down only as far as the shortened note above it
    // requires, and never more than MAX_PUSH: past that it folds (unless its paragraph's folded
    // notes have been opened), and one button per paragraph says how many notes are folded.
    var floor = -Infinity, lowest = 0, folds = [];
    items.forEach(function (it, i) {
      var para = it.note.closest(".essay-paragraph");
      var opened = para && para.classList.contains("edition-notes-open");
      var top = Math.max(it.anchor, floor);
      blocked.forEach(function (o) {
        if (top < o.bottom + GAP && top + it.full + GAP > o.top) { top = o.bottom + GAP; }
      });
      if (para && top - it.anchor > MAX_PUSH) {
        var fold = foldOf(para, folds);
        if (!fold) {
          fold = makeFold(para, top);
          folds.push(fold);
          top += fold.height + GAP; // the button takes this place; the note goes below it
          floor = top;
        }
        if (!opened) {
          // folded: out of the stack, and level with its own line whenever it is shown
          it.folded = true;
          it.top = it.anchor;
          it.clamped = false;
          it.height = it.full;
          fold.folded.push(it.note);
          return;
        }
      }
      var next = i + 1 < items.length ? items[i + 1].anchor : Infinity;
      var lines = Math.max(1, Math.round((it.full - it.pad) / it.line));
      var room = Math.floor((next - GAP - top - it.pad) / it.line);
      var keep = Math.min(lines, Math.max(MIN_LINES, room));
      it.top = top;
      it.clamped = keep < lines;
      it.height = it.clamped ? Math.ceil(it.pad + keep * it.line) : it.full;
      floor = top + it.height + GAP;
      lowest = Math.max(lowest, floor);
    });
    items.forEach(function (it) {
      it.note.style.top = Math.round(it.top - it.origin) + "px";
      it.note.style.setProperty("--note-clamp", it.clamped ? it.height + "px" : "none");
      it.note.classList.toggle("is-clamped", it.clamped);
      it.note.classList.toggle("is-folded", !!it.folded);
      if (it.folded) { lowest = Math.max(lowest, it.top + it.full + GAP); }
    });
    showFolds(folds, items[0].origin);
    // the page grows, if it must, so that the last note does not run into the footer
    var article = document.querySelector(".bd-article");
    if (article) {
      var rect = article.getBoundingClientRect();
      var need = Math.ceil(lowest - (rect.top + sy));
      var current = parseFloat(article.style.minHeight) || 0;
      if (need > rect.height - 1 || (current && need !== current)) {
        article.style.minHeight = need > 0 ? need + "px" : "";
      }
    }
    if (!root.classList.contains("edition-notes-placed")) {
      root.classList.add("edition-notes-placed");
      if (window.performance && performance.mark) { performance.mark("edition-notes-placed"); }
    }
  }

  var pending = false;
  function schedule() {
    if (pending) { return; }
    pending = true;
    window.requestAnimationFrame(function () { pending = false; place(); });
  }

  // ---- narrow screens: a note opens as a sheet from its marker ----
  var openKey = null;
  function closeSheet(returnFocus) {
    if (!openKey) { return; }
    var key = openKey, note = noteOf(key), marker = markerOf(key);
    openKey = null;
    if (note) { note.classList.remove("is-open"); }
    if (marker) {
      marker.setAttribute("aria-expanded", "false");
      if (returnFocus) { marker.focus(); }
    }
    light(key, false);
  }
  function openSheet(key) {
    var note = noteOf(key), marker = markerOf(key);
    if (!note) { return; }
    closeSheet(false);
    if (!note.querySelector(".essay-note-close")) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "essay-note-close";
      button.setAttribute("aria-label", "Close note");
      button.textContent = "\u00d7";
      note.appendChild(button);
    }
    openKey = key;
    note.classList.add("is-open");
    if (marker) { marker.setAttribute("aria-expanded", "true"); }
    light(key, true);
    note.focus({ preventScroll: true });
    if (marker) {
      // keep the marker's line in sight above the sheet
      var r = marker.getBoundingClientRect();
      var room = window.innerHeight - note.offsetHeight - 16;
      if (r.bottom > room || r.top < 64) {
        window.scrollBy({ top: r.top - Math.max(72, Math.min(room - 40, window.innerHeight / 4)),
                          behavior: calm.matches ? "auto" : "smooth" });
      }
    }
  }

  function inView(el) {
    var r = el.getBoundingClientRect();
    return r.top >= 56 && r.bottom <= window.innerHeight;
  }

  function onClick(event) {
    if (event.defaultPrevented || event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey) { return; }
    var target = event.target instanceof Element ? event.target : null;
    if (!target) { return; }
    var marker = target.closest(".anno-ref");
    var back = target.closest(".essay-note-number");
    var close = target.closest(".essay-note-close");
    var fold = target.closest(".essay-notes-fold");
    if (fold) {
      var para = fold.closest(".essay-paragraph");
      if (para) { para.classList.toggle("edition-notes-open"); place(); fold.focus({ preventScroll: true }); }
      return;
    }
    if (close) {
      event.preventDefault();
      closeSheet(true);
      return;
    }
    if (marker) {
      var key = keyOf(marker), note = noteOf(key);
      if (!note) { return; }
      if (!wide.matches) {
        event.preventDefault();
        if (openKey === key) { closeSheet(true); } else { openSheet(key); }
      } else if (inView(note)) {
        event.preventDefault();
        note.focus({ preventScroll: true });
      } // otherwise the link scrolls to the note as any link would
      return;
    }
    if (back) {
      var home = markerOf(keyOf(back.closest(".essay-note")));
      if (!home) { return; }
      if (!wide.matches) {
        event.preventDefault();
        closeSheet(true);
      } else if (inView(home)) {
        event.preventDefault();
        home.focus({ preventScroll: true });
      }
      return;
    }
    if (openKey && !target.closest(".essay-note.is-open")) { closeSheet(false); }
  }

  function onKey(event) {
    if (event.key === "Escape" && openKey) { closeSheet(true); return; }
    var inside = event.key === "Escape" && document.activeElement instanceof Element
      ? document.activeElement.closest(".essay-note.is-folded") : null;
    if (inside) {
      var home = markerOf(keyOf(inside));
      if (home) { home.focus({ preventScroll: true }); }
    }
  }

  function followHash() {
    var id = decodeURIComponent(location.hash.slice(1));
    if (!/^note-/.test(id)) { return; }
    var note = document.getElementById(id);
    if (!note) { return; }
    if (wide.matches) {
      note.scrollIntoView({ block: "start" });
    } else {
      openSheet(keyOf(note));
    }
  }

  function start() {
    if (!document.querySelector(".essay-note")) { root.classList.add("edition-notes-placed"); return; }
    allNotes().forEach(function (note) { note.setAttribute("tabindex", "-1"); });
    place();
    followHash();
    document.addEventListener("mouseover", onEnter);
    document.addEventListener("mouseout", onLeave);
    document.addEventListener("focusin", onEnter);
    document.addEventListener("focusout", onFocusOut);
    document.addEventListener("click", onClick);
    document.addEventListener("keydown", onKey);
    window.addEventListener("hashchange", followHash);
    wide.addEventListener("change", function () { closeSheet(false); schedule(); });
    if (window.ResizeObserver) {
      var article = document.querySelector(".bd-article");
      if (article) { new ResizeObserver(schedule).observe(article); }
    }
    window.addEventListener("resize", schedule);
    if (document.fonts && document.fonts.ready) { document.fonts.ready.then(schedule); }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
