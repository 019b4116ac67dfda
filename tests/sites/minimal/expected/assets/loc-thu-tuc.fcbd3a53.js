// Filter-as-you-type for the procedure catalogue. The full list works without this
// script: the form stays hidden until the script runs. Matching ignores case and
// diacritics and reads "d" for "đ", the same folding the build applied to each row's
// data-filter text, so "dang ky khai sinh" finds "Đăng ký khai sinh".
(function () {
  "use strict";
  var form = document.querySelector("form.proc-filter");
  if (!form) return;
  var input = form.querySelector("input");
  var status = form.querySelector(".filter-status");
  var rows = Array.prototype.slice.call(document.querySelectorAll("tr[data-filter]"));
  var sections = Array.prototype.slice.call(document.querySelectorAll(".proc-sector"));

  function fold(text) {
    return text.replace(/đ/g, "d").replace(/Đ/g, "D").normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/\s+/g, " ").trim();
  }

  function apply() {
    var words = fold(input.value).split(" ").filter(Boolean);
    var shown = 0;
    rows.forEach(function (row) {
      var text = row.getAttribute("data-filter");
      var match = words.every(function (word) { return text.indexOf(word) !== -1; });
      row.hidden = !match;
      if (match) shown += 1;
    });
    sections.forEach(function (section) {
      var visible = section.querySelectorAll("tr[data-filter]:not([hidden])").length;
      section.hidden = visible === 0;
      var count = section.querySelector(".proc-count");
      if (count) count.textContent = String(visible);
    });
    if (!words.length) {
      status.textContent = "";
    } else if (shown) {
      status.textContent = form.getAttribute("data-result").replace("{count}", String(shown));
    } else {
      status.textContent = form.getAttribute("data-none");
    }
  }

  var params = new URLSearchParams(window.location.search);
  if (params.get("q")) input.value = params.get("q");
  form.hidden = false;
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  input.addEventListener("input", apply);
  apply();
})();
