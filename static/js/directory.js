/*
 * Live filtering of the directory. htmx sends the filter form on every change and swaps the
 * server-rendered results (the "results" partial) into #results-region. Without JavaScript the
 * same form is an ordinary GET form.
 *
 * After a swap: the result count is read out through a live region, errors left over from the
 * previous URL are cleared from the form, and the map is told the new GeoJSON address.
 */
(function () {
  "use strict";

  document.addEventListener("htmx:afterSwap", function (event) {
    var region = document.getElementById("results-region");
    if (!region || event.target !== region) {
      return;
    }
    var results = document.getElementById("results");
    var count = region.querySelector("[data-result-count]");
    var status = document.getElementById("results-status");
    if (status && count) {
      status.textContent = count.textContent.trim();
    }

    var form = document.getElementById("filter-form");
    if (form) {
      form.querySelectorAll(".field-error").forEach(function (error) {
        error.remove();
      });
      form.querySelectorAll("[aria-invalid]").forEach(function (field) {
        field.removeAttribute("aria-invalid");
        field.removeAttribute("aria-describedby");
      });
      form.querySelectorAll(".field-invalid").forEach(function (field) {
        field.classList.remove("field-invalid");
      });
    }

    if (results && results.dataset.geojsonUrl) {
      document.dispatchEvent(
        new CustomEvent("interstices:filters-changed", {
          detail: { geojsonUrl: results.dataset.geojsonUrl },
        })
      );
    }
  });
})();
