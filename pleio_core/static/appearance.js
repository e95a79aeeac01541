// The control panel's live preview of the site's colours (no inline script: CSP).
// A colour enters the preview only if white text on it reaches 4.5:1, as the server
// demands; the measured contrast is announced next to the field either way.
(function () {
  "use strict";
  var preview = document.getElementById("colour-preview");
  if (!preview) { return; }
  var hex = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i;

  function full(value) {
    var digits = value.replace("#", "");
    if (digits.length === 3) {
      digits = digits.split("").map(function (c) { return c + c; }).join("");
    }
    return "#" + digits.toLowerCase();
  }

  function luminance(colour) {
    var channels = [1, 3, 5].map(function (i) {
      var c = parseInt(colour.substr(i, 2), 16) / 255;
      return c <= 0.04045 ? c / 12.92 : Math.pow((c + 0.055) / 1.055, 2.4);
    });
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2];
  }

  ["primary", "secondary"].forEach(function (name) {
    var input = document.getElementById(name);
    var status = document.getElementById(name + "-contrast");
    if (!input || !status) { return; }
    var update = function () {
      var value = input.value.trim();
      if (!hex.test(value)) { status.textContent = ""; return; }
      var colour = full(value);
      var ratio = 1.05 / (luminance(colour) + 0.05);
      var shown = (Math.floor(ratio * 100) / 100).toFixed(2) + ":1";
      var good = ratio >= 4.5;
      status.textContent = status.getAttribute(good ? "data-good" : "data-low").replace("{ratio}", shown);
      if (good) { preview.style.setProperty("--preview-" + name, colour); }
    };
    input.addEventListener("input", update);
    update();
  });
}());
