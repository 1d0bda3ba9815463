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
 * A collection map asks the GeoJSON address for the sites in its view (bbox, zoom) each time the
 * view moves; the server answers with the sites, or with clusters (properties.cluster, count,
 * label) when the view holds many: a click on a cluster zooms in.
 * The directory announces new filters with the "interstices:filters-changed" event on document
 * (detail.geojsonUrl); every collection map then reloads its view.
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

  // The GeoJSON answers for a box and a zoom: the sites in view, or clusters when there are
  // many. The box is widened to whole map tiles, so that a small pan asks for the same address
  // and the browser or the server's page cache can answer it.
  function viewUrl(baseUrl, map, world) {
    var zoom = Math.round(map.getZoom());
    var url = new URL(baseUrl, window.location.href);
    url.searchParams.delete("bbox");
    url.searchParams.set("zoom", String(zoom));
    if (!world) {
      var step = 360 / Math.pow(2, zoom);
      var bounds = map.getBounds();
      var snap = function (value, round, limit) {
        var snapped = round(value / step) * step;
        return String(Number(Math.max(-limit, Math.min(limit, snapped)).toFixed(6)));
      };
      var box = [
        snap(bounds.getWest(), Math.floor, 180),
        snap(bounds.getSouth(), Math.floor, 90),
        snap(bounds.getEast(), Math.ceil, 180),
        snap(bounds.getNorth(), Math.ceil, 90),
      ];
      if (Number(box[0]) >= Number(box[2]) || Number(box[1]) >= Number(box[3])) {
        return null; // the view shows only the world's copies beyond 180°
      }
      url.searchParams.set("bbox", box.join(","));
    }
    return url.pathname + url.search;
  }

  function clusterMarker(state, latLng, properties) {
    var count = document.createElement("span");
    count.textContent = String(properties.count);
    var icon = L.divIcon({ className: "map-cluster", html: count, iconSize: [40, 40] });
    return L.marker(latLng, { icon: icon, alt: properties.label, title: properties.label, keyboard: true })
      .on("click", function () {
        state.map.setView(latLng, Math.min(state.map.getZoom() + 2, state.map.getMaxZoom()));
      });
  }

  function fetchCollection(url) {
    return fetch(url, { headers: { Accept: "application/geo+json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) {
          throw new Error("GeoJSON " + response.status);
        }
        return response.json();
      });
  }

  // Shows a collection. A marker already on the map for the same site (or the same cluster)
  // stays as it is, so that a refresh after a move does not close the popup someone opened.
  function show(state, collection) {
    var bounds = L.latLngBounds([]);
    var kept = {};
    collection.features.forEach(function (feature) {
      var coordinates = feature.geometry.coordinates; // RFC 7946: [longitude, latitude]
      var latLng = L.latLng(coordinates[1], coordinates[0]);
      var properties = feature.properties;
      var key = properties.cluster
        ? "cluster:" + coordinates.join(",") + ":" + properties.count
        : "site:" + properties.url;
      var marker = state.markers[key];
      if (!marker) {
        if (properties.cluster) {
          marker = clusterMarker(state, latLng, properties);
        } else {
          var label = properties.name + ", " + properties.commune;
          marker = L.marker(latLng, { alt: label, title: label, keyboard: true })
            .bindPopup(popupContent(properties, state.linkLabel));
        }
        marker.addTo(state.layer);
      }
      kept[key] = marker;
      bounds.extend(latLng);
    });
    Object.keys(state.markers).forEach(function (key) {
      if (!kept[key]) {
        state.layer.removeLayer(state.markers[key]);
      }
    });
    state.markers = kept;
    return bounds;
  }

  function fit(state, bounds) {
    if (bounds.isValid()) {
      state.map.fitBounds(bounds, { padding: [32, 32], maxZoom: 13 });
    }
  }

  // Loads the current view. On the first load and after new filters (refit), the map is framed
  // on what it shows; a view with no site left is widened to wherever the matching sites are.
  function loadView(state, refit) {
    var url = viewUrl(state.baseUrl, state.map, false);
    if (!url || (url === state.url && !refit)) {
      return;
    }
    state.url = url;
    fetchCollection(url)
      .then(function (collection) {
        if (state.url !== url) {
          return; // a newer request superseded this one
        }
        if (!refit) {
          show(state, collection);
          return;
        }
        if (collection.features.length) {
          fit(state, show(state, collection));
          return;
        }
        var worldUrl = viewUrl(state.baseUrl, state.map, true);
        state.url = worldUrl;
        return fetchCollection(worldUrl).then(function (everywhere) {
          if (state.url !== worldUrl) {
            return;
          }
          fit(state, show(state, everywhere));
        });
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
      markers: {},
      linkLabel: element.dataset.linkLabel || "",
      baseUrl: element.dataset.geojsonUrl,
      url: null,
    };
    loadView(state, true);
    map.on("moveend", function () {
      loadView(state, false);
    });
    document.addEventListener("interstices:filters-changed", function (event) {
      if (event.detail && event.detail.geojsonUrl) {
        state.baseUrl = event.detail.geojsonUrl;
        loadView(state, true);
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
