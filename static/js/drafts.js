/* Autosaved drafts: what is typed in a form marked data-draft is kept in this browser
   (localStorage) until it is sent, so a closed tab, a reload, a lost network or an expired
   login loses nothing. Edit forms too: the draft keeps the hidden version and initial
   values the form was drawn with, so saving a draft typed over an older version is
   checked against what changed since (labo/lib/versions.py) instead of overwriting it.
   A restored draft opens its section and says so, with a button to discard it.
   The capture client (capture.js) calls LaboDrafts.clear when it takes a form's text into
   its outbox, and LaboDrafts.setUp after a swap. */
(function () {
  "use strict";
  var PREFIX = "labo-draft:";
  var SENT = "labo-draft-sent";
  var SKIP = ["csrfmiddlewaretoken", "idempotency_key"];
  var words = document.body.dataset;
  var announced = {};  // drafts said restored on this page: said again when their form is redrawn

  // Per person: on a shared phone, one person's draft never fills another's form.
  function key(form) {
    return PREFIX + (words.owner || "") + ":" + location.pathname + ":" + form.dataset.draft;
  }

  function fields(form) {
    return Array.from(form.elements).filter(function (el) {
      return el.name && SKIP.indexOf(el.name) === -1 && el.type !== "file" &&
        el.type !== "submit" && el.type !== "button";
    });
  }

  function typed(el) { return el.type !== "hidden"; }

  function valuesOf(form, current) {
    var data = {};
    fields(form).forEach(function (el) {
      var value = current ? el.value : el.defaultValue;
      if (el.type === "checkbox" || el.type === "radio") {
        if (current ? el.checked : el.defaultChecked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else if (el.tagName === "SELECT") {
        var chosen = Array.from(el.options).filter(function (o) { return current ? o.selected : o.defaultSelected; });
        data[el.name] = chosen.map(function (o) { return o.value; }).join("\n");
      } else {
        data[el.name] = value;
      }
    });
    return data;
  }

  function differs(form, data, current) {
    var now = valuesOf(form, current);
    return fields(form).some(function (el) {
      return typed(el) && JSON.stringify(now[el.name] || "") !== JSON.stringify(data[el.name] || "");
    });
  }

  function save(form) {
    var data = valuesOf(form, true);
    try {
      if (differs(form, data, false)) {
        localStorage.setItem(key(form), JSON.stringify(data));
      } else {
        localStorage.removeItem(key(form));  // back to what the page showed: no draft
      }
    } catch (e) { /* full or private */ }
  }

  function fill(form, data) {
    fields(form).forEach(function (el) {
      if (!(el.name in data)) {
        if (el.type === "checkbox" || el.type === "radio") { el.checked = false; }
        return;
      }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = data[el.name].indexOf(el.value) !== -1;
      } else if (el.tagName === "SELECT") {
        var chosen = String(data[el.name]).split("\n");
        Array.from(el.options).forEach(function (o) { o.selected = chosen.indexOf(o.value) !== -1; });
      } else {
        el.value = data[el.name];
      }
    });
  }

  function notice(form) {
    if (form.querySelector(".draft-notice") || !words.draftRestored) { return; }
    var box = document.createElement("p");
    box.className = "draft-notice";
    box.setAttribute("role", "status");
    box.textContent = words.draftRestored + " ";
    var discard = document.createElement("button");
    discard.type = "button";
    discard.className = "button small secondary";
    discard.textContent = words.draftDiscard;
    discard.addEventListener("click", function () {
      clear(form);
      form.reset();
      box.remove();
      var first = form.querySelector("textarea, input:not([type=hidden]), select");
      if (first) { first.focus(); }
    });
    box.append(discard);
    form.prepend(box);
    form.classList.add("draft-restored");
  }

  function restore(form, quiet) {
    var raw = null;
    try { raw = localStorage.getItem(key(form)); } catch (e) { return; }
    if (!raw) { return; }
    var data;
    try { data = JSON.parse(raw); } catch (e) { return; }
    if (!differs(form, data, true)) { return; }
    fill(form, data);
    for (var open = form.closest("details"); open; open = open.parentElement && open.parentElement.closest("details")) {
      open.open = true;
    }
    if (!quiet || announced[key(form)]) {
      announced[key(form)] = true;
      notice(form);
    }
  }

  function clear(form) {
    delete announced[key(form)];
    try { localStorage.removeItem(key(form)); } catch (e) { /* ignore */ }
    var box = form.querySelector(".draft-notice");
    if (box) { box.remove(); }
    form.classList.remove("draft-restored");
  }

  function setUp(root, options) {
    var quiet = options && options.quiet;
    (root.querySelectorAll ? root : document).querySelectorAll("form[data-draft]").forEach(function (form) {
      if (form.dataset.draftReady) { return; }
      form.dataset.draftReady = "1";
      restore(form, quiet);
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      // A plain POST: remember it; the next page tells whether it was accepted.
      form.addEventListener("submit", function (event) {
        if (event.defaultPrevented) { return; }
        try { sessionStorage.setItem(SENT, key(form)); } catch (e) { /* ignore */ }
      });
    });
  }

  function settleSent() {
    var sent = null;
    try { sent = sessionStorage.getItem(SENT); sessionStorage.removeItem(SENT); } catch (e) { return; }
    if (!sent) { return; }
    var again = Array.from(document.querySelectorAll("form[data-draft]")).filter(function (form) {
      return key(form) === sent && form.querySelector(".field-error, .errorlist-box");
    });
    // Refused (the form is back with errors): keep the draft. Accepted: forget it.
    if (!again.length) { try { localStorage.removeItem(sent); } catch (e) { /* ignore */ } }
  }

  window.LaboDrafts = { setUp: setUp, clear: clear };
  settleSent();
  setUp(document);
  document.body.addEventListener("htmx:load", function (event) { setUp(event.detail.elt, { quiet: true }); });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form[data-draft]") : null;
    if (form && event.detail.successful && event.detail.xhr.status < 300) { clear(form); }
  });
})();
