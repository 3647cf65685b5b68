/* Practicum's one accessibility script (no build step; CSP allows only same-origin scripts).
 *
 * 1. Forms in error: the error summary at the top of the form takes focus and the page title
 *    starts with "Error:"; a form rendered field by field gets the same summary built here.
 * 2. htmx swaps: when an update removed the element that had focus, focus goes to the new
 *    content (its error summary, heading or first control); every update the user asked for is
 *    said in the polite live region. Updates nobody asked for (lazy loads, polling) move nothing.
 * 3. A skip link to the page's main action (the element marked data-main-action, else the
 *    first form in <main>), beside "Skip to main content".
 * 4. Tables wider than their column scroll inside their own box, reachable by keyboard.
 */
(function () {
  "use strict";

  var FOCUSABLE = 'a[href], button:not([disabled]), input:not([type="hidden"]):not([disabled]), ' +
    'select:not([disabled]), textarea:not([disabled]), summary, [tabindex]:not([tabindex="-1"])';

  function text(key) {
    var strings = document.getElementById("a11y-strings");
    return (strings && strings.getAttribute("data-" + key)) || "";
  }

  function visible(el) {
    return !!(el.offsetWidth || el.offsetHeight || el.getClientRects().length);
  }

  function focusOn(el) {
    if (!el) return false;
    if (!el.matches(FOCUSABLE) && !el.hasAttribute("tabindex")) el.setAttribute("tabindex", "-1");
    el.focus({ preventScroll: false });
    return document.activeElement === el;
  }

  var announceTimer = null;
  function announce(message) {
    var region = document.getElementById("live-region");
    if (!region || !message) return;
    region.textContent = "";
    clearTimeout(announceTimer);
    // Set after a pause: a live region read again needs its text to change.
    announceTimer = setTimeout(function () { region.textContent = message; }, 120);
  }

  /* ---- 1. Error summaries ---- */

  function fieldLabel(form, control) {
    var fieldset = control.closest("fieldset");
    if ((control.type === "radio" || control.type === "checkbox") && fieldset && form.contains(fieldset)) {
      var legend = fieldset.querySelector("legend");
      if (legend) return legend.textContent.trim();
    }
    if (control.id) {
      var label = form.querySelector('label[for="' + CSS.escape(control.id) + '"]');
      if (label) return label.textContent.replace(/\s+/g, " ").trim();
    }
    return control.getAttribute("aria-label") || control.name || "";
  }

  function buildSummary(form) {
    var invalid = Array.prototype.slice.call(form.querySelectorAll('[aria-invalid="true"]'));
    var nonField = Array.prototype.slice.call(form.querySelectorAll("ul.errorlist.nonfield li"));
    if (!invalid.length && !nonField.length) return null;
    var summary = document.createElement("div");
    var id = "error-summary-" + Math.random().toString(36).slice(2, 8);
    summary.className = "error-summary";
    summary.setAttribute("role", "group");
    summary.setAttribute("aria-labelledby", id);
    summary.setAttribute("tabindex", "-1");
    summary.setAttribute("data-error-summary", "");
    var heading = document.createElement("h2");
    heading.id = id;
    heading.textContent = text("summary-title");
    summary.appendChild(heading);
    var list = document.createElement("ul");
    var firstControl = form.querySelector("input:not([type=hidden]), select, textarea");
    function add(href, label) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = "#" + href;
      link.textContent = label;
      item.appendChild(link);
      list.appendChild(item);
    }
    nonField.forEach(function (li) { if (firstControl && firstControl.id) add(firstControl.id, li.textContent.trim()); });
    var seen = {};
    invalid.forEach(function (control) {
      if (!control.id || seen[control.name]) return;
      seen[control.name] = true;
      var error = document.getElementById(control.id.replace(/_\d+$/, "") + "_error");
      var message = error ? error.textContent.replace(/\s+/g, " ").trim() : "";
      add(control.id, fieldLabel(form, control) + (message ? ": " + message : ""));
    });
    if (!list.children.length) return null;
    summary.appendChild(list);
    form.insertBefore(summary, form.firstElementChild && form.firstElementChild.name === "csrfmiddlewaretoken" ? form.firstElementChild.nextSibling : form.firstChild);
    return summary;
  }

  function errorSummaries(root) {
    var summaries = [];
    var forms = root.matches && root.matches("form") ? [root] : Array.prototype.slice.call(root.querySelectorAll("form"));
    forms.forEach(function (form) {
      var summary = form.querySelector("[data-error-summary]");
      if (!summary && form.querySelector('[aria-invalid="true"], ul.errorlist')) summary = buildSummary(form);
      if (summary) summaries.push(summary);
    });
    root.querySelectorAll && root.querySelectorAll("[data-error-summary]").forEach(function (s) {
      if (summaries.indexOf(s) < 0) summaries.push(s);
    });
    return summaries;
  }

  function markTitle() {
    var prefix = text("error-prefix");
    if (prefix && document.title.indexOf(prefix) !== 0) document.title = prefix + " " + document.title;
  }

  function linkSummary(summary) {
    // A summary link moves focus to the field itself (a fragment link only scrolls to it).
    summary.addEventListener("click", function (event) {
      var link = event.target.closest("a[href^='#']");
      if (!link) return;
      var target = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
    });
  }

  /* ---- 2. htmx ---- */

  var requestHadFocus = new WeakMap();

  function firstHeading(root) {
    if (/^H[1-6]$/.test(root.tagName)) return root;
    return root.querySelector("h1, h2, h3, h4, h5, h6, legend");
  }

  function firstControl(root) {
    var all = root.querySelectorAll(FOCUSABLE);
    for (var i = 0; i < all.length; i++) if (visible(all[i])) return all[i];
    return null;
  }

  function describe(root) {
    var own = root.closest("[data-announce]") || root.querySelector("[data-announce]");
    if (own) return own.getAttribute("data-announce");
    var heading = firstHeading(root);
    var label = heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
    return label ? text("updated") + " " + label : text("updated");
  }

  document.addEventListener("htmx:beforeRequest", function (event) {
    var elt = event.detail.elt;
    var active = document.activeElement;
    requestHadFocus.set(event.detail.xhr, !!(active && active !== document.body && (elt === active || elt.contains(active) || (elt.form && elt.form.contains(active)))));
  });

  document.addEventListener("htmx:afterSettle", function (event) {
    var detail = event.detail;
    var userAsked = requestHadFocus.get(detail.xhr);
    var target = detail.target;
    var root = target && target.isConnected ? target : (target && target.id && document.getElementById(target.id)) || (detail.elt && detail.elt.isConnected ? detail.elt : null);
    if (!root) return;
    var summaries = errorSummaries(root);
    if (summaries.length) summaries.forEach(linkSummary);
    if (!userAsked) return;
    var active = document.activeElement;
    var lost = !active || active === document.body || !active.isConnected;
    if (summaries.length) {
      markTitle();
      focusOn(summaries[0]);
      announce(summaries[0].textContent.replace(/\s+/g, " ").trim());
      return;
    }
    if (lost) focusOn(root.querySelector("[data-focus-after-swap]") || firstHeading(root) || firstControl(root) || root);
    announce(describe(root));
  });

  /* ---- 3. Skip link to the main action ---- */

  function skipToMainAction() {
    var link = document.querySelector("[data-skip-main-action]");
    var main = document.getElementById("main");
    if (!link || !main) return;
    var target = main.querySelector("[data-main-action]");
    if (!target) {
      var forms = main.querySelectorAll("form");
      for (var i = 0; i < forms.length; i++) {
        if (forms[i].closest(".inline-form, .actions")) continue;
        target = forms[i];
        break;
      }
    }
    if (!target) return;
    var control = target.matches(FOCUSABLE) ? target : firstControl(target);
    if (!control || !visible(control)) return;
    if (!control.id) control.id = "main-action";
    link.href = "#" + control.id;
    link.hidden = false;
    link.addEventListener("click", function (event) {
      event.preventDefault();
      control.focus();
    });
  }

  /* ---- 4. Wide tables scroll in their own box ---- */

  function scrollTables(root) {
    root.querySelectorAll("table").forEach(function (table) {
      var box = table.parentElement;
      if (!box.classList.contains("table-scroll")) {
        box = document.createElement("div");
        box.className = "table-scroll";
        table.parentNode.insertBefore(box, table);
        box.appendChild(table);
      }
      var overflowing = box.scrollWidth > box.clientWidth + 1;
      if (overflowing && !box.hasAttribute("tabindex")) {
        // Named "Table: <caption or heading>", never the same name as the section around it.
        var caption = table.querySelector("caption");
        var around = !caption && table.closest("section, .card");
        var heading = around && firstHeading(around);
        var name = text("table") + (caption ? ": " + caption.textContent : heading ? ": " + heading.textContent : "");
        box.setAttribute("role", "region");
        box.setAttribute("aria-label", name.replace(/\s+/g, " ").trim());
        box.setAttribute("tabindex", "0");
      }
    });
  }

  document.addEventListener("htmx:afterSettle", function (event) {
    if (event.detail.target && event.detail.target.isConnected) scrollTables(event.detail.target);
  });

  function ready() {
    var summaries = errorSummaries(document);
    summaries.forEach(linkSummary);
    // An error shown outside any form (a slot taken meanwhile) is focused the same way.
    var pageError = summaries[0] || document.querySelector("main .errorlist.nonfield[role='alert']");
    if (pageError) {
      markTitle();
      focusOn(pageError);
    }
    skipToMainAction();
    scrollTables(document);
    var resizeTimer = null;
    window.addEventListener("resize", function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () { scrollTables(document); }, 150);
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
