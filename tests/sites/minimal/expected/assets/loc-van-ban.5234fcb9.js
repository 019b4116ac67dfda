// Filter a section's documents by type and issuer. The list works without this script
// (the years are plain links to the year pages); the form stays hidden until the script
// runs. A filter can be shared as a link: ?loai=QĐ&co-quan=<issuer>.
(function () {
  "use strict";
  var form = document.querySelector("form.doc-filter");
  if (!form) return;
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-key]"));
  var status = form.querySelector(".filter-status");
  var items = Array.prototype.slice.call(document.querySelectorAll(".plan-year .plan-item"));
  var years = Array.prototype.slice.call(document.querySelectorAll(".plan-year"));

  function matches(item) {
    return selects.every(function (select) {
      var key = "data-" + select.getAttribute("data-key");
      return !select.value || item.getAttribute(key) === select.value;
    });
  }

  function apply() {
    var shown = 0;
    items.forEach(function (item) {
      var match = matches(item);
      item.hidden = !match;
      if (match) shown += 1;
    });
    years.forEach(function (year) {
      year.hidden = !year.querySelector(".plan-item:not([hidden])");
    });
    var active = selects.some(function (select) { return select.value; });
    if (!active) {
      status.textContent = "";
    } else if (shown) {
      status.textContent = form.getAttribute("data-result").replace("{count}", String(shown));
    } else {
      status.textContent = form.getAttribute("data-none");
    }
  }

  var params = new URLSearchParams(window.location.search);
  selects.forEach(function (select) {
    var wanted = params.get(select.name);
    if (wanted && select.querySelector('option[value="' + CSS.escape(wanted) + '"]')) {
      select.value = wanted;
    }
    select.addEventListener("change", apply);
  });
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  apply();
})();
