/** What every view gets: the data source and navigation. */
import type { DataSource } from "./data/source.js";
import type { HashState } from "./router.js";

export interface View {
  readonly el: HTMLElement;
  /** Applies the (new) hash state; called on every hash change while the view is the active one. */
  show(s: HashState): void;
  /** Keys while the view is active and focus is not in a text field; true when handled. */
  key?(e: KeyboardEvent): boolean;
}

export interface Ctx {
  readonly src: DataSource;
}

/** Writes an error into a view's body. */
export function errorBox(message: string): HTMLElement {
  const el = document.createElement("div");
  el.className = "errorbox";
  el.textContent = message;
  return el;
}

export function errText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
