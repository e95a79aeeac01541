// The export page shows how far the archive is by itself: every two seconds it reads the
// page again and puts in the new status (announced: it is a live region) and what goes with
// it (the progress bar, then the download). Without JavaScript, the page's link does that.
// Loaded with <script src>: the Content-Security-Policy allows no inline script.
(function () {
  "use strict";
  var EVERY = 2000;
  var ACTIVE = ["queued", "running"];

  function look() {
    var section = document.getElementById("export-job");
    if (!section || ACTIVE.indexOf(section.getAttribute("data-state")) < 0) {
      return;
    }
    fetch(window.location.pathname, { credentials: "same-origin", cache: "no-store" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(response.status);
        }
        return response.text();
      })
      .then(function (html) {
        var page = new DOMParser().parseFromString(html, "text/html");
        var fresh = page.getElementById("export-job");
        if (!fresh) {
          return;
        }
        var status = document.getElementById("export-status");
        var freshStatus = fresh.querySelector("#export-status");
        if (status && freshStatus && status.textContent !== freshStatus.textContent) {
          status.className = freshStatus.className;
          status.innerHTML = freshStatus.innerHTML;
        }
        var body = document.getElementById("export-body");
        var freshBody = fresh.querySelector("#export-body");
        var focused = document.activeElement && document.activeElement.id;
        if (body && freshBody) {
          body.innerHTML = freshBody.innerHTML;
        }
        if (focused && !document.getElementById(focused) && body) {
          // what had the focus is gone (the refresh link): keep it in the same place
          var next = body.querySelector("a, button");
          if (next) {
            next.focus();
          }
        }
        section.setAttribute("data-state", fresh.getAttribute("data-state"));
      })
      .catch(function () {})
      .then(function () {
        window.setTimeout(look, EVERY);
      });
  }

  window.setTimeout(look, EVERY);
})();
