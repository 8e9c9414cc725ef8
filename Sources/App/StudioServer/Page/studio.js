"use strict";
const $ = (id) => document.getElementById(id);
const PART_COLOURS = ["#f0a030", "#4fc3f7", "#aed581", "#f06292", "#ba68c8", "#ffd54f", "#4db6ac", "#e57373", "#90a4ae", "#dce775"];

async function api(path, options) {
  const response = await fetch(path, options);
  const body = await response.json().catch(() => ({ error: response.statusText }));
  if (!response.ok) throw new Error(body.error || ("HTTP " + response.status));
  return body;
}

// A piano roll on a canvas: notes as bars (time → x, pitch → y), section markers, a playhead
// that follows the audio element, and a click that shows a note's provenance.
class PianoRoll {
  constructor(canvas, audio, info) {
    this.canvas = canvas; this.audio = audio; this.info = info; this.roll = null; this.drawn = 0;
    canvas.addEventListener("click", (e) => this.click(e));
    const tick = () => { this.drawPlayhead(); requestAnimationFrame(tick); };
    requestAnimationFrame(tick);
    window.addEventListener("resize", () => this.draw());
  }
  load(roll) {
    this.roll = roll;
    const pitches = roll.notes.map((n) => n[3]);
    this.low = Math.min(...pitches, 127) - 1; this.high = Math.max(...pitches, 0) + 1;
    if (!(this.high > this.low)) { this.low = 0; this.high = 127; }
    this.selected = -1;
    this.draw();
  }
  get seconds() { return Math.max(this.roll ? this.roll.duration : 1, this.audio.duration || 0, 1); }
  x(t) { return 4 + (this.canvas.clientWidth - 8) * t / this.seconds; }
  y(p) { return 14 + (this.canvas.clientHeight - 20) * (1 - (p - this.low) / (this.high - this.low)); }
  rowHeight() { return Math.max(2, (this.canvas.clientHeight - 20) / (this.high - this.low)); }
  // Where note i is drawn, in CSS pixels from the canvas's top-left corner (for tests too).
  notePosition(i) {
    const n = this.roll.notes[i];
    return { x: (this.x(n[1]) + Math.max(this.x(n[2]), this.x(n[1]) + 2)) / 2, y: this.y(n[3]) - this.rowHeight() / 2 };
  }
  draw() {
    const c = this.canvas, ratio = window.devicePixelRatio || 1;
    c.width = c.clientWidth * ratio; c.height = c.clientHeight * ratio;
    const g = c.getContext("2d");
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.clearRect(0, 0, c.clientWidth, c.clientHeight);
    this.drawn = 0;
    if (!this.roll) return;
    g.font = "10px system-ui"; g.fillStyle = "#8fa3b0"; g.strokeStyle = "#2a3642";
    let labelEnd = -1e9;
    for (const m of this.roll.markers) {
      const x = this.x(m.time);
      g.beginPath(); g.moveTo(x, 0); g.lineTo(x, c.clientHeight); g.stroke();
      // A label only where it does not run into the previous one.
      if (x >= labelEnd) { g.fillText(m.text, x + 2, 10); labelEnd = x + 6 + g.measureText(m.text).width; }
    }
    const h = this.rowHeight();
    this.roll.notes.forEach((n, i) => {
      g.globalAlpha = 0.35 + 0.65 * n[4] / 127;
      g.fillStyle = i === this.selected ? "#ffffff" : PART_COLOURS[n[0] % PART_COLOURS.length];
      g.fillRect(this.x(n[1]), this.y(n[3]) - h, Math.max(2, this.x(n[2]) - this.x(n[1])), h);
      this.drawn++;
    });
    g.globalAlpha = 1;
    this.canvas.dataset.drawn = String(this.drawn);
    this.base = g.getImageData(0, 0, c.width, c.height);
  }
  drawPlayhead() {
    if (!this.roll || !this.base) return;
    const g = this.canvas.getContext("2d"), ratio = window.devicePixelRatio || 1;
    g.putImageData(this.base, 0, 0);
    const x = this.x(this.audio.currentTime || 0);
    g.setTransform(ratio, 0, 0, ratio, 0, 0);
    g.strokeStyle = "#ff4040"; g.lineWidth = 1.5;
    g.beginPath(); g.moveTo(x, 0); g.lineTo(x, this.canvas.clientHeight); g.stroke();
    this.canvas.dataset.playhead = (this.audio.currentTime || 0).toFixed(2);
  }
  click(event) {
    if (!this.roll) return;
    const r = this.canvas.getBoundingClientRect(), px = event.clientX - r.left, py = event.clientY - r.top, h = this.rowHeight();
    let best = -1, bestDistance = 1e9;
    this.roll.notes.forEach((n, i) => {
      const x0 = this.x(n[1]), x1 = Math.max(this.x(n[2]), x0 + 2), y1 = this.y(n[3]), y0 = y1 - h;
      const dx = px < x0 ? x0 - px : px > x1 ? px - x1 : 0, dy = py < y0 ? y0 - py : py > y1 ? py - y1 : 0;
      const d = dx + dy;
      if (d < bestDistance) { bestDistance = d; best = i; }
    });
    if (best < 0 || bestDistance > 6) return;
    this.selected = best; this.draw();
    const n = this.roll.notes[best], part = this.roll.parts[n[0]], p = n[5] >= 0 ? this.roll.provenance[n[5]] : null;
    const lines = [`${part.name}: pitch ${n[3]}, velocity ${n[4]}, ${n[1].toFixed(2)}–${n[2].toFixed(2)} s`];
    if (p) {
      lines.push(`tensor     ${p.tensor}`);
      if (p.role) lines.push(`role       ${p.role}`);
      if (p.layer !== undefined && p.layer !== null) lines.push(`layer      ${p.layer}`);
      lines.push(`statistic  ${p.statistic}${p.index !== undefined && p.index !== null ? "[" + p.index + "]" : ""}`);
      lines.push(`value      ${p.value}`);
    } else lines.push("no provenance recorded");
    this.info.textContent = lines.join("\n");
    this.info.dataset.note = String(best);
  }
}

// Runs a job: POST, then poll its status until it ends; the Cancel button sends DELETE.
async function runJob(prefix, endpoint, body) {
  const go = $(prefix), cancel = $(prefix + "-cancel"), bar = $(prefix + "-progress"), stage = $(prefix + "-stage");
  go.disabled = true; cancel.hidden = false; bar.hidden = false; bar.value = 0;
  stage.className = ""; stage.textContent = "starting";
  try {
    let job = await api(endpoint, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
    cancel.onclick = () => api("/api/jobs/" + job.id, { method: "DELETE" }).catch(() => {});
    while (job.state === "queued" || job.state === "running") {
      bar.value = job.progress; stage.textContent = job.stage;
      await new Promise((r) => setTimeout(r, 300));
      job = await api("/api/jobs/" + job.id);
    }
    if (job.state !== "done") throw new Error(job.error || job.state);
    bar.value = 1; stage.textContent = job.summary;
    return job;
  } catch (error) {
    stage.className = "error"; stage.textContent = error.message;
    throw error;
  } finally {
    go.disabled = false; cancel.hidden = true;
  }
}

const studio = { models: [], genres: [], rolls: {}, jobs: {} };
window.studio = studio;

function fill(select, items, value, label) {
  select.innerHTML = "";
  for (const item of items) {
    const o = document.createElement("option");
    o.value = value(item); o.textContent = label(item); select.appendChild(o);
  }
}

// --- Compose view ----------------------------------------------------------------------
async function compose() {
  const body = { model: $("model").value, genre: $("genre").value, renderer: $("renderer").value };
  if ($("key").value.trim()) body.key = $("key").value.trim();
  if ($("tempo").value) body.tempo = Number($("tempo").value);
  const job = await runJob("compose", "/api/compose", body);
  studio.jobs.compose = job;
  $("compose-summary").textContent = Object.entries(job.facts).map(([k, v]) => `${k} ${v}`).join(" · ");
  studio.rolls.compose.load(await api(job.files.roll));
  $("compose-player").src = job.files.audio;
  loadPortrait(body.model);
}

async function loadPortrait(model) {
  if (studio.portraitModel === model) return;
  const p = await api("/api/portrait?model=" + encodeURIComponent(model));
  studio.portrait = p; studio.portraitModel = model;
  plotAlpha(p);
  const roles = [...new Set(p.spectra.filter((s) => s.layer !== null && s.layer !== undefined).map((s) => s.role))];
  fill($("spectrum-role"), roles, (r) => r, (r) => r);
  plotSpectra();
}

function svgEl(name, attrs, parent) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", name);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  parent.appendChild(e); return e;
}

function axes(svg, x0, x1, y0, y1, xLabel, yLabel) {
  svg.innerHTML = "";
  const w = svg.clientWidth || 500, h = svg.clientHeight || 220, m = { l: 40, r: 10, t: 20, b: 28 };
  const sx = (x) => m.l + (w - m.l - m.r) * (x - x0) / ((x1 - x0) || 1);
  const sy = (y) => h - m.b - (h - m.t - m.b) * (y - y0) / ((y1 - y0) || 1);
  svgEl("line", { x1: m.l, y1: h - m.b, x2: w - m.r, y2: h - m.b, stroke: "#2a3642" }, svg);
  svgEl("line", { x1: m.l, y1: m.t, x2: m.l, y2: h - m.b, stroke: "#2a3642" }, svg);
  svgEl("text", { x: w / 2, y: h - 6, "text-anchor": "middle" }, svg).textContent = xLabel;
  svgEl("text", { x: 4, y: 10 }, svg).textContent = yLabel;
  svgEl("text", { x: m.l - 4, y: sy(y1) + 4, "text-anchor": "end" }, svg).textContent = y1.toFixed(1);
  svgEl("text", { x: m.l - 4, y: sy(y0), "text-anchor": "end" }, svg).textContent = y0.toFixed(1);
  return { sx, sy };
}

function plotAlpha(p) {
  const svg = $("alpha-plot"), pts = p.layers.filter((l) => l.mean_alpha !== null && l.mean_alpha !== undefined);
  if (!pts.length) { svg.innerHTML = ""; return; }
  const ys = pts.map((l) => l.mean_alpha);
  const { sx, sy } = axes(svg, 0, Math.max(1, pts.length - 1), Math.min(1.5, ...ys), Math.max(6.5, ...ys), "layer", "α");
  for (const band of [2, 6]) svgEl("line", { x1: sx(0), x2: sx(Math.max(1, pts.length - 1)), y1: sy(band), y2: sy(band), stroke: "#444", "stroke-dasharray": "3 3" }, svg);
  svgEl("polyline", { points: pts.map((l, i) => `${sx(i)},${sy(l.mean_alpha)}`).join(" "), fill: "none", stroke: "#f0a030", "stroke-width": 2 }, svg);
  pts.forEach((l, i) => svgEl("circle", { cx: sx(i), cy: sy(l.mean_alpha), r: 3, fill: "#f0a030" }, svg).appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title")).textContent = `layer ${l.layer}: α ${l.mean_alpha.toFixed(2)}`);
}

function plotSpectra() {
  const p = studio.portrait, role = $("spectrum-role").value, svg = $("spectrum-plot");
  const spectra = p.spectra.filter((s) => s.role === role && s.singular_values.length);
  if (!spectra.length) { svg.innerHTML = ""; return; }
  const lx = spectra.flatMap((s) => s.ranks.map(Math.log10)), ly = spectra.flatMap((s) => s.singular_values.filter((v) => v > 0).map(Math.log10));
  const { sx, sy } = axes(svg, 0, Math.max(...lx), Math.min(...ly), Math.max(...ly), "log10 rank", "log10 σ");
  const layers = Math.max(1, ...spectra.map((s) => s.layer || 0));
  for (const s of spectra) {
    const hue = 200 - 160 * (s.layer || 0) / layers;
    const pts = s.ranks.map((r, i) => [r, s.singular_values[i]]).filter(([, v]) => v > 0).map(([r, v]) => `${sx(Math.log10(r))},${sy(Math.log10(v))}`);
    const line = svgEl("polyline", { points: pts.join(" "), fill: "none", stroke: `hsl(${hue},70%,60%)`, "stroke-width": 1.2 }, svg);
    svgEl("title", {}, line).textContent = `${s.name} (layer ${s.layer}, α ${s.alpha === null ? "-" : s.alpha.toFixed(2)})`;
  }
}

// --- Compare view ----------------------------------------------------------------------
async function compare() {
  const body = { a: $("model-a").value, b: $("model-b").value, genre: $("compare-genre").value, renderer: $("compare-renderer").value };
  const job = await runJob("compare", "/api/compare", body);
  studio.jobs.compare = job;
  $("a-name").textContent = body.a; $("b-name").textContent = body.b;
  $("player-a").src = job.files.a_audio; $("player-b").src = job.files.b_audio;
  $("ab-switch").disabled = false;
  const c = await api(job.files.comparison);
  const tbody = $("ranking").querySelector("tbody");
  tbody.innerHTML = "";
  const f = (x) => x === null || x === undefined ? "-" : (Math.abs(x) < 1e-3 && x !== 0 ? x.toExponential(2) : x.toFixed(4));
  c.ranking.slice(0, 25).forEach((e, i) => {
    const tr = document.createElement("tr");
    for (const [v, cls] of [[i + 1, "num"], [e.tensor, ""], [e.role, ""], [e.layer ?? "-", "num"], [f(e.relative_change), "num"], [f(e.delta_alpha), "num"], [f(e.spectral_distance), "num"]]) {
      const td = document.createElement("td"); td.textContent = v; if (cls) td.className = cls; tr.appendChild(td);
    }
    tbody.appendChild(tr);
  });
}

function switchAB() {
  const a = $("player-a"), b = $("player-b");
  const [from, to] = a.paused ? [b, a] : [a, b];
  to.currentTime = Math.min(from.currentTime, to.duration || from.currentTime);
  from.pause(); to.play();
}

// --- Sonify view -----------------------------------------------------------------------
async function sonify() {
  const body = { prompt: $("prompt").value, model: $("sonify-model").value, mode: $("mode").value, renderer: $("sonify-renderer").value };
  const job = await runJob("sonify", "/api/sonify", body);
  studio.jobs.sonify = job;
  const words = await api(job.files.timing);
  studio.words = words;
  const box = $("words");
  box.innerHTML = "";
  words.forEach((w, i) => {
    const span = document.createElement("span");
    span.textContent = w.word; span.dataset.index = String(i); span.title = `${w.onset.toFixed(2)} s`;
    span.onclick = () => { $("sonify-player").currentTime = w.onset; $("sonify-player").play(); };
    box.appendChild(span); box.appendChild(document.createTextNode(" "));
  });
  studio.rolls.sonify.load(await api(job.files.roll));
  $("sonify-player").src = job.files.audio;
}

function highlightWords() {
  const t = $("sonify-player").currentTime, words = studio.words || [];
  document.querySelectorAll("#words span").forEach((span) => {
    const w = words[Number(span.dataset.index)];
    span.classList.toggle("current", !!w && t >= w.onset && t < w.onset + w.duration);
  });
  requestAnimationFrame(highlightWords);
}

// --- Look inside view -----------------------------------------------------------------
// The page `eigentone report` writes, made by the same pipeline request and shown as it is:
// its figures, and its linked hover (a prompt position under the pointer lights up everywhere).
async function inside() {
  const body = { prompt: $("inside-prompt").value, model: $("inside-model").value };
  const job = await runJob("inside", "/api/report", body);
  studio.jobs.inside = job;
  $("inside-summary").textContent = job.summary || "";
  $("inside-frame").src = job.files.report;
}

// --- Album view --------------------------------------------------------------------------
// `eigentone album solo|contrast|dialogue` through POST /api/album: the piece, its roll, and
// (solo) the tension heatmap the command line writes with --heatmap.
async function album() {
  const piece = $("album-piece").value;
  const body = { piece, prompt: $("album-prompt").value, prompt_b: $("album-prompt-b").value, model: $("album-model").value, renderer: $("album-renderer").value };
  const job = await runJob("album", "/api/album", body);
  studio.jobs.album = job;
  studio.rolls.album.load(await api(job.files.roll));
  $("album-player").src = job.files.audio;
  $("album-heatmap").hidden = !job.files.heatmap;
  if (job.files.heatmap) $("album-heatmap").src = job.files.heatmap;
}

// --- Start -----------------------------------------------------------------------------
function show(view) {
  document.querySelectorAll("header nav button").forEach((b) => b.classList.toggle("active", b.dataset.view === view));
  document.querySelectorAll("section.view").forEach((s) => s.classList.toggle("active", s.id === "view-" + view));
  for (const roll of Object.values(studio.rolls)) roll.draw();
}

async function start() {
  studio.rolls.compose = new PianoRoll($("compose-roll"), $("compose-player"), $("compose-provenance"));
  studio.rolls.sonify = new PianoRoll($("sonify-roll"), $("sonify-player"), $("sonify-provenance"));
  studio.rolls.album = new PianoRoll($("album-roll"), $("album-player"), $("album-provenance"));
  document.querySelectorAll("header nav button").forEach((b) => (b.onclick = () => show(b.dataset.view)));
  $("compose").onclick = () => compose().catch(() => {});
  $("compare").onclick = () => compare().catch(() => {});
  $("sonify").onclick = () => sonify().catch(() => {});
  $("inside").onclick = () => inside().catch(() => {});
  $("album").onclick = () => album().catch(() => {});
  $("album-piece").onchange = () => { $("album-b-label").hidden = $("album-piece").value !== "contrast"; $("album-prompt").disabled = $("album-piece").value === "dialogue"; };
  $("ab-switch").onclick = switchAB;
  $("spectrum-role").onchange = plotSpectra;
  requestAnimationFrame(highlightWords);
  // Models, genres, renderers and limits come from the server: nothing here repeats them.
  const [models, genres, renderers, limits] = await Promise.all([api("/api/models"), api("/api/genres"), api("/api/renderers"), api("/api/limits")]);
  studio.models = models.models; studio.genres = genres.genres;
  for (const id of ["renderer", "compare-renderer", "sonify-renderer", "album-renderer"]) fill($(id), renderers.renderers, (r) => r.name, (r) => r.label);
  for (const id of ["tempo", "sonify-tempo"]) if ($(id)) { $(id).min = limits.tempo.min; $(id).max = limits.tempo.max; }
  $("prompt").maxLength = limits.prompt_bytes;
  $("inside-prompt").maxLength = limits.prompt_bytes;
  $("album-prompt").maxLength = limits.prompt_bytes;
  $("album-prompt-b").maxLength = limits.prompt_bytes;
  const label = (m) => `${m.id} (${m.architecture}, ${(m.parameters / 1e6).toFixed(0)}M)`;
  for (const id of ["model", "model-a", "model-b"]) fill($(id), studio.models, (m) => m.id, label);
  fill($("sonify-model"), studio.models.filter((m) => m.can_sonify), (m) => m.id, label);
  fill($("inside-model"), studio.models.filter((m) => m.can_sonify), (m) => m.id, label);
  fill($("album-model"), studio.models.filter((m) => m.can_sonify), (m) => m.id, label);
  // The default model first everywhere; B is the next model in the list.
  const preferred = models.default && studio.models.some((m) => m.id === models.default) ? models.default : (studio.models[0] || {}).id;
  for (const id of ["model", "model-a", "sonify-model", "inside-model", "album-model"]) if (preferred) $(id).value = preferred;
  const other = studio.models.find((m) => m.id !== preferred);
  if (other) $("model-b").value = other.id;
  $("model").onchange = () => loadPortrait($("model").value).catch(() => {});
  for (const id of ["genre", "compare-genre"]) fill($(id), studio.genres, (g) => g.name, (g) => `${g.name}: ${g.summary}`);
  $("compare-genre").value = genres.compare_default;
  $("server-facts").textContent = `${studio.models.length} models, ${studio.genres.length} genres`;
  document.body.dataset.ready = "true";
  if (preferred) loadPortrait(preferred).catch(() => {});
}
start().catch((e) => { $("server-facts").textContent = "cannot reach the server: " + e.message; });
