// Booking pages: show the visitor's own time beside the clinic's when their zones differ,
// and ask before cancelling. The pages work without this file.
(function () {
  "use strict";
  var clinicZone = document.documentElement.dataset.clinicZone;
  var visitorZone;
  try {
    visitorZone = Intl.DateTimeFormat().resolvedOptions().timeZone;
  } catch (e) {
    visitorZone = null;
  }
  var note = document.querySelector("[data-visitor-zone]");
  var zoneText = document.querySelector("[data-clinic-zone]");
  var clinic = zoneText ? zoneText.dataset.clinicZone : clinicZone;
  if (visitorZone && clinic && visitorZone !== clinic) {
    var format = new Intl.DateTimeFormat(undefined, { hour: "numeric", minute: "2-digit", timeZoneName: "short" });
    document.querySelectorAll("[data-utc]").forEach(function (el) {
      var when = new Date(el.dataset.utc.replace(/Z$/, ":00Z"));
      if (isNaN(when)) return;
      var mine = document.createElement("span");
      mine.className = "visitor-time";
      mine.textContent = " (" + format.format(when) + ")";
      el.appendChild(mine);
    });
    if (note) {
      note.hidden = false;
      note.textContent = note.dataset.visitorZone || "";
    }
  }
  document.querySelectorAll("[data-confirm]").forEach(function (button) {
    button.addEventListener("click", function (event) {
      if (!window.confirm(button.dataset.confirm)) event.preventDefault();
    });
  });
})();
