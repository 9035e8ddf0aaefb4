/* Agenda planner: drag and drop with SortableJS, and focus kept after each htmx swap.
   Everything here is progressive: every action is also a plain form. */
(function () {
  "use strict";

  function post(url, source, dayId, values) {
    return htmx.ajax("POST", url, {
      source: source,
      target: "#day-" + dayId,
      swap: "outerHTML",
      values: values,
    });
  }

  function ids(list) {
    return Array.from(list.children)
      .filter(function (li) { return li.dataset.id; })
      .map(function (li) { return li.dataset.id; });
  }

  function makeSortable(list) {
    if (list.dataset.sortable || typeof Sortable === "undefined") { return; }
    list.dataset.sortable = "1";
    Sortable.create(list, {
      group: "agenda",
      handle: ".time",
      animation: 150,
      ghostClass: "sortable-ghost",
      onEnd: function (event) {
        var from = event.from;
        var to = event.to;
        if (from === to) {
          if (event.oldIndex === event.newIndex) { return; }
          // The revision the list was drawn at: a reorder of a day changed since is refused.
          post(from.dataset.reorderUrl, from, from.dataset.day, {
            order: ids(from).join(","),
            revision: from.dataset.revision,
          });
        } else {
          post(event.item.dataset.moveUrl, from, from.dataset.day, {
            day: to.dataset.day,
            position: String(event.newIndex),
          });
        }
      },
    });
  }

  function focusAfterSwap(root) {
    var holder = root.matches && root.matches("[data-focus]") ? root : root.querySelector("[data-focus]");
    if (!holder) { return; }
    var target = document.getElementById(holder.dataset.focus);
    if (target) {
      if (target.disabled) {
        target = target.closest("li") ? target.closest("li").querySelector("button:not([disabled])") : null;
      }
      if (target) { target.focus(); }
    }
    holder.removeAttribute("data-focus");
  }

  htmx.onLoad(function (root) {
    var lists = root.matches && root.matches("ol.agenda-edit") ? [root] : root.querySelectorAll("ol.agenda-edit");
    Array.prototype.forEach.call(lists, makeSortable);
    focusAfterSwap(root);
  });
})();
