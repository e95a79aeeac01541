// Progressive enhancement of the upload form: drop files on it, and see how far the
// upload is. Without JavaScript the form posts the chosen files as it is.
(function () {
  "use strict";
  var form = document.getElementById("upload-form");
  if (!form || !window.FormData || !window.XMLHttpRequest) { return; }
  var input = form.querySelector("input[type=file]");
  var hint = form.querySelector(".workspace-drop");
  var status = form.querySelector(".workspace-progress");
  var button = form.querySelector("button[type=submit]");
  var texts = form.dataset;
  if (hint) { hint.hidden = false; }

  ["dragenter", "dragover"].forEach(function (name) {
    form.addEventListener(name, function (event) {
      event.preventDefault();
      form.classList.add("is-dragging");
    });
  });
  ["dragleave", "drop"].forEach(function (name) {
    form.addEventListener(name, function () { form.classList.remove("is-dragging"); });
  });
  form.addEventListener("drop", function (event) {
    event.preventDefault();
    if (event.dataTransfer && event.dataTransfer.files.length) {
      input.files = event.dataTransfer.files;
      status.textContent = texts.chosen.replace("{count}", input.files.length);
    }
  });

  form.addEventListener("submit", function (event) {
    if (!input.files.length) { return; }
    event.preventDefault();
    var request = new XMLHttpRequest();
    request.open("POST", form.action);
    request.upload.addEventListener("progress", function (progress) {
      if (progress.lengthComputable) {
        var percent = Math.floor(100 * progress.loaded / progress.total);
        status.textContent = texts.progress.replace("{percent}", percent);
      }
    });
    request.addEventListener("load", function () {
      if (request.status < 400) {
        window.location.assign(request.responseURL);
        return;
      }
      var page = new DOMParser().parseFromString(request.responseText, "text/html");
      var alert = page.querySelector(".utrecht-alert--error");
      status.textContent = alert ? alert.textContent.trim() : texts.failed;
      button.disabled = false;
    });
    request.addEventListener("error", function () {
      status.textContent = texts.failed;
      button.disabled = false;
    });
    button.disabled = true;
    status.textContent = texts.progress.replace("{percent}", 0);
    request.send(new FormData(form));
  });
}());
