// Progressive enhancement only: every page works without this script.
(function () {
  "use strict";
  document.documentElement.classList.add("js");

  document.addEventListener("DOMContentLoaded", function () {
    // Sort and page-size selects apply on change; their submit button is hidden when scripts run.
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });

    // "Show more" of a facet is a native <details>; with scripts its summary says "show less" once open.
    document.querySelectorAll("details.facet-more").forEach(function (details) {
      var summary = details.querySelector("summary");
      var closedLabel = summary.textContent;
      details.addEventListener("toggle", function () {
        summary.textContent = details.open ? summary.dataset.labelOpen : closedLabel;
      });
    });

    // The add-resource form shows only the inputs of the chosen kind (file or link).
    document.querySelectorAll("form[data-resource-form]").forEach(function (form) {
      var radios = form.querySelectorAll("input[name='kind']");
      if (!radios.length) { return; }
      var fileField = form.querySelector("[data-field='file']");
      var urlField = form.querySelector("[data-field='url']");
      function sync() {
        var checked = form.querySelector("input[name='kind']:checked");
        var kind = checked ? checked.value : "file";
        if (fileField) { fileField.hidden = kind !== "file"; }
        if (urlField) { urlField.hidden = kind !== "url"; }
      }
      radios.forEach(function (radio) { radio.addEventListener("change", sync); });
      sync();
    });
  });
})();
