/* The main menu as a disclosure on small screens. Without this script the menu is simply always shown. */
(function () {
  "use strict";
  var button = document.querySelector(".menu-toggle");
  var nav = button && document.getElementById(button.getAttribute("aria-controls"));
  if (!nav) return;

  function isOpen() {
    return button.getAttribute("aria-expanded") === "true";
  }
  function set(open) {
    button.setAttribute("aria-expanded", open ? "true" : "false");
    nav.classList.toggle("is-closed", !open);
  }

  set(false);
  nav.classList.add("has-toggle");
  button.hidden = false;

  button.addEventListener("click", function () {
    set(!isOpen());
  });

  // Escape closes the menu and returns focus to the button if focus was inside it.
  document.addEventListener("keydown", function (event) {
    if ((event.key === "Escape" || event.key === "Esc") && isOpen() && button.offsetParent !== null) {
      var inside = nav.contains(document.activeElement);
      set(false);
      if (inside || document.activeElement === button) button.focus();
    }
  });

  // Tabbing or clicking away from an open menu closes it (only while the button is shown).
  document.addEventListener("focusin", function (event) {
    if (isOpen() && button.offsetParent !== null && !nav.contains(event.target) && event.target !== button) {
      set(false);
    }
  });
  document.addEventListener("click", function (event) {
    if (isOpen() && button.offsetParent !== null && !nav.contains(event.target) && !button.contains(event.target)) {
      set(false);
    }
  });
})();
