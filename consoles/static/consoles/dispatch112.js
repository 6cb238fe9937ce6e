// The 112 inbox (consoles/dispatch112): htmx polls the rows every 2 s; this script keeps the poll's
// version, rings a short two-tone alert and announces each new incident, and says when the list is
// out of date. Its words come from the page (data-* attributes), in the screen's language.
(function () {
  var box = document.getElementById("inbox");
  var live = document.getElementById("live");
  var updated = document.getElementById("updated");
  var sound = document.getElementById("sound");
  var offline = false;
  var audio = null;
  var seen = new Set(ids());

  function ids() {
    return Array.prototype.map.call(box.querySelectorAll("tr.awaiting[data-id]"), function (row) { return row.dataset.id; });
  }
  function say(text) { live.textContent = text; }
  function beep() {  // generated: no sound file to ship
    if (!audio) return;
    [880, 660].forEach(function (freq, n) {
      var osc = audio.createOscillator(), gain = audio.createGain();
      osc.frequency.value = freq; osc.connect(gain); gain.connect(audio.destination);
      var t = audio.currentTime + n * 0.25;
      gain.gain.setValueAtTime(0.3, t); gain.gain.exponentialRampToValueAtTime(0.001, t + 0.22);
      osc.start(t); osc.stop(t + 0.23);
    });
  }
  sound.addEventListener("click", function () {  // browsers let a page play sound after a click only
    audio = audio || new AudioContext();
    sound.setAttribute("aria-pressed", "true");
    sound.textContent = sound.dataset.on;
    beep();
  });

  box.addEventListener("htmx:afterSwap", function () {
    var marker = box.querySelector("[data-inbox-version]");
    if (marker) box.dataset.version = marker.dataset.inboxVersion;
    var fresh = ids().filter(function (id) { return !seen.has(id); });
    fresh.forEach(function (id) { seen.add(id); });
    if (fresh.length) {
      beep();
      var row = box.querySelector('tr[data-id="' + fresh[0] + '"]');
      say(live.dataset.new.replace("{number}", row ? row.dataset.number : fresh[0]));
    }
  });
  box.addEventListener("htmx:afterRequest", function (event) {
    var status = event.detail.xhr ? event.detail.xhr.status : 0;
    if (status === 286) { offline = true; say(live.dataset.signedOut); return; }
    if (status === 200 || status === 204) {
      // Not in the live region: a screen reader would hear it every 2 s.
      var time = new Date().toLocaleTimeString(updated.dataset.locale, {timeZone: "Asia/Almaty"});
      updated.textContent = updated.dataset.text.replace("{time}", time);
      if (offline) { offline = false; say(""); }
    }
  });
  function lost() { offline = true; say(live.dataset.offline); }
  box.addEventListener("htmx:sendError", lost);
  box.addEventListener("htmx:responseError", lost);
})();
