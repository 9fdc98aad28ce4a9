package dev.eden.artifacts.server.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class FormDataDispositionTest {

  private static String filename(String value) throws MalformedMultipartException {
    return FormDataDisposition.parse(value).filename();
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', quoteCharacter = '`', value = {
      // RFC 9110 §5.6.4 quoted-pairs, as Go's mime/multipart writes them
      "form-data; name=\"file\"; filename=\"a\\\"b\"|a\"b",
      "form-data; name=\"file\"; filename=\"say \\\"hi\\\".txt\"|say \"hi\".txt",
      "form-data; name=\"file\"; filename=\"back\\\\slash\"|back\\slash",
      // any other backslash is kept: Windows paths sent unescaped
      "form-data; name=\"file\"; filename=\"C:\\Users\\someone\\report.txt\"|C:\\Users\\someone\\report.txt",
      // the HTML form-data escapes (curl, OkHttp, browsers), exactly those three
      "form-data; name=\"file\"; filename=\"say %22hi%22.txt\"|say \"hi\".txt",
      // quoted-pair first, then the escapes: an escaped quote next to an escape
      "form-data; name=\"file\"; filename=\"\\\"%22\"|\"\"",
      // spacing, case and order
      "Form-Data ;NAME=file;  FileName = \"x y.txt\" |x y.txt",
      "form-data; filename=\"f\"; name=\"file\"|f",
      "form-data; name=\"file\"; filename=unquoted name.txt  ; x=y|unquoted name.txt",
      "form-data; name=\"file\"; filename=\"\"|``",
      "form-data; name=\"file\"; filename=\"a;b=c\"|a;b=c",
      "form-data; name=\"file\"; filename=\"p\"; ;|p",
      // filename* never overrides filename, valid or not
      "form-data; name=\"file\"; filename=\"plain.txt\"; filename*=UTF-8''%E2%82|plain.txt",
      "form-data; name=\"file\"; filename*=UTF-8''x.txt; filename=\"plain.txt\"|plain.txt",
      // filename* alone is read as RFC 8187
      "form-data; name=\"file\"; filename*=UTF-8''%E2%82%AC.txt|\u20ac.txt",
      "form-data; name=\"file\"; filename*=ISO-8859-1'fr'%E9t%E9|\u00e9t\u00e9",
  })
  void filenameIsReadAsEncodersWriteIt(String value, String expected) throws Exception {
    assertThat(filename(value)).isEqualTo(expected);
  }

  @Test
  void onlyTheThreeFormDataEscapesAreDecoded() throws Exception {
    assertThat(filename("form-data; name=\"file\"; filename=\"a%0D%0Ab\"")).isEqualTo("a\r\nb");
    assertThat(filename("form-data; name=\"file\"; filename=\"%25 %41 %0d %2\"")).isEqualTo("%25 %41 %0d %2");
    assertThat(filename("form-data; name=\"file\"; filename=\"%\"")).isEqualTo("%");
  }

  @Test
  void nameIsReadWithTheSameRules() throws Exception {
    assertThat(FormDataDisposition.parse("form-data; name=\"fi%22le\\\"\"").name()).isEqualTo("fi\"le\"");
    assertThat(FormDataDisposition.parse("form-data; name=file").name()).isEqualTo("file");
  }

  @ParameterizedTest
  @ValueSource(strings = {"attachment; name=\"file\"; filename=\"a\"", "form-datax; name=\"file\"; filename=\"a\"",
      "\"form-data\"; name=\"file\"", ""})
  void otherDispositionTypesHaveNeitherNameNorFilename(String value) throws Exception {
    assertThat(FormDataDisposition.parse(value)).isEqualTo(new FormDataDisposition(null, null));
  }

  @Test
  void absentHeaderHasNeitherNameNorFilename() throws Exception {
    assertThat(FormDataDisposition.parse(null)).isEqualTo(new FormDataDisposition(null, null));
  }

  @Test
  void partWithoutFilenameIsNotAFileUpload() throws Exception {
    assertThat(FormDataDisposition.parse("form-data; name=\"file\"")).isEqualTo(new FormDataDisposition("file", null));
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "form-data; name=\"file\"; filename=\"open|closing quote",
      "form-data; name=\"file\"; filename=\"ends in escape\\\"|closing quote",
      "form-data; name=\"file\"; filename=\"a\"b|text after",
      "form-data; name=\"file\" filename=\"a\"|text after",
      "form-data; name=\"file\"; filename|without '='",
      "form-data; name=\"file\"; filename=\"a\"; FILENAME=\"b\"|'filename'",
      "form-data; name=\"a\"; name=\"file\"; filename=\"b\"|'name'",
      "form-data; name=\"file\"; filename*=UTF-8''%E2%82|filename*",
      "form-data; name=\"file\"; filename*=UTF-8''%Zx|filename*",
      "form-data; name=\"file\"; filename*=no-quotes|filename*",
      "form-data; name=\"file\"; filename*=KOI8-R''x|filename*",
      "form-data; name=\"file\"; filename*=UTF-8''a b|filename*",
  })
  void malformedValuesAreRefusedNamingTheFault(String value, String fault) {
    assertThatThrownBy(() -> FormDataDisposition.parse(value))
        .isInstanceOf(MalformedMultipartException.class)
        .hasMessageStartingWith("a part's Content-Disposition header ")
        .hasMessageContaining(fault);
  }

  @Test
  void refusalNeverRepeatsTheValue() {
    assertThatThrownBy(() -> FormDataDisposition.parse("form-data; name=\"<script>\"; filename=\"x\r\nY: z"))
        .isInstanceOf(MalformedMultipartException.class)
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("script").doesNotContain("\r"));
  }

  /** Names drawn from the characters encoders must escape, mixed with ordinary and non-ASCII ones. */
  private static String randomName(Random random) {
    String alphabet = "\"\\\r\n;= %ab\u00e9\u8a08";
    StringBuilder sb = new StringBuilder();
    for (int i = random.nextInt(12); i >= 0; i--) {
      sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    return sb.toString();
  }

  @Test
  void everyNameRoundTripsThroughGoStyleQuotedPairs() throws Exception {
    Random random = new Random(7);
    for (int i = 0; i < 2000; i++) {
      String name = randomName(random);
      String escaped = name.replace("\\", "\\\\").replace("\"", "\\\"");
      assertThat(filename("form-data; name=\"file\"; filename=\"" + escaped + "\"")).as(escaped).isEqualTo(name);
    }
  }

  @Test
  void everyNameWithoutLiteralEscapesRoundTripsThroughFormDataEscapes() throws Exception {
    Random random = new Random(11);
    for (int i = 0; i < 2000; i++) {
      String name = randomName(random);
      if (name.endsWith("\\")) {
        continue; // sent unescaped, a final backslash escapes the closing quote: see the test below
      }
      // OkHttp's and curl's escaping. They send a backslash as it is, so a doubled one reads as a
      // quoted-pair; a lone one is kept. (The alphabet cannot spell %22, %0D or %0A by itself.)
      String escaped = name.replace("\"", "%22").replace("\r", "%0D").replace("\n", "%0A");
      String expected = name.replace("\\\\", "\\");
      assertThat(filename("form-data; name=\"file\"; filename=\"" + escaped + "\"")).as(escaped)
          .isEqualTo(expected);
    }
  }

  @Test
  void finalUnescapedBackslashLeavesTheQuotedStringOpen() {
    // What curl or OkHttp send for a name ending in a backslash. Such a name has no last path
    // segment anyway; it is refused rather than guessed at.
    assertThatThrownBy(() -> filename("form-data; name=\"file\"; filename=\"dir\\\""))
        .isInstanceOf(MalformedMultipartException.class).hasMessageContaining("closing quote");
  }
}
