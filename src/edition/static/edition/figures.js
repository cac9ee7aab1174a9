// Turns each placeholder written by edition.sphinxext.plotly into a live Plotly figure.
// plotly.js and the basemap come from this book's own _static folder: nothing from a CDN.
(function () {
  "use strict";
  function contentRoot() {
    var root = document.documentElement.dataset.content_root;
    return root === undefined ? "./" : root;
  }
  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }
  function themed(layout) {
    var dark = isDark();
    var ink = dark ? "#e6e6e6" : "#222222";
    var out = Object.assign({}, layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({}, layout.font || {}, { color: ink })
    });
    if (layout.geo) {
      out.geo = Object.assign({}, layout.geo, {
        bgcolor: "rgba(0,0,0,0)",
        landcolor: dark ? "#3a3f47" : (layout.geo.landcolor || "#e8e4da"),
        oceancolor: dark ? "#1d2430" : (layout.geo.oceancolor || "#dce9f2"),
        countrycolor: dark ? "#8a8f98" : (layout.geo.countrycolor || "#9a9a9a"),
        coastlinecolor: dark ? "#8a8f98" : (layout.geo.coastlinecolor || "#7a7a7a")
      });
    }
    return out;
  }
  function draw(holder) {
    var spec = JSON.parse(holder.querySelector("script." + "edition-plotly-spec").textContent);
    var target = holder.querySelector(".edition-plotly-canvas");
    if (!target) {
      target = document.createElement("div");
      target.className = "edition-plotly-canvas";
      holder.appendChild(target);
    }
    var config = Object.assign({ responsive: true, displaylogo: false }, spec.config || {}, {
      topojsonURL: contentRoot() + "_static/edition/topojson/"
    });
    return Plotly.react(target, spec.data, themed(spec.layout || {}), config).then(function (gd) {
      if (!holder.dataset.linked) {
        // Points whose trace declares meta.clickLink = k carry a page link in customdata[k].
        gd.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          var index = point && point.data.meta && point.data.meta.clickLink;
          var href = index !== undefined && point.customdata ? point.customdata[index] : "";
          if (href) { window.location.href = href; }
        });
        holder.dataset.linked = "true";
      }
      holder.dataset.drawn = "true";
    });
  }
  function drawAll() {
    var holders = document.querySelectorAll(".edition-plotly");
    var jobs = [];
    holders.forEach(function (holder) { jobs.push(draw(holder)); });
    return Promise.all(jobs).then(function () {
      var root = document.documentElement;
      if (!root.dataset.figuresDrawnAt) {
        // milliseconds from navigation start to every figure drawn (read by `make bench`)
        root.dataset.figuresDrawnAt = String(Math.round(performance.now()));
      }
      root.dataset.figuresDrawn = String(holders.length);
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", drawAll);
  } else {
    drawAll();
  }
  // Follow the theme switcher: redraw when data-theme changes.
  new MutationObserver(function () { drawAll(); }).observe(document.documentElement, {
    attributes: true, attributeFilter: ["data-theme"]
  });
})();
