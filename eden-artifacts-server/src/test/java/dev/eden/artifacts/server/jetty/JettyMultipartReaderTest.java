package dev.eden.artifacts.server.jetty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.server.internal.MalformedMultipartException;
import dev.eden.artifacts.server.internal.MultipartReader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class JettyMultipartReaderTest {
  private static final String BOUNDARY = "b0undary-x";
  private static final byte[] BOUNDARY_BYTES = BOUNDARY.getBytes(StandardCharsets.US_ASCII);
  private static final String HEAD = "--" + BOUNDARY + "\r\n"
      + "Content-Disposition: form-data; name=\"file\"; filename=\"x.bin\"\r\n"
      + "Content-Type: application/octet-stream\r\n\r\n";
  private static final String DELIMITER = "\r\n--" + BOUNDARY;
  private static final String CLOSE = DELIMITER + "--\r\n";
  private static final int CHUNK = JettyMultipartReader.CHUNK_BYTES;

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      out.writeBytes(p);
    }
    return out.toByteArray();
  }

  private static byte[] random(int size, long seed) {
    byte[] b = new byte[size];
    new Random(seed).nextBytes(b);
    return b;
  }

  private static MultipartReader open(InputStream body) throws IOException {
    return JettyMultipartReader.open(body, -1, BOUNDARY_BYTES, 1024);
  }

  /** Reads the single part's content and checks the body closes after it. */
  private static byte[] singlePartContent(InputStream body) throws IOException {
    MultipartReader reader = open(body);
    assertThat(reader.firstPart()).isTrue();
    MultipartReader.Part part = reader.readPart();
    byte[] content = part.content().readAllBytes();
    assertThat(reader.nextPart()).isFalse();
    return content;
  }

  @Test
  void readsNameFilenameAndContentTypeWithFileUploadRules() throws IOException {
    byte[] body = bytes("--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename*=UTF-8''%E2%82%AC.txt\r\n"
        + "Content-Type: text/plain; charset=x\r\n\r\nhello" + CLOSE);
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    MultipartReader.Part part = reader.readPart();
    assertThat(part.name()).isEqualTo("file");
    assertThat(part.filename()).isEqualTo("\u20ac.txt");
    assertThat(part.contentType()).isEqualTo("text/plain; charset=x");
    assertThat(part.content().readAllBytes()).isEqualTo(bytes("hello"));
    assertThat(reader.nextPart()).isFalse();
  }

  @Test
  void contentIsByteExactAcrossManyChunks() throws IOException {
    byte[] content = random(3 * CHUNK + 12_345, 1);
    byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
    assertThat(singlePartContent(new Segmented(body))).isEqualTo(content);
  }

  @Test
  void delimiterSplitAcrossTwoReadsAtEveryOffset() throws IOException {
    byte[] content = random(CHUNK - HEAD.length() - 3, 2);
    byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
    int delimiterStart = HEAD.length() + content.length;
    for (int k = 0; k <= CLOSE.length(); k++) {
      int cut = delimiterStart + k;
      assertThat(singlePartContent(new Segmented(body, cut))).as("cut %d into the delimiter", k)
          .isEqualTo(content);
    }
  }

  @Test
  void declaredBodyLengthOnlySizesTheBufferWhateverItSays() throws IOException {
    byte[] content = random(3 * CHUNK + 12_345, 4);
    byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
    for (long declared : new long[] {0, 10, 5000, body.length, Long.MAX_VALUE}) {
      MultipartReader reader = JettyMultipartReader.open(new Segmented(body), declared, BOUNDARY_BYTES, 1024);
      assertThat(reader.firstPart()).isTrue();
      assertThat(reader.readPart().content().readAllBytes()).as("declared %d", declared).isEqualTo(content);
      assertThat(reader.nextPart()).isFalse();
    }
  }

  @Test
  void delimiterAcrossTheEndOfTheSmallestBufferAtEveryOffset() throws IOException {
    // A small declared body gets a 4 KiB buffer: the delimiter may straddle its first refill.
    for (int k = 0; k <= CLOSE.length(); k++) {
      byte[] content = random(4096 - HEAD.length() - k, 5);
      byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
      MultipartReader reader = JettyMultipartReader.open(new Segmented(body), 1, BOUNDARY_BYTES, 1024);
      assertThat(reader.firstPart()).isTrue();
      assertThat(reader.readPart().content().readAllBytes()).as("%d delimiter bytes in the buffer", k)
          .isEqualTo(content);
      assertThat(reader.nextPart()).isFalse();
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r", "\n", "\r\n", "abc\r", "\r\n-", "\r\n--", "\r\n--" + "b0und",
      "\r\n--b0undary-", "x\r\n--b0undarY-x", "\r\r\n", "--" + BOUNDARY})
  void contentEndingInDelimiterLookalikesIsKeptAtEverySplit(String tail) throws IOException {
    byte[] content = concat(random(100, 3), bytes(tail));
    byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
    for (int cut = HEAD.length(); cut <= body.length; cut++) {
      assertThat(singlePartContent(new Segmented(body, cut))).as("split at %d", cut).isEqualTo(content);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"\r\n--b0undary-y and more", "--b0undary-y and more", "--b0und", "-", "\n", "\r"})
  void contentStartingWithDelimiterLookalikesIsKeptAtEverySplit(String start) throws IOException {
    byte[] content = concat(bytes(start), bytes("tail"));
    byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
    for (int cut = 1; cut <= body.length; cut++) {
      assertThat(singlePartContent(new Segmented(body, cut))).as("split at %d", cut).isEqualTo(content);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"a\n--" + BOUNDARY + "--\r\nmore", "a\n--" + BOUNDARY + "zz", "\n--" + BOUNDARY + "\r\n",
      "a\n--" + BOUNDARY + "--", "\r\r\n\n--" + BOUNDARY + "--\n\n"})
  void onlyCrLfBeforeTheBoundaryEndsThePartAtEverySplit(String content) throws IOException {
    // RFC 2046 §5.1.1: the delimiter is CRLF "--" boundary; a bare LF before the boundary is content.
    byte[] body = bytes(HEAD + content + CLOSE);
    for (int cut = 1; cut <= body.length; cut++) {
      assertThat(singlePartContent(new Segmented(body, cut))).as("split at %d", cut).isEqualTo(bytes(content));
    }
  }

  @Test
  void partHeadersMayCarryControlCharactersAndBareCarriageReturns() throws IOException {
    byte[] body = bytes("--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"a\rb\"\r\n"
        + "Content-Type: text/plain\u0001\u007f\r\n\r\nx" + CLOSE);
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    MultipartReader.Part part = reader.readPart();
    assertThat(part.filename()).isEqualTo("a\rb");
    assertThat(part.contentType()).isEqualTo("text/plain\u0001\u007f");
    assertThat(part.content().readAllBytes()).isEqualTo(bytes("x"));
    assertThat(reader.nextPart()).isFalse();
  }

  @Test
  void bodyDeliveredOneByteAtATimeIsByteExact() throws IOException {
    byte[] content = random(5000, 4);
    byte[] body = concat(bytes(HEAD), content, bytes(CLOSE));
    assertThat(singlePartContent(new Segmented(body, 1))).isEqualTo(content);
  }

  @Test
  void emptyPartHasNoBytes() throws IOException {
    byte[] body = bytes(HEAD + CLOSE);
    for (int cut = 1; cut < body.length; cut++) {
      assertThat(singlePartContent(new Segmented(body, cut))).isEmpty();
    }
  }

  @Test
  void preambleIsSkipped() throws IOException {
    byte[] body = bytes("this is a preamble\r\n" + HEAD + "x" + CLOSE);
    assertThat(singlePartContent(new Segmented(body))).isEqualTo(bytes("x"));
  }

  @Test
  void epilogueIsIgnored() throws IOException {
    byte[] body = bytes(HEAD + "x" + CLOSE + "epilogue bytes");
    assertThat(singlePartContent(new Segmented(body))).isEqualTo(bytes("x"));
  }

  @Test
  void bodyWithoutAnyBoundaryIsMalformedSayingSo() throws IOException {
    MultipartReader reader = open(new Segmented(bytes("just some bytes\r\n")));
    assertThatThrownBy(reader::firstPart).isInstanceOf(MalformedMultipartException.class)
        .hasMessageContaining("no boundary delimiter line");
  }

  @Test
  void bodyWithOnlyTheClosingDelimiterHoldsNoPart() throws IOException {
    assertThat(open(new Segmented(bytes("--" + BOUNDARY + "--\r\n"))).firstPart()).isFalse();
  }

  @Test
  void emptyBodyIsMalformedSayingSo() throws IOException {
    MultipartReader reader = open(new Segmented(new byte[0]));
    assertThatThrownBy(reader::firstPart).isInstanceOf(MalformedMultipartException.class)
        .hasMessageContaining("no boundary delimiter line");
  }

  @Test
  void nestedMultipartIsNotDescended() throws IOException {
    String nested = "--inner\r\nContent-Disposition: form-data; name=\"file\"; filename=\"y\"\r\n\r\nz\r\n--inner--";
    byte[] body = bytes("--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"outer\"\r\n"
        + "Content-Type: multipart/mixed; boundary=inner\r\n\r\n" + nested + CLOSE);
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    MultipartReader.Part part = reader.readPart();
    assertThat(part.name()).isEqualTo("outer");
    assertThat(part.filename()).isNull();
    assertThat(part.content().readAllBytes()).isEqualTo(bytes(nested));
    assertThat(reader.nextPart()).isFalse();
  }

  @Test
  void secondPartIsReportedWithoutReadingBeyondItsHeaders() throws IOException {
    byte[] first = bytes(HEAD + "one" + DELIMITER + "\r\n"
        + "Content-Disposition: form-data; name=\"extra\"\r\n\r\n");
    EndlessAfter body = new EndlessAfter(first);
    MultipartReader reader = open(body);
    assertThat(reader.firstPart()).isTrue();
    assertThat(reader.readPart().content().readAllBytes()).isEqualTo(bytes("one"));
    assertThat(reader.nextPart()).isTrue();
    assertThat(body.endlessBytesRead).isZero();
  }

  @Test
  void secondPartIsReportedEvenIfTheFirstWasNotReadToItsEnd() throws IOException {
    byte[] body = concat(bytes(HEAD), random(3 * CHUNK, 5), bytes(DELIMITER + "\r\n\r\nsecond" + CLOSE));
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    reader.readPart();
    assertThat(reader.nextPart()).isTrue();
  }

  @Test
  void manyTinyPartsStopAtTheSecond() throws IOException {
    StringBuilder b = new StringBuilder(HEAD).append("first");
    for (int i = 0; i < 10_000; i++) {
      b.append(DELIMITER).append("\r\nContent-Disposition: form-data; name=\"p").append(i).append("\"\r\n\r\nv");
    }
    b.append(CLOSE);
    MultipartReader reader = open(new Segmented(bytes(b.toString())));
    assertThat(reader.firstPart()).isTrue();
    assertThat(reader.readPart().content().readAllBytes()).isEqualTo(bytes("first"));
    assertThat(reader.nextPart()).isTrue();
  }

  @Test
  void bodyCutOffMidContentFailsTheContentRead() throws IOException {
    byte[] body = concat(bytes(HEAD), random(2 * CHUNK, 6));
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    InputStream content = reader.readPart().content();
    assertThatThrownBy(content::readAllBytes).isInstanceOf(IOException.class);
  }

  @Test
  void bodyCutOffInsidePartHeadersFailsReadPart() throws IOException {
    MultipartReader reader = open(new Segmented(bytes("--" + BOUNDARY + "\r\nContent-Disp")));
    assertThat(reader.firstPart()).isTrue();
    assertThatThrownBy(reader::readPart).isInstanceOf(IOException.class);
  }

  @Test
  void delimiterWithoutClosingDashesFails() throws IOException {
    byte[] body = bytes(HEAD + "x" + DELIMITER);
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    assertThat(reader.readPart().content().readAllBytes()).isEqualTo(bytes("x"));
    assertThatThrownBy(reader::nextPart).isInstanceOf(IOException.class);
  }

  @Test
  void garbageAfterTheDelimiterFails() throws IOException {
    byte[] body = bytes(HEAD + "x" + DELIMITER + "zz\r\n");
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    assertThat(reader.readPart().content().readAllBytes()).isEqualTo(bytes("x"));
    assertThatThrownBy(reader::nextPart).isInstanceOf(IOException.class);
  }

  @Test
  void oversizedPartHeaderFailsReadPart() throws IOException {
    String longName = "a".repeat(2000);
    byte[] body = bytes("--" + BOUNDARY + "\r\n"
        + "Content-Disposition: form-data; name=\"file\"; filename=\"" + longName + "\"\r\n\r\nx" + CLOSE);
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    assertThatThrownBy(reader::readPart).isInstanceOf(IOException.class);
  }

  @Test
  void manyHeaderLinesCountTowardsTheBound() throws IOException {
    String lines = "X-Filler: 0123456789\r\n".repeat(100);
    byte[] body = bytes("--" + BOUNDARY + "\r\n" + lines
        + "Content-Disposition: form-data; name=\"file\"; filename=\"f\"\r\n\r\nx" + CLOSE);
    MultipartReader reader = open(new Segmented(body));
    assertThat(reader.firstPart()).isTrue();
    assertThatThrownBy(reader::readPart).isInstanceOf(IOException.class);
  }

  @Test
  void nonAsciiBoundaryIsRejected() {
    byte[] boundary = {'a', (byte) 0xE9};
    assertThatThrownBy(() -> JettyMultipartReader.open(new Segmented(new byte[0]), -1, boundary, 1024))
        .isInstanceOf(IOException.class);
  }

  @Test
  void bodyStreamFailurePropagates() {
    InputStream body = new InputStream() {
      @Override
      public int read() throws IOException {
        throw new IOException("connection reset");
      }
    };
    assertThatThrownBy(() -> open(body).firstPart()).isInstanceOf(IOException.class)
        .hasMessageContaining("connection reset");
  }

  @Test
  void bodyStreamFailureMidContentPropagates() throws IOException {
    byte[] head = concat(bytes(HEAD), random(3 * CHUNK, 7));
    InputStream body = new InputStream() {
      private int pos;

      @Override
      public int read() {
        throw new UnsupportedOperationException();
      }

      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        if (pos == head.length) {
          throw new IOException("connection reset");
        }
        int n = Math.min(len, head.length - pos);
        System.arraycopy(head, pos, b, off, n);
        pos += n;
        return n;
      }
    };
    MultipartReader reader = open(body);
    assertThat(reader.firstPart()).isTrue();
    InputStream content = reader.readPart().content();
    assertThatThrownBy(content::readAllBytes).isInstanceOf(IOException.class).hasMessage("connection reset");
  }

  /** Hands out {@code data} in reads that never cross a cut (and repeat every {@code every} bytes). */
  private static final class Segmented extends InputStream {
    private final byte[] data;
    private final int[] cuts;
    private final int every;
    private int pos;

    Segmented(byte[] data, int cut) {
      this.data = data;
      this.cuts = new int[] {cut};
      this.every = cut == 1 ? 1 : Integer.MAX_VALUE;
    }

    Segmented(byte[] data) {
      this.data = data;
      this.cuts = new int[0];
      this.every = Integer.MAX_VALUE;
    }

    @Override
    public int read() {
      return pos < data.length ? data[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= data.length) {
        return -1;
      }
      int limit = data.length;
      for (int cut : cuts) {
        if (cut > pos && cut < limit) {
          limit = cut;
        }
      }
      int n = Math.min(Math.min(len, limit - pos), every);
      System.arraycopy(data, pos, b, off, n);
      pos += n;
      return n;
    }
  }

  /** {@code head}, then never-ending filler; counts how much filler was read. */
  private static final class EndlessAfter extends InputStream {
    private final byte[] head;
    private int pos;
    long endlessBytesRead;

    EndlessAfter(byte[] head) {
      this.head = head;
    }

    @Override
    public int read() {
      throw new UnsupportedOperationException();
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos < head.length) {
        int n = Math.min(len, head.length - pos);
        System.arraycopy(head, pos, b, off, n);
        pos += n;
        return n;
      }
      Arrays.fill(b, off, off + len, (byte) 'f');
      endlessBytesRead += len;
      return len;
    }
  }
}
