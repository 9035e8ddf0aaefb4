/* Autosaved drafts: what is typed in a form marked data-draft is kept in this browser
   (localStorage) until the form is sent successfully, so a closed tab, a lost network or
   an expired login loses nothing. */
(function () {
  "use strict";
  var PREFIX = "labo-draft:";
  var SENT = "labo-draft-sent";

  function key(form) { return PREFIX + location.pathname + ":" + form.dataset.draft; }

  function fields(form) {
    return Array.from(form.elements).filter(function (el) {
      return el.name && el.name !== "csrfmiddlewaretoken" && el.type !== "hidden" &&
        el.type !== "file" && el.type !== "submit" && el.type !== "button";
    });
  }

  function save(form) {
    var data = {};
    fields(form).forEach(function (el) {
      if (el.type === "checkbox" || el.type === "radio") {
        if (el.checked) { (data[el.name] = data[el.name] || []).push(el.value); }
      } else if (el.value) {
        data[el.name] = el.value;
      }
    });
    try { localStorage.setItem(key(form), JSON.stringify(data)); } catch (e) { /* full or private */ }
  }

  function restore(form) {
    var raw = null;
    try { raw = localStorage.getItem(key(form)); } catch (e) { return; }
    if (!raw) { return; }
    var data = JSON.parse(raw);
    var restored = false;
    fields(form).forEach(function (el) {
      if (!(el.name in data)) { return; }
      if (el.type === "checkbox" || el.type === "radio") {
        el.checked = data[el.name].indexOf(el.value) !== -1;
        restored = true;
      } else if (!el.value) {
        el.value = data[el.name];
        restored = true;
      }
    });
    if (restored) { form.classList.add("draft-restored"); }
  }

  function clear(form) {
    try { localStorage.removeItem(key(form)); } catch (e) { /* ignore */ }
  }

  function setUp(root) {
    root.querySelectorAll("form[data-draft]").forEach(function (form) {
      if (form.dataset.draftReady) { return; }
      form.dataset.draftReady = "1";
      restore(form);
      form.addEventListener("input", function () { save(form); });
      form.addEventListener("change", function () { save(form); });
      // A plain POST: remember it; the next page tells whether it was accepted.
      form.addEventListener("submit", function () {
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

  document.addEventListener("DOMContentLoaded", function () { settleSent(); setUp(document); });
  document.body.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest ? event.detail.elt.closest("form[data-draft]") : null;
    if (form && event.detail.successful && event.detail.xhr.status < 300) { clear(form); }
  });
  document.body.addEventListener("htmx:load", function (event) { setUp(event.detail.elt); });
})();
