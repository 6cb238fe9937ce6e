// The citizens' portal form: a map to put the pin (the akimat's boundary, our own data, no tiles:
// it works with no internet), or the phone's own position. Without JavaScript the form still
// works: the map and its buttons stay hidden and the address says where.
(function () {
  "use strict";
  var script = document.currentScript;
  var form = document.querySelector("form.portal");
  if (!form) return;
  // The language switch reloads the page: what was typed goes with it (sessionStorage, this tab
  // only) and the form keeps its key, so its kept photos stay listed (`?form=`).
  var DRAFT = "ikomek-portal-draft", TYPED = ["description", "address", "name", "phone", "category", "latitude", "longitude"];
  var switcher = document.querySelector("form.lang");
  if (switcher) switcher.addEventListener("submit", function () {
    var draft = { key: form.elements.form_key.value };
    TYPED.forEach(function (name) { if (form.elements[name]) draft[name] = form.elements[name].value; });
    sessionStorage.setItem(DRAFT, JSON.stringify(draft));
    switcher.elements.next.value = "/appeal/?form=" + encodeURIComponent(draft.key);
  });
  var draft = JSON.parse(sessionStorage.getItem(DRAFT) || "null");
  sessionStorage.removeItem(DRAFT);
  if (draft && draft.key === form.elements.form_key.value) {
    TYPED.forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.value && draft[name]) field.value = draft[name];
    });
  }
  if (typeof L === "undefined") return;
  document.getElementById("map").hidden = false;
  document.querySelectorAll(".js-only").forEach(function (el) { el.hidden = false; });
  var said = document.getElementById("where");
  // Photos: our button in the screen's language; the browser's own input stays for the files.
  var photo = document.getElementById("photo"), chosen = document.getElementById("photo-chosen");
  photo.classList.add("visually-hidden");
  document.getElementById("photo-pick").addEventListener("click", function () { photo.click(); });
  // Photos kept from a refused sending count against the form's maximum, unless ticked off: the
  // label says what is left, and a form with too many is not sent (the server would refuse it).
  var kept = form.querySelectorAll('input[name="drop_photo"]'), label = form.querySelector('label[for="photo"]');
  function allowed() {
    var left = parseInt(script.dataset.max, 10) - kept.length;
    kept.forEach(function (box) { if (box.checked) left += 1; });
    return left;
  }
  function tooMany() { return photo.files.length > allowed(); }
  function sayChosen() {
    if (kept.length) label.textContent = allowed() ? script.dataset.more.replace("%n", allowed()) : script.dataset.full;
    if (tooMany()) chosen.textContent = kept.length ? script.dataset.tooMany : script.dataset.tooManyAlone;
    else chosen.textContent = photo.files.length ? script.dataset.chosen + " " + photo.files.length : script.dataset.none;
  }
  photo.addEventListener("change", sayChosen);
  kept.forEach(function (box) { box.addEventListener("change", sayChosen); });
  form.addEventListener("submit", function (event) {
    if (!tooMany()) return;
    event.preventDefault();
    sayChosen();
    document.getElementById("photo-pick").focus();
  });
  // An emergency topic: say at once to call 112 (the form reaches 112 only through an operator).
  var topic = document.getElementById("category"), urgent = document.getElementById("emergency-topic");
  function checkTopic() { urgent.hidden = !topic.selectedOptions[0] || !topic.selectedOptions[0].hasAttribute("data-emergency"); }
  topic.addEventListener("change", checkTopic);
  checkTopic();
  var map = L.map("map", { attributionControl: false }).setView([54.87, 69.15], 11);
  window.ikomekPortalMap = map;  // browser tests put the pin where they mean
  var icon = L.icon({ iconUrl: script.dataset.marker, shadowUrl: script.dataset.shadow, iconSize: [25, 41], iconAnchor: [12, 41] });
  var pin = null;
  function place(lat, lon, message) {
    form.elements.latitude.value = lat.toFixed(6);
    form.elements.longitude.value = lon.toFixed(6);
    // Named in the screen's language (Leaflet's own alt is English) and no Tab stop of its own.
    if (pin) pin.setLatLng([lat, lon]);
    else pin = L.marker([lat, lon], { icon: icon, keyboard: false, alt: script.dataset.pinName }).addTo(map);
    if (message) said.textContent = message;
  }
  fetch(script.dataset.boundary, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (feature) {
    if (!feature.geometry) return;
    var layer = L.geoJSON(feature, { style: { color: "#0b57a4", weight: 2, fillOpacity: 0.05 } }).addTo(map);
    map.invalidateSize();
    if (!pin) map.fitBounds(layer.getBounds(), { animate: false });
  });
  map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, script.dataset.placed); });
  if (form.elements.latitude.value && form.elements.longitude.value) {
    var lat = parseFloat(form.elements.latitude.value), lon = parseFloat(form.elements.longitude.value);
    if (isFinite(lat) && isFinite(lon)) { place(lat, lon); map.setView([lat, lon], 13); }
  }
  document.getElementById("here").addEventListener("click", function () {
    if (!navigator.geolocation) { said.textContent = script.dataset.unlocated; return; }
    navigator.geolocation.getCurrentPosition(function (position) {
      place(position.coords.latitude, position.coords.longitude, script.dataset.located);
      map.setView([position.coords.latitude, position.coords.longitude], 14);
    }, function () { said.textContent = script.dataset.unlocated; }, { enableHighAccuracy: true, timeout: 15000 });
  });
})();
