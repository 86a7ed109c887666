/** Shows a user's value in a message: quoted, escaped, and cut short when long. */
export function show(value: unknown): string {
  const text = typeof value === "string" ? value : String(value);
  const cut = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  return JSON.stringify(cut);
}

// Printable ASCII: space (0x20) to tilde (0x7e).
const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export const isPrintableAscii = (text: string): boolean => PRINTABLE_ASCII.test(text);
/** True when `text` holds a C0 control, DEL or a C1 control character. */
export function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) return true;
  }
  return false;
}

/** Decimal numbers only: no hex, no binary, no "Infinity", no empty string. */
export const DECIMAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** AWS region names: `us-east-1`, `ap-southeast-2`, `us-gov-west-1`, `cn-north-1`, `us-isob-east-1`. */
export const REGION = /^[a-z]{2}(-(gov|iso[a-z]?))?-[a-z]+-\d{1,2}$/;
