/* The akimat's map for routing areas: the akimat's own boundary (no tiles: nothing from the
   internet), the other rules' areas, and, on an edit page, the area being drawn with Leaflet.draw.
   The drawn area lives in the form's GeoJSON text area, so a keyboard user can type or paste it
   instead, and a refused form comes back with the drawing intact. */
(function () {
  "use strict";

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  function merge(target, source) {
    Object.keys(source || {}).forEach(function (key) {
      var value = source[key];
      if (value && typeof value === "object" && !Array.isArray(value)) {
        target[key] = target[key] || {};
        merge(target[key], value);
      } else if (value !== "") {
        target[key] = value;
      }
    });
  }

  function textElement(text) {
    var span = document.createElement("span");
    span.textContent = text;
    return span;
  }

  function polygonsOf(geometry) {
    if (!geometry) { return []; }
    if (geometry.type === "Polygon") { return [geometry.coordinates]; }
    if (geometry.type === "MultiPolygon") { return geometry.coordinates; }
    if (geometry.type === "Feature") { return polygonsOf(geometry.geometry); }
    if (geometry.type === "FeatureCollection") {
      return geometry.features.reduce(function (all, f) { return all.concat(polygonsOf(f)); }, []);
    }
    return [];
  }

  function start(element) {
    var boundary = readJson(element.dataset.boundary);
    var others = readJson(element.dataset.areas);
    var field = element.dataset.field ? document.getElementById(element.dataset.field) : null;
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25 });
    element.areaMap = map;

    var outline = L.geoJSON(boundary, {
      style: { color: "#0b57a4", weight: 2, fillColor: "#0b57a4", fillOpacity: 0.04 },
      interactive: false
    }).addTo(map);
    if (others && others.features.length) {
      L.geoJSON(others, {
        style: { color: "#4a5561", weight: 1, dashArray: "4 3", fillOpacity: 0.08 },
        // The label holds the supervisor's area name: Leaflet puts a string in as HTML, an element as is.
        onEachFeature: function (feature, layer) { layer.bindTooltip(textElement(feature.properties.label)); }
      }).addTo(map);
    }
    if (outline.getBounds().isValid()) { map.fitBounds(outline.getBounds(), { padding: [12, 12] }); }
    else { map.setView([54.87, 69.15], 11); }
    if (!field) { return; }

    merge(L.drawLocal, readJson(element.dataset.texts));
    var drawn = new L.FeatureGroup().addTo(map);
    var style = { color: "#a61b1b", weight: 3, fillOpacity: 0.15 };

    function fromField() {
      drawn.clearLayers();
      var text = field.value.trim();
      if (!text) { return; }
      try {
        polygonsOf(JSON.parse(text)).forEach(function (rings) {
          var latlngs = rings.map(function (ring) {
            return ring.slice(0, -1).map(function (p) { return [p[1], p[0]]; });
          });
          drawn.addLayer(L.polygon(latlngs, style));
        });
      } catch (e) { /* the server says what is wrong with the text */ }
    }

    function toField() {
      var polygons = [];
      drawn.eachLayer(function (layer) { polygons = polygons.concat(polygonsOf(layer.toGeoJSON())); });
      field.value = polygons.length ? JSON.stringify({ type: "MultiPolygon", coordinates: polygons }) : "";
      field.dispatchEvent(new Event("input", { bubbles: true }));
    }

    fromField();
    if (drawn.getLayers().length) { map.fitBounds(drawn.getBounds().pad(0.5)); }
    map.addControl(new L.Control.Draw({
      draw: {
        polygon: { allowIntersection: false, showArea: false, shapeOptions: style },
        polyline: false, rectangle: false, circle: false, marker: false, circlemarker: false
      },
      edit: { featureGroup: drawn, poly: { allowIntersection: false } }
    }));
    map.on(L.Draw.Event.CREATED, function (event) { drawn.addLayer(event.layer); toField(); });
    map.on(L.Draw.Event.EDITED, toField);
    map.on(L.Draw.Event.DELETED, toField);
    field.addEventListener("change", fromField);
  }

  document.querySelectorAll(".area-map").forEach(start);
})();
