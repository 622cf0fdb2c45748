// The visit screen's point picker: type a code or a name, the server answers with matching
// points (an HTML list of options), arrow keys move through them and Enter picks one (or the
// first, when none is highlighted); then the focus moves on to the side. A point clicked on
// the body chart is picked the same way. Without this script the field still takes a typed
// code ("bl23", "UB 23") or a point's name.
(function () {
  "use strict";
  var form = document.querySelector("[data-point-picker]");
  if (!form) return;
  var input = form.querySelector("[data-point-input]");
  var list = form.querySelector("[data-point-results]");
  var status = form.querySelector("[data-point-status]");
  var side = form.querySelector("select[name=side]");
  var url = form.getAttribute("data-search-url");
  var timer = null;
  var asked = 0;
  var active = -1;

  function options() {
    return Array.prototype.slice.call(list.querySelectorAll("[data-code]"));
  }

  function close() {
    list.hidden = true;
    input.setAttribute("aria-expanded", "false");
    input.removeAttribute("aria-activedescendant");
    active = -1;
  }

  function highlight(index) {
    var all = options();
    if (!all.length) return;
    active = (index + all.length) % all.length;
    all.forEach(function (option, i) {
      option.setAttribute("aria-selected", i === active ? "true" : "false");
    });
    input.setAttribute("aria-activedescendant", all[active].id);
    all[active].scrollIntoView({ block: "nearest" });
  }

  function pick(option) {
    input.value = option.getAttribute("data-code");
    close();
    if (side) {
      if (option.getAttribute("data-midline") === "1") {
        side.value = "midline";
      } else if (side.value === "midline") {
        side.value = "";
      }
      side.focus();
    }
    if (status) status.textContent = option.textContent.trim();
  }

  function search() {
    var query = input.value.trim();
    var ticket = ++asked;
    if (!query) { list.innerHTML = ""; close(); return; }
    fetch(url + "?q=" + encodeURIComponent(query), {
      headers: { "X-Requested-With": "fetch" },
      credentials: "same-origin"
    }).then(function (response) {
      return response.ok ? response.text() : "";
    }).then(function (html) {
      if (ticket !== asked) return; // an older answer, overtaken by later typing
      list.innerHTML = html;
      active = -1;
      list.hidden = !html.trim();
      input.setAttribute("aria-expanded", list.hidden ? "false" : "true");
      if (status) {
        var count = options().length;
        status.textContent = count === 1 ? status.getAttribute("data-one")
          : count ? count + " " + status.getAttribute("data-many") : "";
      }
    });
  }

  input.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(search, 120);
  });

  input.addEventListener("keydown", function (event) {
    var all = options();
    if (event.key === "ArrowDown") {
      if (!all.length) return;
      event.preventDefault();
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
      highlight(active + 1);
    } else if (event.key === "ArrowUp") {
      if (!all.length) return;
      event.preventDefault();
      highlight(active - 1);
    } else if (event.key === "Enter") {
      if (list.hidden || !all.length) return; // submits the form with the typed code
      event.preventDefault();
      pick(all[active >= 0 ? active : 0]);
    } else if (event.key === "Escape") {
      close();
    }
  });

  list.addEventListener("mousedown", function (event) {
    var option = event.target.closest("[data-code]");
    if (!option) return;
    event.preventDefault(); // keep the focus in the field until the pick
    pick(option);
  });

  input.addEventListener("blur", function () {
    setTimeout(close, 150);
  });

  // The body chart: a point clicked there goes into the picker, ready for its side.
  document.querySelectorAll("[data-chart-point]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var code = link.getAttribute("data-chart-point");
      input.value = code;
      close();
      if (side) {
        if (link.getAttribute("data-midline") === "1") {
          side.value = "midline";
        } else if (link.getAttribute("data-side")) {
          side.value = link.getAttribute("data-side"); // the side clicked on the figure
        } else if (side.value === "midline") {
          side.value = "";
        }
        side.focus();
      }
      if (status) status.textContent = code;
    });
  });
})();
