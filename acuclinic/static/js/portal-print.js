// The printable summary's "Print" button: shown only when scripts run (it needs them).
document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
