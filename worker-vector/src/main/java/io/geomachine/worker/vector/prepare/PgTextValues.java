package io.geomachine.worker.vector.prepare;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.util.Locale;

/**
 * Reads COPY text values the way PostgreSQL's input functions read the forms GDAL writes, for
 * {@link BinaryRows}: the same special floats, the same range errors, dates and timestamps counted
 * from PostgreSQL's epoch (2000-01-01, UTC). A value PostgreSQL would refuse is {@link Refused}.
 */
final class PgTextValues {
  /** A value PostgreSQL would refuse, and why (e.g. "is out of range"). */
  static final class Refused extends Exception {
    Refused(String why) {
      super(why, null, false, false);
    }
  }

  /** PostgreSQL counts dates from 2000-01-01. */
  private static final long POSTGRES_EPOCH_DAY = LocalDate.of(2000, 1, 1).toEpochDay();

  private static final long MICROS_PER_SECOND = 1_000_000L;
  private static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

  private PgTextValues() {}

  /** PostgreSQL's boolean words (GDAL writes 1 and 0), case-insensitive, unique prefixes too. */
  static boolean bool(byte[] b, int s, int e) throws Refused {
    if (e - s == 1 && (b[s] == '1' || b[s] == '0')) {
      return b[s] == '1'; // what GDAL writes, without a String per value
    }
    String v = ascii(b, s, e).trim().toLowerCase(Locale.ROOT);
    if (v.equals("1") || prefixOf(v, "true", 1) || prefixOf(v, "yes", 1) || v.equals("on")) {
      return true;
    }
    if (v.equals("0") || prefixOf(v, "false", 1) || prefixOf(v, "no", 1) || prefixOf(v, "off", 2)) {
      return false;
    }
    throw new Refused("is not a boolean");
  }

  private static boolean prefixOf(String v, String word, int atLeast) {
    return v.length() >= atLeast && word.startsWith(v);
  }

  /** A decimal integer within [min, max]. */
  static long integer(byte[] b, int s, int e, long min, long max) throws Refused {
    int i = s;
    boolean negative = i < e && b[i] == '-';
    if (i < e && (b[i] == '-' || b[i] == '+')) {
      i++;
    }
    if (i == e) {
      throw new Refused("is not an integer");
    }
    long v = 0; // accumulated negative, so Long.MIN_VALUE fits
    for (; i < e; i++) {
      int d = b[i] - '0';
      if (d < 0 || d > 9) {
        throw new Refused("is not an integer");
      }
      if (v < (Long.MIN_VALUE + d) / 10) {
        throw new Refused("is out of range");
      }
      v = v * 10 - d;
    }
    if (!negative) {
      if (v == Long.MIN_VALUE) {
        throw new Refused("is out of range");
      }
      v = -v;
    }
    if (v < min || v > max) {
      throw new Refused("is out of range");
    }
    return v;
  }

  /**
   * A float: NaN and infinities by name (any case, {@code inf} too); a finite value that overflows
   * or underflows to zero is out of range; subnormals are kept.
   */
  static double floating(byte[] b, int s, int e, boolean single) throws Refused {
    String text = ascii(b, s, e).trim();
    switch (text.toLowerCase(Locale.ROOT)) {
      case "nan", "+nan", "-nan" -> {
        return Double.NaN;
      }
      case "inf", "+inf", "infinity", "+infinity" -> {
        return Double.POSITIVE_INFINITY;
      }
      case "-inf", "-infinity" -> {
        return Double.NEGATIVE_INFINITY;
      }
      default -> {
        // a number
      }
    }
    char last = text.isEmpty() ? ' ' : text.charAt(text.length() - 1);
    if (!(Character.isDigit(last) || last == '.')) {
      throw new Refused("is not a number"); // Java would take "1d", "1f"; C does not
    }
    double v;
    try {
      v = single ? Float.parseFloat(text) : Double.parseDouble(text);
    } catch (NumberFormatException nfe) {
      throw new Refused("is not a number");
    }
    if (Double.isInfinite(v) || (v == 0 && nonZeroDigit(text))) {
      throw new Refused("is out of range");
    }
    return v;
  }

  private static boolean nonZeroDigit(String number) {
    for (int i = 0; i < number.length(); i++) {
      char c = number.charAt(i);
      if (c == 'e' || c == 'E') {
        return false;
      }
      if (c >= '1' && c <= '9') {
        return true;
      }
    }
    return false;
  }

  /** {@code YYYY/MM/DD} (GDAL) or {@code YYYY-MM-DD}, as days since 2000-01-01. */
  static int date(byte[] b, int s, int e) throws Refused {
    Cursor c = new Cursor(b, s, e);
    int days = c.date();
    c.finish("date");
    return days;
  }

  /**
   * {@code YYYY/MM/DD HH:MM:SS[.fff][+HH[MM]]} as GDAL writes a DateTime, as microseconds since
   * 2000-01-01 00:00 UTC; without an offset the time is UTC (the loader's session time zone).
   */
  static long timestamp(byte[] b, int s, int e) throws Refused {
    Cursor c = new Cursor(b, s, e);
    long days = c.date();
    if (c.at == e) {
      return days * MICROS_PER_DAY; // a date alone is midnight
    }
    if (b[c.at] != ' ' && b[c.at] != 'T') {
      throw new Refused("is not a timestamp");
    }
    c.at++;
    long micros = days * MICROS_PER_DAY + c.time();
    if (c.at < e) {
      micros -= c.offsetSeconds() * MICROS_PER_SECOND;
    }
    c.finish("timestamp");
    return micros;
  }

  /** {@code HH:MM:SS[.fff]} as microseconds since midnight. */
  static long time(byte[] b, int s, int e) throws Refused {
    Cursor c = new Cursor(b, s, e);
    long micros = c.time();
    c.finish("time");
    return micros;
  }

  /** Reads the parts of a date or time one after another. */
  private static final class Cursor {
    final byte[] b;
    final int end;
    int at;

    Cursor(byte[] b, int start, int end) {
      this.b = b;
      this.at = start;
      this.end = end;
    }

    /** Up to {@code max} digits (at least one). */
    int digits(int max, String what) throws Refused {
      int from = at;
      int v = 0;
      while (at < end && at - from < max && b[at] >= '0' && b[at] <= '9') {
        v = v * 10 + b[at++] - '0';
      }
      if (at == from) {
        throw new Refused("is not a " + what);
      }
      return v;
    }

    /** Refuses the value unless it has been read to its end. */
    void finish(String what) throws Refused {
      if (at != end) {
        throw new Refused("is not a " + what);
      }
    }

    boolean next(char c) {
      if (at < end && b[at] == c) {
        at++;
        return true;
      }
      return false;
    }

    int date() throws Refused {
      int year = digits(9, "date");
      if (!next('/') && !next('-')) {
        throw new Refused("is not a date");
      }
      int month = digits(2, "date");
      if (!next('/') && !next('-')) {
        throw new Refused("is not a date");
      }
      int day = digits(2, "date");
      if (year < 1) {
        throw new Refused("is out of range");
      }
      try {
        return (int) (LocalDate.of(year, month, day).toEpochDay() - POSTGRES_EPOCH_DAY);
      } catch (DateTimeException dte) {
        throw new Refused("is out of range");
      }
    }

    /** {@code HH:MM[:SS[.f...]]}; a leap second (60) and 24:00:00 as PostgreSQL takes them. */
    long time() throws Refused {
      int hour = digits(2, "time");
      if (!next(':')) {
        throw new Refused("is not a time");
      }
      int minute = digits(2, "time");
      int second = 0;
      long fraction = 0;
      if (next(':')) {
        second = digits(2, "time");
        if (next('.')) {
          int from = at;
          while (at < end && b[at] >= '0' && b[at] <= '9') {
            at++;
          }
          // PostgreSQL rounds to microseconds, half to even
          fraction =
              new BigDecimal("0." + new String(b, from, at - from, StandardCharsets.US_ASCII))
                  .movePointRight(6)
                  .setScale(0, RoundingMode.HALF_EVEN)
                  .longValueExact();
        }
      }
      long micros = ((hour * 60L + minute) * 60L + second) * MICROS_PER_SECOND + fraction;
      if (minute > 59 || second > 60 || hour > 24 || micros > MICROS_PER_DAY) {
        throw new Refused("is out of range");
      }
      return micros;
    }

    /** {@code +HH}, {@code +HHMM} or {@code +HH:MM} (or {@code -}); {@code Z} is 0. */
    long offsetSeconds() throws Refused {
      if (next('Z')) {
        return 0;
      }
      int sign = next('+') ? 1 : next('-') ? -1 : 0;
      if (sign == 0) {
        throw new Refused("is not a timestamp");
      }
      int hours = digits(2, "timestamp");
      int minutes = 0;
      if (at < end) {
        next(':');
        minutes = digits(2, "timestamp");
      }
      if (hours > 15 || minutes > 59) {
        throw new Refused("is out of range");
      }
      return sign * (hours * 3600L + minutes * 60L);
    }
  }

  private static String ascii(byte[] b, int s, int e) {
    return new String(b, s, e - s, StandardCharsets.ISO_8859_1);
  }
}
