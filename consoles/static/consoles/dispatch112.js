// The 112 inbox (consoles/dispatch112): htmx polls the rows every 0.25 s and gets the parts that
// changed; this script keeps the poll's version, rings a short two-tone alert and announces each new
// incident, says when the list is out of date, keeps the filters in step with the rows shown, and
// lets the dispatcher work from the keyboard: j or ↓ the next incident, k or ↑ the previous, a or
// Enter accept the chosen one. Its words come from the page (data-* attributes), in the screen's
// language.
(function () {
  var box = document.getElementById("inbox");
  var live = document.getElementById("live");
  var updated = document.getElementById("updated");
  var sound = document.getElementById("sound");
  var filters = document.getElementById("filters");
  var offline = false;
  var audio = null;
  var seen = new Set(ids());
  var CHOSEN = "dispatch112-chosen";  // which row, kept over a refresh and a step's reload

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

  // ---- the chosen row: one of every incident row on the page, in the order shown
  function rows() { return Array.prototype.slice.call(box.querySelectorAll("section[data-list] tr[data-id]")); }
  function keyOf(row) { return row.closest("[data-list]").dataset.list + ":" + row.dataset.id; }
  function chosen() { return box.querySelector("tr.chosen"); }
  function choose(row, focus) {
    rows().forEach(function (other) { other.classList.remove("chosen"); other.removeAttribute("aria-current"); });
    if (!row) { sessionStorage.removeItem(CHOSEN); return; }
    row.classList.add("chosen");
    row.setAttribute("aria-current", "true");
    row.tabIndex = -1;
    if (focus) { row.focus({preventScroll: true}); row.scrollIntoView({block: "nearest"}); }
    sessionStorage.setItem(CHOSEN, JSON.stringify({key: keyOf(row), index: rows().indexOf(row)}));
  }
  function restore(focus) {  // the same row if still shown, else the one now in its place
    var kept = JSON.parse(sessionStorage.getItem(CHOSEN) || "null");
    if (!kept) return;
    var all = rows();
    var same = all.filter(function (row) { return keyOf(row) === kept.key; })[0];
    choose(same || all[Math.min(kept.index, all.length - 1)] || null, focus);
  }
  function move(step) {
    var all = rows();
    if (!all.length) return;
    var at = all.indexOf(chosen());
    choose(all[at < 0 ? 0 : Math.max(0, Math.min(all.length - 1, at + step))], true);
  }
  function accept() {
    var row = chosen();
    if (!row) return;
    var form = row.querySelector('form[data-step="acknowledge"]');
    if (form) { form.requestSubmit(); return; }
    say(box.dataset.accepted.replace("{number}", row.dataset.number));
  }
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.altKey || event.metaKey) return;
    var target = event.target;
    if (target.closest && target.closest("input, textarea, select, [contenteditable]")) return;
    var key = event.key;
    if (key === "j" || key === "ArrowDown") { event.preventDefault(); move(1); }
    else if (key === "k" || key === "ArrowUp") { event.preventDefault(); move(-1); }
    else if (key === "a" || (key === "Enter" && target === chosen())) { event.preventDefault(); accept(); }
  });
  box.addEventListener("click", function (event) {  // a click on a row chooses it too
    var row = event.target.closest && event.target.closest("section[data-list] tr[data-id]");
    if (row && !event.target.closest("form")) choose(row, true);
  });
  restore(false);

  // ---- the poll
  // Each poll asks with the page's filters and the version it has (no hx-vals "js:": no eval).
  document.getElementById("poll").addEventListener("htmx:configRequest", function (event) {
    new URLSearchParams(location.search).forEach(function (value, name) { event.detail.parameters[name] = value; });
    event.detail.parameters.seen = box.dataset.version;
  });
  var focused = false;
  box.addEventListener("htmx:beforeSwap", function () { focused = document.activeElement === chosen(); });
  box.addEventListener("htmx:afterSwap", function (event) {
    // A poll may swap only some parts (each by its id): they fire too, after the inbox's own one.
    if (event.target !== box) return;
    var marker = box.querySelector("[data-inbox-version]");
    if (marker) {
      box.dataset.version = marker.dataset.inboxVersion;
      var query = new URLSearchParams(marker.dataset.query);  // the filters of the rows shown
      Array.prototype.forEach.call(filters.elements, function (field) {
        if (field.name) field.value = query.get(field.name) || "";
      });
    }
    restore(focused);
    var fresh = ids().filter(function (id) { return !seen.has(id); });
    fresh.forEach(function (id) { seen.add(id); });
    if (fresh.length) {
      beep();
      var row = box.querySelector('tr[data-id="' + fresh[0] + '"]');
      say(live.dataset.new.replace("{number}", row ? row.dataset.number : fresh[0]));
    }
  });
  // The poll's answers, and those of the filters and links asking for the rows.
  function ours(event) {
    var elt = event.detail.elt;
    return elt && (elt.id === "poll" || box.contains(elt) || filters.contains(elt));
  }
  document.body.addEventListener("htmx:afterRequest", function (event) {
    if (!ours(event)) return;
    var xhr = event.detail.xhr;
    var status = xhr ? xhr.status : 0;
    if (status === 286) { offline = true; say(live.dataset.signedOut); return; }
    if (status === 200 || status === 204) {
      var version = xhr.getResponseHeader("X-Inbox-Version");
      if (version) box.dataset.version = version;  // also on 204: the marker may have moved on
      // Not in the live region: a screen reader would hear it every poll.
      var time = new Date().toLocaleTimeString(updated.dataset.locale, {timeZone: "Asia/Almaty"});
      updated.textContent = updated.dataset.text.replace("{time}", time);
      if (offline) { offline = false; say(""); }
    }
  });
  function lost(event) { if (ours(event)) { offline = true; say(live.dataset.offline); } }

  // ---- late: an incident past the time 112 has to accept it says so on the second, whether or not
  // the watchdog (a periodic job) has raised its alarm yet; the server's clock decides.
  var skew = Number(box.dataset.now) - Date.now() / 1000;
  setInterval(function () {
    var now = Date.now() / 1000 + skew;
    box.querySelectorAll("[data-late-at][hidden]").forEach(function (warning) {
      if (now < Number(warning.dataset.lateAt)) return;
      warning.hidden = false;
      var row = warning.closest("tr[data-id]");
      if (row && row.closest("#newest")) say(live.dataset.late.replace("{number}", row.dataset.number));
    });
  }, 1000);
  document.body.addEventListener("htmx:sendError", lost);
  document.body.addEventListener("htmx:responseError", lost);
})();
