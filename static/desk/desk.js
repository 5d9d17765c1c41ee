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
