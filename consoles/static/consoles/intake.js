// The intake form's few behaviours: a draft that survives a reload (with its client key, so a
// resubmission after a reload never makes a second appeal), the map pin, the category picker,
// repeat candidates as the operator types, and one question before an emergency goes to 112.
// The address and category boxes are comboboxes (WAI-ARIA APG, list autocomplete): the focus stays
// in the box, ArrowDown/ArrowUp move through the results, Enter picks the highlighted one (or the
// first), Escape closes the list; Enter there never sends the form.
(function () {
  "use strict";
  var form = document.getElementById("intake");
  if (!form) return;
  var script = document.currentScript;
  var draftKey = "intake-draft:" + location.host;
  var fields = ["channel", "phone", "name", "iin", "language", "address", "description", "latitude", "longitude", "object_key", "category", "client_key"];

  function save() {
    var draft = {};
    fields.forEach(function (name) { var el = form.elements[name]; if (el) draft[name] = el.type === "checkbox" ? el.checked : el.value; });
    draft.categoryName = document.getElementById("category-chosen").textContent;
    draft.emergency = document.getElementById("id_category").dataset.emergency || "";
    draft.placeId = placeId;
    try { localStorage.setItem(draftKey, JSON.stringify(draft)); } catch (e) { /* private mode: no draft */ }
  }
  function restore() {
    var raw; try { raw = localStorage.getItem(draftKey); } catch (e) { return; }
    if (!raw) return;
    var draft = JSON.parse(raw);
    var params = new URLSearchParams(location.search);
    fields.forEach(function (name) {
      var el = form.elements[name];
      if (el && draft[name] !== undefined && draft[name] !== "" && !(name === "phone" && params.get("phone"))) el.value = draft[name];
    });
    if (draft.categoryName) document.getElementById("category-chosen").textContent = draft.categoryName;
    // A restored emergency category is asked about again before the save forwards it.
    if (form.elements.category.value === draft.category) form.elements.category.dataset.emergency = draft.emergency || "";
    if (draft.placeId && form.elements.object_key.value) placeId = draft.placeId;
  }
  var placeId = "";
  // This script is deferred, after htmx's; htmx starts on DOMContentLoaded (its listener was added
  // first): what a restored or refused form asks of htmx waits for that, or it is lost (no
  // `from:body` listener yet) or throws, and the rest of this setup never ran (walk 10).
  function afterHtmx(run) {
    if (document.readyState === "complete") run();
    else document.addEventListener("DOMContentLoaded", run);
  }
  // A page the server answered with errors shows what was posted: that wins over an older draft.
  if (!form.querySelector(".error")) restore();
  else placeFromDraft();
  // A page answered with errors keeps the posted objectKey: the draft knows which object it is.
  function placeFromDraft() {
    var draft; try { draft = JSON.parse(localStorage.getItem(draftKey) || "{}"); } catch (e) { return; }
    if (draft.placeId && draft.object_key && draft.object_key === form.elements.object_key.value) placeId = draft.placeId;
  }
  form.addEventListener("input", save);
  form.addEventListener("change", save);

  function combobox(box, container) {
    var active = -1;
    function options() { return Array.prototype.slice.call(container.querySelectorAll("[role=option]")); }
    function highlight(index) {
      var all = options();
      active = index;
      all.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      if (all[index]) {
        box.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else box.removeAttribute("aria-activedescendant");
    }
    function shown() {  // after every swap of the results
      box.setAttribute("aria-expanded", options().length ? "true" : "false");
      highlight(-1);
    }
    // On the swap itself, not the settle 20 ms later: an arrow pressed in between kept its highlight.
    document.body.addEventListener("htmx:afterSwap", function (event) { if (event.detail.target === container) shown(); });
    box.addEventListener("keydown", function (event) {
      var all = options();
      if (event.key === "Enter") {
        event.preventDefault();
        if (all.length) (all[active] || all[0]).click();
      } else if ((event.key === "ArrowDown" || event.key === "ArrowUp") && all.length) {
        event.preventDefault();
        var step = event.key === "ArrowDown" ? 1 : -1;
        highlight(active < 0 ? (step > 0 ? 0 : all.length - 1) : (active + step + all.length) % all.length);
      } else if (event.key === "Escape" && all.length) {
        event.preventDefault();  // a search box would clear what was typed
        close();
      }
    });
    function close() { container.innerHTML = ""; shown(); }
    return close;
  }

  // Category picker: the server searches both languages; a click or Enter chooses.
  var chosen = document.getElementById("category-chosen");
  var code = document.getElementById("id_category");
  var closeCategories = combobox(document.getElementById("category-search"), document.getElementById("category-choices"));
  document.getElementById("category-choices").addEventListener("click", function (event) {
    var button = event.target.closest("button.choice");
    if (!button) return;
    code.value = button.dataset.code;
    code.dataset.emergency = button.dataset.emergency;
    chosen.textContent = button.dataset.name;
    closeCategories();
    save();
    document.body.dispatchEvent(new Event("repeats-check"));
    form.elements.description.focus();
  });

  // Map: the akimat's boundary (our own data, no tiles) and one pin.
  var map = L.map("map", { attributionControl: false }).setView([54.87, 69.15], 11);
  window.ikomekIntakeMap = map;  // browser tests put the pin where they mean
  var mapBox = map.getContainer();
  var icon = L.icon({ iconUrl: script.dataset.marker, shadowUrl: script.dataset.shadow, iconSize: [25, 41], iconAnchor: [12, 41] });
  var pin = null;
  function place(lat, lon) {
    // The pin is named but not a stop of its own: the map (Enter) and the address box place it.
    if (pin) pin.setLatLng([lat, lon]);
    else pin = L.marker([lat, lon], { icon: icon, keyboard: false, alt: mapBox.dataset.pinName }).addTo(map);
  }
  function pinAt(latlng) {
    form.elements.latitude.value = latlng.lat.toFixed(6);
    form.elements.longitude.value = latlng.lng.toFixed(6);
    place(latlng.lat, latlng.lng);
    save();
    document.body.dispatchEvent(new Event("repeats-check"));
  }
  fetch(script.dataset.boundary, { credentials: "same-origin" }).then(function (r) { return r.json(); }).then(function (feature) {
    if (!feature.geometry) return;
    var layer = L.geoJSON(feature, { style: { color: "#0b57a4", weight: 2, fillOpacity: 0.05 } }).addTo(map);
    map.invalidateSize();
    map.fitBounds(layer.getBounds());
  });
  map.on("click", function (event) { pinAt(event.latlng); });
  // The keyboard's click: the arrows move the map (Leaflet's), Enter or Space puts the pin at its centre.
  mapBox.addEventListener("keydown", function (event) {
    if (event.target !== mapBox || (event.key !== "Enter" && event.key !== " ")) return;
    event.preventDefault();
    pinAt(map.getCenter());
    document.getElementById("map-status").textContent = mapBox.dataset.pinned;
  });
  if (form.elements.latitude.value && form.elements.longitude.value) {
    place(parseFloat(form.elements.latitude.value), parseFloat(form.elements.longitude.value));
    if (code.value) afterHtmx(function () { document.body.dispatchEvent(new Event("repeats-check")); });  // a restored draft
  }

  // Address: the map's search (typos, either language); a picked object fills the address, the pin
  // and objectKey, and brings its outages and card. Typing again unpicks it.
  var address = form.elements.address;
  var placePanel = document.getElementById("place");
  function showPlace() {
    if (placeId) htmx.ajax("GET", script.dataset.place + "?object=" + encodeURIComponent(placeId), { target: "#place", swap: "innerHTML" });
    else placePanel.innerHTML = "";
  }
  var closeAddresses = combobox(address, document.getElementById("address-choices"));
  document.getElementById("address-choices").addEventListener("click", function (event) {
    var button = event.target.closest("button.address-choice");
    if (!button) return;
    address.value = button.dataset.label;
    form.elements.object_key.value = button.dataset.key;
    form.elements.latitude.value = button.dataset.lat;
    form.elements.longitude.value = button.dataset.lon;
    place(parseFloat(button.dataset.lat), parseFloat(button.dataset.lon));
    map.setView([parseFloat(button.dataset.lat), parseFloat(button.dataset.lon)], 16);
    placeId = button.dataset.id;
    closeAddresses();
    showPlace();
    save();
    document.body.dispatchEvent(new Event("repeats-check"));
    document.getElementById("category-search").focus();  // the next field, as a category leads to Description
  });
  address.addEventListener("input", function () {
    if (!form.elements.object_key.value) return;
    form.elements.object_key.value = "";
    placeId = "";
    showPlace();
  });
  if (placeId) afterHtmx(showPlace);  // a restored draft, or a refused form's picked object
  // The call became an appeal linked to an outage: this form must not make a second one.
  document.body.addEventListener("call-linked", function () {
    try { localStorage.removeItem(draftKey); } catch (e) { /* private mode */ }
    form.querySelectorAll("button[accesskey]").forEach(function (b) { b.disabled = true; });
  });

  // The keyboard starts at the phone, unless the server refused a field (console.js goes there).
  if (!form.querySelector("[aria-invalid='true'], .invalid") && document.activeElement === document.body) form.elements.phone.focus();

  // An emergency category: ask once, then the server forwards it to 112 at once.
  form.addEventListener("submit", function (event) {
    if (code.dataset.emergency === "1" && !form.dataset.confirmed) {
      if (!window.confirm(form.dataset.emergencyQuestion)) { event.preventDefault(); return; }
      form.dataset.confirmed = "1";
    }
    save();
  });
})();
