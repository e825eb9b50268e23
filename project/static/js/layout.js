/* Loaded in <head> (a CSP forbids inline scripts): the sidebar starts collapsed where it would
   crowd the page (below 1100 px) unless the user chose otherwise, which is remembered; a form
   with errors moves focus to its summary, whose links focus the field they name; a table too
   wide for its box scrolls inside it and can be scrolled with the keyboard. */
(function () {
  "use strict";
  var STORAGE_KEY = "igt.sidebar";
  var NARROW = "(max-width: 1099px)";
  var root = document.documentElement;

  function remembered() {
    try { return window.localStorage.getItem(STORAGE_KEY); } catch (e) { return null; }
  }
  function remember(state) {
    try { window.localStorage.setItem(STORAGE_KEY, state); } catch (e) { /* private mode */ }
  }
  var choice = remembered();
  var collapsed = choice ? choice === "collapsed" : window.matchMedia(NARROW).matches;
  root.classList.toggle("nav-collapsed", collapsed);

  function markScrollableTables() {
    document.querySelectorAll(".table-wrap").forEach(function (wrap) {
      if (wrap.scrollWidth <= wrap.clientWidth) { return; }
      if (wrap.hasAttribute("tabindex")) { return; }
      var caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      wrap.setAttribute("aria-label", (caption ? caption.textContent.trim() : "Table") + ", scrolls sideways");
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var toggle = document.querySelector("[data-sidebar-toggle]");
    if (toggle) {
      toggle.hidden = false;
      toggle.setAttribute("aria-expanded", String(!root.classList.contains("nav-collapsed")));
      toggle.addEventListener("click", function () {
        var nowCollapsed = root.classList.toggle("nav-collapsed");
        toggle.setAttribute("aria-expanded", String(!nowCollapsed));
        remember(nowCollapsed ? "collapsed" : "expanded");
      });
    }
    // A drop-down of checkboxes (a filter's choices) folds when the user taps elsewhere.
    document.addEventListener("click", function (event) {
      document.querySelectorAll("details.choice-menu[open]").forEach(function (menu) {
        if (!menu.contains(event.target)) { menu.open = false; }
      });
    });
    markScrollableTables();
    window.addEventListener("resize", markScrollableTables);
    var summary = document.querySelector("[data-error-summary]");
    if (summary) {
      summary.focus();
      summary.addEventListener("click", function (event) {
        var link = event.target.closest("a[href^='#']");
        var field = link && document.getElementById(link.getAttribute("href").slice(1));
        if (!field) { return; }
        event.preventDefault();
        field.scrollIntoView({ block: "center" });
        field.focus();
      });
    }
  });
})();
