// Leaflet's own controls in the screen's language: every map's zoom buttons (their title and
// accessible name are Leaflet's English otherwise). Loaded right after leaflet.js, before any map.
(function () {
  "use strict";
  var script = document.currentScript;
  if (typeof L === "undefined") return;
  L.Control.Zoom.mergeOptions({ zoomInTitle: script.dataset.zoomIn, zoomOutTitle: script.dataset.zoomOut });
})();
