// Key pages: the copy button of the one-time key. Without scripts the key stays selectable text.
(function () {
  "use strict";

  function selectText(node) {
    var range = document.createRange();
    range.selectNodeContents(node);
    var selection = window.getSelection();
    selection.removeAllRanges();
    selection.addRange(range);
  }

  function copy(text, node) {
    if (navigator.clipboard && window.isSecureContext) { return navigator.clipboard.writeText(text); }
    // Plain-HTTP pages have no Clipboard API: select the text and ask for the old copy command.
    selectText(node);
    return document.execCommand("copy") ? Promise.resolve() : Promise.reject(new Error("copy"));
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-copy]").forEach(function (button) {
      var source = document.querySelector(button.dataset.copy);
      var status = document.querySelector("[data-role='copy-status']");
      if (!source) { return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        copy(source.textContent.trim(), source).then(function () {
          status.textContent = button.dataset.textCopied;
          button.dataset.copied = "true";
        }, function () {
          selectText(source);
          status.textContent = button.dataset.textFailed;
        });
      });
    });
  });
})();
