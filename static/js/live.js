/* Live views (issue #16). An element with data-live-stream="<url>" follows that
   Server-Sent Events stream (labo/lib/sse.py): each event's data is the part as it is now,
   drawn in place of the element's content. EventSource reconnects by itself and says the
   last version it has (Last-Event-ID), so the server sends what moved meanwhile.
   Without EventSource the element asks the same URL every two seconds (?once=1).
   Focus stays on the control that had it, found again by its id or its name and value.
   data-live-state on the element says "live", "reconnecting" or "polling" (the page
   shows it). No inline script, nothing but this file: CSP-clean. */
(function () {
  "use strict";

  var POLL_MS = 2000;

  function focusKey(el) {
    if (!el || el === document.body) return null;
    if (el.id) return "#" + CSS.escape(el.id);
    if (el.name) {
      var sel = '[name="' + CSS.escape(el.name) + '"]';
      if (el.value) sel += '[value="' + CSS.escape(el.value) + '"]';
      return sel;
    }
    return null;
  }

  function draw(root, html, version) {
    var active = document.activeElement;
    var key = root.contains(active) ? focusKey(active) : null;
    root.innerHTML = html;
    if (version !== undefined) root.dataset.liveVersion = version;
    if (window.htmx) window.htmx.process(root);
    if (key) {
      var again = root.querySelector(key);
      if (again) again.focus({ preventScroll: true });
    }
    root.dispatchEvent(new CustomEvent("live:drawn", { bubbles: true, detail: { version: version } }));
  }

  function parse(text) {
    // The last event of a stream answered once: its id and its data lines.
    var found = null;
    text.split("\n\n").forEach(function (block) {
      var id = null;
      var data = [];
      block.split("\n").forEach(function (line) {
        if (line.indexOf("id: ") === 0) id = line.slice(4);
        else if (line.indexOf("data: ") === 0) data.push(line.slice(6));
        else if (line === "data:") data.push("");
      });
      if (id !== null) found = { id: id, data: data.join("\n") };
    });
    return found;
  }

  function poll(root, url) {
    root.dataset.liveState = "polling";
    function ask() {
      var since = root.dataset.liveVersion || "";
      var sep = url.indexOf("?") < 0 ? "?" : "&";
      fetch(url + sep + "once=1&since=" + encodeURIComponent(since), {
        credentials: "same-origin",
        headers: { Accept: "text/event-stream" },
      })
        .then(function (response) {
          return response.ok ? response.text() : "";
        })
        .then(function (text) {
          var event = parse(text);
          if (event) draw(root, event.data, event.id);
        })
        .catch(function () {})
        .then(function () {
          window.setTimeout(ask, POLL_MS);
        });
    }
    ask();
  }

  function follow(root) {
    var url = root.dataset.liveStream;
    if (!url || root.dataset.liveFollowing) return;
    root.dataset.liveFollowing = "1";
    if (!window.EventSource || root.dataset.livePoll === "1") {
      poll(root, url);
      return;
    }
    var since = root.dataset.liveVersion;
    var sep = url.indexOf("?") < 0 ? "?" : "&";
    var source = new EventSource(since ? url + sep + "since=" + encodeURIComponent(since) : url);
    source.addEventListener("open", function () {
      root.dataset.liveState = "live";
    });
    source.addEventListener("error", function () {
      // CLOSED: the server said the room is over (204); otherwise it reconnects by itself.
      root.dataset.liveState = source.readyState === EventSource.CLOSED ? "closed" : "reconnecting";
    });
    source.addEventListener("message", function (event) {
      root.dataset.liveState = "live";
      draw(root, event.data, event.lastEventId);
    });
    window.addEventListener("pagehide", function () {
      source.close();
    });
  }

  function start() {
    document.querySelectorAll("[data-live-stream]").forEach(follow);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
  window.LaboLive = { follow: follow };
})();
