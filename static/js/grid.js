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
      var group = dragging;
      var at = toGrid(svg, event);
      dragging = null;
      htmx.ajax("POST", svg.dataset.classifyUrl, {
        source: svg,
        target: "#results",
        swap: "outerHTML",
        values: { idea: group.dataset.idea, theme: group.dataset.theme, x: at.x, y: at.y },
      });
    });
  }

  htmx.onLoad(function (root) {
    (root.querySelectorAll ? root : document).querySelectorAll("svg.criteria-grid").forEach(setUp);
  });
})();
