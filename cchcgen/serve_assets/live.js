// cchcgen serve: reload this page after each rebuild, and show a failed build's errors
// (file:line:column, message, hint) over the last good page until they are fixed.
// Only the preview server adds this script; built sites never contain it.
(function () {
  "use strict";
  var panel = null;
  function show(title, errors) {
    if (!panel) {
      panel = document.createElement("div");
      panel.id = "cchcgen-build-errors";
      panel.setAttribute("role", "alert");
      panel.style.cssText = "position:fixed;inset:auto 0 0 0;max-height:60vh;overflow:auto;" +
        "background:#1b1b1b;color:#fff;font:14px/1.5 monospace;padding:1rem;z-index:2147483647;" +
        "border-top:4px solid #f2b705;white-space:pre-wrap";
      document.body.appendChild(panel);
    }
    panel.textContent = title + "\n\n" + errors.join("\n\n");
  }
  // the build this page was served from, and its file under the output folder: a newer
  // good build reloads the page, and so does a rebuild under way that writes it again
  var script = document.currentScript;
  var served = Number(script.getAttribute("data-build"));
  var page = encodeURIComponent(script.getAttribute("data-page") || "");
  function wait(since) {
    fetch("/__cchcgen/wait?since=" + since + "&served=" + served + "&page=" + page,
      { cache: "no-store" })
      .then(function (response) { return response.json(); })
      .then(function (state) {
        var ended = state.generation > served && !state.errors.length;
        if (ended || state.page > served) {
          window.location.reload();
          return;
        }
        if (state.errors.length) show(state.title, state.errors);
        else if (panel) { panel.remove(); panel = null; }
        wait(state.generation);
      })
      .catch(function () { setTimeout(function () { wait(since); }, 1000); });
  }
  wait(-1);
})();
