/** Decodes every record of a capture (path or bytes) into events; the decoder is closed, its diagnostics kept. */
import { TraceDecoder } from "../../src/events/mod.js";
import type { EtwEvent } from "../../src/events/mod.js";

export function decodeAll(input: string | Uint8Array): { events: EtwEvent[]; decoder: TraceDecoder } {
  const decoder = new TraceDecoder(input);
  const events: EtwEvent[] = [];
  try {
    while (decoder.next()) events.push(decoder.decode());
  } finally {
    decoder.close();
  }
  return { events, decoder };
}
