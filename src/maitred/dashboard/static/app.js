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
