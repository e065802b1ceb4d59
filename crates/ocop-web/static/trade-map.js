// The public points-of-sale page: fills the position from the browser's
// geolocation on request, and draws the points on a Leaflet map when the page
// carries a tile server (data-tiles) and Leaflet is loaded. No inline script: the
// Content-Security-Policy is default-src 'self'.
(function () {
  "use strict";
  var btn = document.querySelector("[data-geolocate]");
  if (btn && navigator.geolocation) {
    btn.hidden = false;
    btn.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (pos) {
        document.getElementById("lat").value = pos.coords.latitude.toFixed(5);
        document.getElementById("lon").value = pos.coords.longitude.toFixed(5);
        document.getElementById("nearest-form").submit();
      });
    });
  }
  var el = document.getElementById("trade-map");
  if (!el || typeof L === "undefined") return;
  var map = L.map(el);
  L.tileLayer(el.getAttribute("data-tiles"), { maxZoom: 18 }).addTo(map);
  var bounds = [];
  document.querySelectorAll("tr.point[data-lat]").forEach(function (tr) {
    var ll = [parseFloat(tr.getAttribute("data-lat")), parseFloat(tr.getAttribute("data-lon"))];
    L.marker(ll).addTo(map).bindPopup(tr.getAttribute("data-name"));
    bounds.push(ll);
  });
  if (el.hasAttribute("data-lat")) {
    var me = [parseFloat(el.getAttribute("data-lat")), parseFloat(el.getAttribute("data-lon"))];
    L.circleMarker(me, { radius: 6 }).addTo(map);
    bounds.push(me);
  }
  if (bounds.length) map.fitBounds(bounds, { padding: [20, 20], maxZoom: 14 });
  else map.setView([22.4, 103.45], 9);
})();
