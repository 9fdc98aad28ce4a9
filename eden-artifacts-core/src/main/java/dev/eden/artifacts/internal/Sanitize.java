package dev.eden.artifacts.internal;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.BadRequestException;
import java.nio.charset.StandardCharsets;

/**
 * Cleans caller-supplied header values before they are recorded. A value is never shortened: one
 * longer than its bound on {@link ArtifactMetadata} once cleaned is refused, so what is recorded is
 * always what was sent, minus the characters the rules remove. Not API.
 */
public final class Sanitize {
  /** What an absent or empty declared content type is recorded as. */
  public static final String DEFAULT_CONTENT_TYPE = "application/octet-stream";
  /** What an absent or empty filename is recorded as. */
  public static final String DEFAULT_FILENAME = "artifact";

  private Sanitize() {}

  /**
   * The declared content type with everything outside printable ASCII (controls, DEL, non-ASCII)
   * removed and trimmed; {@code null} or empty becomes {@code application/octet-stream}.
   *
   * @throws BadRequestException if the result is longer than {@link
   *     ArtifactMetadata#MAX_CONTENT_TYPE_LENGTH}
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
    if (cleaned.length() > ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH) {
      throw new BadRequestException("the declared content type is " + cleaned.length()
          + " characters long; at most " + ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH + " characters are recorded");
    }
    return cleaned.isEmpty() ? DEFAULT_CONTENT_TYPE : cleaned;
  }

  /**
   * The last path segment of {@code original} (after any {@code /} or {@code \}), with control
   * characters and unpaired surrogates removed, and trimmed; {@code null}, empty, {@code .} or
   * {@code ..} become {@code artifact}.
   *
   * @throws BadRequestException if the result is longer than {@link
   *     ArtifactMetadata#MAX_FILENAME_UTF8_BYTES} in UTF-8
   */
  public static String filename(String original) {
    if (original == null) {
      return DEFAULT_FILENAME;
    }
    int cut = Math.max(original.lastIndexOf('/'), original.lastIndexOf('\\'));
    String base = original.substring(cut + 1);
    StringBuilder sb = new StringBuilder(base.length());
    for (int i = 0; i < base.length(); ) {
      int cp = base.codePointAt(i);
      i += Character.charCount(cp);
      boolean control = Character.isISOControl(cp) || cp == 0x2028 || cp == 0x2029;
      boolean loneSurrogate = Character.isSurrogate((char) cp) && Character.charCount(cp) == 1;
      if (!control && !loneSurrogate) {
        sb.appendCodePoint(cp);
      }
    }
    String cleaned = sb.toString().strip();
    if (cleaned.isEmpty() || cleaned.equals(".") || cleaned.equals("..")) {
      return DEFAULT_FILENAME;
    }
    // No lone surrogates are left, so the encoding is exact.
    int utf8Bytes = cleaned.getBytes(StandardCharsets.UTF_8).length;
    if (utf8Bytes > ArtifactMetadata.MAX_FILENAME_UTF8_BYTES) {
      throw new BadRequestException("the filename is " + utf8Bytes + " bytes long in UTF-8; at most "
          + ArtifactMetadata.MAX_FILENAME_UTF8_BYTES + " bytes are recorded");
    }
    return cleaned;
  }
}
