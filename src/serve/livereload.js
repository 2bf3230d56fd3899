// lemma serve: reloads the page when a rebuild changed it, and keeps its scroll position.
// Served at /__lemma/livereload.js and printed into pages only by `lemma serve`.
(function () {
  "use strict";
  var key = "lemma-scroll:" + location.pathname;
  var saved = null;
  try {
    saved = sessionStorage.getItem(key);
    sessionStorage.removeItem(key);
  } catch (e) {}
  if (saved) {
    var position = JSON.parse(saved);
    var restore = function () {
      window.scrollTo(position[0], position[1]);
    };
    if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", restore);
    } else {
      restore();
    }
    window.addEventListener("load", restore);
  }

  // Each event lists the URL paths of the pages that changed, one a line; `*` means all.
  function concernsThisPage(paths) {
    var here = decodeURIComponent(location.pathname).replace(/index\.html$/, "");
    return paths.some(function (path) {
      return path === "*" || path === here;
    });
  }

  var source = new EventSource("/__lemma/events");
  source.addEventListener("open", function () {
    window.__lemmaLiveReload = "open";
  });
  source.addEventListener("error", function () {
    window.__lemmaLiveReload = "reconnecting";
  });
  source.addEventListener("reload", function (event) {
    if (!concernsThisPage(event.data.split("\n"))) {
      return;
    }
    try {
      sessionStorage.setItem(key, JSON.stringify([window.scrollX, window.scrollY]));
    } catch (e) {}
    location.reload();
  });
})();
