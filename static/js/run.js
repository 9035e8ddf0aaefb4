/* Run mode: a countdown to the end of the current block, updated every second. */
(function () {
  "use strict";

  function pad(n) { return n < 10 ? "0" + n : String(n); }

  function format(seconds) {
    var sign = seconds < 0 ? "+" : "";
    var s = Math.abs(seconds);
    var h = Math.floor(s / 3600);
    var m = Math.floor((s % 3600) / 60);
    return sign + (h ? h + ":" + pad(m) : String(m)) + ":" + pad(s % 60);
  }

  function tick() {
    document.querySelectorAll("time.countdown[data-ends-at]").forEach(function (el) {
      var left = Math.round((Date.parse(el.dataset.endsAt) - Date.now()) / 1000);
      el.textContent = format(left);
      el.classList.toggle("overtime", left < 0);
    });
  }

  tick();
  setInterval(tick, 1000);
  document.body.addEventListener("htmx:afterSwap", tick);
  document.addEventListener("live:drawn", tick); // the projector, redrawn by live.js
})();
