// The personal menu is a <details>: it opens and closes without JavaScript. With it, Escape
// closes it (and gives the focus back to its toggle), as does a click or focus outside it.
(function () {
  "use strict";
  var menu = document.querySelector(".personal-menu");
  if (!menu) { return; }
  var toggle = menu.querySelector("summary");
  document.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && menu.open) {
      menu.open = false;
      toggle.focus();
    }
  });
  ["click", "focusin"].forEach(function (kind) {
    document.addEventListener(kind, function (event) {
      if (menu.open && !menu.contains(event.target)) { menu.open = false; }
    });
  });
})();
