// Newsroom's additions to django-prose-editor's configurable preset (see articles/editor.py).
//
// The preset imports this module and looks extensions up by name, so the exports below replace
// prose-editor's own Image, Figure and Caption and add LibraryImage. Everything is served from our
// static files; the server-side sanitiser stays the authority on what is kept.
import {
  Caption as BaseCaption,
  Extension,
  Figure as BaseFigure,
  Image as BaseImage,
  gettext,
} from "django-prose-editor/editor"

const MESSAGE_TYPE = "newsroom:image-chosen"

// The image keeps the id of its library image in data-image-id (prose-editor calls it "file").
export const Image = BaseImage.extend({
  addAttributes() {
    return {
      ...this.parent?.(),
      file: {
        default: null,
        parseHTML: (element) => element.getAttribute("data-image-id"),
        renderHTML: (attributes) =>
          attributes.file ? { "data-image-id": attributes.file } : {},
      },
    }
  },
})

export const Figure = BaseFigure.extend({
  addAttributes() {
    return { class: { default: "image" } }
  },
})

export const Caption = BaseCaption.extend({
  addAttributes() {
    return { class: { default: null } }
  },
})

function figureContent(image) {
  const caption = (image.caption || "").trim()
  const credit = (image.credit || "").trim()
  const attrs = {
    src: image.src,
    alt: image.alt || "",
    width: image.width || null,
    height: image.height || null,
    file: String(image.id),
  }
  const content = [{ type: "image", attrs }]
  const inline = []
  if (caption) inline.push({ type: "text", text: credit ? `${caption} ` : caption })
  if (credit) {
    inline.push({
      type: "text",
      text: credit,
      marks: [{ type: "textClass", attrs: { class: "credit" } }],
    })
  }
  if (inline.length) content.push({ type: "caption", content: inline })
  return { type: "figure", attrs: { class: "image" }, content }
}

function openPicker(url, onChosen) {
  const separator = url.includes("?") ? "&" : "?"
  const popup = window.open(
    `${url}${separator}_popup=1`,
    "newsroom-image-picker",
    "width=960,height=720,resizable=yes,scrollbars=yes",
  )
  if (!popup) return
  const listener = (event) => {
    if (event.origin !== window.location.origin || event.source !== popup) return
    if (!event.data || event.data.type !== MESSAGE_TYPE) return
    window.removeEventListener("message", listener)
    onChosen(event.data.image)
  }
  window.addEventListener("message", listener)
}

// "Insert image from the library": pick a photo, get a figure with its caption and credit.
export const LibraryImage = Extension.create({
  name: "libraryImage",

  addOptions() {
    return { pickerUrl: null }
  },

  addMenuItems({ buttons, menu }) {
    const pickerUrl = this.options.pickerUrl
    if (!pickerUrl) return
    menu.defineItem({
      name: "libraryImage",
      groups: "nodes",
      priority: 90,
      button: buttons.material(
        "photo_library",
        gettext("Insert image from the library"),
      ),
      command(editor) {
        openPicker(pickerUrl, (image) => {
          if (!image || !image.id || !image.src) return
          editor.chain().focus().insertContent(figureContent(image)).run()
        })
      },
    })
  },
})
