// Staff calendar pages.
// Day and week grid: each entry's place (minutes from the top, length, lane) and its
// practitioner's colour come as data- attributes, because the Content-Security-Policy allows
// no style="" attributes; they become the CSS variables desk-calendar.css places entries with
// (setting them from a script is allowed). The grid is marked `is-placed` once done: without
// this script a wide screen shows each day as a plain list in time order, as a phone does.
// Calendar feeds page: a Copy button beside each private address (where the clipboard API is
// available), and a click in the address selects all of it.
(function () {
  "use strict";

  var NUMBER = /^\d{1,5}$/;
  var COLOUR = /^#[0-9a-fA-F]{3,8}$/;
  var VARIABLES = [
    ["columns", "--columns", NUMBER],
    ["minutes", "--minutes", NUMBER],
    ["top", "--top", NUMBER],
    ["length", "--length", NUMBER],
    ["lane", "--lane", NUMBER],
    ["lanes", "--lanes", NUMBER],
    ["who", "--who", COLOUR],
  ];

  function setVariables(element) {
    VARIABLES.forEach(function (v) {
      var value = element.dataset[v[0]];
      if (value !== undefined && v[2].test(value)) element.style.setProperty(v[1], value);
    });
  }

  function placeGrid(grid) {
    setVariables(grid);
    grid.querySelectorAll("[data-top]").forEach(setVariables);
    grid.classList.add("is-placed");
  }

  // `root`: the document, or what htmx has just put in the page.
  function place(root) {
    if (!root || !root.querySelectorAll) return;
    if (root.matches && root.matches(".cal-grid")) placeGrid(root);
    root.querySelectorAll(".cal-grid").forEach(placeGrid);
    var grid = root.closest && root.closest(".cal-grid");
    if (grid) placeGrid(grid);
  }

  place(document);
  // htmx:load follows every swap, on each new element (and once on <body> at start).
  document.addEventListener("htmx:load", function (event) { place(event.target); });

  document.querySelectorAll("[data-select-all]").forEach(function (input) {
    input.addEventListener("focus", function () { input.select(); });
  });
  if (!navigator.clipboard) return;
  document.querySelectorAll("[data-copy]").forEach(function (button) {
    var id = button.getAttribute("data-copy");
    var input = document.getElementById(id);
    var status = document.querySelector('[data-copy-status="' + id + '"]');
    button.hidden = false;
    button.addEventListener("click", function () {
      navigator.clipboard.writeText(input.value).then(function () {
        if (status) status.textContent = button.getAttribute("data-copied");
      });
    });
  });
})();
