/* Kanban: drag a card to another column to move the commande; the server decides. */
(function () {
  "use strict";
  function setUp(root) {
    (root.querySelectorAll ? root : document).querySelectorAll("ol.board-cards").forEach(function (list) {
      if (list.dataset.sortable || typeof Sortable === "undefined") { return; }
      list.dataset.sortable = "1";
      Sortable.create(list, {
        group: "board",
        animation: 150,
        sort: false,
        forceFallback: true,  // mouse and touch events, not native drag and drop: works alike everywhere
        fallbackOnBody: true,
        filter: "a, select, button, input, label",
        preventOnFilter: false,
        onEnd: function (event) {
          if (event.from === event.to) { return; }
          var card = event.item;
          htmx.ajax("POST", card.dataset.moveUrl, {
            source: list,
            target: "#board",
            swap: "outerHTML",
            values: { to_status: event.to.dataset.status, expected_status: card.dataset.status, from: "board" },
          });
        },
      });
    });
  }
  htmx.onLoad(setUp);
})();
