/* Django admin fix-ups that a template cannot make (loaded by templates/admin/base_site.html).
   SelectFilter2.js builds its search icons as <span aria-label> with no role: name them as images. */
(function () {
  "use strict";
  function fix() {
    document.querySelectorAll("span.help-tooltip[aria-label]:not([role])").forEach(function (el) {
      el.setAttribute("role", "img");
    });
  }
  window.addEventListener("load", function () { setTimeout(fix, 0); });
})();
