// The intake questionnaire (templates/portal/intake/form.html). The page works without this
// file (a plain form with "Save and continue later" and "Send"); with it:
// - the body map's figures: tap (or Enter/Space) a region to toggle it; the list of chosen
//   areas below holds the checkboxes (the real inputs) and the "hurts most" radios;
// - questions with a condition (data-show-if) appear and disappear as answers change;
// - autosave: the form is posted (same fields, Accept: application/json) a second after
//   typing stops and when a field loses focus; the status line says "Saved" or not;
// - nothing is lost: every change is copied to localStorage (keyed by the intake's id) and
//   removed only once the server has saved it. If the session ended, the copy stays; after
//   signing in again the page restores it into the form and saves it.
(function () {
  "use strict";

  var PREFIX = "acuclinic-intake-";

  function store(key, value) {
    try {
      if (value === null) window.localStorage.removeItem(key);
      else window.localStorage.setItem(key, JSON.stringify(value));
    } catch (e) { /* private mode or full: the server copy is all there is */ }
  }

  function stored(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (e) {
      return null;
    }
  }

  // The "thank you" page: the questionnaire was sent, so the browser's copy can go.
  var sent = document.querySelector("[data-intake-sent]");
  if (sent) {
    store(PREFIX + sent.dataset.intakeSent, null);
    return;
  }

  var form = document.querySelector("[data-intake-form]");
  if (!form) return;
  var key = PREFIX + form.dataset.intake;
  var statusLine = form.querySelector("[data-autosave-status]");

  function text(name) {
    var el = document.querySelector("[data-text-" + name + "]");
    return el ? el.textContent : "";
  }

  // --- the body map -------------------------------------------------------------------

  function regionInputs(map) {
    return Array.prototype.slice.call(map.querySelectorAll("[data-region-input]"));
  }

  function syncBodyMap(map) {
    var anyChosen = false;
    regionInputs(map).forEach(function (input) {
      var code = input.value;
      var row = input.closest("[data-region-row]");
      var worst = row.querySelector("[data-worst-input]");
      if (!input.checked && worst.checked) worst.checked = false;
      row.classList.toggle("is-chosen", input.checked);
      anyChosen = anyChosen || input.checked;
      map.querySelectorAll("[data-region]").forEach(function (path) {
        if (path.getAttribute("data-region") !== code) return;
        path.classList.toggle("is-chosen", input.checked);
        path.classList.toggle("is-worst", worst.checked);
        path.setAttribute("aria-pressed", input.checked ? "true" : "false");
      });
    });
    map.querySelectorAll("[data-region-group]").forEach(function (group) {
      group.classList.toggle("is-empty", !group.querySelector("[data-region-input]:checked"));
    });
    var empty = map.querySelector("[data-body-map-empty]");
    if (empty) empty.hidden = anyChosen;
  }

  function toggleRegion(map, code) {
    regionInputs(map).forEach(function (input) {
      if (input.value !== code) return;
      input.checked = !input.checked;
      input.dispatchEvent(new Event("change", { bubbles: true }));
    });
  }

  form.querySelectorAll("[data-body-map]").forEach(function (map) {
    map.classList.add("is-interactive");
    var figures = map.querySelector("[data-body-figures]");
    if (figures) figures.hidden = false;
    map.querySelectorAll("[data-region]").forEach(function (path) {
      path.addEventListener("click", function () {
        toggleRegion(map, path.getAttribute("data-region"));
      });
      path.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          toggleRegion(map, path.getAttribute("data-region"));
        }
      });
    });
    map.addEventListener("change", function () {
      syncBodyMap(map);
    });
    syncBodyMap(map);
  });

  // --- "none of these" excludes the other options --------------------------------------

  form.addEventListener("change", function (event) {
    var box = event.target;
    if (box.type !== "checkbox" || !box.closest("[data-type=multiple_choice]")) return;
    if (!box.checked) return;
    var question = box.closest("[data-question]");
    question.querySelectorAll("input[type=checkbox]").forEach(function (other) {
      if (other === box) return;
      if (box.hasAttribute("data-none-option") || other.hasAttribute("data-none-option")) {
        other.checked = false;
      }
    });
  });

  // --- conditions (show_if), the same rules as questionnaire.Condition.holds ------------

  function answerOf(qid) {
    var question = form.querySelector('[data-question="' + qid + '"]');
    if (!question || question.hidden) return null;
    var type = question.dataset.type;
    var checked = Array.prototype.slice
      .call(question.querySelectorAll("input:checked"))
      .filter(function (input) { return !input.hasAttribute("data-worst-input"); })
      .map(function (input) { return input.value; });
    if (type === "yes_no") return checked.length ? checked[0] === "yes" : null;
    if (type === "single_choice") return checked.length ? checked[0] : null;
    if (type === "scale") return checked.length ? parseInt(checked[0], 10) : null;
    if (type === "multiple_choice" || type === "body_map") return checked.length ? checked : null;
    var typed = Array.prototype.slice
      .call(question.querySelectorAll("input[type=text], input[type=date], input[type=month], textarea"))
      .some(function (input) { return input.value.trim() !== ""; });
    return typed ? true : null;
  }

  function holds(condition, answer) {
    if (answer === null || answer === undefined) return false;
    var value = condition.value;
    switch (condition.op) {
      case "answered": return true;
      case "equals": return answer === value;
      case "in": return Array.isArray(value) && value.indexOf(answer) !== -1;
      case "contains": return Array.isArray(answer) && answer.indexOf(value) !== -1;
      case "contains_any":
        return Array.isArray(answer) && Array.isArray(value) &&
          value.some(function (v) { return answer.indexOf(v) !== -1; });
    }
    return false;
  }

  function applyConditions() {
    form.querySelectorAll("[data-question]").forEach(function (question) {
      var conditions;
      if (!question.dataset.showIf) return;
      try {
        conditions = JSON.parse(question.dataset.showIf);
      } catch (e) {
        return;
      }
      question.hidden = !conditions.every(function (c) { return holds(c, answerOf(c.question)); });
    });
  }

  function updateProgress() {
    var shown = 0;
    var answered = 0;
    form.querySelectorAll("[data-question]").forEach(function (question) {
      if (question.hidden) return;
      shown += 1;
      if (answerOf(question.dataset.question) !== null) answered += 1;
    });
    var bar = form.querySelector("[data-progress]");
    if (bar) {
      bar.max = shown;
      bar.value = answered;
    }
    var a = form.querySelector("[data-progress-answered]");
    var t = form.querySelector("[data-progress-total]");
    if (a) a.textContent = answered;
    if (t) t.textContent = shown;
  }

  // --- repeating lists: add a row without a round trip ---------------------------------

  function addRow(list) {
    var rows = list.querySelector("[data-list-rows]");
    var template = list.querySelector("[data-row-template]");
    var next = 0;
    rows.querySelectorAll("input[name]").forEach(function (input) {
      var parts = input.name.split(".");
      next = Math.max(next, parseInt(parts[1], 10) + 1);
    });
    var row = template.content.firstElementChild.cloneNode(true);
    row.querySelectorAll("[name], [id], [for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) el.setAttribute(attr, value.replace("__row__", String(next)));
      });
    });
    var number = row.querySelector("[data-row-number]");
    if (number) number.textContent = String(next + 1);
    rows.appendChild(row);
    return row;
  }

  form.querySelectorAll("[data-add-row]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      event.preventDefault();
      var row = addRow(button.closest("[data-list]"));
      var first = row.querySelector("input");
      if (first) first.focus();
    });
  });

  // --- the browser's copy --------------------------------------------------------------

  function pairs() {
    var result = [];
    new FormData(form).forEach(function (value, name) {
      if (name !== "csrfmiddlewaretoken") result.push([name, String(value)]);
    });
    return result;
  }

  function keep() {
    store(key, { at: Date.now(), pairs: pairs() });
  }

  function restore(saved) {
    var values = {};
    saved.pairs.forEach(function (pair) {
      (values[pair[0]] = values[pair[0]] || []).push(pair[1]);
    });
    // Rows typed on this device but not saved: make them first.
    Object.keys(values).forEach(function (name) {
      var parts = name.split(".");
      if (parts.length !== 3 || form.querySelector('[name="' + CSS.escape(name) + '"]')) return;
      var list = form.querySelector('[data-list="' + CSS.escape(parts[0]) + '"]');
      var guard = 0;
      while (list && !form.querySelector('[name="' + CSS.escape(name) + '"]') && guard++ < 60) {
        addRow(list);
      }
    });
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrfmiddlewaretoken" || el.type === "submit") return;
      var wanted = values[el.name];
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = !!wanted && wanted.indexOf(el.value) !== -1;
      } else if (wanted) {
        el.value = wanted[0];
      }
    });
  }

  // --- autosave ------------------------------------------------------------------------

  var timer = null;
  var edits = 0;
  var savedEdits = 0;
  var saving = false;
  var again = false;

  function setStatus(message, kind, link) {
    if (!statusLine) return;
    statusLine.textContent = message;
    statusLine.classList.toggle("is-saved", kind === "saved");
    statusLine.classList.toggle("is-problem", kind === "problem");
    if (link) {
      var a = document.createElement("a");
      a.href = link.href;
      a.textContent = link.text;
      statusLine.appendChild(document.createTextNode(" "));
      statusLine.appendChild(a);
    }
  }

  function showErrors(errors) {
    form.querySelectorAll("[data-errors-for]").forEach(function (el) {
      var messages = errors[el.dataset.errorsFor] || [];
      el.textContent = messages.join(" ");
      var question = el.closest("[data-question]");
      if (question) question.classList.toggle("has-error", messages.length > 0);
    });
  }

  function showFlags(html) {
    document.querySelectorAll("[data-red-flags]").forEach(function (box) {
      box.innerHTML = html;
      if (box.dataset.redFlags === "quiet") {
        // Only one copy announces itself to screen readers.
        box.querySelectorAll("[role]").forEach(function (el) { el.removeAttribute("role"); });
      }
    });
  }

  // The advice sits below the safety questions; a line in the sticky bar points to it at
  // once, wherever the patient is on the page.
  function showFlagBar(data) {
    var advice = data.red_flag_advice || [];
    form.querySelectorAll("[data-flag-bar]").forEach(function (line) {
      var emergency = line.dataset.flagBar === "emergency";
      line.hidden = emergency ? !data.emergency : data.emergency || advice.length === 0;
    });
  }

  function save() {
    window.clearTimeout(timer);
    timer = null;
    if (saving) {
      again = true;
      return;
    }
    if (edits === savedEdits) return;
    saving = true;
    var sending = edits;
    setStatus(text("saving"), "");
    window
      .fetch(form.getAttribute("action"), {
        method: "POST",
        body: new FormData(form),
        headers: { Accept: "application/json" },
        credentials: "same-origin",
        redirect: "manual",
      })
      .then(function (response) {
        var json = (response.headers.get("Content-Type") || "").indexOf("application/json") === 0;
        return (json ? response.json() : Promise.resolve({})).then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (reply) {
        var data = reply.data || {};
        if (reply.status === 200 && data.saved) {
          savedEdits = sending;
          if (edits === sending) store(key, null);
          setStatus(text("saved"), "saved");
          showErrors(data.errors || {});
          if (typeof data.red_flag_html === "string") showFlags(data.red_flag_html);
          showFlagBar(data);
        } else if (data.signed_out) {
          setStatus(text("signed-out"), "problem", { href: data.login_url, text: text("sign-in") });
        } else if (data.closed) {
          store(key, null);
          savedEdits = edits;
          setStatus(text("closed"), "problem", { href: data.url, text: text("closed") });
        } else {
          throw new Error("not saved");
        }
      })
      .catch(function () {
        setStatus(text("offline"), "problem");
        timer = window.setTimeout(save, 15000);
      })
      .then(function () {
        saving = false;
        if (again) {
          again = false;
          if (edits !== savedEdits) schedule(200);
        }
      });
  }

  function schedule(delay) {
    window.clearTimeout(timer);
    timer = window.setTimeout(save, delay);
  }

  function changed(delay) {
    edits += 1;
    applyConditions();
    updateProgress();
    keep();
    schedule(delay);
  }

  form.addEventListener("input", function (event) {
    if (event.target.type === "radio" || event.target.type === "checkbox") return;
    changed(1000);
  });
  form.addEventListener("change", function () {
    changed(1000);
  });
  form.addEventListener("focusout", function () {
    if (edits !== savedEdits) schedule(50);
  });
  window.addEventListener("online", function () {
    if (edits !== savedEdits) schedule(50);
  });
  form.addEventListener("submit", function () {
    window.clearTimeout(timer);
    keep(); // until the server answers: the page that comes back clears it
  });

  // --- on load -------------------------------------------------------------------------

  var quiet = document.querySelector("[data-red-flags]");
  if (quiet) {
    quiet.dataset.redFlags = "quiet";
    quiet.querySelectorAll("[role]").forEach(function (el) { el.removeAttribute("role"); });
  }
  var copy = stored(key);
  if (copy && Array.isArray(copy.pairs)) {
    if (JSON.stringify(copy.pairs) === JSON.stringify(pairs())) {
      store(key, null); // the server has it all
    } else {
      restore(copy);
      form.querySelectorAll("[data-body-map]").forEach(syncBodyMap);
      var note = document.querySelector("[data-restored-note]");
      if (note) note.hidden = false;
      edits += 1;
      schedule(50);
    }
  }
  applyConditions();
  updateProgress();
  var summary = document.querySelector("[data-error-summary]");
  if (summary) summary.focus();
})();
