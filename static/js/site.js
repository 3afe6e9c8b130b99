/* Progressive enhancement only: every page works without this file.
   1. Registers the service worker (/sw.js) that keeps visited pages for offline use.
   2. Shows the "save all relics" button, which fetches /offline-pack.json and asks the
      service worker to save every page and small photo listed there. */
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

  var box = document.querySelector("[data-pack]");
  if (!box) return;
  var button = box.querySelector("[data-pack-button]");
  var status = box.querySelector("[data-pack-status]");
  box.hidden = false;

  function say(key, extra) {
    status.textContent = status.getAttribute("data-" + key) + (extra || "");
  }

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
          reg.active.postMessage({ type: "offline-pack" }, [channel.port2]);
        });
      })
      .then(function () { say("done"); })
      .catch(function () { say("fail"); })
      .then(function () { button.disabled = false; });
  });
})();
