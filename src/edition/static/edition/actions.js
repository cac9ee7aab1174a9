// The theme's print and full-screen buttons, wired here instead of by inline onclick
// attributes, which the pages' Content-Security-Policy does not allow (see sphinxext/csp.py).
(function () {
  "use strict";
  var actions = {
    print: function () { window.print(); },
    fullscreen: function () {
      if (typeof window.toggleFullScreen === "function") { window.toggleFullScreen(); }
    },
  };
  function wire() {
    document.querySelectorAll("[data-edition-action]").forEach(function (button) {
      var action = actions[button.getAttribute("data-edition-action")];
      if (action) { button.addEventListener("click", action); }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", wire);
  } else {
    wire();
  }
})();
