/*
 * Maps of the public pages: an enhancement over the server-rendered lists.
 *
 * Every setting comes from data- attributes (the CSP forbids inline scripts):
 *   data-map="collection"  data-geojson-url, data-link-label
 *   data-map="point"       data-lat, data-lon, data-name
 *   both                   data-tile-url, data-tile-attribution, and Leaflet's texts in the page's
 *                          language: data-zoom-in-title, data-zoom-out-title, data-leaflet-title
 *                          (the attribution's link), data-close-popup-label, data-cluster-label
 *                          ("{count} …", a group of nearby markers)
 * The section holding a map (data-map-section) stays hidden until Leaflet is available, so a
 * visitor without JavaScript never sees an empty box.
 *
 * A collection map asks the GeoJSON address for the sites in its view (bbox, zoom) each time the
 * view moves; the server answers with the sites, or with clusters (properties.cluster, count,
 * label) when the view holds many: a click on a cluster zooms in.
 * The sites themselves go into a Leaflet.markercluster group (when the plugin is loaded): sites
 * at the same or nearby places make one numbered marker, which zooms in or spreads them out
 * ("spiderfy") on a click or the Enter key; keyboard focus then moves to the first of them. The
 * list next to the map holds the same sites for whoever does not use the map.
 * The directory announces new filters with the "interstices:filters-changed" event on document
 * (detail.geojsonUrl); every collection map then reloads its view.
 */
(function () {
  "use strict";

  var FRANCE_CENTER = [46.6, 2.4];
  var FRANCE_ZOOM = 5;
  // Markers closer than this (pixels) are grouped: about a marker's size, so that only those
  // that would cover each other are.
  var CLUSTER_RADIUS = 40;
  var ENTER = 13;

  if (!window.L) {
    return;
  }

  function reveal(element) {
    var section = element.closest("[data-map-section]") || element;
    section.hidden = false;
  }

  function prefersReducedMotion() {
    return Boolean(window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches);
  }

  // Leaflet's own link in the attribution (one <a>), with its title in the page's language. The
  // default prefix is parsed into an inert document, never run, and only its title changes.
  function attributionPrefix(title) {
    var prefix = L.Control.Attribution.prototype.options.prefix || "";
    var link = new DOMParser().parseFromString(prefix, "text/html").body.firstElementChild;
    if (!title || !link || link.tagName !== "A" || link.nextSibling) {
      return prefix;
    }
    link.title = title;
    return link.outerHTML;
  }

  function createMap(element) {
    var texts = element.dataset;
    var map = L.map(element, { scrollWheelZoom: false, zoomControl: false });
    L.control
      .zoom({
        zoomInTitle: texts.zoomInTitle || "Zoom in",
        zoomOutTitle: texts.zoomOutTitle || "Zoom out",
      })
      .addTo(map);
    map.attributionControl.setPrefix(attributionPrefix(texts.leafletTitle));
    // Leaflet writes "Close popup" itself; the page's language replaces it.
    map.on("popupopen", function (event) {
      var close = event.popup.getElement().querySelector(".leaflet-popup-close-button");
      if (close && texts.closePopupLabel) {
        close.setAttribute("aria-label", texts.closePopupLabel);
      }
    });
    L.tileLayer(texts.tileUrl, {
      attribution: texts.tileAttribution,
      maxZoom: 19,
    }).addTo(map);
    return map;
  }

  // A numbered disc (the server's clusters and the plugin's look alike), named for screen
  // readers and as a tooltip by its label rather than by its bare number.
  var LabelledIcon = L.DivIcon.extend({
    createIcon: function (oldIcon) {
      var icon = L.DivIcon.prototype.createIcon.call(this, oldIcon);
      icon.setAttribute("aria-label", this.options.label);
      icon.title = this.options.label;
      return icon;
    },
  });

  function countIcon(count, label) {
    var number = document.createElement("span");
    number.setAttribute("aria-hidden", "true");
    number.textContent = String(count);
    return new LabelledIcon({ className: "map-cluster", html: number, iconSize: [40, 40], label: label });
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
    var zoomIn = function () {
      state.map.setView(latLng, Math.min(state.map.getZoom() + 2, state.map.getMaxZoom()));
    };
    return L.marker(latLng, { icon: countIcon(properties.count, properties.label), keyboard: true })
      .on("click", zoomIn)
      .on("keypress", function (event) {
        if (event.originalEvent.keyCode === ENTER) {
          zoomIn();
        }
      });
  }

  // The group that holds the sites' markers: the plugin's when it is loaded, else a plain one.
  function siteGroup(state, clusterLabel) {
    if (!L.markerClusterGroup) {
      return L.layerGroup();
    }
    var group = L.markerClusterGroup({
      maxClusterRadius: CLUSTER_RADIUS,
      showCoverageOnHover: false,
      animate: !prefersReducedMotion(),
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        return countIcon(count, clusterLabel.replace("{count}", String(count)));
      },
    });
    // Opened from the keyboard, a group hands focus to the first of its markers once they show,
    // whether it spread them out ("spiderfied") or zoomed in on them ("animationend"); the plugin
    // itself would leave focus on the map.
    function focusOpenedMarker(last) {
      var markers = state.focusMarkers;
      if (!markers) {
        return;
      }
      for (var i = 0; i < markers.length; i += 1) {
        var element = markers[i].getElement();
        if (element && group.getVisibleParent(markers[i]) === markers[i]) {
          state.focusMarkers = null;
          element.focus();
          return;
        }
      }
      if (last) {
        state.focusMarkers = null; // still grouped after the zoom: focus stays where it is
      }
    }
    group.on("clusterkeypress", function (event) {
      var enter = event.originalEvent && event.originalEvent.keyCode === ENTER;
      state.focusMarkers = enter ? event.layer.getAllChildMarkers() : null;
      window.setTimeout(focusOpenedMarker, 0);
    });
    group.on("spiderfied", function () {
      window.setTimeout(focusOpenedMarker, 0);
    });
    group.on("animationend", function () {
      window.setTimeout(function () {
        focusOpenedMarker(true);
      }, 0);
    });
    return group;
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
    var added = [];
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
          marker = clusterMarker(state, latLng, properties).addTo(state.layer);
        } else {
          var label = properties.name + ", " + properties.commune;
          marker = L.marker(latLng, { alt: label, title: label, keyboard: true })
            .bindPopup(popupContent(properties, state.linkLabel));
          added.push(marker);
        }
      }
      kept[key] = marker;
      bounds.extend(latLng);
    });
    var removed = [];
    Object.keys(state.markers).forEach(function (key) {
      if (!kept[key]) {
        if (key.indexOf("cluster:") === 0) {
          state.layer.removeLayer(state.markers[key]);
        } else {
          removed.push(state.markers[key]);
        }
      }
    });
    // In batches: the plugin then clusters once, not once per marker. Only when something
    // changed: the plugin folds back a group spread out by the visitor on any add or remove,
    // even of nothing, and keyboard focus on one of its markers would be lost.
    if (removed.length) {
      removeAll(state.sites, removed);
    }
    if (added.length) {
      addAll(state.sites, added);
    }
    state.markers = kept;
    return bounds;
  }

  function addAll(group, markers) {
    if (group.addLayers) {
      group.addLayers(markers);
    } else {
      markers.forEach(function (marker) {
        group.addLayer(marker);
      });
    }
  }

  function removeAll(group, markers) {
    if (group.removeLayers) {
      group.removeLayers(markers);
    } else {
      markers.forEach(function (marker) {
        group.removeLayer(marker);
      });
    }
  }

  function fit(state, bounds) {
    if (bounds.isValid()) {
      // More room at the top: a marker's pin stands 41 pixels above its place.
      state.map.fitBounds(bounds, { paddingTopLeft: [32, 56], paddingBottomRight: [32, 24], maxZoom: 13 });
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
      layer: L.layerGroup().addTo(map), // the server's clusters
      sites: null,
      markers: {},
      linkLabel: element.dataset.linkLabel || "",
      baseUrl: element.dataset.geojsonUrl,
      url: null,
      focusMarkers: null,
    };
    state.sites = siteGroup(state, element.dataset.clusterLabel || "{count}").addTo(map);
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
