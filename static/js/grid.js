/* Criteria grid: drag an idea's dot to a new place; its coordinates are saved through the
   same form as typing them. */
(function () {
  "use strict";

  function toGrid(svg, event) {
    var point = svg.createSVGPoint();
    point.x = event.clientX;
    point.y = event.clientY;
    var local = point.matrixTransform(svg.getScreenCTM().inverse());
    var clamp = function (v) { return Math.max(0, Math.min(100, Math.round(v))); };
    return { x: clamp(local.x), y: clamp(100 - local.y) };
  }

  function setUp(svg) {
    if (svg.dataset.ready) { return; }
    svg.dataset.ready = "1";
    var dragging = null;
    svg.addEventListener("pointerdown", function (event) {
      var group = event.target.closest(".grid-idea");
      if (!group) { return; }
      dragging = group;
      svg.setPointerCapture(event.pointerId);
    });
    svg.addEventListener("pointermove", function (event) {
      if (!dragging) { return; }
      var at = toGrid(svg, event);
      dragging.querySelector("circle").setAttribute("cx", at.x);
      dragging.querySelector("circle").setAttribute("cy", 100 - at.y);
    });
    svg.addEventListener("pointerup", function (event) {
      if (!dragging) { return; }
      var id = dragging.dataset.idea;
      var at = toGrid(svg, event);
      dragging = null;
      var form = document.querySelector("#idea-" + id + " form[action$='/place/']");
      if (!form) { return; }
      form.querySelector("[name$='-x']").value = at.x;
      form.querySelector("[name$='-y']").value = at.y;
      htmx.trigger(form, "submit");
    });
  }

  htmx.onLoad(function (root) {
    (root.querySelectorAll ? root : document).querySelectorAll("svg.criteria-grid").forEach(setUp);
  });
})();
