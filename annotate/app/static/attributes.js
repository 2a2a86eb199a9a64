// The clip's attributes (visit, programme, age...: the scheme says which), set in the page. Each
// is an annotation of the coder on the reserved 'attributes' tier at time 0 (as the command line
// stores them); changing one updates it, emptying it deletes it, all through the same queue
// (saved, undoable, refused with the store's reason when the value does not fit).

import { el } from "./format.js";

export const ATTRIBUTES_TIER = "attributes";

export class ClipAttributes {
  constructor(root, { scheme, annotations }) {
    this.root = root;
    this.scheme = scheme;
    this.annotations = annotations;
    this.fields = {};
  }

  stored(name) {
    return this.annotations
      .list()
      .find((a) => a.tier === ATTRIBUTES_TIER && a.code === name);
  }

  render() {
    const attributes = this.scheme.attributes || [];
    if (!attributes.length) {
      this.root.replaceChildren(el("p", { class: "hint" }, "This scheme has no clip attributes."));
      return;
    }
    const rows = attributes.map((attribute) => {
      const field = this.field(attribute);
      this.fields[attribute.name] = field;
      return el(
        "label",
        { class: "attribute", title: attribute.description || "" },
        el("span", {}, attribute.label),
        field,
      );
    });
    this.root.replaceChildren(
      el("p", { class: "hint" }, "Clip attributes: they hold for the whole clip."),
      ...rows,
    );
    this.update();
  }

  field(attribute) {
    const save = (event) => this.save(attribute.name, event.target.value.trim());
    const common = {
      id: `attribute-${attribute.name}`,
      dataset: { attribute: attribute.name },
      onchange: save,
    };
    if (attribute.type === "choice") {
      return el(
        "select",
        common,
        el("option", { value: "" }, "—"),
        attribute.values.map((v) => el("option", { value: v }, v)),
      );
    }
    const numeric = attribute.type === "integer" || attribute.type === "number";
    return el("input", {
      ...common,
      type: numeric ? "number" : "text",
      step: attribute.type === "integer" ? 1 : "any",
      min: attribute.minimum ?? undefined,
      max: attribute.maximum ?? undefined,
    });
  }

  // Show the stored values (after a load, an undo, a reload).
  update() {
    for (const [name, field] of Object.entries(this.fields)) {
      if (document.activeElement === field) continue;
      field.value = this.stored(name)?.value || "";
    }
  }

  save(name, value) {
    const item = this.stored(name);
    if (item && item.value === value) return;
    this.annotations.action(() => {
      if (!value && item) this.annotations.remove(item);
      else if (item) this.annotations.update(item, { value });
      else if (value)
        this.annotations.add({ tier: ATTRIBUTES_TIER, code: name, start_s: 0, end_s: 0, value });
    });
  }
}
