/* acuclinic "Book online" snippet for another website. No build step, no dependencies.
 *
 *   <script src="https://clinic.example/static/js/embed.js"
 *           data-acuclinic-service="acupuncture-back-pain" async></script>
 *
 * Renders a "Book online" link to <origin>/book/?service=<slug> where the script tag is
 * (the origin is taken from the script's own src). Optional attributes:
 *   data-acuclinic-slots="3"           also list the next free times (1 to 10), from /api/availability
 *   data-acuclinic-practitioner="slug" one practitioner instead of anyone offering the service
 *   data-acuclinic-label="Book now"    the link's text
 *   data-acuclinic-days="14"           how many days ahead to look for free times (1 to 62)
 * Every free time is a link to the booking page with that time chosen. Without JavaScript, or
 * if the clinic's site cannot be reached, the page around it is unaffected.
 */
(function () {
  "use strict";
  var DONE = "data-acuclinic-ready";
  var STYLE_ID = "acuclinic-embed-style";
  // A site with a nonce-based Content-Security-Policy gives our <script> tag its nonce: the
  // <style> we add carries it too, or the policy refuses it. Read now: currentScript is null
  // once this first run is over.
  var NONCE = (document.currentScript && document.currentScript.nonce) || "";
  var CSS =
    ".acuclinic-embed{font:inherit;margin:.5rem 0}" +
    ".acuclinic-embed-button{display:inline-flex;align-items:center;padding:.6rem 1rem;min-height:44px;box-sizing:border-box;" +
    "border-radius:8px;background:#1f5f4a;color:#fff;font-weight:600;text-decoration:none}" +
    ".acuclinic-embed-button:hover{background:#174a3a}" +
    ".acuclinic-embed a:focus-visible{outline:3px solid #c77700;outline-offset:2px}" +
    ".acuclinic-embed-times{list-style:none;margin:.5rem 0 0;padding:0;display:flex;flex-wrap:wrap;gap:.5rem}" +
    ".acuclinic-embed-times a{display:inline-flex;align-items:center;padding:.4rem .7rem;min-height:44px;box-sizing:border-box;" +
    "border:2px solid #1f5f4a;border-radius:8px;color:#1f5f4a;background:#fff;text-decoration:none}";

  function clamp(value, low, high, fallback) {
    var n = parseInt(value, 10);
    if (isNaN(n)) return fallback;
    return Math.min(high, Math.max(low, n));
  }

  function bookingUrl(origin, params) {
    var query = new URLSearchParams(params);
    return origin + "/book/?" + query.toString();
  }

  function addStyle(nonce) {
    if (document.getElementById(STYLE_ID)) return;
    var style = document.createElement("style");
    style.id = STYLE_ID;
    if (nonce) style.nonce = nonce;
    style.textContent = CSS;
    (document.head || document.documentElement).appendChild(style);
  }

  function formatter(timeZone) {
    var options = {
      weekday: "short", month: "short", day: "numeric",
      hour: "numeric", minute: "2-digit", timeZone: timeZone, timeZoneName: "short"
    };
    try {
      return new Intl.DateTimeFormat(document.documentElement.lang || undefined, options);
    } catch (error) {
      delete options.timeZone; // an unknown zone: the visitor's own, still labelled
      return new Intl.DateTimeFormat(undefined, options);
    }
  }

  function showTimes(box, origin, service, data, count) {
    var seen = {};
    var slots = [];
    // With "any" practitioner a time may be listed once per practitioner: show it once.
    (data.slots || []).forEach(function (slot) {
      if (slots.length < count && !seen[slot.start]) {
        seen[slot.start] = true;
        slots.push(slot);
      }
    });
    if (!slots.length) return;
    var format = formatter(data.time_zone);
    var id = "acuclinic-times-" + Math.random().toString(36).slice(2);
    var heading = document.createElement("p");
    heading.id = id;
    heading.className = "acuclinic-embed-heading";
    heading.textContent = "Next free times:";
    var list = document.createElement("ul");
    list.className = "acuclinic-embed-times";
    list.setAttribute("aria-labelledby", id);
    slots.forEach(function (slot) {
      var link = document.createElement("a");
      link.href = bookingUrl(origin, {
        service: service, practitioner: slot.practitioner, start: slot.start
      });
      link.textContent = format.format(new Date(slot.start));
      var item = document.createElement("li");
      item.appendChild(link);
      list.appendChild(item);
    });
    box.appendChild(heading);
    box.appendChild(list);
  }

  function render(script) {
    if (script.hasAttribute(DONE)) return;
    script.setAttribute(DONE, "");
    var service = script.getAttribute("data-acuclinic-service");
    if (!service || !script.src) return;
    var origin = new URL(script.src, document.baseURI).origin;
    var practitioner = script.getAttribute("data-acuclinic-practitioner") || "";
    var params = { service: service };
    if (practitioner) params.practitioner = practitioner;

    addStyle(NONCE || script.nonce);
    var box = document.createElement("div");
    box.className = "acuclinic-embed";
    var button = document.createElement("a");
    button.className = "acuclinic-embed-button";
    button.href = bookingUrl(origin, params);
    button.textContent = script.getAttribute("data-acuclinic-label") || "Book online";
    box.appendChild(button);
    script.parentNode.insertBefore(box, script.nextSibling);

    var count = clamp(script.getAttribute("data-acuclinic-slots"), 0, 10, 0);
    if (!count || !window.fetch) return;
    var query = new URLSearchParams({
      service: service,
      practitioner: practitioner || "any",
      days: String(clamp(script.getAttribute("data-acuclinic-days"), 1, 62, 14))
    });
    fetch(origin + "/api/availability?" + query.toString(), { credentials: "omit" })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) { if (data) showTimes(box, origin, service, data, count); })
      .catch(function () { /* the button alone still books */ });
  }

  function renderAll() {
    var current = document.currentScript;
    if (current && current.hasAttribute("data-acuclinic-service")) render(current);
    // Several snippets on a page, or a loader that hid currentScript: catch the rest too.
    var scripts = document.querySelectorAll("script[data-acuclinic-service]");
    for (var i = 0; i < scripts.length; i++) render(scripts[i]);
  }

  renderAll();
})();
