package dev.baton.core;

import java.util.Locale;

/**
 * Text from the wire made safe to print: control characters (C0, DEL, C1, the Unicode line and
 * paragraph separators) are shown escaped, so that a reason, a path or a message cannot forge a
 * line of output or drive the terminal.
 */
public final class Printable {
  private Printable() {}

  /**
   * {@code text} with its control characters escaped ({@code \n}, {@code \x1b}); null stays null.
   */
  public static String of(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      boolean control =
          c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0) || c == 0x2028 || c == 0x2029;
      if (control && out == null) {
        out = new StringBuilder(text.length() + 8).append(text, 0, i);
      }
      if (out != null) {
        if (!control) {
          out.append(c);
        } else if (c == '\n') {
          out.append("\\n");
        } else if (c == '\r') {
          out.append("\\r");
        } else if (c == '\t') {
          out.append("\\t");
        } else {
          out.append(String.format(Locale.ROOT, c < 0x100 ? "\\x%02x" : "\\u%04x", (int) c));
        }
      }
    }
    return out == null ? text : out.toString();
  }
}
