// The stamp page's "share my location" form: shown only where the phone can tell it.
(function(){var f=document.getElementById("share-location");if(!f||!navigator.geolocation)return;f.hidden=false;
f.addEventListener("submit",function(e){if(f.lat.value)return;e.preventDefault();
navigator.geolocation.getCurrentPosition(function(p){f.lat.value=p.coords.latitude.toFixed(3);f.lon.value=p.coords.longitude.toFixed(3);f.submit();},function(){f.hidden=true;},{maximumAge:600000,timeout:15000});});})();
