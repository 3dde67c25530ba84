// Unit pickers: typing in a field marked data-unit-lookup fills the shared datalist with
// suggestions from /units/lookup/ (diacritic-free search by name or code).
(function () {
  var timer = null;
  document.addEventListener("input", function (event) {
    var input = event.target;
    if (!input.matches || !input.matches("[data-unit-lookup]")) return;
    clearTimeout(timer);
    timer = setTimeout(function () {
      if (input.value.length < 2 || !window.htmx) return;
      htmx.ajax("GET", "/units/lookup/?q=" + encodeURIComponent(input.value), {target: "#unit-suggestions", swap: "innerHTML"});
    }, 250);
  });
})();
