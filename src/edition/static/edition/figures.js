// Turns each placeholder written by edition.sphinxext.plotly_output into a live Plotly figure,
// themed for light or dark mode, and gives the map and the timeline their HTML controls.
// plotly.js and the basemap come from this book's own _static folder: nothing from a CDN.
(function () {
  "use strict";

  // ---- theme ------------------------------------------------------------------------------
  // Colors the figure builders use that would vanish or glare on the dark page, and their stand-ins.
  var DARK_COLORS = {
    "#0072b2": "#56b4e9", "#c24e00": "#f0883e", "#d55e00": "#f0883e", "#b07800": "#e6a700",
    "#007a5a": "#2fc29a", "#767676": "#a6a6a6", "#777777": "#a6a6a6", "#666666": "#aaaaaa",
    "#555555": "#b8b8b8", "#444444": "#d0d0d0", "#1a1a1a": "#f2f2f2", "#ffffff": "#14181e", "white": "#14181e",
    "#b2182b": "#f4727f", "#2166ac": "#6cb0f0"
  };
  var INK = { light: "#222832", dark: "#e6e9ec" };

  function contentRoot() {
    var root = document.documentElement.dataset.content_root;
    return root === undefined ? "./" : root;
  }
  function isDark() {
    return document.documentElement.dataset.theme === "dark";
  }
  function clone(value) {
    return JSON.parse(JSON.stringify(value));
  }
  function recolor(value) {
    if (Array.isArray(value)) { return value.map(recolor); }
    if (typeof value === "string" && DARK_COLORS[value.toLowerCase()]) { return DARK_COLORS[value.toLowerCase()]; }
    return value;
  }
  function themedData(data) {
    if (!isDark()) { return data; }
    return data.map(function (trace) {
      var t = clone(trace);
      ["marker", "line"].forEach(function (part) {
        if (t[part]) {
          if (t[part].color !== undefined) { t[part].color = recolor(t[part].color); }
          if (t[part].line && t[part].line.color !== undefined) { t[part].line.color = recolor(t[part].line.color); }
        }
      });
      if (t.textfont) {
        if (t.textfont.color) { t.textfont.color = recolor(t.textfont.color); }
        if (t.textfont.shadow) { t.textfont.shadow = t.textfont.shadow.replace(/#ffffff/gi, "#14181e"); }
      }
      return t;
    });
  }
  function themed(layout) {
    var dark = isDark();
    var ink = dark ? INK.dark : INK.light;
    var grid = dark ? "#2e3540" : "#e4e6e8";
    var out = Object.assign({}, layout, {
      paper_bgcolor: "rgba(0,0,0,0)",
      plot_bgcolor: "rgba(0,0,0,0)",
      font: Object.assign({}, layout.font || {}, { color: ink }),
      hoverlabel: Object.assign({}, layout.hoverlabel || {}, {
        bgcolor: dark ? "#1f252d" : "#ffffff",
        bordercolor: dark ? "#8a939e" : "#5f6b76",
        font: Object.assign({}, (layout.hoverlabel || {}).font || {}, { color: ink, size: 13 }),
        align: "left"
      })
    });
    Object.keys(layout).forEach(function (key) {
      if (/^[xy]axis\d*$/.test(key)) {
        out[key] = Object.assign({}, layout[key], {
          gridcolor: grid, linecolor: dark ? "#5a626d" : "#b0b6bc", zerolinecolor: grid,
          tickfont: Object.assign({}, layout[key].tickfont || {}, { color: ink })
        });
        if (layout[key].rangeslider) {
          out[key].rangeslider = Object.assign({}, layout[key].rangeslider, {
            bgcolor: dark ? "#1b2027" : "#f4f5f6", bordercolor: dark ? "#5a626d" : "#b0b6bc", borderwidth: 1
          });
        }
      }
    });
    if (layout.annotations) {
      out.annotations = layout.annotations.map(function (a) {
        var copy = clone(a);
        copy.font = Object.assign({}, copy.font || {}, { color: dark ? recolor(copy.font && copy.font.color || ink) : (copy.font && copy.font.color || ink) });
        return copy;
      });
    }
    if (layout.shapes && dark) {
      out.shapes = layout.shapes.map(function (s) {
        var copy = clone(s);
        if (copy.line && copy.line.color) { copy.line.color = recolor(copy.line.color); }
        return copy;
      });
    }
    if (layout.geo) {
      var water = dark ? "#1b2633" : (layout.geo.oceancolor || "#d9e6ef");
      out.geo = Object.assign({}, layout.geo, {
        bgcolor: "rgba(0,0,0,0)",
        landcolor: dark ? "#323841" : (layout.geo.landcolor || "#ece8df"),
        oceancolor: water,
        lakecolor: water,
        showlakes: true,
        countrycolor: dark ? "#6d7580" : (layout.geo.countrycolor || "#a8a39a"),
        coastlinecolor: dark ? "#7c8591" : (layout.geo.coastlinecolor || "#8d887f")
      });
    }
    return out;
  }

  // ---- small DOM helpers ------------------------------------------------------------------
  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") { node.textContent = attrs[key]; } else { node.setAttribute(key, attrs[key]); }
    });
    (children || []).forEach(function (child) { node.appendChild(child); });
    return node;
  }
  function escapeHtml(text) {
    return String(text).replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }
  var uid = 0;

  // ---- the arms-flow map: one state, HTML controls ----------------------------------------
  function arcWidth(count) {  // as edition.figures.arc_width
    return Math.round((1.5 + 1.6 * Math.sqrt(count)) * 100) / 100;
  }
  function arcHover(label, items) {  // as edition.figures.arc_hover
    var n = items.length;
    var noun = n + " transfer" + (n !== 1 ? "s" : "");
    var lines = ["<b>" + escapeHtml(label) + "</b>", n > 3 ? noun + ", among them:" : noun + ":"];
    items.slice(0, 3).forEach(function (t) { lines.push("· " + escapeHtml(t.system) + " (" + t.from + ")"); });
    if (n > 3) { lines.push("and " + (n - 3) + " more."); }
    lines.push("Click the arc to list them with their sources.");
    return lines.join("<br>");
  }

  function FlowMap(holder, spec, redraw) {
    var meta = spec.layout.meta;
    var id = "flow" + (++uid);
    var first = meta.years[0], last = meta.years[1];
    var state = { view: "latest", year: null, kind: "", playing: false };
    var timer = null;

    function shown(t) {
      return (state.view === "latest" || t.known) &&
        (state.year === null || (t.from <= state.year && state.year <= t.to)) &&
        (!state.kind || t.kind === state.kind);
    }
    function itemsOf(arc) {
      return meta.transfers.filter(function (t) { return t.arc === arc && shown(t); });
    }

    // controls
    var radios = [["latest", "Latest data"], ["known", "Known on Oct. 26, 2023"]].map(function (pair) {
      var input = el("input", { type: "radio", name: id + "-view", value: pair[0], id: id + "-" + pair[0] });
      input.checked = pair[0] === state.view;
      input.addEventListener("change", function () { if (input.checked) { set({ view: pair[0] }); } });
      return el("label", { "for": id + "-" + pair[0], "class": "flow-choice" }, [input, el("span", { text: pair[1] })]);
    });
    var view = el("fieldset", { "class": "flow-view" }, [el("legend", { text: "Show" })].concat(radios));
    var range = el("input", { type: "range", id: id + "-year", min: String(first - 1), max: String(last), step: "1",
                              value: String(first - 1) });
    var output = el("output", { "for": id + "-year", "class": "flow-year-value" });
    range.addEventListener("input", function () {
      var value = parseInt(range.value, 10);
      stop();
      set({ year: value < first ? null : value });
    });
    var play = el("button", { type: "button", "class": "flow-button flow-play", "aria-pressed": "false", text: "Play" });
    play.addEventListener("click", function () { if (state.playing) { stop(); render(); } else { start(); } });
    var all = el("button", { type: "button", "class": "flow-button", text: "All years" });
    all.addEventListener("click", function () { stop(); set({ year: null }); });
    var years = el("div", { "class": "flow-years" }, [
      el("label", { "for": id + "-year", text: "Year" }), range, output, play, all
    ]);
    var select = el("select", { id: id + "-kind" });
    select.appendChild(el("option", { value: "", text: "All kinds (" + meta.transfers.length + ")" }));
    meta.kinds.forEach(function (k) { select.appendChild(el("option", { value: k[0], text: k[1] + " (" + k[2] + ")" })); });
    select.addEventListener("change", function () { set({ kind: select.value }); });
    var kind = el("div", { "class": "flow-kind" }, [el("label", { "for": id + "-kind", text: "Kind of weapon" }), select]);
    var status = el("p", { "class": "flow-status", role: "status", "aria-live": "polite" });
    var listButton = el("button", { type: "button", "class": "flow-button", "aria-controls": id + "-detail",
                                    text: "List these transfers" });
    listButton.addEventListener("click", function () { showDetail(null); });
    var controls = el("div", { "class": "flow-controls", role: "group", "aria-label": "Map controls" },
                      [view, years, kind]);
    var statusRow = el("div", { "class": "flow-status-row" }, [status, listButton]);

    // key: direction colors, period line styles, width
    var key = el("ul", { "class": "flow-key", "aria-label": "Key to the map" });
    var swatches = [];
    Object.keys(meta.directions).forEach(function (label) {
      var swatch = el("span", { "class": "flow-swatch", "aria-hidden": "true" });
      swatches.push(swatch);
      swatch.style.background = meta.directions[label];
      swatch.dataset.color = meta.directions[label];
      key.appendChild(el("li", {}, [swatch, el("span", { text: label })]));
    });
    key.appendChild(el("li", {}, [el("span", { "class": "flow-swatch flow-dotted", "aria-hidden": "true" }),
                                  el("span", { text: "begun " + meta.periods[0] })]));
    key.appendChild(el("li", {}, [el("span", { "class": "flow-swatch flow-solid", "aria-hidden": "true" }),
                                  el("span", { text: "begun " + meta.periods[1] })]));
    key.appendChild(el("li", {}, [el("span", { text: "Wider: more transfers" })]));

    var detail = el("div", { "class": "flow-detail", id: id + "-detail", hidden: "" });

    var canvas = holder.querySelector(".edition-plotly-canvas");
    holder.insertBefore(controls, canvas);
    holder.insertBefore(statusRow, canvas);
    holder.appendChild(key);
    holder.appendChild(detail);

    function showDetail(arc) {
      detail.textContent = "";
      var arcs = arc === null ? meta.arcs.map(function (_, i) { return i; }) : [arc];
      var any = false;
      var close = el("button", { type: "button", "class": "flow-button flow-close", text: "Close list" });
      close.addEventListener("click", function () { detail.hidden = true; listButton.focus(); });
      detail.appendChild(close);
      arcs.forEach(function (i) {
        var items = itemsOf(i);
        if (!items.length) { return; }
        any = true;
        var swatch = el("span", { "class": "flow-swatch", "aria-hidden": "true" });
        swatch.style.background = isDark() ? recolor(meta.arcs[i].color) : meta.arcs[i].color;
        detail.appendChild(el("h4", {}, [swatch, el("span", {
          text: meta.arcs[i].label + ": " + items.length + " transfer" + (items.length !== 1 ? "s" : "") })]));
        detail.appendChild(el("ul", {}, items.map(function (t) { return el("li", { text: t.text }); })));
      });
      if (!any) { detail.appendChild(el("p", { text: "No transfer matches these settings." })); }
      detail.hidden = false;
      detail.setAttribute("tabindex", "-1");
      detail.focus({ preventScroll: arc !== null });
    }

    function describe(count) {
      var parts = [];
      parts.push(state.year === null ? "all years" : "under way in " + state.year);
      parts.push(state.view === "known" ? "as known on October 26, 2023" : "on the latest data");
      if (state.kind) {
        var k = meta.kinds.filter(function (x) { return x[0] === state.kind; })[0];
        parts.push(k ? k[1].toLowerCase() + " only" : state.kind);
      }
      return "Showing " + count + " of " + meta.transfers.length + " transfers: " + parts.join(", ") + ".";
    }

    function render() {
      sync();
      redraw();
    }
    function sync() {
      // the controls always show the state, whichever control changed it
      radios.forEach(function (label) { var input = label.querySelector("input"); input.checked = input.value === state.view; });
      range.value = String(state.year === null ? first - 1 : state.year);
      var yearText = state.year === null ? "All years" : String(state.year);
      range.setAttribute("aria-valuetext", yearText);
      output.textContent = yearText;
      select.value = state.kind;
      play.textContent = state.playing ? "Pause" : "Play";
      play.setAttribute("aria-pressed", state.playing ? "true" : "false");
      status.textContent = describe(meta.transfers.filter(shown).length);
      holder.dataset.flowView = state.view;
      holder.dataset.flowYear = state.year === null ? "all" : String(state.year);
      holder.dataset.flowKind = state.kind;
      if (!detail.hidden) { detail.hidden = true; }
    }
    function set(change) {
      Object.assign(state, change);
      render();
    }
    function start() {
      if (state.year === null || state.year >= last) { state.year = first; }
      state.playing = true;
      render();
      timer = window.setInterval(function () {
        if (state.year >= last) { stop(); render(); return; }
        set({ year: state.year + 1 });
      }, 900);
    }
    function stop() {
      if (timer) { window.clearInterval(timer); timer = null; }
      state.playing = false;
    }

    this.data = function () {
      swatches.forEach(function (swatch) { swatch.style.background = isDark() ? recolor(swatch.dataset.color) : swatch.dataset.color; });
      all.hidden = state.year === null;
      return spec.data.map(function (trace) {
        if (!trace.meta || trace.meta.arc === undefined) { return trace; }
        var t = clone(trace);
        var items = itemsOf(trace.meta.arc);
        var width = arcWidth(Math.max(items.length, 1));
        t.visible = items.length > 0;
        t.line.width = width;
        t.marker.size = trace.marker.size.map(function (s) { return s > 0 ? 8 + 2 * width : 0; });
        t.hovertext = arcHover(meta.arcs[trace.meta.arc].label, items);
        return t;
      });
    };
    this.layout = function (width) {
      var layout = clone(spec.layout);
      // fit the extent to the space: a taller map on a phone, more longitude on a wide screen
      var height = width < 600 ? Math.round(width * 1.25) : Math.round(Math.min(640, Math.max(420, width * 0.72)));
      var lat = meta.extent.lat, lon = meta.extent.lon;
      var center = (lon[0] + lon[1]) / 2;
      var span = Math.max(40, Math.min(lon[1] - lon[0], (lat[1] - lat[0]) * 1.26 * width / height));
      layout.height = height;
      layout.geo.lonaxis = Object.assign({}, layout.geo.lonaxis, { range: [center - span / 2, center + span / 2] });
      return layout;
    };
    this.onClick = function (point) {
      if (point && point.data.meta && point.data.meta.arc !== undefined) { showDetail(point.data.meta.arc); }
    };
    this.state = state;
    this.set = set;
    sync();
  }

  // ---- the timeline: era buttons ----------------------------------------------------------
  function Timeline(holder, spec, redraw) {
    var meta = spec.layout.meta;
    var state = { range: meta.eras[meta.opening][1].slice(), era: meta.opening };
    var buttons = meta.eras.map(function (era, i) {
      var button = el("button", { type: "button", "class": "flow-button era-button", text: era[0] + " (" + era[2] + ")" });
      button.addEventListener("click", function () { state.era = i; state.range = era[1].slice(); sync(); redraw(); });
      return button;
    });
    var group = el("div", { "class": "era-buttons", role: "group", "aria-label": "Period shown" }, buttons);
    holder.insertBefore(group, holder.querySelector(".edition-plotly-canvas"));
    function sync() {
      buttons.forEach(function (b, i) { b.setAttribute("aria-pressed", i === state.era ? "true" : "false"); });
      holder.dataset.era = state.era === null ? "" : String(state.era);
    }
    this.data = function () { return spec.data; };
    this.layout = function () {
      var layout = clone(spec.layout);
      layout.xaxis.range = state.range.slice();
      layout.xaxis.autorange = false;
      return layout;
    };
    this.onRelayout = function (event) {
      var lo = event["xaxis.range[0]"], hi = event["xaxis.range[1]"];
      if (event["xaxis.range"]) { lo = event["xaxis.range"][0]; hi = event["xaxis.range"][1]; }
      if (lo !== undefined && hi !== undefined && (String(lo) !== String(state.range[0]) || String(hi) !== String(state.range[1]))) {
        state.range = [lo, hi];
        state.era = null;
        sync();
      }
    };
    sync();
  }

  // ---- the scorecard: column heads that fit a narrow phone --------------------------------
  function wrapWords(text, width, lines) {  // as edition.figures.quote_label, for a narrower column
    var out = [], line = "";
    text.split(" ").forEach(function (word) {
      if (line && line.length + 1 + word.length > width) { out.push(line); line = word; } else { line = line ? line + " " + word : word; }
    });
    out.push(line);
    if (out.length > lines) { out = out.slice(0, lines); out[lines - 1] = out[lines - 1].replace(/[ ,;.”]+$/, "") + "…”"; }
    return out.join("<br>");
  }
  function Scorecard(holder, spec) {
    var meta = spec.layout.meta;
    this.data = function () { return spec.data; };
    this.layout = function (width) {
      if (width >= 480) { return spec.layout; }
      // a phone: shorter lines of the essay's words, upright one-line column heads
      var layout = clone(spec.layout);
      var chars = width < 360 ? 20 : 24;
      layout.yaxis.ticktext = meta.rows.map(function (row) {
        return "¶" + row[0] + " " + wrapWords(escapeHtml("“" + row[1] + "”"), chars, 4);
      });
      layout.yaxis.tickfont = Object.assign({}, layout.yaxis.tickfont || {}, { size: 10 });
      layout.xaxis.ticktext = meta.narrowHeads;
      layout.xaxis.tickangle = -90;
      layout.height = spec.layout.height + 8 * meta.rows.length;
      return layout;
    };
  }

  var CONTROLLERS = { "arms-flow-map": FlowMap, "alliance-timeline": Timeline, "scorecard": Scorecard };

  // ---- loading plotly.js and drawing, figure by figure -----------------------------------
  // plotly.js (1.5 MB) is not in the page's <head>: it is fetched when the first figure comes
  // within half a screen of the viewport, and each figure is drawn when it nears the viewport,
  // one figure per task, so that a reader of the text above never waits on it and a phone's main
  // thread is not held through the page load. Each figure's box is reserved at its drawn height
  // before anything is drawn, so drawing shifts nothing. Print draws every figure at once.
  var script = document.currentScript;
  var PLOTLY_SRC = (script && script.dataset.plotly) || "edition/plotly/plotly-edition.min.js";
  var plotlyLoading = null;
  function loadPlotly() {
    if (window.Plotly) { return Promise.resolve(window.Plotly); }
    if (!plotlyLoading) {
      plotlyLoading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = contentRoot() + "_static/" + PLOTLY_SRC;
        tag.async = true;
        tag.addEventListener("load", function () { resolve(window.Plotly); });
        tag.addEventListener("error", function () {
          plotlyLoading = null;
          reject(new Error("edition: plotly.js did not load from " + tag.src));
        });
        document.head.appendChild(tag);
      });
    }
    return plotlyLoading;
  }

  function specOf(holder) {
    if (!holder._spec) {
      holder._spec = JSON.parse(holder.querySelector("script.edition-plotly-spec").textContent);
    }
    return holder._spec;
  }
  // A map drawn at a fixed height leaves bands of empty space on a narrow screen: shorten it.
  function fitted(layout, width) {
    if (!layout.geo || !layout.height) { return layout; }
    var height = Math.round(Math.min(layout.height, Math.max(300, width * 0.7 + 130)));
    return height === layout.height ? layout : Object.assign({}, layout, { height: height });
  }
  function canvasOf(holder) {
    var target = holder.querySelector(".edition-plotly-canvas");
    if (!target) {
      target = el("div", { "class": "edition-plotly-canvas" });
      holder.appendChild(target);
    }
    return target;
  }
  function layoutFor(holder, width) {
    var spec = specOf(holder);
    return holder._controller ? holder._controller.layout(width) : fitted(spec.layout || {}, width);
  }
  // The figure's controls and key, and a box as tall as the figure will be, before plotly.js arrives.
  function prepare(holder) {
    var spec = specOf(holder);
    var target = canvasOf(holder);
    var kind = spec.layout && spec.layout.meta && spec.layout.meta.edition;
    if (!holder._controller && CONTROLLERS[kind]) {
      holder._controller = new CONTROLLERS[kind](holder, spec, function () { return redraw(holder); });
    }
    reserve(holder);
  }
  function reserve(holder) {
    if (holder.dataset.drawn) { return; }
    var target = canvasOf(holder);
    var width = target.clientWidth || holder.clientWidth || 600;
    target.style.height = (layoutFor(holder, width).height || 450) + "px";  // plotly's default height
  }
  function draw(holder) {
    var spec = specOf(holder);
    var target = canvasOf(holder);
    var ctl = holder._controller || null;
    var width = target.clientWidth || holder.clientWidth || 600;
    holder._width = width;
    var data = themedData(ctl ? ctl.data() : spec.data);
    var layout = themed(layoutFor(holder, width));
    var config = Object.assign({ responsive: true, displaylogo: false }, spec.config || {}, {
      displayModeBar: false, scrollZoom: false,
      topojsonURL: contentRoot() + "_static/edition/topojson/"
    });
    return Plotly.react(target, data, layout, config).then(function (gd) {
      if (!holder.dataset.linked) {
        // Points whose trace declares meta.clickLink = k carry a page link in customdata[k].
        gd.on("plotly_click", function (event) {
          var point = event.points && event.points[0];
          var index = point && point.data.meta && point.data.meta.clickLink;
          var href = index !== undefined && point.customdata ? point.customdata[index] : "";
          if (href) { window.location.href = href; return; }
          if (holder._controller && holder._controller.onClick) { holder._controller.onClick(point); }
        });
        gd.on("plotly_relayout", function (event) {
          if (holder._controller && holder._controller.onRelayout) { holder._controller.onRelayout(event); }
        });
        holder.dataset.linked = "true";
      }
      if (!holder.dataset.drawn) {
        // plotly sized the plot from the layout: the reserved height has done its work
        target.style.height = "";
        // milliseconds from navigation start to this figure drawn (read by `make bench`)
        holder.dataset.drawnAt = String(Math.round(performance.now()));
      }
      holder.dataset.drawn = "true";
    });
  }
  // A control changed, the theme changed or the width changed: draw again (once drawn).
  function redraw(holder) {
    if (holder.dataset.drawn) { return draw(holder); }
    want(holder);
    return Promise.resolve();
  }

  var holders = Array.prototype.slice.call(document.querySelectorAll(".edition-plotly"));
  var queue = [];
  var busy = false;
  function want(holder) {
    if (holder._wanted) { return; }
    holder._wanted = true;
    queue.push(holder);
    next();
  }
  function next() {
    if (busy || !queue.length) { return; }
    busy = true;
    loadPlotly().then(function () {
      return draw(queue.shift());
    }).then(function () {
      var root = document.documentElement;
      var drawn = holders.filter(function (h) { return h.dataset.drawn; }).length;
      root.dataset.figuresDrawn = String(drawn);
      if (drawn === holders.length && !root.dataset.figuresDrawnAt) {
        // milliseconds from navigation start to every figure drawn
        root.dataset.figuresDrawnAt = String(Math.round(performance.now()));
      }
    }).catch(function (err) {
      window.console.error(err);
    }).then(function () {
      busy = false;
      // the next figure in a task of its own: the browser paints and handles input in between
      if (queue.length) { window.setTimeout(next, 0); }
    });
  }
  function wantAll() { holders.forEach(want); }

  holders.forEach(prepare);
  var printing = window.matchMedia("print");
  if (printing.matches || !("IntersectionObserver" in window)) {
    wantAll();
  } else {
    var near = new IntersectionObserver(function (entries) {
      entries.forEach(function (entry) {
        if (entry.isIntersecting) { near.unobserve(entry.target); want(entry.target); }
      });
    }, { rootMargin: "50% 0px 50% 0px" });  // half a screen ahead, above and below
    holders.forEach(function (holder) { near.observe(holder); });
  }
  window.addEventListener("beforeprint", wantAll);
  // Follow the theme switcher: redraw the drawn figures when data-theme changes.
  new MutationObserver(function () {
    holders.forEach(function (holder) { if (holder.dataset.drawn) { draw(holder); } });
  }).observe(document.documentElement, { attributes: true, attributeFilter: ["data-theme"] });
  // Figures whose layout depends on their width (the map) are redrawn when it changes;
  // a figure not drawn yet keeps a box of the height it will have.
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(function () {
      holders.forEach(function (holder) {
        var target = holder.querySelector(".edition-plotly-canvas");
        if (!holder.dataset.drawn) { reserve(holder); } else if (target && target.clientWidth !== holder._width) { draw(holder); }
      });
    }, 200);
  });
})();
