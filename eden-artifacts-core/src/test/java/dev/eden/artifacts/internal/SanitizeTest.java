package dev.eden.artifacts.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.BadRequestException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class SanitizeTest {

  @Test
  void printableContentTypeIsKeptVerbatim() {
    assertThat(Sanitize.contentType("text/plain; charset=utf-8")).isEqualTo("text/plain; charset=utf-8");
    assertThat(Sanitize.contentType("Application/Weird+Thing; a=\"b c\"")).isEqualTo("Application/Weird+Thing; a=\"b c\"");
  }

  @Test
  void controlCharactersDelAndNonAsciiAreRemovedFromContentTypes() {
    assertThat(Sanitize.contentType("text/plain\r\nX-Injected: 1")).isEqualTo("text/plainX-Injected: 1");
    assertThat(Sanitize.contentType("text/\u0000pl\tain\u007f")).isEqualTo("text/plain");
    assertThat(Sanitize.contentType("text/plain; name=r\u00e9sum\u00e9 \ud83d\udce6")).isEqualTo("text/plain; name=rsum");
    assertThat(Sanitize.contentType("  application/json  ")).isEqualTo("application/json");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"   ", "\r\n", "\u0000\u007f", "\u00e9\u00e8", "\t \u0085 "})
  void absentOrEmptyContentTypeIsOctetStream(String declared) {
    assertThat(Sanitize.contentType(declared)).isEqualTo("application/octet-stream");
  }

  @Test
  void contentTypeUpToTheBoundIsKeptWhole() {
    String longest = "application/" + "x".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 12);
    assertThat(Sanitize.contentType(longest)).isEqualTo(longest);
    String quoted = "text/plain; p=\"" + "v".repeat(240) + "\"";
    assertThat(Sanitize.contentType(quoted)).isEqualTo(quoted);
    // Measured after cleaning: what is stripped does not count.
    assertThat(Sanitize.contentType(" " + longest + "\u0000\u00e9 ")).isEqualTo(longest);
  }

  @Test
  void contentTypeBeyondTheBoundIsRefusedNotCut() {
    String tooLong = "application/" + "x".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 11);
    assertThatThrownBy(() -> Sanitize.contentType(tooLong))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("the declared content type is 1025 characters long; at most 1024 characters are recorded");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "report.pdf|report.pdf",
      "/etc/passwd|passwd",
      "..\\..\\windows\\system32\\cmd.exe|cmd.exe",
      "a/b\\c/d.txt|d.txt",
      "  spaced name.txt  |spaced name.txt",
      "r\u00e9sum\u00e9 \ud83d\udce6.txt|r\u00e9sum\u00e9 \ud83d\udce6.txt",
  })
  void filenameKeepsOnlyTheLastPathSegment(String original, String expected) {
    assertThat(Sanitize.filename(original)).isEqualTo(expected);
  }

  @Test
  void controlCharactersAndLoneSurrogatesAreRemovedFromFilenames() {
    assertThat(Sanitize.filename("evil\r\nSet-Cookie: x=1.txt")).isEqualTo("evilSet-Cookie: x=1.txt");
    assertThat(Sanitize.filename("a\u0000b\u007fc\u0085d\u2028e")).isEqualTo("abcde");
    assertThat(Sanitize.filename("x\ud800y\udc00z")).isEqualTo("xyz");
  }

  @ParameterizedTest
  @NullAndEmptySource
  @ValueSource(strings = {"  ", ".", "..", "dir/", "a/..", "\r\n", "/", "\\"})
  void absentOrEmptyFilenameIsArtifact(String original) {
    assertThat(Sanitize.filename(original)).isEqualTo("artifact");
  }

  @Test
  void filenameUpToTheBoundIsKeptWhole() {
    String longest = "\ud83d\udce6".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES / 4);
    assertThat(Sanitize.filename(longest)).isEqualTo(longest);
    assertThat(Sanitize.filename("C:\\dir\\" + longest + "\u0000")).isEqualTo(longest);
    String ascii = "n".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES);
    assertThat(Sanitize.filename(ascii)).isEqualTo(ascii);
  }

  @Test
  void filenameBeyondTheBoundIsRefusedNotCut() {
    String tooLong = "\u00e9".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES / 2) + "x";
    assertThatThrownBy(() -> Sanitize.filename(tooLong))
        .isInstanceOf(BadRequestException.class)
        .hasMessage("the filename is 1025 bytes long in UTF-8; at most 1024 bytes are recorded");
  }
}
