// Reply links: set the form's parent and move focus to it, without a page load.
(function () {
  "use strict";
  var form = document.querySelector("[data-comment-form]");
  if (!form) return;
  var parent = form.querySelector("input[name=parent]");
  var note = document.getElementById("reply-to-note");
  var nameSlot = note && note.querySelector("[data-reply-name]");

  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-reply-to]");
    if (link) {
      event.preventDefault();
      parent.value = link.getAttribute("data-reply-to");
      nameSlot.textContent = link.getAttribute("data-reply-name");
      note.hidden = false;
      form.querySelector("textarea").focus();
      return;
    }
    if (event.target.closest("[data-cancel-reply]")) {
      event.preventDefault();
      parent.value = "";
      note.hidden = true;
    }
  });
})();
