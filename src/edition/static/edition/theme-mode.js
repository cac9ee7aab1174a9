// Runs in <head>, before first paint.
// 1. sphinx-book-theme writes an empty data-mode for a first-time visitor (nothing in
//    localStorage yet), and pydata-sphinx-theme then logs "Got invalid theme mode" as a console
//    error. Start such a visitor in "auto" mode, which is what the theme falls back to anyway.
// 2. Mark the page as scripted, so that the essay's notes start in the state notes.js keeps them
//    in (closed on a phone, hidden in the margin until placed) instead of changing after paint.
(function () {
  "use strict";
  var root = document.documentElement;
  if (!root.dataset.mode) {
    root.dataset.mode = "auto";
  }
  root.classList.add("edition-js");
})();
