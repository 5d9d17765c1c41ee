// The live posting screen (live/admin.py): Ctrl+Enter (or Cmd+Enter) anywhere in the form posts the entry,
// the rich-text body included. Listened for while the event goes down (capture), so the body's editor never
// sees it: its own Mod-Enter would add a line break to the entry first.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("entry_form");
  if (!form) return;
  form.addEventListener(
    "keydown",
    (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        event.stopPropagation();
        form.requestSubmit(form.querySelector('input[name="_post"]'));
      }
    },
    true,
  );
  // Ready to type: the body's editor takes the focus once it has been built (the textarea under it is hidden).
  let tries = 0;
  (function focusBody() {
    const body = form.querySelector(".field-body .ProseMirror");
    if (body && !form.querySelector(".errorlist")) body.focus();
    else if (!body && tries++ < 50) setTimeout(focusBody, 40);
  })();
});
