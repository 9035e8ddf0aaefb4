/* The capture client of the workshop pages and the guest page (docs/architecture.md,
   "Phone capture"). A form marked data-capture="<target selector>" is sent by this client:

   - every submission gets a key made here (Idempotency-Key): the server stores it with the
     write and answers a repeat with the state as it is now, never a second row
     (labo/idempotency.py);
   - submissions wait in an outbox (IndexedDB; in memory where it is unavailable) and are
     sent one at a time, in order, retried until the server answers: a slow or lost network
     loses nothing, and what waits is shown ("3 en attente d'envoi");
   - taps (+1/−1 of a débat mouvant) that come faster than the network are added up into
     one submission; the count shown is the server's plus what still waits;
   - the answer is swapped into its target with focus, scroll and open sections kept where
     they were; a form that was sent is empty, stays open, its first field focused; the news
     is said in an aria-live region; a refusal keeps the text, with the message;
   - a refusal of something that waited (workshop closed, link revoked, limit reached) is
     listed with the text, to copy or send again.

   Without JavaScript every form is a plain POST (with a key drawn by the server). The
   service worker (ateliers:service-worker) keeps the pages readable offline. */
(function () {
  "use strict";

  var DB_NAME = "labo-capture";
  var RETRY_MAX_MS = 30000;
  var TIMEOUT_MS = 20000;
  window.LaboCapture = { newKey: newKey };  // photo.js sends its photos with the same keys
  var panel = document.getElementById("capture");
  if (!panel || typeof fetch !== "function") { return; }
  var words = panel.dataset;
  // One phone, several people (a shared tablet): each sees, and sends, only their own.
  var owner = document.body.dataset.owner || "";

  var outbox = [];   // what waits, in order
  var refused = [];  // what the server refused after it waited: kept until removed
  var sending = false;
  var backoff = 0;
  var retryTimer = null;
  var seq = Date.now();
  var db = null;

  // Storage ---------------------------------------------------------------------------

  function openDb() {
    return new Promise(function (resolve) {
      if (!window.indexedDB) { resolve(null); return; }
      var request;
      try { request = indexedDB.open(DB_NAME, 1); } catch (e) { resolve(null); return; }
      request.onupgradeneeded = function () {
        request.result.createObjectStore("outbox", { keyPath: "key" });
        request.result.createObjectStore("refused", { keyPath: "key" });
      };
      request.onsuccess = function () { resolve(request.result); };
      request.onerror = function () { resolve(null); };
    });
  }

  function store(name, mode) {
    return db.transaction(name, mode).objectStore(name);
  }

  function readAll(name) {
    return new Promise(function (resolve) {
      if (!db) { resolve([]); return; }
      var request = store(name, "readonly").getAll();
      request.onsuccess = function () {
        resolve(request.result.sort(function (a, b) { return a.seq - b.seq; }));
      };
      request.onerror = function () { resolve([]); };
    });
  }

  function keep(name, entry) {
    if (!db) { return; }
    try { store(name, "readwrite").put(entry); } catch (e) { /* full: it stays in memory */ }
  }

  function drop(name, entry) {
    if (!db) { return; }
    try { store(name, "readwrite").delete(entry.key); } catch (e) { /* ignore */ }
  }

  function newKey() {
    if (window.crypto && crypto.randomUUID) { return crypto.randomUUID(); }
    var bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes);
    return Array.from(bytes, function (b) { return ("0" + b.toString(16)).slice(-2); }).join("");
  }

  // What the user sees ------------------------------------------------------------------

  function announce(text) {
    var live = document.getElementById("announce");
    if (!live || !text) { return; }
    live.textContent = "";
    window.setTimeout(function () { live.textContent = text; }, 50);
  }

  function plural(n) {
    return n === 1 ? words.pendingOne : words.pendingMany.replace("{n}", String(n));
  }

  function pendingCount() {
    return outbox.reduce(function (n, entry) {
      return n + (entry.tap ? Math.abs(entry.tap.delta) : 1);
    }, 0);
  }

  function render() {
    var count = pendingCount();
    panel = document.getElementById("capture") || panel;
    var line = panel.querySelector(".capture-pending");
    var list = panel.querySelector(".capture-waiting");
    line.textContent = count ? plural(count) + (navigator.onLine === false ? " · " + words.offline : "") : "";
    list.replaceChildren.apply(list, outbox.map(function (entry) {
      var item = document.createElement("li");
      item.textContent = entry.label;
      return item;
    }));
    panel.querySelector(".capture-details").hidden = !outbox.length;
    var box = panel.querySelector(".capture-refused");
    box.replaceChildren.apply(box, refused.map(refusedItem));
    panel.hidden = !count && !refused.length;
    // The page's end can scroll out from under the bar, however tall it is.
    document.body.style.paddingBottom = panel.hidden ? "" : panel.offsetHeight + 16 + "px";
    showTapCounts();
    showDots();
  }

  function refusedItem(entry) {
    var item = document.createElement("li");
    item.className = "capture-refused-item";
    var why = document.createElement("p");
    why.className = "error";
    why.textContent = entry.why;
    var text = document.createElement("textarea");
    text.readOnly = true;
    text.rows = 2;
    text.value = entry.label;
    text.setAttribute("aria-label", words.refusedText);
    var again = button(words.resend, function () {
      forget(entry);
      queue(Object.assign({}, entry, { key: newKey(), seq: ++seq, tries: 0, why: "" }));
    });
    var copy = button(words.copy, function () {
      text.select();
      if (navigator.clipboard) { navigator.clipboard.writeText(entry.label).catch(function () {}); }
      announce(words.copied);
    });
    var remove = button(words.remove, function () { forget(entry); render(); });
    item.append(why, text, again, copy, remove);
    return item;
  }

  function button(label, action) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "button small secondary";
    b.textContent = label;
    b.addEventListener("click", action);
    return b;
  }

  function forget(entry) {
    refused = refused.filter(function (other) { return other.key !== entry.key; });
    drop("refused", entry);
  }

  // Taps: the count shown is the server's plus what waits ------------------------------

  function pendingTaps(url, position) {
    return outbox.reduce(function (n, entry) {
      return entry.tap && entry.url === url && entry.tap.position === position ? n + entry.tap.delta : n;
    }, 0);
  }

  // A form's address, even when one of its buttons is named "action" (form.action is then
  // that button: the workshop's actions are toggled by name="action").
  function actionOf(form) {
    return new URL(form.getAttribute("action") || "", document.baseURI).href;
  }

  function showTapCounts() {
    document.querySelectorAll("form.tap[data-capture]").forEach(function (form) {
      var position = form.elements.position.value;
      var count = form.closest("dd").querySelector(".count");
      if (!count) { return; }
      if (!count.dataset.server) { count.dataset.server = count.textContent.trim(); }
      var waiting = pendingTaps(actionOf(form), position);
      var shown = Math.max(0, Number(count.dataset.server) + waiting);
      count.textContent = String(shown);
      var note = form.closest("dd").querySelector(".tap-pending");
      if (note) { note.textContent = waiting ? words.tapPending.replace("{n}", (waiting > 0 ? "+" : "") + waiting) : ""; }
    });
  }

  // Dots: what waits is taken from what is left, so no dot is tapped that would be refused.
  function showDots() {
    var left = document.querySelector("[data-dots-left]");
    if (!left) { return; }
    var waiting = outbox.reduce(function (n, entry) {
      return entry.page === location.pathname ? n + (entry.vote || 0) : n;
    }, 0);
    var note = left.querySelector(".tap-pending");
    if (note) { note.textContent = waiting ? words.tapPending.replace("{n}", String(waiting)) : ""; }
    var none = Number(left.dataset.dotsLeft) - waiting <= 0;
    document.querySelectorAll("form[data-capture-votes] button[name=idea]").forEach(function (b) {
      if (none && !b.disabled) {
        b.disabled = true;
        b.dataset.heldBack = "1";
      } else if (!none && b.dataset.heldBack) {
        b.disabled = false;
        delete b.dataset.heldBack;
      }
    });
  }

  function takeServerCounts(html, entry) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    doc.querySelectorAll(".count[data-position]").forEach(function (fresh) {
      var here = document.querySelector(
        entry.target + " .count[data-position='" + fresh.dataset.position + "']"
      );
      if (!here) { return; }
      var old = here.dataset.server;
      here.dataset.server = fresh.textContent.trim();
      // The correction beside it replaces the count as it is now, not as it was drawn.
      var correction = here.closest("dd").querySelector("form input[name=replacing]");
      if (correction) {
        var form = correction.form;
        var label = form.querySelector("label");
        if (form.elements.set_to.value === old) { form.elements.set_to.value = here.dataset.server; }
        correction.value = here.dataset.server;
        label.textContent = label.textContent.replace(/\d+/, here.dataset.server);
      }
      var meter = here.parentNode.querySelector("meter");
      var freshMeter = fresh.parentNode.querySelector("meter");
      if (meter && freshMeter) {
        meter.max = freshMeter.max;
        meter.value = freshMeter.value;
      }
    });
  }

  // Queueing ----------------------------------------------------------------------------

  function queue(entry) {
    var last = outbox[outbox.length - 1];
    // Not yet tried (tries counts from the moment it goes): it can still take more taps.
    if (entry.tap && last && last.tap && !last.tries && last.url === entry.url && last.tap.position === entry.tap.position) {
      last.tap.delta += entry.tap.delta;  // faster than the network: one submission
      last.label = tapLabel(last);
      if (last.tap.delta === 0) {
        outbox.pop();
        drop("outbox", last);
      } else {
        keep("outbox", last);
      }
    } else {
      outbox.push(entry);
      keep("outbox", entry);
    }
    render();
    pump();
  }

  function tapLabel(entry) {
    return (entry.tap.delta > 0 ? "+" : "") + entry.tap.delta + " · " + entry.tap.name;
  }

  function fieldsOf(form, submitter) {
    var data;
    try { data = new FormData(form, submitter || undefined); } catch (e) {
      data = new FormData(form);
      if (submitter && submitter.name) { data.append(submitter.name, submitter.value); }
    }
    var fields = [];
    data.forEach(function (value, name) {
      if (typeof value === "string" && name !== "idempotency_key") { fields.push([name, value]); }
    });
    return fields;
  }

  function labelOf(form, submitter) {
    var typed = Array.from(form.querySelectorAll("textarea, input[type=text], input:not([type])"))
      .map(function (el) { return el.value.trim(); })
      .filter(Boolean);
    Array.from(form.querySelectorAll("input[type=radio]:checked")).forEach(function (checked) {
      var legend = checked.closest("fieldset") && checked.closest("fieldset").querySelector("legend");
      typed.unshift((legend ? legend.textContent.replace("*", "").trim() + " : " : "") + checked.value);
    });
    if (typed.length) { return typed.join(" — ").slice(0, 300); }
    return (submitter && submitter.textContent.trim()) || form.getAttribute("aria-label") || "";
  }

  function isAddForm(form) { return form.hasAttribute("data-capture-add"); }

  function empty(form) {
    form.querySelectorAll("textarea, input").forEach(function (el) {
      if (["hidden", "submit", "button", "file"].indexOf(el.type) !== -1) { return; }
      if (el.type === "checkbox" || el.type === "radio") { el.checked = false; } else { el.value = ""; }
    });
  }

  function onSubmit(event) {
    var form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-capture")) { return; }
    if (form.enctype === "multipart/form-data") { return; }  // photos: static/js/photo.js
    event.preventDefault();
    event.stopPropagation();
    var submitter = event.submitter || null;
    var url = submitter && submitter.hasAttribute("formaction") ? submitter.formAction : actionOf(form);
    var fields = fieldsOf(form, submitter);
    var entry = {
      key: newKey(),
      seq: ++seq,
      url: url,
      target: form.dataset.capture || "#results",
      page: location.pathname,
      fields: fields,
      tries: 0,
      tap: null,
      label: "",
      owner: owner,
      // Sent later than typed: a refusal is listed with the text rather than put back.
      queuedOffline: navigator.onLine === false || outbox.length > 0,
    };
    if (form.classList.contains("tap") && submitter && submitter.name === "delta") {
      var name = form.closest(".tally-row").querySelector("dt").textContent.trim();
      entry.tap = { position: form.elements.position.value, delta: Number(submitter.value), name: name };
      entry.fields = fields.filter(function (f) { return f[0] !== "delta"; });
      entry.label = tapLabel(entry);
      queue(entry);
      announce(name + " : " + form.closest("dd").querySelector(".count").textContent.trim());
      return;
    }
    if (form.hasAttribute("data-capture-votes")) {
      entry.vote = submitter && submitter.name === "remove" ? -1 : 1;
    } else if (outbox.some(function (other) {
      return other.url === url && JSON.stringify(other.fields) === JSON.stringify(fields);
    })) {
      return;  // a double tap: the same thing already waits
    }
    entry.label = labelOf(form, submitter);
    entry.anchor = describe(submitter || document.activeElement);
    entry.add = isAddForm(form);
    if (window.LaboDrafts) { window.LaboDrafts.clear(form); }
    if (entry.add) {
      // Ready for the next one at once: the text is in the outbox, shown while it waits.
      empty(form);
      var first = firstField(form);
      entry.anchor = describe(first) || entry.anchor;
      if (first) { first.focus(); }
    }
    queue(entry);
  }

  // Sending -------------------------------------------------------------------------------

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function pump() {
    if (sending || !outbox.length) { return; }
    if (navigator.onLine === false) { render(); return; }
    window.clearTimeout(retryTimer);
    var entry = outbox[0];
    sending = true;
    entry.tries += 1;
    keep("outbox", entry);
    var body = new URLSearchParams();
    var token = csrfToken();
    entry.fields.forEach(function (f) {
      body.append(f[0], f[0] === "csrfmiddlewaretoken" && token ? token : f[1]);
    });
    if (entry.tap) { body.append("delta", String(entry.tap.delta)); }
    var controller = window.AbortController ? new AbortController() : null;
    var timer = window.setTimeout(function () { if (controller) { controller.abort(); } }, TIMEOUT_MS);
    fetch(entry.url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      redirect: "follow",
      signal: controller ? controller.signal : undefined,
      headers: {
        "Idempotency-Key": entry.key,
        "HX-Request": "true",
        "HX-Target": entry.target.replace(/^#/, ""),
        "HX-Current-URL": location.href,
        "X-CSRFToken": token,
      },
    }).then(function (response) {
      return response.text().then(function (html) { settle(entry, response, html); });
    }, function () {
      retryLater();
    }).finally(function () {
      window.clearTimeout(timer);
      sending = false;
      render();
      if (!retryTimer) { pump(); }
    });
  }

  function retryLater() {
    backoff = Math.min(RETRY_MAX_MS, backoff ? backoff * 2 : 1000);
    retryTimer = window.setTimeout(function () { retryTimer = null; pump(); }, backoff);
  }

  function done(entry) {
    outbox = outbox.filter(function (other) { return other.key !== entry.key; });
    drop("outbox", entry);
  }

  function settle(entry, response, html) {
    var status = response.status;
    if (status >= 500 || status === 0) {
      if (entry.tries < 5) { retryLater(); return; }
    }
    backoff = 0;
    retryTimer = null;
    var toLogin = response.redirected && /\/login\//.test(response.url);
    done(entry);
    var here = entry.page === location.pathname && document.querySelector(entry.target);
    if (response.ok && !toLogin) {
      if (!here) { return; }
      if (entry.tap) {
        takeServerCounts(html, entry);
        return;
      }
      var waitingForIt = outbox.some(function (other) { return other.target === entry.target && !other.tap; });
      if (!waitingForIt) { swap(entry, html, true); }
      return;
    }
    var fragment = (status === 422 || status === 409) && !toLogin;
    var alone = !outbox.some(function (other) { return other.target === entry.target; });
    if (fragment && here && alone && entry.tries === 1 && !entry.queuedOffline) {
      swap(entry, html, false);  // as it was typed, with the message next to the field
      return;
    }
    entry.why = toLogin ? words.loggedOut : reasonOf(html, status);
    refused.push(entry);
    keep("refused", entry);
    announce(entry.why);
    if (here && alone) {
      if (fragment) {
        swap(entry, html, false);
      } else {  // the page may show what is no longer so (a deleted item): as it is now
        fetch(location.href, { credentials: "same-origin" }).then(function (page) {
          return page.text();
        }).then(function (now) { swap(entry, now, null); }).catch(function () {});
      }
    }
  }

  function reasonOf(html, status) {
    var doc = new DOMParser().parseFromString(html || "", "text/html");
    var said = doc.querySelector(".errorlist-box, .field-error .error, [role=alert]");
    var text = said ? said.textContent.trim() : words["status" + status] || "";
    return text ? words.refused + " " + text : words.refused + " (" + status + ")";
  }

  // Swapping without losing one's place ------------------------------------------------------

  function firstField(form) {
    return form.querySelector("textarea, input:not([type=hidden]):not([type=submit]), select");
  }

  // A form is known again after a swap by its draft's name, else by its address.
  function formKey(form) {
    return form ? (form.dataset.draft || form.getAttribute("action") || "") : "";
  }

  function describe(el) {
    if (!el || !el.closest) { return null; }
    return {
      id: el.id || "",
      name: el.name || "",
      value: el.value || "",
      tag: el.tagName,
      form: formKey(el.closest("form")),
      near: el.parentElement && el.parentElement.closest("[id]") ? el.parentElement.closest("[id]").id : "",
    };
  }

  function find(root, d) {
    if (!d) { return null; }
    if (d.id) {
      var byId = document.getElementById(d.id);
      if (byId) { return byId; }
    }
    var found = null;
    root.querySelectorAll(d.tag).forEach(function (el) {
      if (found) { return; }
      if (formKey(el.closest("form")) === d.form && (el.name || "") === d.name && (el.value || "") === d.value) { found = el; }
    });
    return found;
  }

  function openSections(root) {
    return Array.from(root.querySelectorAll("details[open]")).map(function (details) {
      return formKey(details.querySelector("form"));
    }).filter(Boolean);
  }

  // The nearest thing to the one the user was on, when it is gone (a dot taken back, an
  // item deleted): what is left where it was, else the undo, else the answer itself.
  function nearest(fresh, d) {
    var near = d && d.near && document.getElementById(d.near);
    var inside = near && near.querySelector("button:not([disabled]), input:not([type=hidden]), textarea, select, a[href]");
    return inside || fresh.querySelector(".undo button, .message, .errorlist-box") || fresh;
  }

  // succeeded: true (saved), false (refused: its message), null (drawn again as it is now).
  function swap(entry, html, succeeded) {
    var target = document.querySelector(entry.target);
    if (!target || !new DOMParser().parseFromString(html, "text/html").querySelector(entry.target)) {
      return;  // an answer without the part to draw: the page stays as it is
    }
    var active = document.activeElement && target.contains(document.activeElement) ? document.activeElement : null;
    var anchor = describe(active) || entry.anchor;
    var before = active || find(target, entry.anchor);
    var top = before ? before.getBoundingClientRect().top : null;
    var open = openSections(target);
    htmx.swap(target, html, { swapStyle: "outerHTML" }, { select: entry.target });
    var fresh = document.querySelector(entry.target);
    if (!fresh) { return; }
    fresh.querySelectorAll("details").forEach(function (details) {
      var key = formKey(details.querySelector("form"));
      if (key && open.indexOf(key) !== -1) { details.open = true; }
    });
    if (window.LaboDrafts) { window.LaboDrafts.setUp(fresh, { quiet: true }); }
    var focus = null;
    if (succeeded === false) {
      focus = fresh.querySelector(".field-error input, .field-error textarea, .field-error select, .errorlist-box, [role=alert]");
    }
    focus = focus || find(fresh, anchor) || (anchor ? nearest(fresh, anchor) : null);
    if (focus) {
      var details = focus.closest("details");
      if (details) { details.open = true; }
      if (top !== null) { window.scrollBy(0, focus.getBoundingClientRect().top - top); }
      if (!focus.hasAttribute("tabindex") && !/^(INPUT|TEXTAREA|SELECT|BUTTON|A|SUMMARY)$/.test(focus.tagName)) {
        focus.setAttribute("tabindex", "-1");
      }
      focus.focus({ preventScroll: true });
    }
    if (succeeded === null) { return; }
    var said = fresh.querySelector(succeeded ? ".message, [data-announce]" : ".errorlist-box, .field-error .error");
    announce(said ? said.textContent.trim() : (succeeded ? words.saved : ""));
  }


  // Start -------------------------------------------------------------------------------------

  document.addEventListener("submit", onSubmit, true);  // before htmx: this client sends them
  window.addEventListener("online", function () { backoff = 0; render(); pump(); });
  window.addEventListener("offline", render);
  if ("serviceWorker" in navigator && words.serviceWorker) {
    var firstVisit = !navigator.serviceWorker.controller;
    navigator.serviceWorker.register(words.serviceWorker, { scope: words.serviceWorker.replace(/[^/]*$/, "") })
      .then(function () {
        // This page came before the worker: keep a copy of it for the worker too.
        if (firstVisit && window.caches) {
          caches.open("labo-pages").then(function (cache) { return cache.add(location.href); }).catch(function () {});
        }
      }).catch(function () {});
  }
  openDb().then(function (opened) {
    db = opened;
    return Promise.all([readAll("outbox"), readAll("refused")]);
  }).then(function (stored) {
    var known = outbox.map(function (entry) { return entry.key; });
    var mine = function (entry) { return (entry.owner || "") === owner; };
    outbox = stored[0].filter(function (entry) {
      return mine(entry) && known.indexOf(entry.key) === -1;
    }).concat(outbox);
    refused = stored[1].filter(mine);  // another person's stay stored for them, unseen
    outbox.forEach(function (entry) { entry.queuedOffline = true; });  // from an earlier visit
    render();
    pump();
  });
})();
