/* The main menu's disclosures (loaded in <head>, not deferred, so the page is marked as
 * scripted before its first paint and the menus start closed instead of flashing open).
 * Without this script every link shows in a wrapping row and nothing is hidden.
 * A toggle is a <button aria-expanded aria-controls>: click or Enter/Space opens it, Escape
 * closes it and returns focus, a click elsewhere or focus leaving the menu closes it.
 */
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  function toggles() { return document.querySelectorAll(".nav-toggle[aria-expanded]"); }

  function setOpen(button, open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }

  function closeAll(except) {
    toggles().forEach(function (button) {
      if (button === except || button.contains(except) || isAncestorToggle(button, except)) return;
      setOpen(button, false);
    });
  }

  // The phone's "Menu" toggle stays open while one of its sections opens or closes.
  function isAncestorToggle(button, other) {
    if (!other) return false;
    var panel = document.getElementById(button.getAttribute("aria-controls"));
    return !!(panel && panel.contains(other));
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest(".nav-toggle[aria-expanded]");
    if (button) {
      var open = button.getAttribute("aria-expanded") !== "true";
      closeAll(button);
      setOpen(button, open);
      return;
    }
    if (!event.target.closest || !event.target.closest(".site-menu")) closeAll(null);
  });

  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape") return;
    var open = Array.prototype.filter.call(toggles(), function (b) {
      return b.getAttribute("aria-expanded") === "true";
    });
    if (!open.length) return;
    // Close the innermost open menu and give its toggle the focus.
    var last = open[open.length - 1];
    setOpen(last, false);
    last.focus();
  });

  document.addEventListener("focusout", function (event) {
    var section = event.target.closest && event.target.closest(".nav-section");
    if (!section) return;
    var next = event.relatedTarget;
    if (next && section.contains(next)) return;
    if (!next) return; // focus went to the page itself or another window: leave it
    var button = section.querySelector(".nav-toggle");
    if (button && !window.matchMedia("(max-width: 899px)").matches) setOpen(button, false);
  });
})();
