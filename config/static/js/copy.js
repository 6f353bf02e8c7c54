// « Copier le lien » : a button data-copy="<id of an input>" copies that input's value to the clipboard and
// says so in its own text (read by screen readers through the status region next to it).
document.addEventListener("click", function (event) {
  const button = event.target.closest("[data-copy]");
  if (!button) return;
  const field = document.getElementById(button.dataset.copy);
  if (!field) return;
  const done = function () {
    const status = document.getElementById(button.dataset.copy + "-statut");
    if (status) status.textContent = "Lien copié dans le presse-papiers.";
  };
  if (navigator.clipboard && window.isSecureContext) {
    navigator.clipboard.writeText(field.value).then(done, function () { field.select(); });
  } else {
    field.select();
    document.execCommand("copy");
    done();
  }
});
