// "Add" and "Remove" buttons for the items of a form's lists (deform sequences); loaded
// with <script src> because the Content-Security-Policy allows no inline script.
// Without JavaScript the form works as well: the server shows one empty item more than
// there are, and items left empty are dropped when the form is saved. The buttons are in
// the page (so they are translated) but hidden until this script shows them.
(function () {
  "use strict";
  var added = 0;
  var REFERENCES = ["for", "aria-describedby", "aria-labelledby", "aria-controls"];

  function children(element, selector) {
    return Array.prototype.filter.call(element.children, function (child) {
      return child.matches(selector);
    });
  }

  // A new item from the prototype (the server's HTML of an empty one, in an attribute, so
  // that no client sends its fields): every id in it made unique, and what points at them.
  function newItem(prototype) {
    var template = document.createElement("template");
    template.innerHTML = prototype;
    var item = template.content.firstElementChild;
    var suffix = "-n" + (++added);
    var renamed = {};
    item.querySelectorAll("[id]").forEach(function (element) {
      renamed[element.id] = element.id + suffix;
      element.id = renamed[element.id];
    });
    REFERENCES.forEach(function (name) {
      item.querySelectorAll("[" + name + "]").forEach(function (element) {
        var ids = element.getAttribute(name).split(" ").map(function (id) {
          return renamed[id] || id;
        });
        element.setAttribute(name, ids.join(" "));
      });
    });
    return item;
  }

  function firstField(element) {
    return element.querySelector("input:not([type=hidden]), select, textarea");
  }

  function setUp(sequence) {
    var list = children(sequence, "ol")[0];
    var prototype = sequence.getAttribute("data-prototype");
    var add = children(sequence, ".sequence-add")[0];
    if (!list || !prototype || !add) { return; }
    var min = parseInt(sequence.getAttribute("data-min-len"), 10) || 0;
    var max = parseInt(sequence.getAttribute("data-max-len"), 10) || Infinity;

    function update() {
      var items = children(list, "li");
      add.hidden = items.length >= max;
      items.forEach(function (item) {
        children(item, ".sequence-remove").forEach(function (button) {
          button.hidden = items.length <= min;
        });
      });
    }

    function removable(item) {
      children(item, ".sequence-remove").forEach(function (button) {
        button.addEventListener("click", function () {
          var next = item.nextElementSibling;
          item.remove();
          update();
          // to the item that took its place, else to "Add"
          var target = (next && firstField(next)) || (add.hidden ? null : add);
          if (target) { target.focus(); }
        });
      });
    }

    add.addEventListener("click", function () {
      var item = newItem(prototype);
      list.appendChild(item);
      removable(item);
      item.querySelectorAll("[data-sequence]").forEach(setUp);
      update();
      var field = firstField(item);
      if (field) { field.focus(); }
    });
    children(list, "li").forEach(removable);
    update();
  }

  // (a list inside an item of another is found here too)
  document.querySelectorAll("[data-sequence]").forEach(setUp);
})();
