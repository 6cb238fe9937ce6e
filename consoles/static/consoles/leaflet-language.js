// Leaflet's own controls in the screen's language: every map's zoom buttons (their title and
// accessible name are Leaflet's English otherwise) and the layers control's toggle. Loaded right
// after leaflet.js, before any map.
(function () {
  "use strict";
  var script = document.currentScript;
  if (typeof L === "undefined") return;
  L.Control.Zoom.mergeOptions({ zoomInTitle: script.dataset.zoomIn, zoomOutTitle: script.dataset.zoomOut });
  // The layers control's toggle: Leaflet writes its title "Layers" in its layout, with no option.
  var layout = L.Control.Layers.prototype._initLayout;
  L.Control.Layers.include({
    _initLayout: function () {
      layout.call(this);
      if (this._layersLink) this._layersLink.title = script.dataset.layers;
    }
  });
})();
