// Search-box suggestions (progressive enhancement: the search page works without it).
(function () {
  "use strict";
  var DELAY_MS = 150;

  function datasetUrl(template, identifier) {
    var path = identifier.split("/").map(encodeURIComponent).join("/");
    return template.replace("__identifier__", path);
  }

  function suggestionUrl(input, item) {
    if (item.kind === "dataset") { return datasetUrl(input.dataset.datasetUrl, item.value); }
    var filter = item.kind === "organization" ? "organization" : "keyword";
    return input.dataset.searchUrl + "?" + filter + "=" + encodeURIComponent(item.value);
  }

  function setup(input) {
    var list = document.getElementById(input.getAttribute("aria-controls"));
    var timer = null, request = 0, active = -1;

    function options() { return list.querySelectorAll("[role='option']"); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      var items = options();
      if (!items.length) { return; }
      active = (index + items.length) % items.length;
      items.forEach(function (item, i) { item.setAttribute("aria-selected", i === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", items[active].id);
    }

    function render(results) {
      list.textContent = "";
      results.forEach(function (item, index) {
        var option = document.createElement("li");
        option.id = "search-suggestion-" + index;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var link = document.createElement("a");
        link.href = suggestionUrl(input, item);
        link.tabIndex = -1;
        link.textContent = item.label;
        var kind = document.createElement("span");
        kind.className = "suggestion-kind";
        kind.textContent = list.dataset["kind" + item.kind.charAt(0).toUpperCase() + item.kind.slice(1)] || "";
        link.appendChild(kind);
        option.appendChild(link);
        list.appendChild(option);
      });
      if (results.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
      } else {
        close();
      }
    }

    function fetchSuggestions() {
      var text = input.value.trim();
      var mine = ++request;
      if (!text) { close(); return; }
      // The API answers in the language of Accept-Language: ask for the page's, not the browser's.
      var headers = {"Accept": "application/json", "Accept-Language": document.documentElement.lang};
      fetch(input.dataset.suggestUrl + "?q=" + encodeURIComponent(text), {headers: headers})
        .then(function (response) { return response.ok ? response.json() : {results: []}; })
        .then(function (body) { if (mine === request) { render(body.results || []); } })
        .catch(close);
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(fetchSuggestions, DELAY_MS);
    });
    input.addEventListener("keydown", function (event) {
      if (list.hidden) { return; }
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        event.preventDefault();
        highlight(active + (event.key === "ArrowDown" ? 1 : -1));
      } else if (event.key === "Enter" && active >= 0) {
        event.preventDefault();
        window.location.href = options()[active].querySelector("a").href;
      } else if (event.key === "Escape") {
        close();
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 200); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("input[data-suggest-url]").forEach(setup);
  });
})();
