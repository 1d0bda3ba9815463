/*
 * Booking pages: an enhancement over links and forms that work without JavaScript.
 *
 * A free slot of the week or day grid is a link to the booking form; htmx loads that form
 * into the side panel (#booking-panel) instead of leaving the page. After the swap, focus
 * moves to the form's heading and the live region says what happened, so keyboard and
 * screen-reader users follow along. A grid swapped by the previous/next links is announced
 * the same way, and focus moves to its caption.
 *
 * Range selection: a first free cell (click, or Enter/Space) marks the start and loads the form
 * with it, focus staying in the grid; a second cell of the same column, at or after the start,
 * marks the end and loads the form with both (?debut=&fin=), focus moving to the form. Arrow
 * keys move between the free cells of the grid (one tab stop for the whole grid).
 */
(function () {
  "use strict";

  function announce(text) {
    var status = document.getElementById("booking-status");
    if (status) {
      status.textContent = "";
      window.setTimeout(function () {
        status.textContent = text;
      }, 50);
    }
  }

  var start = null; // the link of the range's first cell, until its end is chosen
  var keepFocus = false; // the next form swap leaves focus in the grid

  function links(grid) {
    return Array.prototype.slice.call(grid.querySelectorAll("a[data-slot-link]"));
  }

  function position(link) {
    return { row: Number(link.dataset.row), col: Number(link.dataset.col) };
  }

  function clearMarks() {
    document.querySelectorAll(".slot-start, .slot-in-range").forEach(function (cell) {
      cell.classList.remove("slot-start", "slot-in-range");
    });
    document.querySelectorAll("a[data-slot-link][aria-current]").forEach(function (link) {
      link.removeAttribute("aria-current");
    });
  }

  var loads = 0; // form loads started: only the latest one's response is swapped in

  function loadForm(url, stayInGrid) {
    loads += 1;
    keepFocus = stayInGrid;
    window.htmx.ajax("GET", url, {
      target: "#booking-panel",
      swap: "innerHTML",
      headers: { "X-Grid-Load": String(loads) },
    });
  }

  // A start then an end clicked quickly: the start's form must not land after (or over) the
  // end's, nor wipe what the person began to type in it.
  document.addEventListener("htmx:beforeSwap", function (event) {
    var headers = event.detail.requestConfig && event.detail.requestConfig.headers;
    var load = headers && headers["X-Grid-Load"];
    if (load && load !== String(loads)) {
      event.detail.shouldSwap = false;
    }
  });

  function choose(link) {
    var grid = link.closest("[data-grid]");
    var here = position(link);
    if (start && start.isConnected && position(start).col === here.col) {
      var from = position(start).row;
      if (here.row >= from) {
        links(grid).forEach(function (other) {
          var p = position(other);
          if (p.col === here.col && p.row >= from && p.row <= here.row) {
            other.parentElement.classList.add("slot-in-range");
          }
        });
        link.setAttribute("aria-current", "true");
        var url = start.getAttribute("href") + "&fin=" + encodeURIComponent(link.dataset.end);
        start = null;
        loadForm(url, false);
        return;
      }
    }
    clearMarks();
    start = link;
    link.parentElement.classList.add("slot-start");
    link.setAttribute("aria-current", "true");
    announce(grid.dataset.rangeHint || "");
    loadForm(link.getAttribute("href"), true);
  }

  function rove(grid, current) {
    links(grid).forEach(function (link) {
      link.setAttribute("tabindex", link === current ? "0" : "-1");
    });
  }

  function initGrid(root) {
    var grid = root.querySelector("[data-grid]");
    if (!grid || !window.htmx) {
      return;
    }
    var all = links(grid);
    if (all.length) {
      rove(grid, all[0]);
    }
  }

  function neighbour(grid, link, key) {
    var here = position(link);
    var best = null;
    var bestDistance = Infinity;
    links(grid).forEach(function (other) {
      var p = position(other);
      var distance = null;
      if (key === "ArrowDown" && p.col === here.col && p.row > here.row) {
        distance = p.row - here.row;
      } else if (key === "ArrowUp" && p.col === here.col && p.row < here.row) {
        distance = here.row - p.row;
      } else if (key === "ArrowRight" && p.col > here.col) {
        distance = (p.col - here.col) * 1000 + Math.abs(p.row - here.row);
      } else if (key === "ArrowLeft" && p.col < here.col) {
        distance = (here.col - p.col) * 1000 + Math.abs(p.row - here.row);
      }
      if (distance !== null && distance < bestDistance) {
        best = other;
        bestDistance = distance;
      }
    });
    return best;
  }

  // Capture phase: runs before htmx's own click handler on the link, which it replaces.
  document.addEventListener(
    "click",
    function (event) {
      var link = event.target.closest && event.target.closest("a[data-slot-link]");
      if (!link || !window.htmx || event.ctrlKey || event.metaKey || event.shiftKey) {
        return;
      }
      event.preventDefault();
      event.stopPropagation();
      rove(link.closest("[data-grid]"), link);
      choose(link);
    },
    true
  );

  document.addEventListener("keydown", function (event) {
    var link = event.target.closest && event.target.closest("a[data-slot-link]");
    if (!link || !window.htmx) {
      return;
    }
    var grid = link.closest("[data-grid]");
    if (event.key === " ") {
      event.preventDefault();
      choose(link);
    } else if (/^Arrow(Up|Down|Left|Right)$/.test(event.key)) {
      event.preventDefault();
      var next = neighbour(grid, link, event.key);
      if (next) {
        rove(grid, next);
        next.focus();
      }
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    initGrid(document);
  });

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.target;
    if (target.id === "booking-panel") {
      var summary = target.querySelector("[data-error-summary]");
      var title = target.querySelector(".booking-form-title");
      if (summary) {
        summary.focus();
      } else if (title && !keepFocus) {
        title.focus();
        announce(title.textContent.trim());
      }
      keepFocus = false;
    } else if (target.id === "grid-region") {
      start = null;
      initGrid(target);
      var caption = target.querySelector("caption");
      if (caption) {
        caption.focus();
        announce(caption.textContent.trim());
      }
    } else if (target.id === "results-region") {
      var count = target.querySelector("[data-result-count]");
      if (count) {
        announce(count.textContent.trim());
      }
    }
  });

  // A failed request (network, server) must not fail silently: fall back to the link.
  document.addEventListener("htmx:responseError", function (event) {
    var elt = event.detail.elt;
    if (elt && elt.tagName === "A" && elt.href) {
      window.location.href = elt.href;
    }
  });
})();
