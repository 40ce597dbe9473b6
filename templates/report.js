(function () {
  "use strict";
  var root = document.documentElement;
  root.classList.remove("no-js");
  var input = document.getElementById("filter");
  var status = document.getElementById("filter-status");
  var items = Array.prototype.slice.call(document.querySelectorAll(".filterable"));
  var texts = null;

  function apply() {
    if (texts === null) {
      texts = items.map(function (el) { return el.textContent.toLowerCase(); });
    }
    var terms = input.value.toLowerCase().split(/\s+/).filter(Boolean);
    var families = 0;
    var articles = 0;
    items.forEach(function (el, i) {
      var match = terms.every(function (t) { return texts[i].indexOf(t) !== -1; });
      el.hidden = !match;
      if (match && el.classList.contains("family")) { families += 1; }
      if (match && el.classList.contains("article")) { articles += 1; }
    });
    status.textContent = terms.length
      ? families + (families === 1 ? " family, " : " families, ") +
        articles + (articles === 1 ? " article match" : " articles match")
      : "";
  }

  // A link to something the filter hides clears the filter first.
  function reveal() {
    var id = decodeURIComponent(location.hash.slice(1));
    var target = id && document.getElementById(id);
    if (target && target.closest(".filterable[hidden]")) {
      input.value = "";
      apply();
      target.scrollIntoView();
    }
  }

  if (input) {
    input.addEventListener("input", apply);
    window.addEventListener("hashchange", reveal);
  }
  document.body.dataset.ready = "1";
})();
