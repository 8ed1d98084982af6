// Filters of the findings table: each <select data-filter="X"> keeps the rows
// whose data-X equals its value (an empty value keeps all). No library, no network.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  if (!form) { return; }
  var selects = Array.prototype.slice.call(form.querySelectorAll("select[data-filter]"));
  var rows = Array.prototype.slice.call(document.querySelectorAll("#findings-table tr.finding"));
  var count = document.getElementById("filter-count");
  var empty = document.getElementById("filter-empty");

  function apply() {
    var shown = 0;
    rows.forEach(function (row) {
      var keep = selects.every(function (select) {
        return !select.value || row.getAttribute("data-" + select.getAttribute("data-filter")) === select.value;
      });
      row.hidden = !keep;
      if (keep) { shown += 1; }
    });
    count.textContent = String(shown);
    empty.hidden = shown !== 0;
  }

  selects.forEach(function (select) { select.addEventListener("change", apply); });
  form.addEventListener("submit", function (event) { event.preventDefault(); });
  document.getElementById("filter-reset").addEventListener("click", function () {
    selects.forEach(function (select) { select.value = ""; });
    apply();
  });
  Array.prototype.forEach.call(document.querySelectorAll("button[data-show-department]"), function (button) {
    button.addEventListener("click", function () {
      selects.forEach(function (select) {
        select.value = select.getAttribute("data-filter") === "department" ? button.getAttribute("data-show-department") : "";
      });
      apply();
      document.getElementById("findings").scrollIntoView();
    });
  });
  apply();
}());
