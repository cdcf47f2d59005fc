// FaceStudio studio page: plain JavaScript, no build step, no dependencies.
// Talks to the sample's API through one adapter (`api`): POST /generate/stream (server-sent events) today,
// /jobs and its events when the server runs in queue mode (config.mode === "jobs").
"use strict";

(() => {
  const COLORS = ["#e4572e", "#2e86de", "#17a673", "#a55eea", "#f2a900", "#e84393"];
  const MAX_FACES_SHOWN = 5;
  const HISTORY_SIZE = 8;

  const $ = (sel, root = document) => root.querySelector(sel);
  const $$ = (sel, root = document) => Array.from(root.querySelectorAll(sel));
  const el = (tag, props = {}, ...children) => {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(props)) {
      if (k === "class") e.className = v;
      else if (k === "dataset") Object.assign(e.dataset, v);
      else if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
      else if (v !== undefined && v !== null && v !== false) e.setAttribute(k, v === true ? "" : v);
    }
    for (const c of children) if (c !== null && c !== undefined) e.append(c);
    return e;
  };
  const fmt = (n, d = 2) => Number(n).toFixed(d);
  const ms = (v) => (v >= 1000 ? `${fmt(v / 1000, 2)} s` : `${fmt(v, 0)} ms`);

  const state = {
    config: { mode: "stream", schedulers: ["euler-a"], defaultScheduler: "euler-a", noiseSources: [], maxSteps: 50, maxPeople: 4, detector: true },
    people: [],
    nextPersonId: 1,
    style: null,
    active: 0,
    run: null,
    history: [],
    current: null,
  };

  // ---------------------------------------------------------------- API adapter
  class ProblemError extends Error {
    constructor(problem, status) {
      super(problem.detail || problem.title || `HTTP ${status}`);
      this.problem = problem;
      this.status = status;
    }
  }

  async function problemFrom(response) {
    let body = null;
    try { body = await response.json(); } catch { /* not JSON */ }
    if (!body || typeof body !== "object") {
      body = { title: `The server answered ${response.status} ${response.statusText}.`, status: response.status };
    }
    if (response.status === 413 && !body.errors) body.errors = { body: [body.detail || body.title] };
    return new ProblemError(body, response.status);
  }

  // Reads a text/event-stream body and calls on[event](data) for each event.
  async function readEvents(response, on, signal) {
    const reader = response.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "";
    for (;;) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true }).replace(/\r\n/g, "\n");
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        let type = "message";
        const data = [];
        for (const line of block.split("\n")) {
          if (line.startsWith("event:")) type = line.slice(6).trim();
          else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
        }
        if (data.length && on[type]) await on[type](JSON.parse(data.join("\n")));
        if (signal && signal.aborted) return;
      }
    }
  }

  const api = {
    async config() {
      const r = await fetch("/studio/config");
      if (!r.ok) throw await problemFrom(r);
      return r.json();
    },
    async faces(file) {
      const fd = new FormData();
      fd.append("photo", file, file.name);
      const r = await fetch(`/faces?max=${MAX_FACES_SHOWN}`, { method: "POST", body: fd });
      if (!r.ok) throw await problemFrom(r);
      return r.json();
    },
    // Runs one generation; on = { start, step, done, error }. Aborting `signal` cancels it on the server.
    async generate(form, on, signal) {
      return state.config.mode === "jobs" ? jobs(form, on, signal) : stream(form, on, signal);
    },
  };

  async function stream(form, on, signal) {
    const r = await fetch("/generate/stream", { method: "POST", body: form, signal, headers: { Accept: "text/event-stream" } });
    if (!r.ok) throw await problemFrom(r);
    await readEvents(r, on, signal);
  }

  // Queue mode (FaceStudio:Jobs:Redis): POST /jobs takes the form of POST /generate (one `face` photo per person, no
  // drawn regions or face picks) → 202 {id}; GET /jobs/{id}/events streams job statuses named by state (queued,
  // running, succeeded, failed, cancelled); GET /jobs/{id}/image is the PNG; DELETE /jobs/{id} cancels.
  async function jobs(form, on, signal) {
    const body = new FormData();
    const seen = new Set();
    for (const [k, v] of form.entries()) {
      const person = /^person(\d+)$/.exec(k);
      if (person) {
        if (!seen.has(person[1])) { seen.add(person[1]); body.append("face", v, v.name); }
      } else if (!/^(pick|region)\d+$|^regions$/.test(k)) {
        body.append(k, v);
      }
    }
    const r = await fetch("/jobs", { method: "POST", body, signal });
    if (!r.ok) throw await problemFrom(r);
    const { id } = await r.json();
    const url = `/jobs/${encodeURIComponent(id)}`;
    const cancel = () => fetch(url, { method: "DELETE", keepalive: true });
    signal.addEventListener("abort", cancel, { once: true });
    try {
      const events = await fetch(`${url}/events`, { signal, headers: { Accept: "text/event-stream" } });
      if (!events.ok) throw await problemFrom(events);
      const started = performance.now();
      let last = 0;
      await readEvents(events, {
        queued: () => on.start({ steps: Number(form.get("steps")), width: Number(form.get("width")), height: Number(form.get("height")), queued: true }),
        running: (s) => {
          if (s.totalSteps && s.step > last) {
            last = s.step;
            on.step({ step: s.step, total: s.totalSteps, elapsedMs: 0, preview: null });
          }
        },
        succeeded: async (s) => {
          const img = await fetch(`${url}/image`, { signal });
          if (!img.ok) throw await problemFrom(img);
          const totalMs = performance.now() - started;
          await on.done({
            image: URL.createObjectURL(await img.blob()),
            seed: form.get("seed") || "random", scheduler: form.get("scheduler"), steps: s.totalSteps, modelCalls: s.totalSteps,
            width: Number(form.get("width")), height: Number(form.get("height")), alpha: Number(form.get("alpha")), guidance: Number(form.get("guidance")),
            regionMode: null, regions: [], similarity: [], worker: s.worker,
            timings: { totalMs, stepsPerSecond: s.totalSteps / (totalMs / 1000) },
          });
        },
        failed: (s) => on.error({ title: "The job failed.", detail: s.error }),
        cancelled: () => { throw new DOMException("The job was cancelled.", "AbortError"); },
      }, signal);
    } finally {
      signal.removeEventListener("abort", cancel);
    }
  }

  // ---------------------------------------------------------------- errors
  function clearErrors(root = document) {
    for (const p of $$(".field-error", root)) p.textContent = "";
    for (const i of $$("[aria-invalid='true']", root)) i.removeAttribute("aria-invalid");
  }

  // Where a problem's field goes: its error paragraph and the control to focus.
  function fieldTarget(field, sentPeople) {
    let m = /^person(\d+)$/.exec(field);
    if (m) {
      const person = sentPeople ? sentPeople[Number(m[1])] : state.people[Number(m[1])];
      if (person) return { error: $(".person-error", person.node), control: $(".person-file", person.node) };
      return { error: $("#error-people"), control: $("#add-person") };
    }
    m = /^(region|pick)(\d+)$/.exec(field);
    if (m) return { error: $("#error-regions"), control: $("#region-canvas") };
    if (field === "face") return { error: $("#error-people"), control: $("#add-person") };
    const error = $(`.field-error[data-error-for="${CSS.escape(field)}"]`);
    if (error) {
      const control = $(`#${CSS.escape(field)}`) || (field === "style" ? $("#style-file") : null) || (field === "regions" ? $("#region-canvas") : null);
      return { error, control };
    }
    return { error: $("#error-general"), control: null };
  }

  function showProblem(problem, sentPeople) {
    const errors = problem.errors && Object.keys(problem.errors).length ? problem.errors : { body: [problem.detail || problem.title] };
    let first = null;
    for (const [field, messages] of Object.entries(errors)) {
      const t = fieldTarget(field, sentPeople);
      const text = (Array.isArray(messages) ? messages : [messages]).join(" ");
      t.error.textContent = t.error.textContent ? `${t.error.textContent} ${text}` : text;
      if (t.control) {
        t.control.setAttribute("aria-invalid", "true");
        first = first || t.control;
      }
    }
    setStatus(problem.title || "The request failed.", "error");
    if (first) first.focus({ preventScroll: false });
  }

  function setStatus(text, kind = "") {
    const s = $("#status");
    s.textContent = text;
    s.dataset.kind = kind;
  }

  // ---------------------------------------------------------------- people and photos
  function addPerson() {
    if (state.people.length >= (state.config.maxPeople || 4)) {
      $("#error-people").textContent = `This server takes at most ${state.config.maxPeople} people.`;
      return null;
    }
    const id = state.nextPersonId++;
    const node = $("#person-template").content.firstElementChild.cloneNode(true);
    const person = { id, node, photos: [], region: null, custom: false };
    state.people.push(person);
    const file = $(".person-file", node);
    const err = $(".person-error", node);
    err.id = `error-person-${id}`;
    file.id = `person-file-${id}`;
    file.setAttribute("aria-describedby", err.id);
    file.addEventListener("change", () => { addPhotos(person, file.files); file.value = ""; });
    $(".remove-person", node).addEventListener("click", () => removePerson(person));
    wireDrop($(".drop", node), (files) => addPhotos(person, files));
    $("#people").append(node);
    relabelPeople();
    layoutDefaultRegions();
    return person;
  }

  function removePerson(person) {
    state.people = state.people.filter((p) => p !== person);
    person.node.remove();
    state.active = Math.min(state.active, Math.max(0, state.people.length - 1));
    relabelPeople();
    layoutDefaultRegions();
    $("#add-person").focus();
  }

  function relabelPeople() {
    state.people.forEach((p, i) => {
      p.color = COLORS[i % COLORS.length];
      $(".person-title", p.node).textContent = `Person ${i + 1}`;
      $(".swatch", p.node).style.background = p.color;
      p.node.style.setProperty("--person", p.color);
      $(".person-file", p.node).setAttribute("aria-label", `Photos of person ${i + 1}`);
      $(".remove-person", p.node).setAttribute("aria-label", `Remove person ${i + 1}`);
      p.node.dataset.person = String(i);
    });
    renderRegionTargets();
    drawRegions();
  }

  function wireDrop(zone, onFiles) {
    zone.addEventListener("dragover", (e) => { e.preventDefault(); zone.classList.add("over"); });
    zone.addEventListener("dragleave", () => zone.classList.remove("over"));
    zone.addEventListener("drop", (e) => {
      e.preventDefault();
      zone.classList.remove("over");
      if (e.dataTransfer && e.dataTransfer.files.length) onFiles(e.dataTransfer.files);
    });
  }

  function addPhotos(person, files) {
    const err = $(".person-error", person.node);
    err.textContent = "";
    $(".person-file", person.node).removeAttribute("aria-invalid");
    for (const file of Array.from(files)) {
      const photo = { file, url: URL.createObjectURL(file), faces: [], total: 0, pick: null, status: "detecting", node: null };
      person.photos.push(photo);
      renderPhoto(person, photo);
      detect(person, photo);
    }
  }

  async function detect(person, photo) {
    try {
      const r = await api.faces(photo.file);
      photo.width = r.width;
      photo.height = r.height;
      photo.faces = r.faces;
      photo.total = r.total;
      photo.detector = r.detector;
      photo.pick = r.faces.length ? 0 : null;
      photo.status = "ok";
    } catch (e) {
      photo.status = "error";
      const problem = e instanceof ProblemError ? e.problem : { detail: String(e.message || e) };
      const text = (problem.errors && (problem.errors.photo || problem.errors.body || Object.values(problem.errors)[0])) || [problem.detail || problem.title];
      photo.error = `${photo.file.name}: ${[].concat(text).join(" ")}`;
      const err = $(".person-error", person.node);
      err.textContent = err.textContent ? `${err.textContent} ${photo.error}` : photo.error;
      $(".person-file", person.node).setAttribute("aria-invalid", "true");
    }
    renderPhoto(person, photo);
  }

  function renderPhoto(person, photo) {
    const list = $(".photos", person.node);
    const index = person.photos.indexOf(photo) + 1;
    const li = el("li", { class: `photo ${photo.status}` });
    const frame = photo.status === "error"
      ? el("div", { class: "photo-frame broken" }, el("span", {}, photo.file.name))
      : el("div", { class: "photo-frame" }, el("img", { src: photo.url, alt: `Photo ${index} of ${$(".person-title", person.node).textContent}: ${photo.file.name}` }));
    const caption = el("p", { class: "photo-caption" });
    let extra = null;
    if (photo.status === "detecting") caption.textContent = "Finding faces…";
    else if (photo.status === "error") caption.textContent = "Not usable";
    else if (!photo.detector) caption.textContent = "No face detector loaded: the server picks the largest face.";
    else if (!photo.faces.length) caption.textContent = "No face found in this photo.";
    else {
      const chips = el("div", { class: "face-chips", role: "group", "aria-label": "Pick the face of this person" });
      photo.faces.forEach((f, i) => {
        const pick = () => {
          photo.pick = i;
          renderPhoto(person, photo);
          $$(".face-chip", photo.node)[i].focus();
        };
        // The boxes are a mouse shortcut; the chips below are the buttons (boxes of one photo often overlap).
        const b = el("div", { class: "face-box", "aria-hidden": "true", "data-picked": String(photo.pick === i), title: `Face ${i + 1} · score ${fmt(f.score)}`, onclick: pick });
        const x0 = Math.max(0, f.x0), y0 = Math.max(0, f.y0);
        b.style.left = `${(100 * x0) / photo.width}%`;
        b.style.top = `${(100 * y0) / photo.height}%`;
        b.style.width = `${(100 * (Math.min(photo.width, f.x1) - x0)) / photo.width}%`;
        b.style.height = `${(100 * (Math.min(photo.height, f.y1) - y0)) / photo.height}%`;
        b.append(el("span", {}, String(i + 1)));
        frame.append(b);
        chips.append(el("button", {
          type: "button", class: "face-chip", "aria-pressed": String(photo.pick === i),
          "aria-label": `Face ${i + 1}, score ${fmt(f.score)}`, onclick: pick,
        }, `${i + 1} · ${fmt(f.score)}`));
      });
      if (photo.faces.length > 1) extra = chips;
      const more = photo.total > photo.faces.length ? ` (best ${photo.faces.length} of ${photo.total} shown)` : "";
      caption.textContent = photo.faces.length > 1
        ? `${photo.total} faces${more}: face ${photo.pick + 1} picked.`
        : "1 face found.";
    }
    const remove = el("button", {
      type: "button", class: "secondary small", "aria-label": `Remove photo ${photo.file.name}`,
      onclick: () => {
        person.photos = person.photos.filter((p) => p !== photo);
        li.remove();
        const left = person.photos.filter((p) => p.status === "error").map((p) => p.error);
        $(".person-error", person.node).textContent = left.join(" ");
        if (!left.length) $(".person-file", person.node).removeAttribute("aria-invalid");
        $(".person-file", person.node).focus();
      },
    }, "Remove");
    li.append(frame, caption);
    if (extra) li.append(extra);
    li.append(remove);
    if (photo.node && photo.node.parentNode === list) list.replaceChild(li, photo.node);
    else list.append(li);
    photo.node = li;
  }

  // ---------------------------------------------------------------- style image
  function setStyle(file) {
    clearFieldError("style");
    // Object URLs of photos and style images stay valid: the history shows them beside its results.
    state.style = null;
    $("#style-preview").replaceChildren();
    $("#style-clear").hidden = true;
    if (!file) { drawRegions(); return; }
    const style = { file, url: URL.createObjectURL(file), image: new Image() };
    style.image.onload = () => { state.style = style; drawRegions(); };
    style.image.onerror = () => {
      showFieldError("style", `${file.name} is not an image this browser can show; choose a PNG, JPEG, WebP or BMP file.`);
      URL.revokeObjectURL(style.url);
      state.style = null;
      $("#style-preview").replaceChildren();
      $("#style-clear").hidden = true;
    };
    style.image.src = style.url;
    state.style = style;
    $("#style-preview").append(el("img", { src: style.url, alt: `Style image: ${file.name}` }));
    $("#style-clear").hidden = false;
  }

  function showFieldError(field, text) {
    const t = fieldTarget(field);
    t.error.textContent = text;
    if (t.control) t.control.setAttribute("aria-invalid", "true");
  }

  function clearFieldError(field) {
    const t = fieldTarget(field);
    t.error.textContent = "";
    if (t.control) t.control.removeAttribute("aria-invalid");
  }

  // ---------------------------------------------------------------- regions
  const canvas = () => $("#region-canvas");
  const size = () => ({ w: clampInt($("#width").value, 64, 2048, 512), h: clampInt($("#height").value, 64, 2048, 512) });
  function clampInt(v, lo, hi, fallback) {
    const n = Number.parseInt(v, 10);
    return Number.isFinite(n) ? Math.min(hi, Math.max(lo, n)) : fallback;
  }

  function layoutDefaultRegions() {
    const n = state.people.length;
    state.people.forEach((p, i) => {
      if (!p.custom) p.region = n === 1 ? { x: 0, y: 0, w: 1, h: 1 } : { x: (i + 0.1) / n, y: 0.15, w: 0.8 / n, h: 0.7 };
    });
    drawRegions();
  }

  function renderRegionTargets() {
    const box = $("#region-targets");
    box.replaceChildren(...state.people.map((p, i) => el("label", { class: "target" },
      el("input", {
        type: "radio", name: "region-target", value: String(i), checked: i === state.active,
        onchange: () => { state.active = i; drawRegions(); },
      }),
      el("span", { class: "swatch", style: `background:${p.color}` }),
      ` Person ${i + 1}`)));
  }

  function resizeCanvas() {
    const { w, h } = size();
    const c = canvas();
    const scale = 512 / Math.max(w, h);
    c.width = Math.round(w * scale);
    c.height = Math.round(h * scale);
    drawRegions();
  }

  function drawRegions() {
    const c = canvas();
    if (!c) return;
    const g = c.getContext("2d");
    g.clearRect(0, 0, c.width, c.height);
    if (state.style && state.style.image.complete && state.style.image.naturalWidth) {
      g.globalAlpha = 0.85;
      g.drawImage(state.style.image, 0, 0, c.width, c.height);
      g.globalAlpha = 1;
    } else {
      const s = 32;
      for (let y = 0; y < c.height; y += s) for (let x = 0; x < c.width; x += s) {
        g.fillStyle = ((x + y) / s) % 2 ? "#e9ecf1" : "#f6f7f9";
        g.fillRect(x, y, s, s);
      }
    }
    const readout = [];
    state.people.forEach((p, i) => {
      if (!p.region) return;
      const r = p.region;
      const x = r.x * c.width, y = r.y * c.height, w = r.w * c.width, h = r.h * c.height;
      g.fillStyle = p.color + "33";
      g.fillRect(x, y, w, h);
      g.lineWidth = i === state.active ? 4 : 2;
      g.strokeStyle = p.color;
      g.setLineDash(i === state.active ? [] : [6, 4]);
      g.strokeRect(x + g.lineWidth / 2, y + g.lineWidth / 2, Math.max(0, w - g.lineWidth), Math.max(0, h - g.lineWidth));
      g.setLineDash([]);
      g.fillStyle = p.color;
      g.fillRect(x, y, 26, 26);
      g.fillStyle = "#fff";
      g.font = "bold 16px system-ui, sans-serif";
      g.fillText(String(i + 1), x + 8, y + 19);
      const px = regionPixels(r);
      readout.push(`Person ${i + 1}: x0,y0,x1,y1 ${px.join(",")} (${px[2] - px[0]}×${px[3] - px[1]} px)`);
    });
    $("#region-readout").textContent = readout.join(" · ");
    $$("#region-targets input").forEach((input, i) => { input.checked = i === state.active; });
  }

  function regionPixels(r) {
    const { w, h } = size();
    const x = Math.round(r.x * w), y = Math.round(r.y * h);
    return [x, y, x + Math.max(1, Math.round(r.w * w)), y + Math.max(1, Math.round(r.h * h))];
  }

  function wireCanvas() {
    const c = canvas();
    let drag = null;
    const point = (e) => {
      const b = c.getBoundingClientRect();
      return { x: Math.min(1, Math.max(0, (e.clientX - b.left) / b.width)), y: Math.min(1, Math.max(0, (e.clientY - b.top) / b.height)) };
    };
    const inside = (r, p) => r && p.x >= r.x && p.x <= r.x + r.w && p.y >= r.y && p.y <= r.y + r.h;
    c.addEventListener("pointerdown", (e) => {
      if (!state.people.length) return;
      const p = point(e);
      const person = state.people[state.active];
      c.setPointerCapture(e.pointerId);
      clearFieldError("regions");
      drag = inside(person.region, p)
        ? { mode: "move", start: p, from: { ...person.region }, person }
        : { mode: "draw", start: p, from: person.region ? { ...person.region } : null, person };
      e.preventDefault();
    });
    c.addEventListener("pointermove", (e) => {
      if (!drag) return;
      const p = point(e);
      const r = drag.person.region;
      if (drag.mode === "move") {
        const dx = p.x - drag.start.x, dy = p.y - drag.start.y;
        drag.person.region = { ...r, x: Math.min(1 - drag.from.w, Math.max(0, drag.from.x + dx)), y: Math.min(1 - drag.from.h, Math.max(0, drag.from.y + dy)) };
      } else {
        drag.person.region = { x: Math.min(p.x, drag.start.x), y: Math.min(p.y, drag.start.y), w: Math.abs(p.x - drag.start.x), h: Math.abs(p.y - drag.start.y) };
      }
      drag.person.custom = true;
      drawRegions();
    });
    const end = (e) => {
      if (!drag) return;
      const p = point(e);
      const tiny = Math.abs(p.x - drag.start.x) < 0.02 && Math.abs(p.y - drag.start.y) < 0.02;
      if (tiny) {
        drag.person.region = drag.from; // a click: select the region under the pointer instead
        const hit = state.people.findIndex((q) => inside(q.region, p));
        if (hit >= 0) state.active = hit;
      }
      drag = null;
      drawRegions();
    };
    c.addEventListener("pointerup", end);
    c.addEventListener("pointercancel", end);
    c.addEventListener("keydown", (e) => {
      if (/^[1-9]$/.test(e.key) && Number(e.key) <= state.people.length) {
        state.active = Number(e.key) - 1;
        drawRegions();
        e.preventDefault();
        return;
      }
      const person = state.people[state.active];
      if (!person || !person.region) return;
      const d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!d) return;
      const step = 0.02;
      const r = { ...person.region };
      if (e.shiftKey) {
        r.w = Math.min(1 - r.x, Math.max(0.04, r.w + d[0] * step));
        r.h = Math.min(1 - r.y, Math.max(0.04, r.h + d[1] * step));
      } else {
        r.x = Math.min(1 - r.w, Math.max(0, r.x + d[0] * step));
        r.y = Math.min(1 - r.h, Math.max(0, r.y + d[1] * step));
      }
      person.region = r;
      person.custom = true;
      drawRegions();
      e.preventDefault();
    });
  }

  function regionMode() {
    return $("input[name='regions']:checked").value;
  }

  // ---------------------------------------------------------------- generate
  function buildForm() {
    const fd = new FormData();
    const value = (id) => $(`#${id}`).value.trim();
    fd.append("prompt", value("prompt"));
    if (value("negative")) fd.append("negative", value("negative"));
    for (const id of ["alpha", "guidance", "steps", "scheduler", "width", "height"]) fd.append(id, value(id));
    if (value("seed")) fd.append("seed", value("seed"));
    if (!$("#noise-field").hidden && value("noise")) fd.append("noise", value("noise"));
    const mode = regionMode();
    fd.append("regions", mode);
    const sent = [];
    let problems = 0;
    state.people.forEach((p) => {
      const usable = p.photos.filter((ph) => ph.status === "ok");
      if (!usable.length) {
        $(".person-error", p.node).textContent = p.photos.some((ph) => ph.status === "detecting")
          ? "Still finding faces in the photos; try again in a moment."
          : `Add at least one usable photo of ${$(".person-title", p.node).textContent.toLowerCase()}, or remove this person.`;
        $(".person-file", p.node).setAttribute("aria-invalid", "true");
        problems++;
        return;
      }
      const k = sent.length;
      sent.push(p);
      for (const ph of usable) fd.append(`person${k}`, ph.file, ph.file.name);
      fd.append(`pick${k}`, usable.map((ph) => (ph.pick === null ? "" : String(ph.faces[ph.pick].index))).join(","));
      if (mode === "draw" && p.region) fd.append(`region${k}`, regionPixels(p.region).join(","));
    });
    if (state.style) fd.append("style", state.style.file, state.style.file.name);
    return { fd, sent, problems };
  }

  async function generate() {
    if (state.run) return;
    clearErrors();
    const { fd, sent, problems } = buildForm();
    if (problems) {
      setStatus("Some people have no usable photo yet.", "error");
      const bad = $(".person-file[aria-invalid='true']");
      if (bad) bad.focus();
      return;
    }
    const controller = new AbortController();
    const run = {
      controller, sent, step: 0, total: Number($("#steps").value) || 0, started: performance.now(), stepTimes: [],
      inputs: snapshotInputs(sent),
    };
    state.run = run;
    $("#generate").disabled = true;
    $("#cancel").disabled = false;
    $("#progress-box").hidden = false;
    $("#progress").value = 0;
    $("#preview").removeAttribute("src");
    $(".preview").hidden = true;
    $("#progress-text").textContent = "Encoding faces and prompt…";
    setStatus("Generating…", "busy");
    let finished = false;
    try {
      await api.generate(fd, {
        start: (d) => { run.total = d.steps; $("#progress-text").textContent = `Starting ${d.width}×${d.height}, ${d.steps} steps…`; },
        step: (d) => onStep(run, d),
        done: (d) => { finished = true; onDone(run, d); },
        error: (p) => { finished = true; $("#progress-box").hidden = run.step === 0; showProblem(p, sent); },
      }, controller.signal);
      if (!finished && !controller.signal.aborted) setStatus("The server closed the stream before the picture was ready.", "error");
    } catch (e) {
      if (controller.signal.aborted || e.name === "AbortError") {
        setStatus(`Cancelled at step ${run.step} of ${run.total}.`, "cancelled");
        $("#progress-text").textContent = "Stopped: the server cancelled the generation.";
      } else if (e instanceof ProblemError) {
        $("#progress-box").hidden = run.step === 0;
        showProblem(e.problem, sent);
      } else {
        setStatus(`The request failed: ${e.message || e}`, "error");
        $("#error-general").textContent = `The request failed: ${e.message || e}`;
      }
    } finally {
      state.run = null;
      $("#generate").disabled = false;
      $("#cancel").disabled = true;
    }
  }

  function onStep(run, d) {
    const now = performance.now();
    run.step = d.step;
    run.total = d.total;
    run.stepTimes.push(now);
    const t = run.stepTimes;
    const rate = t.length > 1 ? (t.length - 1) / ((t[t.length - 1] - t[0]) / 1000) : 1000 / Math.max(1, d.elapsedMs);
    const eta = (d.total - d.step) / rate;
    $("#progress").value = d.step / d.total;
    $("#progress").textContent = `${Math.round((100 * d.step) / d.total)}%`;
    $("#progress-text").textContent = `Step ${d.step} / ${d.total} · ${fmt(rate, 1)} steps/s · ETA ${eta < 1 ? "<1" : Math.round(eta)} s`;
    if (d.preview) {
      $("#preview").src = d.preview;
      $(".preview").hidden = false;
    }
  }

  function onDone(run, d) {
    $("#progress").value = 1;
    $("#progress-text").textContent = d.timings.denoisingMs !== undefined
      ? `Done: ${d.modelCalls} steps in ${ms(d.timings.denoisingMs)} (${fmt(d.timings.stepsPerSecond, 1)} steps/s).`
      : `Done: ${d.steps} steps.`;
    setStatus(`Done in ${ms(d.timings.totalMs)} · seed ${d.seed}.`, "done");
    const entry = { ...d, inputs: run.inputs, prompt: run.inputs.prompt, when: new Date() };
    state.history.unshift(entry);
    state.history.length = Math.min(state.history.length, HISTORY_SIZE);
    showResult(entry);
    renderHistory();
  }

  function snapshotInputs(sent) {
    return {
      prompt: $("#prompt").value.trim(),
      people: sent.map((p, i) => {
        const ph = p.photos.find((x) => x.status === "ok");
        return { color: p.color, label: `Person ${state.people.indexOf(p) + 1}`, url: ph.url, face: ph.pick === null ? null : ph.faces[ph.pick], width: ph.width, height: ph.height, index: i };
      }),
      style: state.style ? state.style.url : null,
      regions: regionMode(),
    };
  }

  function showResult(entry) {
    state.current = entry;
    $("#result-card").hidden = false;
    $("#result-image").src = entry.image;
    $("#result-image").alt = `Generated picture: ${entry.prompt}`;
    const a = $("#download");
    a.href = entry.image;
    a.download = `facestudio-${entry.seed}.png`;
    const svg = $("#result-overlay");
    svg.setAttribute("viewBox", `0 0 ${entry.width} ${entry.height}`);
    svg.replaceChildren();
    const ns = "http://www.w3.org/2000/svg";
    entry.regions.forEach((r, i) => {
      const color = entry.inputs.people[i] ? entry.inputs.people[i].color : COLORS[i % COLORS.length];
      const rect = document.createElementNS(ns, "rect");
      for (const [k, v] of Object.entries({ x: r.x0, y: r.y0, width: r.x1 - r.x0, height: r.y1 - r.y0, fill: color + "40", stroke: color, "stroke-width": 3, "vector-effect": "non-scaling-stroke" })) rect.setAttribute(k, v);
      const label = document.createElementNS(ns, "text");
      for (const [k, v] of Object.entries({ x: r.x0 + 3, y: r.y0 + Math.max(8, entry.height / 16), fill: "#fff", stroke: color, "stroke-width": 0.5, "font-size": Math.max(8, entry.height / 16), "font-weight": "bold" })) label.setAttribute(k, v);
      label.textContent = String(i + 1);
      svg.append(rect, label);
    });
    svg.classList.toggle("on", $("#show-regions").checked);

    const inputs = $("#result-inputs");
    inputs.replaceChildren(
      ...entry.inputs.people.map((p) => el("figure", { class: "input-thumb", style: `--person:${p.color}` },
        faceThumb(p), el("figcaption", {}, p.label))),
      ...(entry.inputs.style ? [el("figure", { class: "input-thumb" }, el("img", { src: entry.inputs.style, alt: "Style image" }), el("figcaption", {}, "Style"))] : []),
      el("p", { class: "result-prompt" }, `“${entry.prompt}”`));

    const dl = $("#metadata");
    const t = entry.timings || {};
    const rows = [
      ["Seed", String(entry.seed)],
      ["Scheduler", entry.scheduler],
      ["Steps", entry.modelCalls === entry.steps ? String(entry.steps) : `${entry.steps} (${entry.modelCalls} model calls)`],
      ["Size", `${entry.width}×${entry.height}`],
      ["α / guidance", `${fmt(entry.alpha)} / ${fmt(entry.guidance, 1)}`],
      ["Regions", entry.regionMode ? `${entry.regionMode}${entry.automaticRegions ? ", automatic" : ""}` : "none reported"],
      ["Timings", [["total", t.totalMs], ["faces", t.identityEncodingMs], ["text", t.textEncodingMs], ["denoise", t.denoisingMs], ["decode", t.decodingMs]]
        .filter(([, v]) => v !== undefined).map(([k, v]) => `${k} ${ms(v)}`).join(" · ")],
    ];
    if (t.stepsPerSecond !== undefined) rows.push(["Speed", `${fmt(t.stepsPerSecond, 1)} steps/s`]);
    if (entry.worker) rows.push(["Worker", entry.worker]);
    if (entry.noise) rows.push(["Noise", entry.noise]);
    if (entry.similarity && entry.similarity.length) {
      rows.push(["Identity similarity", entry.similarity.map((s, i) => `Person ${i + 1}: ${s.similarity === null ? "no face in the result" : fmt(s.similarity, 3)}`).join(" · ")]);
    }
    dl.replaceChildren(...rows.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v)]));
  }

  function faceThumb(p) {
    const c = el("canvas", { width: 96, height: 96, role: "img", "aria-label": `${p.label}'s reference face` });
    const img = new Image();
    img.onload = () => {
      const g = c.getContext("2d");
      let sx = 0, sy = 0, sw = img.naturalWidth, sh = img.naturalHeight;
      if (p.face && p.width) {
        const fx = img.naturalWidth / p.width, fy = img.naturalHeight / p.height;
        const cx = ((p.face.x0 + p.face.x1) / 2) * fx, cy = ((p.face.y0 + p.face.y1) / 2) * fy;
        const side = Math.min(Math.max((p.face.x1 - p.face.x0) * fx, (p.face.y1 - p.face.y0) * fy) * 1.8, img.naturalWidth, img.naturalHeight);
        sx = Math.min(Math.max(0, cx - side / 2), img.naturalWidth - side);
        sy = Math.min(Math.max(0, cy - side / 2), img.naturalHeight - side);
        sw = sh = side;
      }
      g.imageSmoothingEnabled = false;
      g.drawImage(img, sx, sy, sw, sh, 0, 0, 96, 96);
    };
    img.src = p.url;
    return c;
  }

  function renderHistory() {
    $("#history-card").hidden = state.history.length === 0;
    $("#history").replaceChildren(...state.history.map((h, i) => el("li", {},
      el("button", {
        type: "button", class: "history-item", "aria-current": String(h === state.current),
        "aria-label": `Show result ${i + 1}: seed ${h.seed}, ${h.prompt}`,
        onclick: () => { showResult(h); renderHistory(); $("#result-card").scrollIntoView({ behavior: "smooth", block: "start" }); },
      }, el("img", { src: h.image, alt: "" }), el("span", {}, `seed ${h.seed}`)))));
  }

  // ---------------------------------------------------------------- start-up
  async function init() {
    wireCanvas();
    $("#add-person").addEventListener("click", () => {
      const p = addPerson();
      if (p) $(".person-file", p.node).focus();
    });
    $("#style-file").addEventListener("change", (e) => { setStyle(e.target.files[0]); e.target.value = ""; });
    $("#style-clear").addEventListener("click", () => { setStyle(null); $("#style-file").focus(); });
    wireDrop($("#style-drop"), (files) => setStyle(files[0]));
    $("#alpha").addEventListener("input", () => { $("#alpha-out").textContent = fmt($("#alpha").value); });
    $("#width").addEventListener("change", resizeCanvas);
    $("#height").addEventListener("change", resizeCanvas);
    $("#seed-random").addEventListener("click", () => { $("#seed").value = String(Math.floor(Math.random() * 2 ** 31)); });
    $$("input[name='regions']").forEach((r) => r.addEventListener("change", () => {
      $("#region-editor").hidden = regionMode() === "auto";
      clearFieldError("regions");
    }));
    $("#show-regions").addEventListener("change", () => $("#result-overlay").classList.toggle("on", $("#show-regions").checked));
    $("#studio").addEventListener("submit", (e) => { e.preventDefault(); generate(); });
    $("#cancel").addEventListener("click", () => { if (state.run) state.run.controller.abort(); });
    document.addEventListener("keydown", (e) => { if (e.key === "Escape" && state.run) state.run.controller.abort(); });
    // Editing a field clears its error.
    $("#studio").addEventListener("input", (e) => {
      if (e.target.id && e.target.getAttribute("aria-invalid") === "true") clearFieldError(e.target.id);
    });

    try {
      state.config = await api.config();
    } catch (e) {
      $("#error-general").textContent = `Could not read the server's settings: ${e.message || e}`;
    }
    const c = state.config;
    $("#scheduler").replaceChildren(...c.schedulers.map((s) => el("option", { value: s, selected: s === c.defaultScheduler }, s)));
    $("#steps").max = String(c.maxSteps);
    if (c.noiseSources && c.noiseSources.length > 1) {
      $("#noise").replaceChildren(...c.noiseSources.map((s) => el("option", { value: s }, s)));
      $("#noise-field").hidden = false;
    }
    const notes = [];
    if (!c.detector) notes.push("No face detector is loaded: faces are not shown and automatic regions are off.");
    if (c.mode === "jobs") {
      notes.push("Queue mode: generations run as jobs on workers (first photo of each person, automatic regions, no latent previews).");
      $("input[name='regions'][value='auto']").checked = true;
      $("input[name='regions'][value='draw']").disabled = true;
      $("#region-editor").hidden = true;
    }
    if (notes.length) { $("#server-note").textContent = notes.join(" "); $("#server-note").hidden = false; }
    if (!c.detector) $("input[name='regions'][value='auto']").disabled = true;
    addPerson();
    resizeCanvas();
    setStatus("Ready: add photos of each person, place their regions, then Generate (or press Enter in a field).");
    document.body.dataset.ready = "true";
  }

  init();
})();
