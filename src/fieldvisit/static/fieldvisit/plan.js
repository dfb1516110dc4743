// The plan map: each team's route in its colour, stops as numbered circles. Drawn as vectors so
// the map is useful when the tile server cannot be reached; the lists below are the primary UI.
(function () {
  "use strict";
  var holder = document.getElementById("plan-map");
  var source = document.getElementById("plan-map-data");
  if (!holder || !source || !window.L) { return; }
  var data = JSON.parse(source.textContent);
  var map = L.map(holder, { preferCanvas: true });
  if (data.tiles) {
    L.tileLayer(data.tiles, { maxZoom: 18, attribution: "fieldvisit" }).addTo(map);
  }
  var bounds = [];
  data.routes.forEach(function (route) {
    var line = [route.depot];
    L.circleMarker(route.depot, { radius: 7, color: route.colour, fillOpacity: 1 })
      .bindTooltip(route.team).addTo(map);
    bounds.push(route.depot);
    route.stops.forEach(function (stop) {
      var point = [stop[0], stop[1]];
      line.push(point);
      bounds.push(point);
      L.circleMarker(point, { radius: 5, color: route.colour, fillOpacity: 0.8 })
        .bindTooltip(route.team + " " + stop[2]).addTo(map);
    });
    if (route.stops.length) {
      line.push(route.depot);
      L.polyline(line, { color: route.colour, weight: 3 }).addTo(map);
    }
  });
  if (bounds.length) { map.fitBounds(bounds, { padding: [20, 20] }); } else { map.setView([22.54, 114.06], 11); }
})();
