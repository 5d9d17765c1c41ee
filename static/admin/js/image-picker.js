// The image library's picker window (admin/articles/image/picker.html): choosing a photo sends it
// to the editor window that opened the picker (static/admin/js/newsroom-editor.js) and closes.
"use strict"
;(() => {
  const MESSAGE_TYPE = "newsroom:image-chosen"

  document.addEventListener("click", (event) => {
    const choice = event.target.closest("[data-image]")
    if (!choice) return
    event.preventDefault()
    if (!window.opener || window.opener.closed) {
      const note = document.getElementById("image-picker-no-opener")
      if (note) note.hidden = false
      return
    }
    const image = JSON.parse(choice.dataset.image)
    window.opener.postMessage({ type: MESSAGE_TYPE, image }, window.location.origin)
    window.close()
  })
})()
