// The data page: load progress, then a table, a chart and a map, all fed by the data API.
// No inline script: URLs and UI strings come from data-* attributes of the page.
(function () {
  "use strict";

  var PAGE_SIZE = 20;

  // The data has no language of its own: on a page not in Chinese, text in Han characters is
  // marked Chinese (the rule of core.localization.label_language), for readers and translators.
  var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
  var PAGE_IN_CHINESE = /^zh/i.test(document.documentElement.lang || "");

  function el(tag, text) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) {
      node.textContent = String(text);
      if (!PAGE_IN_CHINESE && HAN.test(node.textContent)) { node.lang = "zh-Hans"; }
    }
    return node;
  }

  function getJSON(url) {
    // The API answers in the language of Accept-Language: ask for the page's, not the browser's.
    var headers = { Accept: "application/json", "Accept-Language": document.documentElement.lang };
    return fetch(url, { credentials: "same-origin", headers: headers }).then(function (response) {
      return response.json().then(function (body) {
        if (!response.ok) { throw new Error((body.error && body.error.message) || response.statusText); }
        return body;
      });
    });
  }

  // Labels in natural order: "2" before "10", "第3级" before "第10级".
  var collator = new Intl.Collator(document.documentElement.lang || undefined, { numeric: true, sensitivity: "base" });

  // What the server chose for the page (datastore.charts): the default chart and column titles.
  function preview() {
    var node = document.getElementById("datastore-preview");
    return node ? JSON.parse(node.textContent) : { chart: null, titles: {} };
  }

  function titleOf(settings, name) {
    return settings.titles[name] || name;
  }

  function withParams(base, params) {
    var query = new URLSearchParams(params).toString();
    return base + (base.indexOf("?") >= 0 ? "&" : "?") + query;
  }

  // --- load progress: polls while a load runs, offers a reload when a new version is served ---
  function watchStatus(section) {
    var url = section.dataset.datastoreStatus;
    var served = section.dataset.activeVersion;
    function show(body) {
      var latest = body.latest;
      if (latest) {
        section.querySelector("[data-field='rows_loaded']").textContent = latest.rows_loaded.toLocaleString();
        section.querySelector("[data-field='errors']").textContent = latest.errors.length ? latest.errors.join(" ") : "—";
      }
      var active = body.active;
      if (active && String(active.version) !== served) {
        section.querySelector("[data-field='reload']").hidden = false;
      }
      return latest && (latest.status === "pending" || latest.status === "loading");
    }
    function poll() {
      getJSON(url).then(function (body) {
        if (show(body)) { window.setTimeout(poll, 2000); }
      }).catch(function () { /* the numbers on the page stay as rendered */ });
    }
    poll();
  }

  // --- table ---
  function Table(root, schema, settings) {
    this.root = root;
    this.schema = schema;
    this.settings = settings;
    this.url = root.dataset.rowsUrl;
    this.table = root.querySelector("[data-role='table']");
    this.info = root.querySelector("[data-role='page-info']");
    this.error = root.querySelector("[data-role='table-error']");
    this.sort = [];
    this.filter = null;
    this.q = "";
    this.offset = 0;
    this.total = 0;
    this.head();
    this.controls();
  }

  Table.prototype.head = function () {
    var self = this;
    var row = el("tr");
    this.schema.fields.forEach(function (field) {
      var th = el("th");
      th.scope = "col";
      var button = el("button", titleOf(self.settings, field.name));
      button.type = "button";
      button.className = "sort-button";
      button.dataset.column = field.name;
      button.addEventListener("click", function () { self.toggleSort(field.name); });
      th.appendChild(button);
      row.appendChild(th);
    });
    var thead = this.table.querySelector("thead");
    thead.textContent = "";
    thead.appendChild(row);
    var select = this.root.querySelector("[data-role='filter-column']");
    this.schema.fields.forEach(function (field) {
      if (field.type === "geometry") { return; }
      var option = el("option", titleOf(self.settings, field.name));
      option.value = field.name;
      select.appendChild(option);
    });
  };

  Table.prototype.controls = function () {
    var self = this;
    var form = this.root.querySelector("[data-role='filter']");
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var value = form.querySelector("[data-role='filter-value']").value;
      self.q = form.querySelector("[data-role='q']").value.trim();
      self.filter = value === "" ? null : {
        column: form.querySelector("[data-role='filter-column']").value,
        op: form.querySelector("[data-role='filter-op']").value,
        value: value
      };
      self.offset = 0;
      self.load();
    });
    form.addEventListener("reset", function () {
      self.q = "";
      self.filter = null;
      self.offset = 0;
      window.setTimeout(function () { self.load(); }, 0);
    });
    this.root.querySelector("[data-role='prev']").addEventListener("click", function () {
      self.offset = Math.max(0, self.offset - PAGE_SIZE);
      self.load();
    });
    this.root.querySelector("[data-role='next']").addEventListener("click", function () {
      if (self.offset + PAGE_SIZE < self.total) { self.offset += PAGE_SIZE; self.load(); }
    });
  };

  Table.prototype.toggleSort = function (name) {
    var current = this.sort[0];
    if (current === name) { this.sort = ["-" + name]; }
    else if (current === "-" + name) { this.sort = []; }
    else { this.sort = [name]; }
    this.offset = 0;
    this.load();
  };

  Table.prototype.params = function () {
    var params = { limit: PAGE_SIZE, offset: this.offset };
    if (this.sort.length) { params.sort = this.sort.join(","); }
    if (this.q) { params.q = this.q; }
    if (this.filter) { params["filter[" + this.filter.column + "][" + this.filter.op + "]"] = this.filter.value; }
    return params;
  };

  Table.prototype.load = function () {
    var self = this;
    getJSON(withParams(this.url, this.params())).then(function (body) {
      self.error.hidden = true;
      self.render(body);
    }).catch(function (error) {
      self.error.textContent = self.root.dataset.textError + error.message;
      self.error.hidden = false;
    });
  };

  Table.prototype.render = function (body) {
    var self = this;
    var tbody = this.table.querySelector("tbody");
    tbody.textContent = "";
    this.total = body.total;
    body.rows.forEach(function (record) {
      var tr = el("tr");
      body.fields.forEach(function (field) {
        var value = record[field.name];
        var td = field.type === "geometry" ? self.geometryCell(value) : el("td", value === null ? "" : value);
        if (field.type === "integer" || field.type === "number") { td.className = "numeric"; }
        tr.appendChild(td);
      });
      tbody.appendChild(tr);
    });
    if (!body.rows.length) {
      var empty = el("td", this.root.dataset.textEmpty);
      empty.colSpan = body.fields.length;
      var tr = el("tr");
      tr.appendChild(empty);
      tbody.appendChild(tr);
    }
    this.table.querySelectorAll("th").forEach(function (th) {
      var name = th.querySelector("button").dataset.column;
      var state = self.sort[0] === name ? "ascending" : self.sort[0] === "-" + name ? "descending" : "none";
      th.setAttribute("aria-sort", state);
    });
    var pages = Math.max(1, Math.ceil(body.total / PAGE_SIZE));
    this.info.textContent = this.root.dataset.textPage
      .replace("{page}", String(Math.floor(this.offset / PAGE_SIZE) + 1))
      .replace("{pages}", String(pages))
      .replace("{total}", body.total.toLocaleString());
    this.root.querySelector("[data-role='prev']").disabled = this.offset === 0;
    this.root.querySelector("[data-role='next']").disabled = this.offset + PAGE_SIZE >= body.total;
  };

  // A geometry is summed up ("Polygon (42 points)") with a link to the map, never dumped as JSON.
  Table.prototype.geometryCell = function (value) {
    var td = el("td");
    var geometry = typeof value === "string" ? parseGeometry(value) : value;
    if (!geometry || !geometry.type) { return td; }
    var text = this.root.dataset.textGeometry
      .replace("{type}", geometry.type)
      .replace("{points}", countPoints(geometry.coordinates || geometry.geometries).toLocaleString());
    var map = document.getElementById("datastore-map");
    if (!map) { td.textContent = text; return td; }
    var link = el("a", text);
    link.href = "#datastore-map";
    link.title = this.root.dataset.textShowOnMap;
    td.appendChild(link);
    return td;
  };

  function parseGeometry(text) {
    try { return JSON.parse(text); } catch (error) { return null; }
  }

  function countPoints(coordinates) {
    if (!Array.isArray(coordinates)) { return 0; }
    if (coordinates.length && typeof coordinates[0] === "number") { return 1; }
    return coordinates.reduce(function (total, part) {
      return total + (part && part.type ? countPoints(part.coordinates || part.geometries) : countPoints(part));
    }, 0);
  }

  // --- chart: a grouped aggregation of the chosen columns ---
  function Chart(root, schema, settings) {
    var self = this;
    var text = root.dataset;
    this.root = root;
    this.settings = settings;
    this.url = root.dataset.aggregateUrl;
    this.node = root.querySelector("[data-role='chart']");
    this.form = root.querySelector("[data-role='chart-form']");
    var x = this.form.querySelector("[data-role='chart-x']");
    var y = this.form.querySelector("[data-role='chart-y']");
    schema.fields.forEach(function (field) {
      if (field.type === "geometry") { return; }
      var option = el("option", titleOf(settings, field.name));
      option.value = field.name;
      x.appendChild(option);
    });
    var count = el("option", text.textCount);
    count.value = "count";
    y.appendChild(count);
    schema.fields.forEach(function (field) {
      if (field.type !== "integer" && field.type !== "number") { return; }
      ["sum", "avg"].forEach(function (fn) {
        var option = el("option", self.metricLabel(fn + ":" + field.name));
        option.value = fn + ":" + field.name;
        y.appendChild(option);
      });
    });
    this.form.addEventListener("submit", function (event) {
      event.preventDefault();
      self.draw();
    });
    var chosen = settings.chart;
    if (chosen) {
      this.form.querySelector("[data-role='chart-kind']").value = chosen.kind;
      x.value = chosen.x;
      y.value = chosen.metric;
      this.draw();
    }
  }

  // "客流（合计）", "行数": the value axis named in the page's language.
  Chart.prototype.metricLabel = function (metric) {
    if (metric === "count") { return this.root.dataset.textCount; }
    var parts = metric.split(":");
    var word = parts[0] === "avg" ? this.root.dataset.textAvg : this.root.dataset.textSum;
    return this.root.dataset.textMetric.replace("{column}", titleOf(this.settings, parts.slice(1).join(":")))
      .replace("{function}", word);
  };

  Chart.prototype.draw = function () {
    var self = this;
    var kind = this.form.querySelector("[data-role='chart-kind']").value;
    var x = this.form.querySelector("[data-role='chart-x']").value;
    var metric = this.form.querySelector("[data-role='chart-y']").value;
    var resultName = metric === "count" ? "count" : metric.replace(":", "(") + ")";
    // Over time: the first 200 periods in order; over categories: the 30 largest, then in natural order.
    var overTime = this.settings.chart && this.settings.chart.over_time && this.settings.chart.x === x;
    var params = overTime ? { group_by: x, metrics: metric, sort: x, limit: 200 }
      : { group_by: x, metrics: metric, sort: "-" + resultName, limit: 30 };
    var valueLabel = this.metricLabel(metric);
    var axisLabel = titleOf(this.settings, x);
    getJSON(withParams(this.url, params)).then(function (body) {
      var valueName = body.fields[1].name;
      var rows = overTime ? body.rows : body.rows.slice().sort(function (a, b) {
        if (a[x] === null || b[x] === null) { return a[x] === null ? 1 : -1; }
        return collator.compare(String(a[x]), String(b[x]));
      });
      var labels = rows.map(function (row) { return row[x] === null ? "—" : String(row[x]); });
      var values = rows.map(function (row) { return row[valueName]; });
      self.node.dataset.points = String(values.length);
      self.node.dataset.kind = kind;
      self.node.dataset.x = x;
      self.node.dataset.metric = metric;
      self.node.dataset.labels = JSON.stringify(labels);
      var chart = window.echarts.getInstanceByDom(self.node) || window.echarts.init(self.node);
      var option = kind === "pie" ? {
        tooltip: { trigger: "item" },
        series: [{ type: "pie", radius: "65%", name: valueLabel,
                   data: labels.map(function (label, i) { return { name: label, value: values[i] }; }) }]
      } : {
        tooltip: { trigger: "axis" },
        grid: { containLabel: true, bottom: 40 },
        xAxis: { type: "category", data: labels, name: axisLabel, nameLocation: "middle", nameGap: 28 },
        yAxis: { type: "value", name: valueLabel },
        series: [{ type: kind, data: values, name: valueLabel }]
      };
      chart.setOption(option, true);
    }).catch(function (error) {
      self.node.textContent = self.root.dataset.textError + error.message;
    });
  };

  // --- map: the table's features (GeoJSON from the data API) ---
  function drawMap(root) {
    var node = root.querySelector("[data-role='map']");
    if (!node || !root.dataset.geojsonUrl || !window.L) { return; }
    var map = window.L.map(node, { preferCanvas: true });
    if (root.dataset.tileUrl) {
      window.L.tileLayer(root.dataset.tileUrl, { maxZoom: 19, attribution: root.dataset.tileAttribution }).addTo(map);
    }
    drawBoundaries(root, map, node);
    getJSON(root.dataset.geojsonUrl).then(function (collection) {
      var layer = window.L.geoJSON(collection, {
        pointToLayer: function (feature, latlng) {
          return window.L.circleMarker(latlng, { radius: 5, color: "#0b4a8b", weight: 1, fillOpacity: 0.7 });
        },
        onEachFeature: function (feature, featureLayer) {
          var lines = Object.keys(feature.properties || {}).map(function (key) {
            return key + ": " + feature.properties[key];
          });
          featureLayer.bindTooltip(lines.join("\n"));
        }
      }).addTo(map);
      node.dataset.features = String(collection.features.length);
      var bounds = layer.getBounds();
      if (bounds.isValid()) { map.fitBounds(bounds, { padding: [20, 20], maxZoom: 15 }); } else { map.setView([0, 0], 1); }
    });
  }

  // The offline base layer: vendored country outlines (world-atlas TopoJSON), beneath the data.
  function drawBoundaries(root, map, node) {
    if (!root.dataset.boundariesUrl || !window.topojson) { return; }
    map.createPane("boundaries").style.zIndex = 250;
    fetch(root.dataset.boundariesUrl).then(function (response) { return response.json(); }).then(function (topology) {
      var outlines = window.topojson.feature(topology, topology.objects.countries);
      window.L.geoJSON(outlines, {
        pane: "boundaries", interactive: false,
        style: { color: "#8a9bb0", weight: 1, fillColor: "#ffffff", fillOpacity: 1 }
      }).addTo(map);
      node.dataset.boundaries = String(outlines.features.length);
    }).catch(function () { /* the data still shows without outlines */ });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var status = document.querySelector("[data-datastore-status]");
    if (status) { watchStatus(status); }
    var root = document.getElementById("datastore");
    if (!root) { return; }
    getJSON(root.dataset.schemaUrl).then(function (schema) {
      var settings = preview();
      new Table(root, schema, settings).load();
      if (window.echarts) { new Chart(root, schema, settings); }
      drawMap(root);
    });
  });
})();
