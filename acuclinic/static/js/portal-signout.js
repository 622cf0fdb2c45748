// Signing out of the portal on a shared phone: forget any unsent copy of the health
// questionnaire that intake.js keeps in localStorage (keys "acuclinic-intake-<id>").
(function () {
  "use strict";
  document.querySelectorAll("form[data-portal-signout]").forEach(function (form) {
    form.addEventListener("submit", function () {
      try {
        for (var i = localStorage.length - 1; i >= 0; i--) {
          var key = localStorage.key(i);
          if (key && key.indexOf("acuclinic-intake-") === 0) localStorage.removeItem(key);
        }
      } catch (e) {
        // Storage switched off or full: nothing was kept, nothing to forget.
      }
    });
  });
})();
