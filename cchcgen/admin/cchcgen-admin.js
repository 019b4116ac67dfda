// cchcgen's part of the browser admin (/quan-tri/), loaded before Decap CMS.
// Decap CMS edits files whose top is a mapping; content/indices.yaml is a YAML list.
// The "yaml-list" format shows such a file as a mapping with one list, "items", and
// writes the list back as the file's top (js-yaml, vendored beside this script).
"use strict";
window.CMS_MANUAL_INIT = true;
window.addEventListener("load", function () {
  var CMS = window.CMS;
  var jsyaml = window.jsyaml;
  CMS.registerCustomFormat("yaml-list", "yaml", {
    fromFile: function (text) {
      var found = jsyaml.load(text || "") || [];
      return { items: Array.isArray(found) ? found : [] };
    },
    toFile: function (data) {
      var items = (data && data.items) || [];
      return items.length ? jsyaml.dump(items, { lineWidth: -1 }) : "[]\n";
    },
  });
  CMS.init();
  new MutationObserver(nameControls).observe(document.body, { childList: true, subtree: true });
});

// Decap CMS leaves two controls of its Markdown editor without a name (axe-core:
// aria-input-field-name, button-name, aria-required-attr): the text area is named after its
// field's label, the "Markdown" switch after what it does, with its state.
function nameControls() {
  document.querySelectorAll("[data-slate-editor=true]:not([aria-label])").forEach(function (box) {
    var field = box.closest("[class*=ControlContainer]");
    var label = field && field.querySelector("label");
    box.setAttribute("aria-label", label ? label.textContent : "Nội dung");
  });
  document.querySelectorAll("button[role=switch]:not([aria-checked])").forEach(function (button) {
    if (!button.closest("[class*=Toolbar]")) return;
    button.setAttribute("aria-label", "Soạn ở dạng Markdown");
    button.setAttribute("aria-checked", "false");
    button.addEventListener("click", function () {
      var on = button.getAttribute("aria-checked") === "true";
      button.setAttribute("aria-checked", on ? "false" : "true");
    });
  });
}
