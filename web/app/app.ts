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

/**
 * Fetches a view's data once: "Loading…" in `body` meanwhile, then `body` emptied; on failure an error box
 * naming the view, and null (the view may try again on its next show()).
 */
export async function fetchInto<T>(body: HTMLElement, what: string, fetch: () => Promise<T>): Promise<T | null> {
  const wait = document.createElement("div");
  wait.className = "muted pad";
  wait.textContent = "Loading…";
  body.append(wait);
  try {
    const v = await fetch();
    body.replaceChildren();
    return v;
  } catch (e) {
    body.replaceChildren(errorBox(`${what}: ${errText(e)}`));
    return null;
  }
}
