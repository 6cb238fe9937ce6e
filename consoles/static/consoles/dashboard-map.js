/* The dashboard's map: the akimat's own boundary (no base tiles: the page works offline), the period's
   appeals as dots, each opening the appeal's page, and the hotspot layer: the city map's vector tiles
   (counted in PostGIS, drawn by Leaflet.VectorGrid), a circle per place sized by its appeals. Drawn
   again after every HTMX swap of the body. */
(function () {
  "use strict";
  var COLOURS = { overdue: "#c0392b", open: "#0b57a4", answered: "#6b7785", other: "#a86f00" };
  var map = null;

  function json(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function hotspotStyle(properties) {
    var count = properties.count || 1;
    return {
      radius: Math.min(24, 5 + 4 * Math.sqrt(count)), fill: true, stroke: false,
      fillColor: "#e8590c", fillOpacity: Math.min(0.85, 0.45 + 0.04 * count)
    };
  }

  // Built as elements, not an HTML string: what it shows is never read as markup.
  function popup(word, number, stateName) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = "/console/appeals/" + encodeURIComponent(number) + "/";
    link.textContent = word + " №" + number;
    box.append(link, document.createElement("br"), stateName);
    return box;
  }

  function draw() {
    var box = document.getElementById("dashboard-map");
    if (map) { map.remove(); map = null; }
    if (!box || !window.L) { return; }
    var labels = json("dashboard-map-labels") || {};
    var boundary = json("dashboard-boundary");
    map = L.map(box, { preferCanvas: true, zoomSnap: 0.25, attributionControl: false });
    var outline = null;
    if (boundary) {
      outline = L.geoJSON(boundary, { style: { color: "#1b1f24", weight: 2, fillColor: "#ffffff", fillOpacity: 0.9 } }).addTo(map);
      map.fitBounds(outline.getBounds(), { padding: [8, 8] });
    } else {
      map.setView([54.87, 69.14], 11);
    }
    var dots = L.layerGroup().addTo(map);
    var layers = {};
    layers[labels.layer_appeals || "appeals"] = dots;
    if (box.dataset.hotspots && L.vectorGrid) {
      // Above the boundary's white fill (the overlay pane, 400), below popups.
      map.createPane("hotspots").style.zIndex = 450;
      // Not interactive: VectorGrid 1.3's click handler calls a function Leaflet 1.8 removed.
      layers[labels.layer_hotspots || "hotspots"] = L.vectorGrid.protobuf(box.dataset.hotspots, {
        interactive: false,
        rendererFactory: L.canvas.tile,
        pane: "hotspots",
        maxNativeZoom: 18,
        fetchOptions: { credentials: "same-origin" },
        vectorTileLayerStyles: { hotspots: hotspotStyle }
      });
    }
    L.control.layers(null, layers, { collapsed: false }).addTo(map);
    fetch(box.dataset.points, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (answer) { return answer.ok ? answer.json() : { points: [] }; })
      .then(function (data) {
        if (!map) { return; }
        data.points.forEach(function (p) {
          var number = p[0], state = p[3];
          L.circleMarker([p[2], p[1]], {
            radius: 5, weight: 1, color: "#ffffff", fillColor: COLOURS[state] || COLOURS.answered, fillOpacity: 0.85
          }).bindPopup(popup(labels.appeal || "", number, labels[state] || state)).addTo(dots);
        });
        var count = document.querySelector(".map-count");
        if (count) {
          count.textContent = "· " + (labels.shown || "") + ": " + data.points.length + (data.truncated ? " " + (labels.truncated || "") : "");
        }
        box.dataset.loaded = String(data.points.length);
      });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.body.addEventListener("htmx:afterSettle", function (event) {
    if (event.target && event.target.id === "dashboard") { draw(); }
  });
})();
