/**
 * Errors and diagnostics. A WnvError is fatal for the operation (the CLI prints its one-line message and exits
 * with its exit code); a Diagnostic is a counted warning: the reader skips the bad part and carries on.
 */
export type ErrorCode =
  | "usage"          // bad command line, bad filter, bad option value → exit 1
  | "unreadable"     // the input cannot be opened or is not a file of the expected format → exit 2
  | "truncated"      // the input ends inside a structure → exit 2 when nothing can be read
  | "malformed";     // a structure has impossible values → exit 2 when nothing can be read

export class WnvError extends Error {
  readonly code: ErrorCode;
  /** Byte offset in the input where the problem is, when known. */
  readonly offset: number | undefined;
  constructor(code: ErrorCode, message: string, offset?: number) {
    super(offset === undefined ? message : `${message} (at byte offset ${offset}, 0x${offset.toString(16)})`);
    this.name = "WnvError";
    this.code = code;
    this.offset = offset;
  }
  get exitCode(): number {
    return this.code === "usage" ? 1 : 2;
  }
}

/** Kinds of recoverable problem the ETL reader counts and reports. */
export type DiagnosticKind =
  | "buffer-truncated"
  | "buffer-bad-size"
  | "buffer-bad-offsets"
  | "decompress-failed"
  | "compression-unsupported"
  | "record-unknown-kind"
  | "record-bad-size"
  | "record-wpp-skipped"
  | "extended-item-bad"
  | "trailing-bytes";

export interface Diagnostic {
  readonly kind: DiagnosticKind;
  /** File offset of the buffer (or record, when known) the problem was found in. */
  readonly offset: number;
  readonly message: string;
}
