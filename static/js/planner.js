/* Agenda planner: drag and drop with SortableJS, only what changed put in place, and focus
   kept after each htmx swap. Everything here is progressive: every action is also a plain
   form. */
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

  // Each request from the planner says which rows the page holds (their keys): a move or a
  // duration change then answers with only the rows that changed (#planner-changes).
  function shownRows() {
    return Array.from(document.querySelectorAll(".planner li[data-key]"))
      .map(function (li) { return li.dataset.id + ":" + li.dataset.key; })
      .join(",");
  }

  document.addEventListener("htmx:configRequest", function (event) {
    var elt = event.detail.elt;
    if (event.detail.verb === "post" && elt.closest && elt.closest(".planner")) {
      event.detail.parameters.shown = shownRows();
    }
  });

  function applyChanges(holder) {
    Array.from(holder.querySelectorAll("[data-day]")).forEach(function (change) {
      var day = document.getElementById("day-" + change.dataset.day);
      if (!day) { return; }
      ["summary", "end"].forEach(function (part) {
        var fresh = change.querySelector("#day-" + change.dataset.day + "-" + part);
        var old = day.querySelector("#day-" + change.dataset.day + "-" + part);
        if (fresh && old) { old.replaceWith(fresh); }
      });
      var list = day.querySelector("ol.agenda-edit");
      var fresh = {};
      Array.from(change.querySelectorAll("ol > li[data-id]")).forEach(function (li) {
        li.remove();
        var old = document.getElementById(li.id);
        if (old) { old.remove(); }
        fresh[li.dataset.id] = li;
      });
      var order = change.dataset.order ? change.dataset.order.split(",") : [];
      order.forEach(function (id) {
        var li = fresh[id] || document.getElementById("item-" + id);
        if (li) { list.appendChild(li); }
      });
      Array.from(list.children).forEach(function (li) {
        if (order.indexOf(li.dataset.id) === -1) { li.remove(); }
      });
      list.dataset.revision = change.dataset.revision;
      // Moved out before htmx processed them (it processes what is left in the holder).
      Object.keys(fresh).forEach(function (id) { htmx.process(fresh[id]); });
    });
    holder.innerHTML = "";
  }

  function focusAfterSwap(root) {
    var holder = root.matches && root.matches("[data-focus]") ? root : root.querySelector("[data-focus]");
    if (!holder) { return; }
    var target = document.getElementById(holder.dataset.focus);
    if (target && target.tagName === "DETAILS") { target = target.querySelector("summary"); }
    if (target) {
      if (target.disabled) {
        // Moved to the top or the bottom: the other arrow, else the row's first control.
        var group = target.closest(".reorder") || target.closest("li");
        target = group ? group.querySelector("button[id]:not([disabled])") : null;
      }
      if (target) { target.focus(); }
    }
    holder.removeAttribute("data-focus");
  }

  // A duration typed then left (Tab, a tap elsewhere) is saved as Enter saves it; Enter
  // itself sends the form once (the field's change, which comes after it, sends nothing).
  document.addEventListener("keydown", function (event) {
    var input = event.target;
    if (event.key === "Enter" && input.classList && input.classList.contains("duration-input")) {
      input.dataset.sent = input.value;
    }
  });
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input.classList || !input.classList.contains("duration-input")) { return; }
    if (input.dataset.sent === input.value || !input.form) { return; }
    input.dataset.sent = input.value;
    input.form.requestSubmit();
  });

  // Put the changes in place as soon as they are swapped in, not after htmx settles: until
  // then the page holds each changed row twice.
  document.addEventListener("htmx:oobAfterSwap", function () {
    var changes = document.getElementById("planner-changes");
    if (changes && changes.children.length) {
      applyChanges(changes);
      focusAfterSwap(changes);
    }
  });

  htmx.onLoad(function (root) {
    if (root.id === "planner-changes" && root.children.length) { applyChanges(root); }
    var lists = root.matches && root.matches("ol.agenda-edit") ? [root] : root.querySelectorAll("ol.agenda-edit");
    Array.prototype.forEach.call(lists, makeSortable);
    focusAfterSwap(root);
  });
})();
