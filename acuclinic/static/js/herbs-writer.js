// The prescription writer's herb picker: type pinyin (with or without tones), characters or
// the Latin name, the server answers with matching herbs (an HTML list of options), arrow keys
// move through them and Enter picks one (or the first, when none is highlighted); then the
// focus moves on to the grams. Without this script the field still takes a herb's code or its
// exact name.
(function () {
  "use strict";
  var form = document.querySelector("[data-herb-picker]");
  if (!form) return;
  var input = form.querySelector("[data-herb-input]");
  var list = form.querySelector("[data-herb-results]");
  var status = form.querySelector("[data-herb-status]");
  var grams = form.querySelector("input[name=grams]");
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
    if (status) status.textContent = option.textContent.trim();
    if (grams) grams.focus();
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
        // The count comes worded by the server, in the page's language and plural rules.
        var counted = list.querySelector("[data-count-text]");
        status.textContent = counted ? counted.getAttribute("data-count-text") : "";
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
})();
