// Reader tables: each cell learns its column's name (for the card layout on a phone), the
// claims ledger gets two filters, by status and by paragraph, that share one small state, and a
// link to a source by its number opens the figure's Sources tab that lists it.
(function () {
  "use strict";
  function text(node) { return node.textContent.replace(/\s+/g, " ").trim(); }
  function headersOf(table) {
    return Array.prototype.map.call(table.querySelectorAll("thead th, thead td"), text);
  }
  function label(table) {
    var headers = headersOf(table);
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, i) {
        if (headers[i] && !cell.dataset.label) { cell.dataset.label = headers[i]; }
        if (!text(cell)) { cell.classList.add("is-empty"); }
      });
    });
    table.classList.add("edition-cards");
  }
  var uid = 0;
  function ledgerFilter(table) {
    var headers = headersOf(table);
    var statusCol = headers.indexOf("Verdict") >= 0 ? headers.indexOf("Verdict") : headers.indexOf("Status");
    var paraCol = headers.indexOf("Paragraph");
    var rows = Array.prototype.slice.call(table.querySelectorAll("tbody tr"));
    if (statusCol < 0 || paraCol < 0 || rows.length < 8) { return; }
    var id = "ledger" + (++uid);
    // a verdict cell may add a link to its scorecard row: filter on the verdict itself (its class)
    function cellValue(row, col) {
      var cell = row.children[col];
      var status = col === statusCol && cell.querySelector(".claim-status");
      if (status) {
        var named = Array.prototype.filter.call(status.classList, function (c) { return c.indexOf("claim-") === 0 && c !== "claim-status"; })[0];
        if (named) { return named.slice(6).replace(/-/g, " "); }
      }
      return text(cell);
    }
    var state = { status: "", paragraph: "" };
    function values(col) {
      var seen = [];
      rows.forEach(function (row) { var v = cellValue(row, col); if (v && seen.indexOf(v) < 0) { seen.push(v); } });
      return seen;
    }
    function count(col, value) {
      return rows.filter(function (row) { return cellValue(row, col) === value; }).length;
    }
    function select(name, col, all, order) {
      var box = document.createElement("select");
      box.id = id + "-" + name;
      var first = document.createElement("option");
      first.value = ""; first.textContent = all + " (" + rows.length + ")";
      box.appendChild(first);
      order(values(col)).forEach(function (v) {
        var option = document.createElement("option");
        option.value = v; option.textContent = v + " (" + count(col, v) + ")";
        box.appendChild(option);
      });
      box.addEventListener("change", function () { state[name] = box.value; apply(); });
      var lab = document.createElement("label");
      lab.setAttribute("for", box.id);
      lab.textContent = name === "status" ? headers[statusCol] : "Paragraph";
      var wrap = document.createElement("div");
      wrap.className = "ledger-filter-field";
      wrap.appendChild(lab); wrap.appendChild(box);
      return { wrap: wrap, box: box };
    }
    var byNumber = function (list) {
      return list.slice().sort(function (a, b) { return parseInt(a.replace(/\D/g, ""), 10) - parseInt(b.replace(/\D/g, ""), 10); });
    };
    var status = select("status", statusCol, "All", function (list) { return list.slice().sort(); });
    var para = select("paragraph", paraCol, "All paragraphs", byNumber);
    var note = document.createElement("p");
    note.className = "ledger-filter-status";
    note.setAttribute("role", "status");
    var box = document.createElement("div");
    box.className = "ledger-filter";
    box.setAttribute("role", "group");
    box.setAttribute("aria-label", "Filter the claims");
    box.appendChild(status.wrap); box.appendChild(para.wrap); box.appendChild(note);
    var anchor = table.closest(".pst-scrollable-table-container") || table;
    anchor.parentNode.insertBefore(box, anchor);
    function apply() {
      var shown = 0;
      rows.forEach(function (row) {
        var ok = (!state.status || cellValue(row, statusCol) === state.status) &&
                 (!state.paragraph || cellValue(row, paraCol) === state.paragraph);
        row.hidden = !ok;
        if (ok) { shown += 1; }
      });
      status.box.value = state.status;
      para.box.value = state.paragraph;
      note.textContent = "Showing " + shown + " of " + rows.length + " claims.";
    }
    apply();
  }
  // A link into a tab that is not shown (a source's number in a figure's Data tab, pointing to
  // its entry in the Sources tab): select that tab first, so the browser can scroll to the entry.
  function openTabOf(id) {
    var target = id && document.getElementById(id);
    var content = target && target.closest(".sd-tab-content");
    var label = content && content.previousElementSibling;
    var input = label && label.htmlFor && document.getElementById(label.htmlFor);
    if (input && !input.checked) { input.checked = true; }
  }
  function hashId(href) {
    try { return decodeURIComponent(href.slice(href.indexOf("#") + 1)); } catch (e) { return ""; }
  }
  function init() {
    document.querySelectorAll("table.edition-table, table.edition-claims-ledger, table.edition-data-table, table.edition-data-dictionary").forEach(label);
    document.querySelectorAll("table.edition-claims-ledger").forEach(ledgerFilter);
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest("a[href^='#']");
      if (link) { openTabOf(hashId(link.getAttribute("href"))); }
    });
    if (location.hash) {
      var id = hashId(location.hash);
      var target = document.getElementById(id);
      if (target && target.closest(".sd-tab-content")) { openTabOf(id); target.scrollIntoView(); }
    }
    window.addEventListener("hashchange", function () { openTabOf(hashId(location.hash)); });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", init); } else { init(); }
})();
