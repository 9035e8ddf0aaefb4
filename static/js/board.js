/* Kanban: drag a card to another column, or choose its move with the keyboard; the server
   decides and draws the board again. Then the folded columns open before stay open, the
   moved card keeps the focus (its column opened if folded) and #board-news says the move. */
(function () {
  "use strict";
  var opened = [];  // ids of the folded columns open when the board was last drawn

  function unfold(element) {
    var folded = element && element.closest("details");
    if (folded) { folded.open = true; }
  }

  function setUpSortable(root) {
    root.querySelectorAll("ol.board-cards").forEach(function (list) {
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

  function setUp(root) {
    var board = root.id === "board" ? root : (root.querySelector ? root.querySelector("#board") : null);
    if (!board) { return; }
    opened.forEach(function (id) {
      var column = document.getElementById(id);
      if (column) { column.open = true; }
    });
    var moved = board.querySelector(".board-card[data-focus]");
    if (moved) {
      unfold(moved);
      moved.focus();
    } else if (location.hash) {
      unfold(document.getElementById(location.hash.slice(1)));
    }
    setUpSortable(board);
  }

  document.addEventListener("htmx:beforeSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "board") {
      opened = Array.prototype.map.call(event.detail.target.querySelectorAll("details[open]"), function (d) { return d.id; });
    }
  });
  // A status of the overview opens its column when folded; the link then scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".board-overview a");
    if (link) { unfold(document.getElementById(link.hash.slice(1))); }
  });
  htmx.onLoad(setUp);
})();
