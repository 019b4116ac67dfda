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
});
