/* qrsvc service worker: served at /sw.js so that it controls every page.

   Pages: network first (a fresh page when the connection works), falling back to the
   copy saved on the phone, then to /offline. Pages are filed under their URL without
   the "via" marker, so /r/LK01?via=site and a scanned /r/LK01 share one saved copy.
   /admin and /api are left alone: nothing of theirs is kept on a (possibly shared) phone.
   Photos: cache first (their URLs change with their content); other static files:
   network first, the saved copy offline. Audio is left to the network (ranges).
   The offline pack (a message from site.js) saves every page and small photo listed
   by /offline-pack.json, with a header so that saving is not counted as a visit. */
"use strict";
var VERSION = "qrsvc-v1";
var PAGES = VERSION + "-pages";
var ASSETS = VERSION + "-assets";
var CORE = ["/offline", "/static/js/site.js", "/static/img/icon.svg"];
var PACK_HEADERS = { "X-Qrsvc-Purpose": "offline-pack" };
/* On weak 3G a page that takes longer than this is served from the saved copy. */
var NETWORK_TIMEOUT_MS = 6000;

self.addEventListener("install", function (event) {
  event.waitUntil(
    caches.open(PAGES).then(function (cache) {
      return Promise.all(CORE.map(function (url) {
        return fetch(url, { headers: PACK_HEADERS }).then(function (response) {
          if (response.ok) return cache.put(url, response);
        });
      }));
    }).then(function () { return self.skipWaiting(); })
  );
});

self.addEventListener("activate", function (event) {
  event.waitUntil(
    caches.keys().then(function (keys) {
      return Promise.all(keys.filter(function (key) {
        return key.indexOf(VERSION) !== 0;
      }).map(function (key) { return caches.delete(key); }));
    }).then(function () { return self.clients.claim(); })
  );
});

function pageKey(url) {
  var u = new URL(url);
  u.searchParams.delete("via");
  u.hash = "";
  return u.toString();
}

function savedCopy(url) {
  return caches.open(PAGES).then(function (cache) {
    return cache.match(pageKey(url)).then(function (hit) {
      return hit || cache.match(pageKey(url), { ignoreSearch: true });
    });
  });
}

/* Network first. On a slow connection a saved copy is shown after NETWORK_TIMEOUT_MS;
   a page never saved keeps waiting for the network (slow beats nothing); with no
   network at all the saved copy, else the offline page, is shown. */
function page(request) {
  var network = fetch(request).then(function (response) {
    if (response.ok && (response.headers.get("Cache-Control") || "").indexOf("no-store") < 0) {
      var copy = response.clone();
      caches.open(PAGES).then(function (cache) { cache.put(pageKey(request.url), copy); });
    }
    return response;
  });
  var slow = new Promise(function (resolve) {
    setTimeout(function () {
      savedCopy(request.url).then(function (hit) { if (hit) resolve(hit); });
    }, NETWORK_TIMEOUT_MS);
  });
  var offline = network.catch(function () {
    return savedCopy(request.url).then(function (hit) { return hit || caches.match("/offline"); });
  });
  return Promise.race([offline, slow]);
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  /* Staff pages and the API are never kept on a phone, which may be shared. */
  if (url.pathname.indexOf("/admin") === 0 || url.pathname.indexOf("/api/") === 0) return;
  /* A stamp's answer must be live: a saved "genuine" could hide a stamp voided since. */
  if (/^\/[sS]\//.test(url.pathname)) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (url.pathname.indexOf("/media/img/") === 0) {
    /* Photo URLs are named after their content: a saved copy is never out of date. */
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.status === 200) {
            var copy = response.clone();
            caches.open(ASSETS).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});

function saveAll(urls, cacheName, report) {
  var done = 0;
  return caches.open(cacheName).then(function (cache) {
    /* A few at a time: a phone on the entrance Wi-Fi should not open 60 connections. */
    var queue = urls.slice();
    function next() {
      var url = queue.shift();
      if (!url) return Promise.resolve();
      return fetch(url, { headers: PACK_HEADERS, credentials: "same-origin" }).then(function (response) {
        if (!response.ok) throw new Error(url + " " + response.status);
        done += 1;
        report(done);
        return cache.put(url, response);
      }).then(next);
    }
    return Promise.all([next(), next(), next()]);
  });
}

function keepPage(url) {
  var target = new URL(url);
  if (target.origin !== self.location.origin) return Promise.resolve();
  return fetch(target.href, { headers: PACK_HEADERS, credentials: "same-origin" }).then(function (response) {
    if (response.ok) {
      return caches.open(PAGES).then(function (cache) { return cache.put(pageKey(target.href), response); });
    }
  }).catch(function () {});
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "keep" && typeof event.data.url === "string") {
    event.waitUntil(keepPage(event.data.url));
    return;
  }
  var port = event.ports && event.ports[0];
  if (!port || !event.data || event.data.type !== "offline-pack") return;
  event.waitUntil(
    fetch("/offline-pack.json", { headers: PACK_HEADERS }).then(function (response) {
      return response.json();
    }).then(function (pack) {
      var total = pack.pages.length + pack.images.length;
      var report = function (n) { port.postMessage({ progress: n + "/" + total }); };
      return saveAll(pack.pages.map(function (p) { return pageKey(new URL(p, self.location).href); }), PAGES, report)
        .then(function () { return saveAll(pack.images, ASSETS, function (n) { report(pack.pages.length + n); }); })
        .then(function () { port.postMessage({ ok: true, total: total }); });
    }).catch(function (error) { port.postMessage({ ok: false, error: String(error) }); })
  );
});
