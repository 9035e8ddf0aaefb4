// The site menu folds behind a "Menu" button on a narrow screen (on a 320 px phone it took a
// third of the height). Without JavaScript, and on a wide screen, it is always open.
(function () {
  "use strict";
  // Logging out forgets the workshop pages the service worker kept for use offline
  // (templates/ateliers/sw.js): on a shared phone the next person finds none of them.
  var logout = document.querySelector("form.logout");
  if (logout && window.caches) {
    logout.addEventListener("submit", function (event) {
      if (logout.dataset.forgotten) { return; }
      event.preventDefault();
      var go = function () {
        if (logout.dataset.forgotten) { return; }
        logout.dataset.forgotten = "1";
        logout.submit();
      };
      caches.delete("labo-pages").then(go, go);
      window.setTimeout(go, 1000);
    });
  }

  var button = document.querySelector(".menu-toggle");
  var menu = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!menu) return;
  var narrow = window.matchMedia("(max-width: 40rem)");

  function show(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    menu.hidden = !open;
  }

  function fit() {
    button.hidden = !narrow.matches;
    show(!narrow.matches);
  }

  button.addEventListener("click", function () {
    show(button.getAttribute("aria-expanded") !== "true");
  });
  // Escape closes it and gives the focus back to the button when it was in the menu.
  document.addEventListener("keydown", function (event) {
    if (event.key !== "Escape" || button.hidden || menu.hidden) return;
    var inside = menu.contains(document.activeElement);
    show(false);
    if (inside || document.activeElement === button) button.focus();
  });
  narrow.addEventListener("change", fit);
  fit();
})();
