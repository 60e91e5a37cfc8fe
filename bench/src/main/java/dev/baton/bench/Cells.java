package dev.baton.bench;

import java.util.Locale;

/** How figures are written in the report's table cells. */
final class Cells {
  private Cells() {}

  static String cpu(Usage.Window u) {
    return String.format(
        Locale.ROOT,
        "%s / %s / %s / %s",
        percent(u.brokerCpu()),
        u.storeCpu() == 0 ? "–" : percent(u.storeCpu()),
        percent(u.harnessCpu()),
        percent(u.otherCpu()));
  }

  static String gc(Usage.Window u) {
    Usage.Gc b = u.brokerGc();
    Usage.Gc h = u.harnessGc();
    return b.count()
        + " / "
        + ms(b.maxMs())
        + " / "
        + ms(b.totalMs())
        + "; "
        + h.count()
        + " / "
        + ms(h.totalMs());
  }

  static String percent(double p) {
    return Double.isNaN(p) ? "–" : String.format(Locale.ROOT, "%.0f", p);
  }

  static String pair(double a, double b) {
    return ms(a) + " / " + ms(b);
  }

  static String triple(double a, double b, double c) {
    return ms(a) + " / " + ms(b) + " / " + ms(c);
  }

  static String ms(double v) {
    if (Double.isNaN(v)) {
      return "–";
    }
    return String.format(Locale.ROOT, v >= 100 ? "%.0f" : v >= 10 ? "%.1f" : "%.2f", v);
  }

  /** Text for one markdown line: whitespace collapsed, at most 400 characters. */
  static String oneLine(String text) {
    String s = String.valueOf(text).replaceAll("\\s+", " ").strip();
    return s.length() <= 400 ? s : s.substring(0, 397) + "...";
  }
}
