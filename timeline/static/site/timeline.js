/* The interactive timeline: vis-timeline over /timeline/data/, one lane per
   kind. Each time the view settles, the window in view (with a margin) is
   asked for again with the page's filters; the server answers events or, when
   too many, counts per kind and period. */
(function () {
  "use strict";
  var configElement = document.getElementById("timeline-config");
  var container = document.getElementById("timeline");
  if (!configElement || !container || typeof vis === "undefined") return;
  var config = JSON.parse(configElement.textContent);
  var note = document.getElementById("timeline-note");
  var strings = config.strings || {};
  var items = new vis.DataSet();
  var groups = new vis.DataSet();
  var DAY = 86400000;

  function parseDay(text) {
    var parts = text.split("-").map(Number);
    var day = new Date(Date.UTC(2000, parts[1] - 1, parts[2]));
    day.setUTCFullYear(parts[0]);
    return day;
  }
  function isoDay(date) {
    var year = date.getUTCFullYear();
    var text = new Date(Date.UTC(2000, date.getUTCMonth(), date.getUTCDate()))
      .toISOString().slice(4, 10);
    return String(Math.min(Math.max(year, 1), 9999)).padStart(4, "0") + text;
  }

  var start = parseDay(config.start);
  var end = new Date(parseDay(config.end).getTime() + DAY);
  var span = Math.max(end - start, 30 * DAY);
  var options = {
    start: new Date(start.getTime() - span * 0.03),
    end: new Date(end.getTime() + span * 0.03),
    zoomMin: 7 * DAY,
    zoomMax: 200 * 365 * DAY,
    stack: true,
    orientation: { axis: "top" },
    margin: { item: { horizontal: 2, vertical: 4 } },
    minHeight: 200,
    moment: function (date) { return vis.moment(date).utc(); },
    tooltip: { followMouse: true, overflowMethod: "cap" },
    selectable: true,
    showCurrentTime: false
  };
  if (config.lang && config.lang.indexOf("zh") === 0) {
    options.format = {
      minorLabels: { day: "D日", weekday: "D日", week: "w周", month: "M月", year: "YYYY年" },
      majorLabels: { day: "YYYY年M月", weekday: "YYYY年M月", week: "YYYY年M月", month: "YYYY年", year: "" }
    };
  }
  var timeline = new vis.Timeline(container, items, groups, options);
  var pending = null;
  var generation = 0;

  function say(text) { if (note) note.textContent = text || ""; }

  function load() {
    var range = timeline.getWindow();
    var width = range.end - range.start;
    var from = new Date(range.start.getTime() - width * 0.5);
    var to = new Date(range.end.getTime() + width * 0.5);
    var query = "start=" + isoDay(from) + "&end=" + isoDay(to);
    if (config.query) query += "&" + config.query;
    var mine = ++generation;
    container.setAttribute("data-loading", "1");
    say(strings.loading);
    fetch(config.dataUrl + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (data) {
        if (mine !== generation) return;
        groups.clear();
        groups.add(data.groups);
        items.clear();
        items.add(data.items);
        container.setAttribute("data-unit", data.unit);
        container.setAttribute("data-items", String(data.items.length));
        container.removeAttribute("data-loading");
        if (data.aggregated) say(data.note);
        else if (!data.items.length) say(strings.empty);
        else say((strings.shown || "").replace("%(count)s", data.items.length));
      })
      .catch(function () {
        if (mine !== generation) return;
        container.removeAttribute("data-loading");
        say(strings.failed);
      });
  }

  timeline.on("rangechanged", function () {
    window.clearTimeout(pending);
    pending = window.setTimeout(load, 150);
  });
  timeline.on("select", function (properties) {
    var item = items.get(properties.items[0]);
    if (item && item.url) window.location.href = item.url;
  });
  load();
})();
