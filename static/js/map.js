/*
 * Maps of the public pages: an enhancement over the server-rendered lists.
 *
 * Every setting comes from data- attributes (the CSP forbids inline scripts):
 *   data-map="collection"  data-geojson-url, data-link-label
 *   data-map="point"       data-lat, data-lon, data-name
 *   both                   data-tile-url, data-tile-attribution
 * The section holding a map (data-map-section) stays hidden until Leaflet is available, so a
 * visitor without JavaScript never sees an empty box.
 *
 * The directory announces new filters with the "interstices:filters-changed" event on document
 * (detail.geojsonUrl); every collection map then reloads its markers.
 */
(function () {
  "use strict";

  var FRANCE_CENTER = [46.6, 2.4];
  var FRANCE_ZOOM = 5;

  if (!window.L) {
    return;
  }

  function reveal(element) {
    var section = element.closest("[data-map-section]") || element;
    section.hidden = false;
  }

  function createMap(element, options) {
    var map = L.map(element, Object.assign({ scrollWheelZoom: false }, options || {}));
    L.tileLayer(element.dataset.tileUrl, {
      attribution: element.dataset.tileAttribution,
      maxZoom: 19,
    }).addTo(map);
    return map;
  }

  // Built with DOM nodes and textContent: names come from the database, never from HTML.
  function popupContent(properties, linkLabel) {
    var wrapper = document.createElement("div");
    var title = document.createElement("p");
    var link = document.createElement("a");
    link.href = properties.url;
    link.textContent = properties.name;
    title.className = "map-popup-title";
    title.appendChild(link);
    wrapper.appendChild(title);

    var place = document.createElement("p");
    place.textContent = properties.commune + " (" + properties.departement + ") · " + properties.status_label;
    wrapper.appendChild(place);

    if (linkLabel) {
      var more = document.createElement("a");
      more.href = properties.url;
      more.textContent = linkLabel;
      wrapper.appendChild(more);
    }
    return wrapper;
  }

  function loadCollection(state, url) {
    state.url = url;
    fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("GeoJSON " + response.status);
        }
        return response.json();
      })
      .then(function (collection) {
        if (state.url !== url) {
          return; // a newer request superseded this one
        }
        state.layer.clearLayers();
        var bounds = L.latLngBounds([]);
        collection.features.forEach(function (feature) {
          var coordinates = feature.geometry.coordinates; // RFC 7946: [longitude, latitude]
          var latLng = L.latLng(coordinates[1], coordinates[0]);
          var properties = feature.properties;
          var label = properties.name + ", " + properties.commune;
          L.marker(latLng, { alt: label, title: label, keyboard: true })
            .bindPopup(popupContent(properties, state.linkLabel))
            .addTo(state.layer);
          bounds.extend(latLng);
        });
        if (bounds.isValid()) {
          state.map.fitBounds(bounds, { padding: [32, 32], maxZoom: 13 });
        } else {
          state.map.setView(FRANCE_CENTER, FRANCE_ZOOM);
        }
      })
      .catch(function () {
        // The list on the page already holds the same information: the map stays as it was.
      });
  }

  function initCollection(element) {
    reveal(element);
    var map = createMap(element).setView(FRANCE_CENTER, FRANCE_ZOOM);
    var state = {
      map: map,
      layer: L.layerGroup().addTo(map),
      linkLabel: element.dataset.linkLabel || "",
      url: null,
    };
    loadCollection(state, element.dataset.geojsonUrl);
    document.addEventListener("interstices:filters-changed", function (event) {
      if (event.detail && event.detail.geojsonUrl) {
        loadCollection(state, event.detail.geojsonUrl);
      }
    });
  }

  function initPoint(element) {
    var lat = parseFloat(element.dataset.lat);
    var lon = parseFloat(element.dataset.lon);
    if (!isFinite(lat) || !isFinite(lon)) {
      return;
    }
    reveal(element);
    var map = createMap(element).setView([lat, lon], 15);
    var name = element.dataset.name || "";
    L.marker([lat, lon], { alt: name, title: name, keyboard: true }).addTo(map);
  }

  document.querySelectorAll("[data-map]").forEach(function (element) {
    if (element.dataset.map === "collection") {
      initCollection(element);
    } else if (element.dataset.map === "point") {
      initPoint(element);
    }
  });
})();
