/* The capture pages' service worker (ateliers/offline.py says what it keeps). Its scope is
   the workshop and guest pages (/ateliers/). Files: cache first. Pages: network first, the
   last copy when there is no network, so that a workshop page opens in a basement room;
   what is sent from it waits in the page's outbox (static/js/capture.js). Nothing but GET
   goes through here. */
"use strict";
var VERSION = "{{ version }}";
var FILES = "labo-files-" + VERSION;
var PAGES = "labo-pages";
var ASSETS = {{ assets|safe }};
var PAGE_TIMEOUT_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(caches.open(FILES).then(function (cache) { return cache.addAll(ASSETS); })
    .then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("labo-files-") === 0 && name !== FILES;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function fromNetwork(request) {
  return new Promise(function (resolve, reject) {
    var timer = setTimeout(function () { reject(new Error("timeout")); }, PAGE_TIMEOUT_MS);
    fetch(request).then(function (response) {
      clearTimeout(timer);
      resolve(response);
    }, function (error) {
      clearTimeout(timer);
      reject(error);
    });
  });
}

function page(request) {
  return fromNetwork(request).then(function (response) {
    if (response.ok && response.type === "basic" && !response.redirected) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(request, copy); });
    }
    return response;
  }, function () {
    return caches.open(PAGES).then(function (cache) { return cache.match(request); })
      .then(function (cached) { return cached || Response.error(); });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (ASSETS.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(request).then(function (cached) { return cached || fetch(request); }));
  } else if (request.mode === "navigate" && url.pathname.indexOf(self.registration.scope.replace(self.location.origin, "")) === 0) {
    event.respondWith(page(request));
  }
});
