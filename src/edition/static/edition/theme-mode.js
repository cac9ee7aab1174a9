// sphinx-book-theme writes an empty data-mode for a first-time visitor (nothing in
// localStorage yet), and pydata-sphinx-theme then logs "Got invalid theme mode" as a console
// error. Start such a visitor in "auto" mode, which is what the theme falls back to anyway.
(function () {
  "use strict";
  var root = document.documentElement;
  if (!root.dataset.mode) {
    root.dataset.mode = "auto";
  }
})();
