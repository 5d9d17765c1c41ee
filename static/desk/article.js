// The article screen (templates/admin/articles/article/change_form.html). Nothing typed is lost:
// - every change is kept in localStorage under the article and the user, and offered back when the page
//   opens with different text (a crashed tab, a closed laptop, a save refused for an expired session);
// - leaving with unsaved changes asks first; Ctrl/Cmd+S saves and stays;
// - a heartbeat tells the server this article is open (who else has it is shown), and says when the
//   session has expired so the editor can log in again in another tab before saving.
// Also: the headline's character count, the body's word count and reading time, preview windows.
"use strict"
;(() => {
  const PENDING = "newsroom:desk:pending"
  const WORDS_PER_MINUTE = 230
  const config = document.getElementById("desk-config")
  const form = document.getElementById("article_form")
  if (!config || !form) return
  const storageKey = `newsroom:desk:draft:${config.dataset.autosaveKey}`
  let dirty = false
  let submitting = false
  let bodyEditor = null

  const bodyArea = () => form.querySelector("textarea[name=body]")

  // Fields worth keeping: what people type or choose (not the CSRF token, version or buttons).
  function fields() {
    return [...form.elements].filter(
      (el) =>
        el.name &&
        !["csrfmiddlewaretoken", "loaded_version"].includes(el.name) &&
        !el.name.includes("__prefix__") &&
        !["submit", "button", "file", "hidden"].includes(el.type),
    )
  }

  // The values, with the labels of chosen options (an autocomplete select holds only its chosen option, so a
  // choice made before a crash has no option to go back to) and how many rows each inline has.
  function snapshot() {
    const values = {}
    const labels = {}
    for (const el of fields()) {
      if (el.type === "checkbox" || el.type === "radio") values[el.name] = el.checked
      else if (el.tagName === "SELECT") {
        const chosen = [...el.selectedOptions]
        values[el.name] = el.multiple ? chosen.map((o) => o.value) : el.value
        labels[el.name] = Object.fromEntries(chosen.map((o) => [o.value, o.text]))
      } else values[el.name] = el.value
    }
    if (bodyEditor) values.body = bodyEditor.getHTML()
    const rows = {}
    for (const total of form.querySelectorAll("input[name$='-TOTAL_FORMS']")) {
      rows[total.name.slice(0, -"-TOTAL_FORMS".length)] = Number(total.value)
    }
    return { values, labels, rows }
  }

  const same = (a, b) => JSON.stringify(a) === JSON.stringify(b)
  const blank = (value) => value === "" || value === false || (Array.isArray(value) && value.length === 0)

  // A kept value differs from the page's, or fills a row the page does not have.
  function differs(values) {
    const now = snapshot().values
    return Object.keys(values).some((name) => (name in now ? !same(now[name], values[name]) : !blank(values[name])))
  }

  function keep() {
    const draft = { ...snapshot(), savedAt: new Date().toISOString() }
    try {
      localStorage.setItem(storageKey, JSON.stringify(draft))
    } catch {
      // Storage full or disabled: the beforeunload prompt still guards the text.
    }
  }

  function changed() {
    dirty = true
    keep()
  }

  // Rows added before the crash are added again with the inline's own "Add another" (Django's inlines.js), so
  // they get its numbering, widgets and autocomplete.
  function addRows(rows) {
    for (const [prefix, wanted] of Object.entries(rows || {})) {
      const total = form.querySelector(`input[name="${CSS.escape(prefix)}-TOTAL_FORMS"]`)
      const add = document.querySelector(`#${CSS.escape(prefix)}-group .add-row a`)
      for (let tries = 0; total && add && Number(total.value) < wanted && tries < 50; tries++) add.click()
    }
  }

  function restoreSelect(el, value, labels) {
    const wanted = [].concat(value)
    for (const v of wanted) {
      if (v === "" || [...el.options].some((o) => o.value === v)) continue
      if (!(v in labels)) return false
      el.add(new Option(labels[v], v))
    }
    for (const option of el.options) option.selected = wanted.includes(option.value)
    return true
  }

  // What could not be put back, by the label people see.
  function describe(name) {
    const el = form.elements[name]
    const label = el?.id && form.querySelector(`label[for="${CSS.escape(el.id)}"]`)
    const row = name.match(/^(.+)-(\d+)-/)
    const text = label ? label.textContent.replace(/:$/, "").trim() : name.replace(/^.+-\d+-/, "").replace(/_/g, " ")
    return row ? `${text} (${row[1].replace(/_/g, " ")}, row ${Number(row[2]) + 1})` : text
  }

  // Puts the kept values back; answers the ones it could not.
  function restore(draft) {
    const { values, labels = {} } = draft
    addRows(draft.rows)
    const missed = []
    const present = new Set()
    for (const el of fields()) {
      if (!(el.name in values)) continue
      present.add(el.name)
      if (el.type === "checkbox" || el.type === "radio") el.checked = values[el.name]
      else if (el.tagName === "SELECT") {
        if (!restoreSelect(el, values[el.name], labels[el.name] || {})) {
          missed.push(describe(el.name))
          continue
        }
        // select2 (autocomplete) shows the new choice on "change".
        el.dispatchEvent(new Event("change", { bubbles: true }))
      } else el.value = values[el.name]
      el.dispatchEvent(new Event("input", { bubbles: true }))
    }
    for (const name of Object.keys(values)) {
      if (name !== "body" && !present.has(name) && !blank(values[name])) missed.push(describe(name))
    }
    if ("body" in values) {
      if (bodyEditor) bodyEditor.commands.setContent(values.body, { emitUpdate: true })
      else if (bodyArea()) bodyArea().value = values.body
    }
    changed()
    counts()
    return missed
  }

  let offered = false
  function offerBack() {
    if (offered) return
    offered = true
    let draft
    try {
      draft = JSON.parse(localStorage.getItem(storageKey) || "null")
    } catch {
      draft = null
    }
    if (!draft || !draft.values || !differs(draft.values)) return
    const notices = document.querySelector("[data-desk-notices]")
    const box = document.createElement("div")
    box.className = "desk-restore"
    box.setAttribute("role", "alert")
    const when = new Date(draft.savedAt)
    const text = document.createElement("p")
    text.textContent = `Unsaved changes from ${when.toLocaleString()} were kept in this browser.`
    const restoreButton = document.createElement("button")
    restoreButton.type = "button"
    restoreButton.textContent = "Restore my unsaved changes"
    const discardButton = document.createElement("button")
    discardButton.type = "button"
    discardButton.textContent = "Discard them"
    restoreButton.addEventListener("click", () => {
      const missed = restore(draft)
      if (missed.length === 0) {
        box.remove()
        return
      }
      text.textContent = `Restored, except: ${missed.join("; ")}. Fill ${missed.length === 1 ? "it" : "them"} in again before you save.`
      box.replaceChildren(text)
      box.classList.add("desk-restore--partial")
    })
    discardButton.addEventListener("click", () => {
      localStorage.removeItem(storageKey)
      box.remove()
    })
    box.append(text, restoreButton, " ", discardButton)
    notices.prepend(box)
  }

  // Counts -----------------------------------------------------------------
  function counter(after, id) {
    let out = document.getElementById(id)
    if (!out && after) {
      out = document.createElement("p")
      out.id = id
      out.className = "desk-counter"
      out.setAttribute("aria-live", "polite")
      after.after(out)
    }
    return out
  }

  function counts() {
    const headline = form.querySelector("[name=headline]")
    if (headline) {
      const n = [...headline.value].length
      counter(headline, "desk-headline-count").textContent = `${n} characters${n > 110 ? " — long for a headline" : ""}`
    }
    const body = bodyArea()
    if (body) {
      let text
      if (bodyEditor) text = bodyEditor.getText()
      else text = new DOMParser().parseFromString(body.value, "text/html").body.textContent
      const words = (text.match(/[\p{L}\p{N}][\p{L}\p{N}'’-]*/gu) || []).length
      const minutes = Math.max(1, Math.round(words / WORDS_PER_MINUTE))
      const anchor = body.closest(".prose-editor") || body
      counter(anchor, "desk-body-count").textContent = `${words} words · ${words ? minutes : 0} min read`
    }
  }

  // Saving -------------------------------------------------------------------
  function csrfFromCookie() {
    const match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/)
    return match ? decodeURIComponent(match[1]) : null
  }

  form.addEventListener("submit", () => {
    submitting = true
    keep()
    try {
      sessionStorage.setItem(PENDING, storageKey)
    } catch {}
    // Logged in again in another tab? Then the token this page was served with is stale: use the cookie's.
    const token = csrfFromCookie()
    const input = form.querySelector("[name=csrfmiddlewaretoken]")
    if (token && input) input.value = token
  })

  window.addEventListener("beforeunload", (event) => {
    if (dirty && !submitting) {
      event.preventDefault()
      event.returnValue = ""
    }
  })

  document.addEventListener("keydown", (event) => {
    if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === "s") {
      event.preventDefault()
      const button = form.querySelector("input[name=_continue]:not(.desk-primary)")
      if (button) form.requestSubmit(button)
    }
  })

  // Presence and session -------------------------------------------------------
  const presence = document.querySelector("[data-desk-presence]")
  let loggedOutShown = false

  function showEditors(editors) {
    presence.replaceChildren(
      ...editors.map((e) => {
        const p = document.createElement("p")
        p.textContent = `Being edited by ${e.name} since ${e.since}. Their saves and yours can collide: talk to them before you change the text.`
        return p
      }),
    )
    presence.hidden = editors.length === 0
  }

  function showLoggedOut(loginUrl) {
    if (loggedOutShown) return
    loggedOutShown = true
    const box = document.createElement("div")
    box.className = "desk-session"
    box.setAttribute("role", "alert")
    const p = document.createElement("p")
    p.textContent =
      "Your session has expired. Your text is kept in this browser. Log in again (the link opens a new tab), then come back and save."
    const link = document.createElement("a")
    link.href = loginUrl
    link.target = "_blank"
    link.rel = "noopener"
    link.textContent = "Log in again"
    box.append(p, link)
    document.querySelector("[data-desk-notices]").prepend(box)
  }

  async function heartbeat(leave = false) {
    if (!config.dataset.presenceUrl) return
    const body = new FormData()
    if (leave) body.append("leave", "1")
    const token = csrfFromCookie()
    if (leave) {
      if (token) body.append("csrfmiddlewaretoken", token)
      navigator.sendBeacon(config.dataset.presenceUrl, body)
      return
    }
    try {
      const response = await fetch(config.dataset.presenceUrl, {
        method: "POST",
        body,
        headers: token ? { "X-CSRFToken": token } : {},
        credentials: "same-origin",
      })
      if (response.status === 401 || response.status === 403) {
        const data = await response.json().catch(() => ({}))
        if (response.status === 401 || data.error !== "forbidden") showLoggedOut(config.dataset.loginUrl)
        return
      }
      if (response.ok) {
        const data = await response.json()
        if (loggedOutShown) document.querySelector(".desk-session")?.remove()
        loggedOutShown = false
        showEditors(data.editors)
      }
    } catch {
      // Offline for a moment: the next beat tries again.
    }
  }

  // Preview windows at a phone's and a desktop's width.
  document.addEventListener("click", (event) => {
    const link = event.target.closest("[data-preview-width]")
    if (!link) return
    const width = Number(link.dataset.previewWidth)
    const opened = window.open(link.href, `preview-${width}`, `width=${width},height=900`)
    if (opened !== null) {
      opened.opener = null
      event.preventDefault()
    }
  })

  document.addEventListener("prose-editor:ready", (event) => {
    if (event.detail.textarea.name !== "body") return
    bodyEditor = event.detail.editor
    bodyEditor.on("update", () => {
      changed()
      counts()
    })
    counts()
    offerBack()
  })

  document.addEventListener("DOMContentLoaded", () => {
    form.addEventListener("input", (event) => {
      if (event.isTrusted) changed()
      counts()
    })
    form.addEventListener("change", (event) => {
      if (event.isTrusted) changed()
    })
    counts()
    // Times are typed in the newsroom's zone: each time input says so, with the offset (not the browser's).
    for (const input of form.querySelectorAll(".vTimeField")) {
      if (input.parentElement.querySelector(".desk-tz")) continue
      const note = document.createElement("span")
      note.className = "desk-tz"
      note.textContent = `newsroom time (${config.dataset.offset})`
      input.after(note)
    }
    // Without the rich-text editor (or before it is ready) the plain fields are compared now.
    const rich = bodyArea() && [...bodyArea().attributes].some((a) => a.name.startsWith("data-django-prose-editor"))
    if (!rich) offerBack()
    heartbeat()
    setInterval(heartbeat, 20_000)
    window.addEventListener("pagehide", () => heartbeat(true))
  })
})()
