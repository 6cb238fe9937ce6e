// The executor's photo queue. A weak connection must not lose a photo: each one chosen is kept in
// the browser (IndexedDB; in memory where that is missing) until the server acknowledges it, and
// is resent with growing pauses until then, also after a reload or on the next visit. Each photo
// carries a client key, so a resend whose first answer got lost is not stored twice.
(() => {
  "use strict";
  const section = document.getElementById("uploads");
  if (!section) return;
  const list = document.getElementById("photo-queue");
  const input = document.getElementById("photos");
  const form = document.getElementById("finish");
  const comment = document.getElementById("comment");
  const hold = document.getElementById("hold");
  const words = section.dataset;
  const person = words.person || "";
  const here = words.appeal ? Number(words.appeal) : null;
  const MAX_PAUSE = 30000;
  const DB_NAME = "ikomek-photo-queue";
  const STORE = "uploads";

  // ------------------------------------------------------------------ storage
  const memory = new Map(); // where IndexedDB is unavailable (some private modes)
  let dbPromise = null;
  function db() {
    if (!dbPromise) {
      dbPromise = new Promise((resolve) => {
        if (!window.indexedDB) return resolve(null);
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(STORE, { keyPath: "key" });
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => resolve(null);
      });
    }
    return dbPromise;
  }
  async function store(mode, work) {
    const database = await db();
    if (!database) return work(null);
    return new Promise((resolve, reject) => {
      const tx = database.transaction(STORE, mode);
      const result = work(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(result && "result" in result ? result.result : result);
      tx.onerror = () => reject(tx.error);
    });
  }
  const put = (item) => store("readwrite", (s) => (s ? s.put(item) : memory.set(item.key, item)));
  const drop = (key) => store("readwrite", (s) => (s ? s.delete(key) : memory.delete(key)));
  const all = () => store("readonly", (s) => (s ? s.getAll() : [...memory.values()]));
  async function mine() {
    const items = (await all()) || [];
    return items.filter((item) => item.person === person).sort((a, b) => a.added - b.added);
  }

  // ------------------------------------------------------------------ what the person sees
  const shown = new Map(); // key -> {li, status}
  const waitingHere = new Set(); // this appeal's photos not yet acknowledged (read synchronously)
  const idle = []; // what runs once this appeal has none waiting
  function clientKey() {
    const bytes = crypto.getRandomValues(new Uint8Array(16)); // also outside secure contexts
    return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  }
  function show(item, state, detail) {
    let entry = shown.get(item.key);
    if (!entry) {
      const li = document.createElement("li");
      li.dataset.key = item.key;
      if (item.blob && item.type && item.type.startsWith("image/")) {
        const img = document.createElement("img");
        img.alt = "";
        img.width = 56;
        img.height = 56;
        img.src = URL.createObjectURL(item.blob);
        li.append(img);
      }
      const name = document.createElement("span");
      name.className = "name";
      name.textContent = (item.appeal !== here ? `${words.appealLabel} №${item.appeal} · ` : "") + item.name;
      const status = document.createElement("span");
      status.className = "state";
      li.append(name, status);
      list.append(li);
      entry = { li, status };
      shown.set(item.key, entry);
    }
    entry.li.dataset.state = state;
    entry.status.textContent = words[state] + (detail ? `: ${detail}` : "");
    section.hidden = false;
    if (item.appeal !== here) return;
    if (state === "sent" || state === "refused") waitingHere.delete(item.key);
    else waitingHere.add(item.key);
    if (waitingHere.size === 0) idle.splice(0).forEach((run) => run());
  }

  // ------------------------------------------------------------------ sending
  function csrfToken() {
    const cookie = document.cookie.split("; ").find((c) => c.startsWith("csrftoken="));
    if (cookie) return decodeURIComponent(cookie.slice("csrftoken=".length));
    const field = document.querySelector("input[name=csrfmiddlewaretoken]");
    return field ? field.value : "";
  }
  // "sent", "refused" (with the server's reason), "signin", or "retry".
  async function send(item) {
    const body = new FormData();
    body.append("file", item.blob, item.name);
    body.append("client_key", item.key);
    let answer;
    try {
      answer = await fetch(item.url, {
        method: "POST",
        body,
        credentials: "same-origin",
        redirect: "manual", // a redirect here is the sign-in page: keep the photo
        headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
      });
    } catch (error) {
      return { outcome: "retry" };
    }
    if (answer.ok) return { outcome: "sent" };
    if (answer.type === "opaqueredirect" || answer.status === 401) return { outcome: "signin" };
    if (answer.status >= 500 || answer.status === 408 || answer.status === 429) return { outcome: "retry" };
    let reason = "";
    try {
      const errors = (await answer.json()).errors || [];
      reason = errors.map((e) => e.message).join("; ");
    } catch (error) {
      // Not our JSON (a proxy's page, a CSRF refusal): try again later rather than drop the photo.
      return { outcome: "retry" };
    }
    return { outcome: "refused", reason };
  }

  let running = false;
  let waker = null;
  let pause = 0;
  function wake() {
    if (waker) {
      clearTimeout(waker.timer);
      waker.resolve();
    }
  }
  function sleep(ms) {
    return new Promise((resolve) => {
      waker = { resolve, timer: setTimeout(resolve, ms) };
    }).then(() => {
      waker = null;
    });
  }
  async function pump() {
    if (running) return;
    running = true;
    try {
      for (;;) {
        const queue = await mine();
        if (!queue.length) break;
        const item = queue[0];
        show(item, "sending");
        const { outcome, reason } = await send(item);
        if (outcome === "sent" || outcome === "refused") {
          await drop(item.key);
          show(item, outcome, reason);
          pause = 0;
        } else if (outcome === "signin") {
          queue.forEach((waiting) => show(waiting, "signin"));
          break; // nothing goes through until the person signs in again
        } else {
          // Exponential pause with jitter, capped; going back online wakes the queue at once.
          pause = Math.min(MAX_PAUSE, pause ? pause * 2 : 1000);
          queue.forEach((waiting) => show(waiting, "waiting"));
          await sleep(pause / 2 + Math.random() * (pause / 2));
        }
      }
    } finally {
      running = false;
    }
  }
  window.addEventListener("online", () => {
    pause = 0;
    wake();
    pump();
  });

  // ------------------------------------------------------------------ the page
  async function queueFiles(files) {
    const url = words.url.replace("/0/", `/${here}/`);
    for (const file of files) {
      const item = {
        key: clientKey(),
        person,
        appeal: here,
        url,
        name: file.name || "photo.jpg",
        type: file.type,
        blob: file,
        added: Date.now() + Math.random(),
      };
      await put(item);
      show(item, "waiting");
    }
    pump();
  }
  if (input && here !== null) {
    input.addEventListener("change", async () => {
      const files = [...input.files];
      input.value = ""; // the queue has them now; the form must not post them a second time
      await queueFiles(files);
    });
  }

  // The report waits for this appeal's photos, so the call-back finds them with it.
  if (form) {
    let released = false;
    form.addEventListener("submit", (event) => {
      if (released || waitingHere.size === 0) return;
      event.preventDefault();
      const submitter = event.submitter;
      const buttons = form.querySelectorAll("button");
      hold.textContent = form.dataset.hold;
      buttons.forEach((b) => (b.disabled = true));
      idle.push(() => {
        released = true;
        buttons.forEach((b) => (b.disabled = false));
        form.requestSubmit(submitter);
      });
    });
  }

  // A comment being typed survives a reload or a failed send of the form.
  if (comment && here !== null) {
    const key = `ikomek-report-${location.host}-${here}`;
    if (!comment.value && localStorage.getItem(key)) comment.value = localStorage.getItem(key);
    comment.addEventListener("input", () => localStorage.setItem(key, comment.value));
  } else if (here !== null) {
    localStorage.removeItem(`ikomek-report-${location.host}-${here}`); // reported: the draft is done
  }

  (async () => {
    for (const item of await mine()) {
      if (here === null || item.appeal === here) show(item, "waiting");
    }
    pump();
  })();
})();
