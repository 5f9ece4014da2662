/* maitred booking page overlay. On the business's own site:
   <script src="https://BOOKING-SERVER/book/embed.js" data-business="SLUG" defer></script>
   adds a "Book now" button (or give any element data-maitred-book="SLUG") that opens the
   booking page in an overlay; Escape or the close button closes it. Nothing else is loaded. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script) { return; }
  var origin = new URL(script.src).origin;

  function open(slug, path) {
    var shade = document.createElement("div");
    shade.setAttribute("role", "dialog");
    shade.setAttribute("aria-modal", "true");
    shade.setAttribute("aria-label", "Booking");
    shade.style.cssText = "position:fixed;inset:0;z-index:2147483000;background:rgba(0,0,0,.55);" +
      "display:flex;align-items:center;justify-content:center";
    var frame = document.createElement("iframe");
    frame.src = origin + "/book/" + encodeURIComponent(slug) + (path || "") + "?embed=1";
    frame.title = "Booking";
    frame.style.cssText = "width:min(560px,100vw);height:min(900px,100vh);border:0;background:#fff;" +
      "border-radius:8px";
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "\u00d7";
    close.setAttribute("aria-label", "Close");
    close.style.cssText = "position:absolute;top:8px;right:12px;font-size:28px;background:#fff;" +
      "border:0;border-radius:50%;width:44px;height:44px;cursor:pointer";
    function shut() {
      document.removeEventListener("keydown", onKey);
      shade.remove();
    }
    function onKey(event) { if (event.key === "Escape") { shut(); } }
    close.addEventListener("click", shut);
    shade.addEventListener("click", function (event) { if (event.target === shade) { shut(); } });
    document.addEventListener("keydown", onKey);
    shade.appendChild(frame);
    shade.appendChild(close);
    document.body.appendChild(shade);
    close.focus();
  }

  function bind(element) {
    element.addEventListener("click", function (event) {
      event.preventDefault();
      open(element.getAttribute("data-maitred-book"), element.getAttribute("data-maitred-path"));
    });
  }

  function start() {
    var found = document.querySelectorAll("[data-maitred-book]");
    if (found.length === 0 && script.getAttribute("data-business")) {
      var button = document.createElement("button");
      button.type = "button";
      button.textContent = script.getAttribute("data-label") || "Book now";
      button.setAttribute("data-maitred-book", script.getAttribute("data-business"));
      script.parentNode.insertBefore(button, script);
      found = [button];
    }
    Array.prototype.forEach.call(found, bind);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
