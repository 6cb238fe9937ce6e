// What every page does, without inline handlers (the Content-Security-Policy allows scripts from
// our own files only): the language switch, errors in the screen's language, focus on the first
// field the server refused, and a few buttons' one-line behaviours.
(function () {
  "use strict";

  function ready(run) {
    if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
    else run();
  }

  ready(function () {
    // The server says what is missing, in the screen's language; the browser's own bubble would
    // speak the browser's.
    document.querySelectorAll("form").forEach(function (form) { form.noValidate = true; });

    // A page answered with field errors: the keyboard starts at the first refused field; the
    // fields marked refused first, else the first field of a refused part (a step's form).
    if (!document.activeElement || document.activeElement === document.body) {
      var refused = document.querySelector("main [aria-invalid='true']") || document.querySelector(
        "main .invalid input:not([type=hidden]), main .invalid select, main .invalid textarea, main .failed input:not([type=hidden]), main .failed select, main .failed textarea"
      );
      if (refused) focusable(refused).focus();
    }

    // An appeal saved from an intake draft: that draft is done with (a draft with another key stays).
    var saved = document.querySelector("[data-forget-draft]");
    if (saved) {
      var key = "intake-draft:" + location.host;
      try {
        var draft = JSON.parse(localStorage.getItem(key) || "null");
        if (draft && draft.client_key === saved.dataset.forgetDraft) localStorage.removeItem(key);
      } catch (e) { /* private mode or a damaged draft: nothing to forget */ }
    }
  });

  // A refused group (a fieldset of radios) takes no focus itself: its chosen control, else its first.
  function focusable(element) {
    if (!element.matches("fieldset, [role=group], [role=radiogroup]")) return element;
    var controls = "input:not([type=hidden]):not([disabled]), select:not([disabled]), textarea:not([disabled]), button:not([disabled])";
    return element.querySelector("input:checked:not([disabled])") || element.querySelector(controls) || element;
  }

  document.addEventListener("click", function (event) {
    var target = event.target.closest("[data-print], [data-close-aside]");
    if (!target) return;
    if (target.hasAttribute("data-print")) window.print();
    else target.closest("aside").remove();
  });
  document.addEventListener("focusin", function (event) {
    if (event.target.matches("[data-select-on-focus]")) event.target.select();
  });
  // A form that reloads its part on a select's change (the dashboard's filters).
  document.addEventListener("change", function (event) {
    var form = event.target.tagName === "SELECT" && event.target.closest("form[data-submit-on-select]");
    if (form && window.htmx) window.htmx.trigger(form, "filters-changed");
  });
  // Polls marked visible-only wait while the tab is hidden (the notifications' counter).
  document.addEventListener("htmx:confirm", function (event) {
    if (document.hidden && event.target.hasAttribute("data-visible-only")) event.preventDefault();
  });
})();
