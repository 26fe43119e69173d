// The explorer page's glue: builds plotly charts from the embedded data (see explorer.py).
// Plotly draws every chart; this script only picks what to draw and wires the controls.
"use strict";
// Plotly's geo maps fetch a world base map from a CDN unless one is registered: an empty one is,
// since the page draws only the study area's own polygons (offline, no tile or map service).
window.PlotlyGeoAssets = window.PlotlyGeoAssets || { topojson: {} };
window.PlotlyGeoAssets.topojson.world_110m = { type: "Topology", objects: {}, arcs: [] };
(function () {
  const blob = JSON.parse(document.getElementById("explorer-data").textContent);
  const D = blob.data, shapes = blob.shapes;
  const state = { lang: "zh", measure: "total", year: D.years[D.years.length - 1], a: null, b: null, ready: false };
  const $ = (id) => document.getElementById(id);
  const L = (key) => D.labels[state.lang][key] || key;
  const cityName = (code) => {
    const c = D.cities.find((x) => x.code === code);
    return c ? c[state.lang] : code;
  };
  const FONT = { family: '"Explorer CJK", sans-serif' };  // the CJK subset embedded in the page
  const fmt = (v, digits) => (v === null || v === undefined ? "–" : Number(v).toFixed(digits));
  // plotly's toolbar (modebar) takes the top TOOLBAR px of every chart; titles sit below it, just
  // above the plotting area, left-aligned, so that a narrow chart's title is never drawn under it
  const TOOLBAR = 28;
  const titled = (text) => ({ text: text, x: 0, xref: "paper", xanchor: "left", y: 1, yref: "paper",
    yanchor: "bottom", pad: { b: 6 } });
  const CONFIG = { displaylogo: false, responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "zoomIn2d", "zoomOut2d", "autoScale2d"] };

  // class of a value: index of the first upper bound >= value (the maps' classes)
  function classOf(measure, value) {
    if (value === null || value === undefined) return null;
    const b = D.breaks[measure];
    for (let i = 0; i < b.length; i++) if (value <= b[i] + 1e-12) return i;
    return b.length - 1;
  }
  function colourscale(measure) {
    const colours = D.colours[measure], n = colours.length, scale = [];
    colours.forEach((c, i) => { scale.push([i / n, c]); scale.push([(i + 1) / n, c]); });
    return scale;
  }
  function legendText(measure) {
    const b = D.breaks[measure];
    const lows = D.years.flatMap((y) => Object.values(D.values[measure][String(y)]));
    const edges = [Math.min(...lows.filter((v) => v !== null))].concat(b);
    return b.map((_, i) => fmt(edges[i], 3) + "–" + fmt(edges[i + 1], 3));
  }
  function yearTrace(measure, year) {
    const codes = D.cities.map((c) => c.code), y = String(year);
    const values = codes.map((c) => D.values[measure][y][c]);
    return {
      z: codes.map((c, i) => classOf(measure, values[i])),
      customdata: codes.map((c, i) => [cityName(c), fmt(values[i], 4), D.rank[y][c], L(D.tier[y] ? D.tier[y][c] : "")]),
    };
  }
  function drawMap() {
    const m = state.measure, codes = D.cities.map((c) => c.code), n = D.breaks[m].length;
    const first = yearTrace(m, state.year);
    const trace = {
      type: "choropleth", geojson: shapes, featureidkey: "properties.admin_code", locations: codes,
      z: first.z, customdata: first.customdata, zmin: 0, zmax: n, colorscale: colourscale(m),
      marker: { line: { color: "white", width: 0.6 } },
      hovertemplate: "%{customdata[0]}<br>" + L("value") + ": %{customdata[1]}<br>" + L("rank") +
        ": %{customdata[2]}<br>" + L("tier") + ": %{customdata[3]}<extra></extra>",
      colorbar: {
        title: { text: L(m) }, tickvals: legendText(m).map((_, i) => i + 0.5), ticktext: legendText(m), len: 0.8,
      },
    };
    const frames = D.years.map((y) => ({ name: String(y), data: [yearTrace(m, y)] }));
    const steps = D.years.map((y) => ({
      label: String(y), method: "animate",
      args: [[String(y)], { mode: "immediate", frame: { duration: 0, redraw: true }, transition: { duration: 0 } }],
    }));
    const layout = {
      font: FONT, hoverlabel: { font: FONT }, margin: { l: 0, r: 0, t: TOOLBAR + 30, b: 0 }, height: 560,
      title: titled(L(m) + " · " + state.year),
      geo: { scope: "world", resolution: 110, fitbounds: "locations", visible: false, projection: { type: "mercator" } },
      sliders: [{ active: D.years.indexOf(state.year), steps: steps, currentvalue: { prefix: L("year") + ": " },
        x: 0.2, len: 0.8, pad: { t: 10 } }],
      updatemenus: [{ type: "buttons", direction: "left", showactive: false, x: 0, y: 0, xanchor: "left",
        yanchor: "top", pad: { t: 40 }, buttons: [
          { label: L("play"), method: "animate", args: [null, { fromcurrent: true, frame: { duration: 700, redraw: true }, transition: { duration: 0 } }] },
          { label: L("pause"), method: "animate", args: [[null], { mode: "immediate", frame: { duration: 0, redraw: false } }] },
        ] }],
    };
    const map = $("map");
    Plotly.newPlot(map, [trace], layout, CONFIG).then(() => {
      Plotly.addFrames(map, frames);
      map.removeAllListeners && map.removeAllListeners("plotly_click");
      map.on("plotly_click", (event) => {
        const code = event.points[0].location;
        if (state.a === null || state.a === code) state.a = code; else state.a = code;
        drawProfiles();
      });
      map.on("plotly_sliderchange", (event) => {
        state.year = Number(event.step.label);
        Plotly.relayout(map, { "title.text": L(state.measure) + " · " + state.year });
      });
      map.on("plotly_animated", () => {
        const label = map.layout.sliders[0].steps[map.layout.sliders[0].active].label;
        state.year = Number(label);
      });
      state.ready = true;  // the map answers clicks from here on
    });
  }

  function profile(element, code) {
    element.replaceChildren();
    if (code === null) return;
    const head = document.createElement("h2");
    head.textContent = cityName(code) + " (" + code + ")";
    element.appendChild(head);
    const years = D.years.map(String);
    // the six measures over the years
    const lines = D.measures.map((m) => ({
      type: "scatter", mode: "lines+markers", name: L(m), x: D.years, y: years.map((y) => D.values[m][y][code]),
      line: { color: D.line_colours[m], width: m === "total" ? 3 : 1.5 },
    }));
    const chart = document.createElement("div");
    chart.className = "chart";
    element.appendChild(chart);
    Plotly.newPlot(chart, lines, { font: FONT, hoverlabel: { font: FONT }, title: titled(L("measures_over_time")),
      height: 300, margin: { l: 50, r: 10, t: TOOLBAR + 30, b: 30 }, legend: { orientation: "h" } }, CONFIG);
    // rank with its 5-95 % interval
    const iv = D.interval, hasIv = years.some((y) => iv.p05_rank[y] && iv.p05_rank[y][code] !== undefined);
    const rankTrace = { type: "scatter", mode: "lines+markers", name: L("rank"), x: D.years,
      y: years.map((y) => D.rank[y][code]) };
    if (hasIv) {
      rankTrace.error_y = { type: "data", symmetric: false,
        array: years.map((y) => (iv.p95_rank[y] ? iv.p95_rank[y][code] - D.rank[y][code] : null)),
        arrayminus: years.map((y) => (iv.p05_rank[y] ? D.rank[y][code] - iv.p05_rank[y][code] : null)) };
    }
    const rankChart = document.createElement("div");
    rankChart.className = "chart";
    element.appendChild(rankChart);
    Plotly.newPlot(rankChart, [rankTrace], { font: FONT, hoverlabel: { font: FONT }, title: titled(L("interval")),
      height: 250,
      yaxis: { autorange: "reversed", title: { text: L("rank") } }, margin: { l: 50, r: 10, t: TOOLBAR + 30, b: 30 } },
    CONFIG);
    // table: year, total, rank, interval, tier
    const table = document.createElement("table");
    table.className = "values";
    const header = [L("year"), ...D.measures.map(L), L("rank"), L("interval"), L("tier")];
    table.appendChild(row(header, "th"));
    years.forEach((y) => {
      const p05 = iv.p05_rank[y] ? iv.p05_rank[y][code] : undefined, p95 = iv.p95_rank[y] ? iv.p95_rank[y][code] : undefined;
      const cells = [y, ...D.measures.map((m) => fmt(D.values[m][y][code], 4)), String(D.rank[y][code]),
        p05 === undefined ? "–" : p05 + "–" + p95, L(D.tier[y] ? D.tier[y][code] : "")];
      const tr = row(cells, "td");
      tr.dataset.year = y;
      table.appendChild(tr);
    });
    element.appendChild(table);
    // top obstacle factors by year
    const obstacles = document.createElement("details");
    const sum = document.createElement("summary");
    sum.textContent = L("obstacles");
    obstacles.appendChild(sum);
    const ot = document.createElement("table");
    Object.entries(D.obstacles[code] || {}).forEach(([y, tops]) => {
      ot.appendChild(row([y, ...tops.map((t) => D.indicator_names[t[0]][state.lang === "zh" ? 0 : 1] + " " + fmt(t[1], 1))],
        "td"));
    });
    obstacles.appendChild(ot);
    element.appendChild(obstacles);
    // data-quality notes of imputed cells
    const notes = document.createElement("details");
    const ns = document.createElement("summary");
    const list = D.notes[code] || [];
    ns.textContent = L("notes") + " (" + list.length + ")";
    notes.appendChild(ns);
    if (list.length === 0) {
      const p = document.createElement("p");
      p.textContent = L("no_notes");
      notes.appendChild(p);
    } else {
      const nt = document.createElement("table");
      list.forEach((n) => nt.appendChild(row([String(n.year), n.indicator, n.cause, n.field, n.where, n.note], "td")));
      notes.appendChild(nt);
    }
    element.appendChild(notes);
  }
  function row(cells, tag) {
    const tr = document.createElement("tr");
    cells.forEach((text) => {
      const cell = document.createElement(tag);
      cell.textContent = text;
      tr.appendChild(cell);
    });
    return tr;
  }
  function drawProfiles() {
    $("hint").hidden = state.a !== null;
    // columns first: a chart takes the width its column has when it is drawn
    $("profiles").classList.toggle("two", state.b !== null);
    profile($("profile-a"), state.a);
    profile($("profile-b"), state.b);
  }
  function fillControls() {
    $("title").textContent = L("title");
    $("language").textContent = L("language");
    $("measure-label").textContent = L("measure");
    $("compare-label").textContent = L("compare");
    $("hint").textContent = L("click_hint");
    const measure = $("measure");
    measure.replaceChildren(...D.measures.map((m) => new Option(L(m), m, false, m === state.measure)));
    const compare = $("compare");
    compare.replaceChildren(new Option(L("none"), ""), ...D.cities.map((c) => new Option(c[state.lang] + " " + c.code,
      c.code, false, c.code === state.b)));
    const banner = $("banner");
    banner.hidden = !D.dataset.synthetic;
    banner.textContent = L("synthetic_banner");
    const footer = $("footer"), colon = L("colon");
    footer.replaceChildren();
    const name = document.createElement("p");
    name.textContent = L("dataset") + colon + D.dataset.name;
    footer.appendChild(name);
    const settings = document.createElement("p");  // in the page's language, as the rest of it
    settings.textContent = L("settings") + colon +
      D.settings[state.lang].map(([k, v]) => k + " " + v).join(" · ");
    footer.appendChild(settings);
    document.documentElement.lang = state.lang;
  }
  $("measure").addEventListener("change", (e) => { state.measure = e.target.value; state.ready = false; drawMap(); });
  $("compare").addEventListener("change", (e) => { state.b = e.target.value || null; drawProfiles(); });
  $("language").addEventListener("click", () => {
    state.lang = state.lang === "zh" ? "en" : "zh";
    state.ready = false;
    fillControls();
    drawMap();
    drawProfiles();
  });
  window.explorer = { state: state, data: D };
  fillControls();
  drawMap();
  drawProfiles();
})();
