package dev.eden.artifacts.internal;

/** Cleans caller-supplied header values before they are recorded. Not API. */
public final class Sanitize {
  /** What an absent or empty declared content type is recorded as. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  /** What an absent or empty filename is recorded as. */
  public static final String DEFAULT_FILENAME = "artifact";

  static final int MAX_CONTENT_TYPE_LENGTH = 255;
  static final int MAX_FILENAME_CODE_POINTS = 255;

  private Sanitize() {}

  /**
   * The declared content type with everything outside printable ASCII (controls, DEL, non-ASCII)
   * removed and trimmed; {@code null} or empty becomes {@code application/octet-stream}.
   */
  public static String contentType(String declared) {
    if (declared == null) {
      return DEFAULT_CONTENT_TYPE;
    }
    StringBuilder sb = new StringBuilder(declared.length());
    for (int i = 0; i < declared.length(); i++) {
      char c = declared.charAt(i);
      if (c >= 0x20 && c < 0x7f) {
        sb.append(c);
      }
    }
    String cleaned = sb.toString().trim();
    if (cleaned.length() > MAX_CONTENT_TYPE_LENGTH) {
      cleaned = cleaned.substring(0, MAX_CONTENT_TYPE_LENGTH).trim();
    }
    return cleaned.isEmpty() ? DEFAULT_CONTENT_TYPE : cleaned;
  }

  /**
   * The last path segment of {@code original} (after any {@code /} or {@code \}), with control
   * characters and unpaired surrogates removed, trimmed, and limited to 255 code points;
   * {@code null}, empty, {@code .} or {@code ..} become {@code artifact}.
   */
  public static String filename(String original) {
    if (original == null) {
      return DEFAULT_FILENAME;
    }
    int cut = Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\'));
    String base = original.substring(cut + 1);
    StringBuilder sb = new StringBuilder(base.length());
    int kept = 0;
    for (int i = 0; i < base.length() && kept < MAX_FILENAME_CODE_POINTS; ) {
      int cp = base.codePointAt(i);
      i += Character.charCount(cp);
      boolean control = Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029;
      boolean loneSurrogate = Character.isSurrogate((char) cp) && Character.charCount(cp) == 1;
      if (!control && !loneSurrogate) {
        sb.appendCodePoint(cp);
        kept++;
      }
    }
    String cleaned = sb.toString().strip();
    if (cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..")) {
      return DEFAULT_FILENAME;
    }
    return cleaned;
  }
}
