/* qrsvc service worker: served at /sw.js so that it controls every page.

   Pages: network first (a fresh page when the connection works), falling back to the
   copy saved on the phone, then to /offline. Pages are filed under one key per thing
   (pageKey): without the "via" marker and in the canonical form of the code, so
   /r/LK01?via=site, a scanned /R/LK01 and a typed /r/lk01/ share one saved copy.
   /admin and /api are left alone: nothing of theirs is kept on a (possibly shared) phone.
   Photos: cache first (their URLs change with their content); other static files:
   network first, the saved copy offline. Audio is left to the network (ranges).
   The offline pack (a message from site.js) saves every page and photo listed by
   /offline-pack.json, with a header so that saving is not counted as a visit, then
   keeps the list itself to tell site.js the pack is saved (PACK_MARK). */
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

/* One key per thing, whatever form of its code was scanned or typed: a sign prints
   HTTP://HOST/R/LK01 (QR alphanumeric mode is upper case), people type /r/lk01 or add
   a slash, and a GS1 Digital Link may come as /gtin/, with a short GTIN or a slash.
   The server answers every form with the same page (qrsvc/public/views.py,
   qrsvc/gs1); the key here is the form the site itself links to. */
var RELIC_PATH = /^\/r\/([A-Za-z0-9]{1,12})$/i;
var DIGITAL_LINK_KEYS = { "01": "01", gtin: "01", "22": "22", cpv: "22", "10": "10", lot: "10", "21": "21", ser: "21" };

function digitalLinkPath(path) {
  var parts = path.split("/").slice(1);
  if (parts.length < 2 || parts.length % 2 || DIGITAL_LINK_KEYS[parts[0]] !== "01") return path;
  if (!/^(\d{8}|\d{12,14})$/.test(parts[1])) return path;
  parts[1] = ("000000" + parts[1]).slice(-14);
  for (var i = 0; i < parts.length; i += 2) {
    if (!DIGITAL_LINK_KEYS[parts[i]]) return path;
    parts[i] = DIGITAL_LINK_KEYS[parts[i]];
  }
  return "/" + parts.join("/");
}

function canonicalPath(path) {
  if (path.length > 1 && path.charAt(path.length - 1) === "/") path = path.slice(0, -1);
  var relic = RELIC_PATH.exec(path);
  if (relic) return "/r/" + relic[1].toUpperCase();
  return digitalLinkPath(path);
}

function pageKey(url) {
  var u = new URL(url);
  u.searchParams.delete("via");
  u.hash = "";
  u.pathname = canonicalPath(u.pathname);
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
    if (keepable(response)) {
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

/* Staff pages and the API are never kept on a phone, which may be shared. A stamp's
   answer must be live: a saved "genuine" could hide a stamp voided since (the stamp
   pages under a Digital Link say so with "no-store", see keepable). */
function neverKept(url) {
  return url.pathname.indexOf("/admin") === 0 || url.pathname.indexOf("/api/") === 0 ||
    /^\/[sS]\//.test(url.pathname);
}

function keepable(response) {
  return response.ok && (response.headers.get("Cache-Control") || "").indexOf("no-store") < 0;
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (request.method !== "GET" || url.origin !== self.location.origin) return;
  if (neverKept(url)) return;
  if (request.mode === "navigate") {
    event.respondWith(page(request));
    return;
  }
  if (url.pathname.indexOf("/media/img/") === 0) {
    /* Photo URLs are named after their content: a saved copy is never out of date.
       Offline, a width not saved is answered with a saved width of the same photo. */
    event.respondWith(
      caches.match(request).then(function (hit) {
        return hit || fetch(request).then(function (response) {
          if (response.status === 200) {
            var copy = response.clone();
            caches.open(ASSETS).then(function (cache) { cache.put(request, copy); });
          }
          return response;
        }).catch(function (error) {
          return savedWidth(url).then(function (other) {
            if (other) return other;
            throw error;
          });
        });
      })
    );
    return;
  }
  if (url.pathname.indexOf("/static/") === 0) {
    event.respondWith(fetch(request).catch(function () { return caches.match(request); }));
  }
});

/* A photo is stored once per width, as <base>/w<width>.<format> (qrsvc.media.images).
   The pack holds the widths a common phone picks; a phone of another screen density
   asks for another. Offline, savedWidth answers with the same photo in the same format
   at the narrowest saved width at least as wide as asked, else the widest saved: a
   slightly sharper or softer photo instead of a broken one. */
var PHOTO_WIDTH = /^(\/media\/img\/[^?#]+\/)w([0-9]{1,5})\.([a-z]{3,4})$/;

function savedWidth(url) {
  var asked = PHOTO_WIDTH.exec(url.pathname);
  if (!asked) return Promise.resolve(undefined);
  var want = Number(asked[2]);
  return caches.open(ASSETS).then(function (cache) {
    return cache.keys().then(function (requests) {
      var wider = null;
      var narrower = null;
      requests.forEach(function (saved) {
        var other = new URL(saved.url);
        var found = PHOTO_WIDTH.exec(other.pathname);
        if (!found || other.origin !== url.origin || found[1] !== asked[1] || found[3] !== asked[3]) return;
        var width = Number(found[2]);
        if (width >= want) {
          if (!wider || width < wider.width) wider = { width: width, request: saved };
        } else if (!narrower || width > narrower.width) {
          narrower = { width: width, request: saved };
        }
      });
      var best = wider || narrower;
      return best ? cache.match(best.request) : undefined;
    });
  });
}

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
  if (target.origin !== self.location.origin || neverKept(target)) return Promise.resolve();
  return fetch(target.href, { headers: PACK_HEADERS, credentials: "same-origin" }).then(function (response) {
    if (keepable(response)) {
      return caches.open(PAGES).then(function (cache) { return cache.put(pageKey(target.href), response); });
    }
  }).catch(function () {});
}

/* Once every file is saved, the pack itself is kept under its own URL (PACK_MARK for
   all relics, PACK_MARK?area=<code> for one area's): site.js compares its version with
   the server's to offer the pack only when it is not saved yet. */
var PACK_MARK = "/offline-pack.json";
var AREA_PACK = /^\/offline-pack\.json\?area=[0-9A-Za-z]{1,10}$/;

function markSaved(pack, packUrl) {
  return caches.open(PAGES).then(function (cache) {
    return cache.put(packUrl, new Response(JSON.stringify(pack), {
      headers: { "Content-Type": "application/json" }
    }));
  });
}

self.addEventListener("message", function (event) {
  if (event.data && event.data.type === "keep" && typeof event.data.url === "string") {
    event.waitUntil(keepPage(event.data.url));
    return;
  }
  var port = event.ports && event.ports[0];
  if (!port || !event.data || event.data.type !== "offline-pack") return;
  /* Only the site's own pack lists are fetched: all relics, or one area's. */
  var packUrl = AREA_PACK.test(event.data.url || "") ? event.data.url : PACK_MARK;
  event.waitUntil(
    fetch(packUrl, { headers: PACK_HEADERS }).then(function (response) {
      return response.json();
    }).then(function (pack) {
      var total = pack.pages.length + pack.images.length;
      var report = function (n) { port.postMessage({ progress: n + "/" + total }); };
      return saveAll(pack.pages.map(function (p) { return pageKey(new URL(p, self.location).href); }), PAGES, report)
        .then(function () { return saveAll(pack.images, ASSETS, function (n) { report(pack.pages.length + n); }); })
        .then(function () { return markSaved(pack, packUrl); })
        .then(function () { port.postMessage({ ok: true, total: total }); });
    }).catch(function (error) { port.postMessage({ ok: false, error: String(error) }); })
  );
});
