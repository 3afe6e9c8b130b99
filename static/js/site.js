/* Progressive enhancement only: every page works without this file.
   1. Registers the service worker (/sw.js) that keeps visited pages for offline use.
   2. Shows the "save all relics" button where it makes sense (see below), which asks
      the service worker to save every page and photo listed by /offline-pack.json. */
(function () {
  "use strict";
  if (!("serviceWorker" in navigator) || !("caches" in window)) return;
  navigator.serviceWorker.register("/sw.js").catch(function () {});
  /* The page that registered the worker did not pass through it: ask it to keep this
     page too, so that the very first relic a visitor scans also opens offline. */
  navigator.serviceWorker.ready.then(function (reg) {
    if (!navigator.serviceWorker.controller && reg.active) {
      reg.active.postMessage({ type: "keep", url: location.href });
    }
  });

  /* The offer to save all relics shows only where saving can work and is still to be
     done: the page has one (pages that cannot be kept have none), a worker is
     active, the phone is online, the worker keeps this kind of page, and the pack
     saved on this phone (if any) is not the current one. */
  var box = document.querySelector("[data-pack]");
  if (!box || !navigator.onLine || /^\/(s|admin|api)\//i.test(location.pathname)) return;
  /* A page may offer one area's pack (data-pack-url); the footer offers all relics. */
  var packUrl = box.getAttribute("data-pack-url") || "/offline-pack.json";
  var button = box.querySelector("[data-pack-button]");
  var status = box.querySelector("[data-pack-status]");

  function say(key, extra) {
    status.textContent = status.getAttribute("data-" + key) + (extra || "");
  }

  function savedVersion() {
    return caches.match(packUrl).then(function (saved) {
      return saved ? saved.json().then(function (pack) { return pack.version; }) : null;
    });
  }

  function currentVersion() {
    return fetch(packUrl, { credentials: "same-origin" }).then(function (response) {
      return response.json();
    }).then(function (pack) { return pack.version; });
  }

  /* ready: a worker is active (never, where service workers are blocked). */
  navigator.serviceWorker.ready.then(savedVersion).then(function (saved) {
    if (!saved) return false;
    /* Saved before: ask whether relics or photos changed since (a small JSON list). */
    return currentVersion().then(function (current) { return current === saved; }, function () { return true; });
  }).then(function (upToDate) {
    button.hidden = upToDate;
    if (upToDate) say("done");
    box.hidden = false;
  }).catch(function () {});

  button.addEventListener("click", function () {
    button.disabled = true;
    say("busy");
    navigator.serviceWorker.ready
      .then(function (reg) {
        return new Promise(function (resolve, reject) {
          var channel = new MessageChannel();
          channel.port1.onmessage = function (event) {
            var data = event.data || {};
            if (data.progress) { say("busy", " " + data.progress); return; }
            if (data.ok) { resolve(data); } else { reject(data); }
          };
          reg.active.postMessage({ type: "offline-pack", url: packUrl }, [channel.port2]);
        });
      })
      .then(function () { say("done"); button.hidden = true; })
      .catch(function () { say("fail"); })
      .then(function () { button.disabled = false; });
  });
})();
