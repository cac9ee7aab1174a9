// Notes sit in the margin on wide screens; on narrow screens each paragraph's notes start
// collapsed under it. Without JavaScript they stay open, so nothing is hidden.
(function () {
  "use strict";
  var wide = window.matchMedia("(min-width: 992px)");
  function apply() {
    document.querySelectorAll("details.essay-notes-toggle").forEach(function (d) {
      var target = location.hash && d.querySelector(location.hash.replace(/([.:])/g, "\\$1"));
      d.open = wide.matches || Boolean(target);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", apply);
  } else {
    apply();
  }
  wide.addEventListener("change", apply);
  window.addEventListener("hashchange", apply);
})();
