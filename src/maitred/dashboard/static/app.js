// maitred's own script (htmx does the rest).
// A button offering another date puts it into the date field, which loads that date's times.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-set-date]");
  if (!button) return;
  var field = document.getElementById("f-event_date");
  if (!field) return;
  field.value = button.getAttribute("data-set-date");
  field.dispatchEvent(new Event("change", { bubbles: true }));
  field.focus();
});

// The live inbox: the page's cookie session opens /ws/inbox (same site only); each push
// makes htmx reload the conversation list ("inbox-push" on <body>).
(function () {
  var state = document.querySelector("[data-live-inbox]");
  if (!state || !window.WebSocket) return;
  var scheme = location.protocol === "https:" ? "wss://" : "ws://";
  var delay = 1000;
  function connect() {
    var socket = new WebSocket(scheme + location.host + state.getAttribute("data-live-inbox"));
    socket.onmessage = function (event) {
      var push = JSON.parse(event.data);
      if (push.type === "ready") { state.textContent = "Live"; delay = 1000; return; }
      document.body.dispatchEvent(new CustomEvent("inbox-push", { detail: push }));
    };
    socket.onclose = function (event) {
      state.textContent = "Offline: reconnecting…";
      if (event.code === 4401 || event.code === 4403) { state.textContent = "Sign in again to see new messages live."; return; }
      setTimeout(connect, delay);
      delay = Math.min(delay * 2, 30000);
    };
  }
  connect();
})();

// The calendar: a booking dragged onto another day is moved there through the move form
// (which keyboard users fill in themselves); the server decides and explains a refusal.
(function () {
  var form = document.getElementById("move-form");
  if (!form) return;
  document.querySelectorAll("[data-booking]").forEach(function (chip) {
    chip.addEventListener("dragstart", function (event) {
      event.dataTransfer.setData("text/plain", chip.getAttribute("data-booking"));
    });
  });
  document.querySelectorAll("[data-drop-date]").forEach(function (day) {
    day.addEventListener("dragover", function (event) { event.preventDefault(); day.classList.add("drop"); });
    day.addEventListener("dragleave", function () { day.classList.remove("drop"); });
    day.addEventListener("drop", function (event) {
      event.preventDefault();
      day.classList.remove("drop");
      form.querySelector("[name=booking_id]").value = event.dataTransfer.getData("text/plain");
      form.querySelector("[name=event_date]").value = day.getAttribute("data-drop-date");
      var team = form.querySelector("[name=chef_team_id]");
      if (team && day.hasAttribute("data-drop-team")) team.value = day.getAttribute("data-drop-team");
      form.submit();
    });
  });
})();

// A "Copy" button copies its field's text (the deposit link) and says so.
document.addEventListener("click", function (event) {
  var button = event.target.closest("[data-copy]");
  if (!button) return;
  var field = document.getElementById(button.getAttribute("data-copy"));
  var state = document.getElementById("copy-state");
  field.select();
  var done = function () { if (state) state.textContent = "Link copied."; };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { document.execCommand("copy"); done(); });
  } else {
    document.execCommand("copy");
    done();
  }
});
