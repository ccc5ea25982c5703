// The phone menu. With this script a small screen folds the navigation
// behind a button (aria-expanded tells whether it is open; Escape closes
// it); without it the links simply show. The page's CSS does the rest.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  var top = document.querySelector("header.top");
  if (!button || !top) {
    return;
  }
  function setOpen(open) {
    top.classList.toggle("open", open);
    button.setAttribute("aria-expanded", open ? "true" : "false");
  }
  button.addEventListener("click", function () {
    setOpen(button.getAttribute("aria-expanded") !== "true");
  });
  document.addEventListener("keydown", function (e) {
    if (e.key === "Escape" && button.getAttribute("aria-expanded") === "true") {
      setOpen(false);
      button.focus();
    }
  });
});
