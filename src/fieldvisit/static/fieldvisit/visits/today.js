// Today's route: a small Leaflet map of the stops in order. Works without tiles (an intranet
// may have no tile server): the stops and the line between them are drawn on a plain map.
(function () {
  "use strict";
  var box = document.getElementById("route-map");
  var points = JSON.parse(document.getElementById("route-points").textContent);
  var tiles = JSON.parse(document.getElementById("route-tiles").textContent);
  if (!box || !window.L || !points.length) { return; }
  var map = L.map(box, { zoomControl: true, attributionControl: false });
  if (tiles) { L.tileLayer(tiles, { maxZoom: 18 }).addTo(map); }
  var latlngs = points.map(function (p) { return [p.lat, p.lng]; });
  L.polyline(latlngs, { color: "#0b6e4f", weight: 3, opacity: 0.7 }).addTo(map);
  points.forEach(function (p) {
    var marker = L.circleMarker([p.lat, p.lng], {
      radius: 11, color: "#fff", weight: 2, fillOpacity: 1,
      fillColor: p.done ? "#067647" : "#0b6e4f"
    }).addTo(map);
    marker.bindTooltip(String(p.order), { permanent: true, direction: "center", className: "stop-label" });
    marker.on("click", function () { window.location.href = p.url; });
  });
  map.fitBounds(L.latLngBounds(latlngs).pad(0.2), { maxZoom: 16 });
})();
