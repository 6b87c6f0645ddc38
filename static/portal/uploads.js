// Upload forms: a progress bar while the file goes up (XMLHttpRequest upload events) and the size
// limit checked before sending. Without scripts, or without a chosen file, the form posts as usual.
(function () {
  "use strict";

  function formatBytes(bytes) {
    var units = ["B", "KB", "MB", "GB", "TB"];
    var i = 0;
    while (bytes >= 1024 && i < units.length - 1) { bytes /= 1024; i += 1; }
    return (i ? bytes.toFixed(1) : String(bytes)) + " " + units[i];
  }

  function chosenFiles(form) {
    var files = [];
    form.querySelectorAll("input[type='file']").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (file) { files.push(file); });
    });
    return files;
  }

  function formData(form, submitter) {
    try { return new FormData(form, submitter); } catch (error) { return new FormData(form); }
  }

  // The answer replaces the page: a redirect's target is opened, a form with errors is shown as sent.
  function showAnswer(xhr, form) {
    var action = new URL(form.getAttribute("action") || window.location.href, window.location.href);
    if (xhr.responseURL && xhr.responseURL !== action.href) {
      window.location.assign(xhr.responseURL);
      return;
    }
    document.open();
    document.write(xhr.responseText);
    document.close();
  }

  function watch(form, panel) {
    var bar = panel.querySelector("progress");
    var text = panel.querySelector(".upload-progress-text");
    var limit = Number(panel.dataset.limit);
    form.addEventListener("submit", function (event) {
      var files = chosenFiles(form);
      if (!files.length || !window.FormData) { return; }
      event.preventDefault();
      panel.hidden = false;
      var total = files.reduce(function (sum, file) { return sum + file.size; }, 0);
      if (files.some(function (file) { return file.size > limit; })) {
        panel.dataset.state = "too-large";
        text.textContent = panel.dataset.textTooLarge;
        return;
      }
      var submit = form.querySelector("[type='submit']");
      if (submit) { submit.disabled = true; }
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.getAttribute("action") || window.location.href);
      xhr.upload.addEventListener("progress", function (progress) {
        var sent = progress.lengthComputable ? progress.loaded : 0;
        var size = progress.lengthComputable ? progress.total : total;
        var percent = size ? Math.min(100, Math.round(sent * 100 / size)) : 0;
        bar.value = percent;
        panel.dataset.state = "uploading";
        text.textContent = panel.dataset.textProgress.replace("{percent}", percent + "%")
          .replace("{sent}", formatBytes(sent)).replace("{total}", formatBytes(size));
      });
      xhr.upload.addEventListener("load", function () {
        bar.value = 100;
        panel.dataset.state = "processing";
        text.textContent = panel.dataset.textProcessing;
      });
      xhr.addEventListener("load", function () { showAnswer(xhr, form); });
      xhr.addEventListener("error", function () {
        panel.dataset.state = "failed";
        text.textContent = panel.dataset.textFailed;
        if (submit) { submit.disabled = false; }
      });
      xhr.send(formData(form, event.submitter));
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-upload-progress]").forEach(function (panel) {
      var form = panel.closest("form");
      if (form && !form.dataset.uploadWatched) {
        form.dataset.uploadWatched = "true";
        watch(form, panel);
      }
    });
  });
})();
