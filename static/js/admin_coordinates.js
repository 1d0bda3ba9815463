/*
 * Site admin: pick a site's coordinates on a map. The latitude and longitude inputs stay the
 * source of truth and usable by keyboard; the map is a complement.
 *
 * Settings come from data- attributes on the latitude input (the CSP forbids inline scripts):
 *   data-coordinates-map   the map's accessible name
 *   data-tile-url, data-tile-attribution, data-help
 * A click on the map (or dragging the marker) writes both inputs; typing in them moves the marker.
 */
(function () {
  "use strict";

  var FRANCE_CENTER = [46.6, 2.4];

  function start() {
    var lat = document.querySelector("input[data-coordinates-map]");
    var lon = document.getElementById("id_longitude");
    if (!window.L || !lat || !lon) {
      return;
    }
    var row = lat.closest(".form-row") || lat.parentElement;
    var box = document.createElement("div");
    box.className = "coordinates-map";
    box.setAttribute("role", "region");
    box.setAttribute("aria-label", lat.dataset.coordinatesMap);
    var help = document.createElement("p");
    help.className = "help";
    help.textContent = lat.dataset.help || "";
    // A row of its own after the inputs' row (a flex row in the admin's fieldsets).
    var mapRow = document.createElement("div");
    mapRow.className = "form-row coordinates-map-row";
    mapRow.appendChild(help);
    mapRow.appendChild(box);
    row.parentNode.insertBefore(mapRow, row.nextSibling);

    var map = L.map(box, { scrollWheelZoom: false });
    L.tileLayer(lat.dataset.tileUrl, {
      attribution: lat.dataset.tileAttribution,
      maxZoom: 19,
    }).addTo(map);
    var marker = null;

    function read() {
      var y = parseFloat(String(lat.value).replace(",", "."));
      var x = parseFloat(String(lon.value).replace(",", "."));
      return isFinite(y) && isFinite(x) ? L.latLng(y, x) : null;
    }

    function write(point) {
      lat.value = point.lat.toFixed(6);
      lon.value = point.lng.toFixed(6);
      lat.dispatchEvent(new Event("change", { bubbles: true }));
    }

    function place(point) {
      if (!marker) {
        marker = L.marker(point, { draggable: true, keyboard: false }).addTo(map);
        marker.on("dragend", function () {
          write(marker.getLatLng());
        });
      } else {
        marker.setLatLng(point);
      }
    }

    var initial = read();
    if (initial) {
      map.setView(initial, 16);
      place(initial);
    } else {
      map.setView(FRANCE_CENTER, 5);
    }
    map.on("click", function (event) {
      place(event.latlng);
      write(event.latlng);
    });
    [lat, lon].forEach(function (input) {
      input.addEventListener("input", function () {
        var point = read();
        if (point) {
          place(point);
          map.panTo(point);
        }
      });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
