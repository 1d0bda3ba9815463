/*
 * Booking pages: an enhancement over links and forms that work without JavaScript.
 *
 * A free slot of the week or day grid is a link to the booking form; htmx loads that form
 * into the side panel (#booking-panel) instead of leaving the page. After the swap, focus
 * moves to the form's heading and the live region says what happened, so keyboard and
 * screen-reader users follow along. A grid swapped by the previous/next links is announced
 * the same way.
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

  document.addEventListener("htmx:afterSwap", function (event) {
    var target = event.target;
    if (target.id === "booking-panel") {
      var title = target.querySelector(".booking-form-title");
      if (title) {
        title.focus();
        announce(title.textContent.trim());
      }
      var selected = document.querySelector("[data-slot-link][aria-current]");
      if (selected) {
        selected.removeAttribute("aria-current");
      }
      var link = event.detail.requestConfig && event.detail.requestConfig.elt;
      if (link && link.hasAttribute("data-slot-link")) {
        link.setAttribute("aria-current", "true");
      }
    } else if (target.id === "grid-region") {
      var caption = target.querySelector("caption");
      if (caption) {
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
