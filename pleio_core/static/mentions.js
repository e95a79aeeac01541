// Suggestions while typing a mention ("@Ad…" → "Ada Lovelace") in a textarea marked
// data-mentions="<address of the suggestions>". Only a help: without JavaScript, "@Name"
// typed in full is matched on save all the same. Keyboard: from the textarea, Arrow Down
// reaches the suggestions (buttons), Arrow Up/Down move between them, Enter picks one and
// returns to the textarea, Escape closes them. A polite live region says how many there are.
(function () {
  "use strict";
  var MENTION = /(^|[^\w@])@([^\s@]{1,40})$/;

  function setUp(textarea, index) {
    var list = document.createElement("ul");
    list.className = "mention-suggestions";
    list.id = "mention-suggestions-" + index;
    list.hidden = true;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("aria-live", "polite");
    textarea.insertAdjacentElement("afterend", status);
    textarea.insertAdjacentElement("afterend", list);
    var pending = null;
    var start = -1;

    function close() {
      list.hidden = true;
      list.textContent = "";
      status.textContent = "";
    }

    function pick(name) {
      var caret = textarea.selectionStart;
      var text = textarea.value;
      textarea.value = text.slice(0, start) + "@" + name + " " + text.slice(caret);
      var at = start + name.length + 2;
      close();
      textarea.focus();
      textarea.setSelectionRange(at, at);
    }

    function show(names) {
      list.textContent = "";
      names.forEach(function (name) {
        var item = document.createElement("li");
        var button = document.createElement("button");
        button.type = "button";
        button.className = "utrecht-button utrecht-button--subtle";
        button.textContent = name;
        button.addEventListener("click", function () { pick(name); });
        item.appendChild(button);
        list.appendChild(item);
      });
      list.hidden = names.length === 0;
      var template = textarea.getAttribute(names.length === 1 ? "data-mentions-one" : "data-mentions-many") || "";
      status.textContent = names.length ? template.replace("${count}", String(names.length)) : "";
    }

    textarea.addEventListener("input", function () {
      var before = textarea.value.slice(0, textarea.selectionStart);
      var match = MENTION.exec(before);
      if (!match) { close(); return; }
      start = before.length - match[2].length - 1;
      clearTimeout(pending);
      pending = setTimeout(function () {
        var url = textarea.getAttribute("data-mentions") + "?q=" + encodeURIComponent(match[2]);
        fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
          .then(function (answer) { return answer.ok ? answer.json() : { names: [] }; })
          .then(function (data) { show(data.names || []); })
          .catch(close);
      }, 150);
    });

    textarea.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown") {
        event.preventDefault();
        list.querySelector("button").focus();
      } else if (event.key === "Escape") {
        close();
      }
    });

    list.addEventListener("keydown", function (event) {
      var buttons = Array.prototype.slice.call(list.querySelectorAll("button"));
      var at = buttons.indexOf(document.activeElement);
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        var next = at + (event.key === "ArrowDown" ? 1 : -1);
        if (next < 0) { textarea.focus(); return; }
        buttons[Math.min(next, buttons.length - 1)].focus();
      } else if (event.key === "Escape") {
        close();
        textarea.focus();
      }
    });
  }

  document.querySelectorAll("textarea[data-mentions]").forEach(setUp);
})();
