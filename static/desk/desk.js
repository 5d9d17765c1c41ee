// Every admin page (templates/admin/base_site.html). The article screen (static/desk/article.js) keeps
// what is typed in localStorage and, when its form is sent, notes the draft's key in sessionStorage. The
// draft is dropped only once a page confirms a successful save: after a save refused because the session
// had expired, the login page and the article screen after it keep the draft and offer it back.
"use strict"
;(() => {
  const PENDING = "newsroom:desk:pending"
  document.addEventListener("DOMContentLoaded", () => {
    let pending
    try {
      pending = sessionStorage.getItem(PENDING)
    } catch {
      return
    }
    if (!pending) return
    if (document.querySelector(".messagelist .success")) {
      localStorage.removeItem(pending)
      sessionStorage.removeItem(PENDING)
    }
  })
})()

// Accessible names Django's admin leaves out (found by axe-core): inputs in tabular inlines get their column's
// heading, select2 comboboxes their field's label, the rich-text editor its field's label.
;(() => {
  function labelText(id) {
    const label = id && document.querySelector(`label[for="${CSS.escape(id)}"]`)
    return label ? label.textContent.replace(/:\s*$/, "").trim() : ""
  }

  function nameTabularInputs(root) {
    for (const table of root.querySelectorAll(".tabular table")) {
      const headings = [...table.querySelectorAll("thead th")].map((th) => th.textContent.trim())
      for (const row of table.querySelectorAll("tbody tr")) {
        ;[...row.children].forEach((cell, index) => {
          for (const input of cell.querySelectorAll("input:not([type=hidden]), select, textarea")) {
            if (input.labels?.length || input.getAttribute("aria-label")) continue
            const heading = input.name?.endsWith("-DELETE") ? "Delete" : headings[index]
            if (heading) input.setAttribute("aria-label", heading)
          }
          for (const widget of cell.querySelectorAll(".select2-selection[role=combobox], .select2-selection__rendered")) {
            if (headings[index]) widget.setAttribute("aria-label", headings[index])
          }
        })
      }
    }
  }

  function nameWidgets() {
    for (const select of document.querySelectorAll("select.admin-autocomplete")) {
      const combo = select.parentElement.querySelector(`[aria-labelledby^="select2-${select.id}"]`)
      const name = labelText(select.id)
      if (!name) continue
      for (const el of select.parentElement.querySelectorAll(".select2-selection[role=combobox], .select2-selection__rendered")) {
        if (el.closest(".select2") && el.closest(".select2").previousElementSibling === select) el.setAttribute("aria-label", name)
      }
      if (combo) combo.setAttribute("aria-label", name)
    }
    for (const editor of document.querySelectorAll(".prose-editor [contenteditable=true]")) {
      const area = editor.closest(".prose-editor")?.querySelector("textarea")
      const name = labelText(area?.id) || "Body"
      if (!editor.getAttribute("aria-label")) editor.setAttribute("aria-label", name)
    }
  }

  // Django's split date and time inputs have one label for both: each says what it is.
  function nameDateTimeInputs() {
    for (const box of document.querySelectorAll("p.datetime")) {
      const row = box.closest(".form-row, .fieldBox")
      const label = row?.querySelector("label")?.textContent.replace(/:\s*$/, "").trim() || ""
      box.querySelector(".vDateField")?.setAttribute("aria-label", `${label} date`.trim())
      box.querySelector(".vTimeField")?.setAttribute("aria-label", `${label} time`.trim())
    }
  }

  function run() {
    nameDateTimeInputs()
    nameTabularInputs(document)
    nameWidgets()
  }

  // Widgets (select2, the editor, new inline rows) appear after the page loads: name them as they come.
  let queued = false
  const observer = new MutationObserver(() => {
    if (queued) return
    queued = true
    requestAnimationFrame(() => {
      queued = false
      run()
    })
  })
  document.addEventListener("DOMContentLoaded", () => observer.observe(document.body, { childList: true, subtree: true }))
  document.addEventListener("DOMContentLoaded", run)
  window.addEventListener("load", run)
  document.addEventListener("prose-editor:ready", () => setTimeout(run))
  document.addEventListener("formset:added", () => setTimeout(run))
})()

// The image library's upload form: "Take a photo" opens the phone's camera (capture) and hands the picture to
// the form's own file field, which the server checks as always. Choosing an existing file still works.
;(() => {
  document.addEventListener("DOMContentLoaded", () => {
    const file = document.querySelector("body.model-image.change-form input[type=file][name=file]")
    if (!file || document.getElementById("desk-camera")) return
    const box = document.createElement("div")
    box.className = "desk-camera"
    const camera = document.createElement("input")
    camera.type = "file"
    camera.id = "desk-camera"
    camera.accept = "image/*"
    camera.setAttribute("capture", "environment")
    const label = document.createElement("label")
    label.htmlFor = camera.id
    label.textContent = "Take a photo with the camera"
    camera.addEventListener("change", () => {
      if (!camera.files.length) return
      const transfer = new DataTransfer()
      transfer.items.add(camera.files[0])
      file.files = transfer.files
      file.dispatchEvent(new Event("change", { bubbles: true }))
    })
    box.append(camera, label)
    file.closest("div")?.after(box)
  })
})()
