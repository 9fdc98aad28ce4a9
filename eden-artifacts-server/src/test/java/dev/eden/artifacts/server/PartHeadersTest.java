package dev.eden.artifacts.server;

import static dev.eden.artifacts.server.Problems.assertProblem;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.FetchedArtifact;
import dev.eden.artifacts.Principal;
import java.nio.charset.StandardCharsets;
import okhttp3.MediaType;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;
import org.junit.jupiter.api.Test;

/**
 * The part headers and framing of a deposit read exactly as encoders write them: RFC 9110
 * quoted-pairs and the HTML form-data escapes in filenames, RFC 2046 transport padding, no silent
 * shortening of recorded fields, and a 400 detail that names the fault. Sent as raw bytes so that
 * nothing between the test and the server rewrites them.
 */
class PartHeadersTest extends ServerTest {
  static final String BOUNDARY = "p4rt-b0undary";
  static final String TYPE = "multipart/form-data; boundary=" + BOUNDARY;
  static final String BAD_REQUEST = "eden://error/bad-request";
  static final String CLOSE = "\r\n--" + BOUNDARY + "--\r\n";

  private Response post(String body) throws Exception {
    Request request = fixture.depositRequest(ServerFixture.workerA(),
        RequestBody.create(body.getBytes(StandardCharsets.UTF_8), MediaType.get(TYPE))).build();
    return fixture.http.newCall(request).execute();
  }

  /** A one-part body whose file part carries {@code disposition} and, if non-null, {@code contentType}. */
  private static String onePart(String disposition, String contentType) {
    return "--" + BOUNDARY + "\r\nContent-Disposition: " + disposition + "\r\n"
        + (contentType == null ? "" : "Content-Type: " + contentType + "\r\n")
        + "\r\nbytes" + CLOSE;
  }

  private ArtifactMetadata deposit(String body) throws Exception {
    try (Response r = post(body)) {
      String text = r.body().string();
      assertThat(r.code()).as(text).isEqualTo(201);
      JsonNode created = ServerFixture.JSON.readTree(text);
      try (FetchedArtifact a = fixture.service.open(fixture.experiment, Principal.admin(),
          created.get("artifacts_uri").asText())) {
        assertThat(a.content().readAllBytes()).isEqualTo("bytes".getBytes(StandardCharsets.US_ASCII));
        return a.metadata();
      }
    }
  }

  private String recordedFilename(String filenameParameter) throws Exception {
    return deposit(onePart("form-data; name=\"file\"; " + filenameParameter, "text/plain")).filename();
  }

  /**
   * Asserts a 400 bad-request whose detail contains every one of {@code words}, and that no blob was
   * added (the metadata row is only ever written after its blob).
   */
  private String assertRefused(String body, String... words) throws Exception {
    int blobsBefore = fixture.blobFiles().size();
    String detail;
    try (Response r = post(body)) {
      detail = assertProblem(r, 400, BAD_REQUEST).get("detail").asText();
    }
    assertThat(detail).contains(words);
    assertThat(fixture.blobFiles()).hasSize(blobsBefore);
    return detail;
  }

  // Item: filenames are recorded exactly.

  @Test
  void quotedPairsInTheFilenameAreUnescaped() throws Exception {
    assertThat(recordedFilename("filename=\"a\\\"b\"")).isEqualTo("a\"b");
    assertThat(recordedFilename("filename=\"say \\\"hi\\\".txt\"")).isEqualTo("say \"hi\".txt");
  }

  @Test
  void goMultipartWriterFilenameRoundTrips() throws Exception {
    // What Go's mime/multipart CreateFormFile writes: backslash and quote escaped with a backslash.
    String body = "--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"report \\\"final\\\".txt\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\nbytes" + CLOSE;
    assertThat(deposit(body).filename()).isEqualTo("report \"final\".txt");
  }

  @Test
  void formDataEscapesOfQuoteAndLineBreaksAreDecoded() throws Exception {
    assertThat(recordedFilename("filename=\"say %22hi%22.txt\"")).isEqualTo("say \"hi\".txt");
    // CR and LF come back as themselves and are then removed like any control character.
    assertThat(recordedFilename("filename=\"a%0D%0Ab.txt\"")).isEqualTo("ab.txt");
    // Exactly those three escapes: any other percent sequence is the name itself.
    assertThat(recordedFilename("filename=\"100%25 %41 %0d.txt\"")).isEqualTo("100%25 %41 %0d.txt");
  }

  @Test
  void windowsFullPathKeepsItsLastSegment() throws Exception {
    assertThat(recordedFilename("filename=\"C:\\Users\\someone\\report.txt\"")).isEqualTo("report.txt");
    assertThat(recordedFilename("filename=\"\\\\server\\share\\n\\t.txt\"")).isEqualTo("t.txt");
  }

  @Test
  void filenameStarNeverOverridesFilename() throws Exception {
    assertThat(recordedFilename("filename=\"plain.txt\"; filename*=UTF-8''%E2%82")).isEqualTo("plain.txt");
    assertThat(recordedFilename("filename*=UTF-8''other.txt; filename=\"plain.txt\"")).isEqualTo("plain.txt");
    assertThat(recordedFilename("filename=\"plain.txt\"; filename*=bogus")).isEqualTo("plain.txt");
  }

  @Test
  void filenameStarAloneIsReadAsRfc8187() throws Exception {
    assertThat(recordedFilename("filename*=UTF-8''%E2%82%AC%20rate.txt")).isEqualTo("\u20ac rate.txt");
    assertThat(recordedFilename("filename*=iso-8859-1'en'%E9t%E9.txt")).isEqualTo("\u00e9t\u00e9.txt");
  }

  @Test
  void malformedFilenameStarAloneIsBadRequest() throws Exception {
    assertRefused(onePart("form-data; name=\"file\"; filename*=UTF-8''%E2%82", null), "filename*");
    assertRefused(onePart("form-data; name=\"file\"; filename*=no-quotes", null), "filename*");
  }

  @Test
  void unquotedTokenFilenameIsAccepted() throws Exception {
    assertThat(recordedFilename("filename=plain.txt")).isEqualTo("plain.txt");
  }

  @Test
  void malformedContentDispositionIsBadRequestNamingTheHeader() throws Exception {
    assertRefused(onePart("form-data; name=\"file\"; filename=\"open.txt", null), "Content-Disposition");
    assertRefused(onePart("form-data; name=\"file\"; filename=\"a\"b.txt", null), "Content-Disposition");
  }

  @Test
  void repeatedParameterIsBadRequest() throws Exception {
    assertRefused(onePart("form-data; name=\"file\"; filename=\"a.txt\"; filename=\"b.txt\"", null),
        "Content-Disposition", "filename");
    assertRefused(onePart("form-data; name=\"file\"; NAME=\"file\"; filename=\"a.txt\"", null),
        "Content-Disposition", "name");
  }

  @Test
  void hostileBytesInAMalformedHeaderAreNotEchoed() throws Exception {
    String detail = assertRefused(
        onePart("form-data; name=\"file\"; filename=\"<script>alert(1)</script>", null), "Content-Disposition");
    assertThat(detail).doesNotContain("<script>").doesNotContain("alert");
  }

  // Item: transport padding after a boundary delimiter (RFC 2046 §5.1.1).

  @Test
  void transportPaddingAfterDelimitersIsAccepted() throws Exception {
    String body = "--" + BOUNDARY + "  \r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"padded.txt\"\r\n\r\n"
        + "bytes\r\n--" + BOUNDARY + "-- \t \r\n";
    assertThat(deposit(body).filename()).isEqualTo("padded.txt");
    String tabs = "preamble line\r\n--" + BOUNDARY + "\t\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"tabs.txt\"\r\n\r\n"
        + "bytes" + CLOSE;
    assertThat(deposit(tabs).filename()).isEqualTo("tabs.txt");
  }

  @Test
  void paddedDelimiterBeforeASecondPartStillMeansTwoParts() throws Exception {
    String body = "--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n\r\nbytes\r\n"
        + "--" + BOUNDARY + "   \r\n"
        + "Content-Disposition: form-data; name=\"extra\"\r\n\r\nx" + CLOSE;
    assertRefused(body, "more than one part");
  }

  // Hostile part headers: one syntax and one value for every reader.

  @Test
  void repeatedPartHeaderIsBadRequest() throws Exception {
    String disposition = "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n";
    assertRefused("--" + BOUNDARY + "\r\n" + disposition
        + "Content-Disposition: form-data; name=\"other\"\r\n\r\nbytes" + CLOSE, "Content-Disposition", "once");
    assertRefused("--" + BOUNDARY + "\r\n" + disposition
        + "Content-Type: text/plain\r\ncontent-type: text/html\r\n\r\nbytes" + CLOSE, "Content-Type", "once");
  }

  @Test
  void malformedPartHeaderLineIsBadRequest() throws Exception {
    String disposition = "Content-Disposition: form-data; name=\"file\"; filename=\"a.txt\"\r\n";
    assertRefused("--" + BOUNDARY + "\r\n" + disposition + "Garbage\r\n\r\nbytes" + CLOSE, "header");
    assertRefused("--" + BOUNDARY + "\r\n" + disposition + "Content-Type : text/html\r\n\r\nbytes" + CLOSE, "header");
  }

  // Item: specific details for bad framing.

  @Test
  void bodyWithoutABoundaryLineIsBadRequestSayingSo() throws Exception {
    assertRefused("just some text, no delimiter at all\r\n", "boundary");
    assertRefused("--" + BOUNDARY + "xyz\r\n\r\nbytes" + CLOSE.replace("--\r\n", "xyz--\r\n"), "boundary");
  }

  @Test
  void bodyCutBeforeTheClosingDelimiterIsBadRequestSayingSo() throws Exception {
    String head = "--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\n";
    assertRefused(head + "bytes but never closed", "ended before");
    assertRefused(head + "bytes\r\n--" + BOUNDARY, "ended before");
    assertRefused("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"file\"", "ended before");
  }

  @Test
  void oversizedPartHeaderBlockIsBadRequestNamingTheBound() throws Exception {
    String body = onePart("form-data; name=\"file\"; filename=\"a\"", "text/plain; x=\"" + "p".repeat(9000) + "\"");
    assertRefused(body, "header", "8192 bytes");
  }

  @Test
  void closingDelimiterAloneIsBadRequestSayingNoPart() throws Exception {
    assertRefused("--" + BOUNDARY + "--\r\n", "no part");
  }

  // Item: recorded fields are never silently shortened.

  @Test
  void contentTypeLongerThan255CharactersIsStoredAndServedIntact() throws Exception {
    String prefix = "application/x-long; p=\"";
    String type = prefix + "v".repeat(256 - prefix.length() - 1) + "\"";
    assertThat(type).hasSize(256);
    ArtifactMetadata recorded = deposit(onePart("form-data; name=\"file\"; filename=\"a.bin\"", type));
    assertThat(recorded.contentType()).isEqualTo(type);
    try (Response r = fixture.fetch(ServerFixture.workerA(), recorded.uri())) {
      assertThat(r.header("Content-Type")).isEqualTo(type);
    }
  }

  @Test
  void contentTypeAtTheBoundIsKeptAndBeyondItRefused() throws Exception {
    String atBound = "application/x-" + "b".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 14);
    assertThat(atBound).hasSize(1024);
    assertThat(deposit(onePart("form-data; name=\"file\"; filename=\"a\"", atBound)).contentType())
        .isEqualTo(atBound);
    assertRefused(onePart("form-data; name=\"file\"; filename=\"a\"", atBound + "b"),
        "content type", "at most 1024 characters");
  }

  @Test
  void filenameLongerThan255CharactersIsStoredAndOfferedIntact() throws Exception {
    String name = "n".repeat(300) + ".txt";
    ArtifactMetadata recorded = deposit(onePart("form-data; name=\"file\"; filename=\"" + name + "\"", null));
    assertThat(recorded.filename()).isEqualTo(name);
    try (Response r = fixture.fetch(ServerFixture.workerA(), recorded.uri())) {
      assertThat(r.header("Content-Disposition")).contains("filename*=UTF-8''" + name);
    }
  }

  @Test
  void filenameAtTheBoundIsKeptAndBeyondItRefused() throws Exception {
    String atBound = "\ud83d\udce6".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES / 4); // 4 bytes each
    ArtifactMetadata recorded =
        deposit(onePart("form-data; name=\"file\"; filename=\"" + atBound + "\"", null));
    assertThat(recorded.filename()).isEqualTo(atBound);
    try (Response r = fixture.fetch(ServerFixture.workerA(), recorded.uri())) {
      assertThat(r.code()).isEqualTo(200);
    }
    assertRefused(onePart("form-data; name=\"file\"; filename=\"" + atBound + "x\"", null),
        "filename", "at most 1024 bytes");
  }

  @Test
  void longestTypeAndLongestNameTogetherAreServed() throws Exception {
    // The worst case for the fetch answer's headers: every filename byte becomes both a fallback
    // character and a three-character escape, next to the longest content type.
    String type = "application/x-" + "c".repeat(ArtifactMetadata.MAX_CONTENT_TYPE_LENGTH - 14);
    String name = "a" + "\"".repeat(ArtifactMetadata.MAX_FILENAME_UTF8_BYTES - 2) + "z";
    ArtifactMetadata recorded = deposit(onePart(
        "form-data; name=\"file\"; filename=\"" + name.replace("\"", "%22") + "\"", type));
    assertThat(recorded.filename()).isEqualTo(name);
    try (Response r = fixture.fetch(ServerFixture.workerA(), recorded.uri())) {
      assertThat(r.code()).isEqualTo(200);
      assertThat(r.header("Content-Type")).isEqualTo(type);
      assertThat(r.header("Content-Disposition")).contains("%22%22%22");
      assertThat(r.body().string()).isEqualTo("bytes");
    }
  }
}
