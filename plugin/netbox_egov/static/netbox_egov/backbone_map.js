/*
 * The backbone map's controls (templates netbox_egov/backbone_map.html and inc/site_map_panel.html):
 * drag to pan, wheel or buttons to zoom (the SVG's viewBox changes, so labels stay sharp), hover a site
 * to highlight its links and neighbours, click (or Enter) to keep the highlight, print on A3.
 * Plain SVG from the server plus this file: no library, nothing loaded from the internet. The map works
 * (and prints) without it.
 */
(function () {
  "use strict";

  var ZOOM_STEP = 1.25;

  function setUp(frame) {
    var svg = frame.querySelector("svg.egov-backbone-map");
    if (!svg || svg.dataset.egovReady) {
      return;
    }
    svg.dataset.egovReady = "1";
    var home = svg.getAttribute("viewBox").split(/\s+/).map(Number);
    var view = home.slice();
    var pinned = null;
    var drag = null;

    function show() {
      svg.setAttribute("viewBox", view.map(function (n) { return n.toFixed(1); }).join(" "));
    }

    function pointAt(clientX, clientY) {
      var point = svg.createSVGPoint();
      point.x = clientX;
      point.y = clientY;
      return point.matrixTransform(svg.getScreenCTM().inverse());
    }

    // factor > 1 zooms out; the point (x, y) stays where it is on screen.
    function zoom(factor, x, y) {
      var width = Math.min(Math.max(view[2] * factor, home[2] / 40), home[2] * 2);
      var scale = width / view[2];
      view = [x - (x - view[0]) * scale, y - (y - view[1]) * scale, view[2] * scale, view[3] * scale];
      show();
    }

    function zoomCentre(factor) {
      zoom(factor, view[0] + view[2] / 2, view[1] + view[3] / 2);
    }

    svg.addEventListener("wheel", function (event) {
      event.preventDefault();
      var point = pointAt(event.clientX, event.clientY);
      zoom(event.deltaY > 0 ? ZOOM_STEP : 1 / ZOOM_STEP, point.x, point.y);
    }, { passive: false });

    svg.addEventListener("pointerdown", function (event) {
      if (event.button !== 0 || event.target.closest("a, .egov-site")) {
        return;  // links and sites keep their clicks
      }
      var ctm = svg.getScreenCTM();
      drag = { x: event.clientX, y: event.clientY, view: view.slice(), scale: ctm ? ctm.a : 1 };
      svg.setPointerCapture(event.pointerId);
      svg.classList.add("egov-dragging");
    });
    svg.addEventListener("pointermove", function (event) {
      if (!drag) {
        return;
      }
      view[0] = drag.view[0] - (event.clientX - drag.x) / drag.scale;
      view[1] = drag.view[1] - (event.clientY - drag.y) / drag.scale;
      show();
    });
    function endDrag() {
      drag = null;
      svg.classList.remove("egov-dragging");
    }
    svg.addEventListener("pointerup", endDrag);
    svg.addEventListener("pointercancel", endDrag);

    // A site's links, the sites at their other ends, and their labels: marked egov-on, the rest dimmed.
    function highlight(key) {
      svg.querySelectorAll(".egov-on").forEach(function (element) { element.classList.remove("egov-on"); });
      svg.classList.toggle("egov-focus", key !== null);
      if (key === null) {
        return;
      }
      var near = new Set([key]);
      svg.querySelectorAll(".egov-link, .egov-link-label").forEach(function (link) {
        if (link.dataset.a === key || link.dataset.b === key) {
          link.classList.add("egov-on");
          near.add(link.dataset.a);
          near.add(link.dataset.b);
        }
      });
      svg.querySelectorAll(".egov-site, .egov-site-label, .egov-leader").forEach(function (element) {
        if (near.has(element.dataset.site)) {
          element.classList.add("egov-on");
        }
      });
    }

    svg.querySelectorAll(".egov-site").forEach(function (site) {
      var key = site.dataset.site;
      site.addEventListener("mouseenter", function () { if (pinned === null) { highlight(key); } });
      site.addEventListener("mouseleave", function () { if (pinned === null) { highlight(null); } });
      function pin() {
        pinned = pinned === key ? null : key;
        highlight(pinned);
      }
      site.addEventListener("click", pin);
      site.addEventListener("keydown", function (event) {
        if (event.key === "Enter" || event.key === " ") {
          event.preventDefault();
          pin();
        }
      });
    });

    frame.querySelectorAll("[data-map-action]").forEach(function (button) {
      button.addEventListener("click", function () {
        var action = button.dataset.mapAction;
        if (action === "zoom-in") {
          zoomCentre(1 / ZOOM_STEP);
        } else if (action === "zoom-out") {
          zoomCentre(ZOOM_STEP);
        } else if (action === "reset" || action === "print") {
          view = home.slice();
          pinned = null;
          highlight(null);
          show();
          if (action === "print") {
            window.print();
          }
        }
      });
    });
  }

  function setUpAll() {
    document.querySelectorAll(".egov-map-frame").forEach(setUp);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", setUpAll);
  } else {
    setUpAll();
  }
  // The site page's panels may arrive later (htmx).
  document.addEventListener("htmx:afterSettle", setUpAll);
})();
