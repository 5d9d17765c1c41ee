// The live posting screen (live/admin.py): Ctrl+Enter (or Cmd+Enter) in the form posts the entry.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("entry_form");
  if (!form) return;
  form.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      form.requestSubmit(form.querySelector('input[name="_post"]'));
    }
  });
});
