package dev.eden.artifacts.server.jetty;

import dev.eden.artifacts.server.internal.MalformedMultipartException;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.util.SearchPattern;

/**
 * A {@link MultipartReader} whose part content is scanned a buffer at a time with Jetty's
 * Boyer–Moore–Horspool {@link SearchPattern} (several GiB/s), where FileUpload's part stream goes
 * byte by byte.
 *
 * <p>Three phases. The preamble and the first part's header block are read by FileUpload
 * ({@link MultipartForm}), exactly as the default reader does: same preamble rules, same header
 * bound, same tolerance for control characters in header values (which the contract strips from
 * the content type, while Jetty's header tokenizer rejects them). FileUpload is fed one byte per
 * read from this class's buffer, so it never consumes anything past the blank line ending the
 * headers. The content is then scanned for the delimiter {@code CRLF "--" boundary} (RFC 2046
 * §5.1.1) by this class. What follows the delimiter (the closing {@code "--"}, or transport padding
 * and a line break that begin another part) goes to Jetty's {@link MultiPart.Parser}.
 *
 * <p>Why the content is not scanned by Jetty's parser: it also ends a part at a bare LF before the
 * boundary ({@code "\n--" boundary}), which RFC 2046 does not count as a delimiter. Content holding
 * {@code "\n--" boundary "--"} was then stored cut at that point and acknowledged with a 201. Here
 * only {@code CRLF "--" boundary} ends the part, as with the FileUpload reader, so such content is
 * stored byte for byte.
 *
 * <p>Memory stays at one buffer of at most {@value #CHUNK_BYTES} bytes (less for a smaller body
 * of declared length) however large the part: content is
 * handed out from that buffer, and only a possible partial delimiter at its end is carried over
 * when it is refilled. Once a second part begins, everything after it is ignored and nothing more
 * is read.
 *
 * <p>Not thread-safe: one instance per request.
 */
final class JettyMultipartReader implements MultipartReader {
  /** Opens Jetty readers. */
  static final MultipartReader.Factory FACTORY = JettyMultipartReader::open;

  static final int CHUNK_BYTES = 64 * 1024;
  private static final ByteBuffer NO_BYTES = ByteBuffer.allocate(0);

  private final InputStream body;
  private final String boundary;
  /** {@code CRLF "--" boundary}: the only thing that ends a part's content. */
  private final SearchPattern delimiter;
  private final byte[] input;
  private final MultipartForm head;
  /** The unread window of {@link #input}: {@code [position, limit)}. */
  private int position;
  private int limit;
  /** Bytes from {@link #position} up to here are known to be content. */
  private int contentEnd;
  /** Whether the delimiter starts at {@link #contentEnd}. */
  private boolean delimiterFound;
  private boolean bodyEnded;
  private boolean partRead;

  private JettyMultipartReader(InputStream body, long bodyBytes, byte[] boundary,
      int maxPartHeaderBytes) throws IOException {
    this.body = body;
    this.input = new byte[MultipartReader.bufferBytes(bodyBytes, CHUNK_BYTES)];
    this.boundary = new String(boundary, StandardCharsets.US_ASCII);
    this.delimiter = SearchPattern.compile("\r\n--" + this.boundary);
    // The head stream hands FileUpload one byte per read: its buffer can stay at the minimum.
    this.head = MultipartForm.open(new HeadStream(), 0, boundary, maxPartHeaderBytes);
  }

  static MultipartReader open(InputStream body, long bodyBytes, byte[] boundary,
      int maxPartHeaderBytes) throws IOException {
    for (byte b : boundary) {
      if (b < 0x20) { // negative: not ASCII; below space: control
        throw new MalformedMultipartException("the multipart boundary must be printable ASCII");
      }
    }
    return new JettyMultipartReader(body, bodyBytes, boundary, maxPartHeaderBytes);
  }

  @Override
  public boolean firstPart() throws IOException {
    return head.firstPart();
  }

  @Override
  public Part readPart() throws IOException {
    if (partRead) {
      throw new IllegalStateException("readPart() is for the first part only");
    }
    partRead = true;
    // The head phase left the bytes after the header block in [position, limit): content.
    return MultipartForm.part(head.readHeaderBlock(), new PartContent());
  }

  @Override
  public boolean nextPart() throws IOException {
    if (!partRead) {
      throw new IllegalStateException("nextPart() follows readPart()");
    }
    while (nextContent()) {
      position = contentEnd; // content the caller left unread
    }
    // Jetty's parser starts at "--" boundary, as at the start of a body, and reads the rest.
    Framing framing = new Framing();
    MultiPart.Parser parser = new MultiPart.Parser(boundary, framing);
    int start = contentEnd + 2; // after the delimiter's CRLF
    parser.parse(Content.Chunk.from(ByteBuffer.wrap(input, start, limit - start), false));
    while (true) {
      if (framing.partBegun) {
        return true;
      }
      if (framing.failure != null) {
        // Jetty's message is not passed on: the detail is ours, and never repeats body bytes.
        throw new MalformedMultipartException(bodyEnded
            ? MalformedMultipartException.ENDED_EARLY
            : "the multipart framing after the file part's content is malformed", framing.failure);
      }
      if (framing.complete) {
        return false;
      }
      if (bodyEnded) {
        // The parser reports completion or failure on the last chunk, so this cannot loop.
        throw new MalformedMultipartException(MalformedMultipartException.ENDED_EARLY);
      }
      int n = readBody(0);
      parser.parse(n < 0
          ? Content.Chunk.from(NO_BYTES, true)
          : Content.Chunk.from(ByteBuffer.wrap(input, 0, n), false));
    }
  }

  /**
   * Makes content available at {@link #position} (up to {@link #contentEnd}): false once the
   * delimiter is reached. Scans the unread window for the delimiter; a possible partial delimiter
   * at its end is kept back and carried to the front of the buffer when more bytes are read.
   *
   * @throws MalformedMultipartException if the body ends before the delimiter
   */
  private boolean nextContent() throws IOException {
    while (position == contentEnd) {
      if (delimiterFound) {
        return false;
      }
      int match = delimiter.match(input, position, limit - position);
      if (match >= 0) {
        contentEnd = match;
        delimiterFound = true;
        continue;
      }
      contentEnd = limit - delimiter.endsWith(input, position, limit - position);
      if (contentEnd == position) {
        int kept = limit - position;
        System.arraycopy(input, position, input, 0, kept);
        position = contentEnd = 0;
        limit = kept;
        if (readBody(kept) < 0) {
          throw new MalformedMultipartException(MalformedMultipartException.ENDED_EARLY);
        }
      }
    }
    return true;
  }

  /**
   * Reads the body into {@link #input} from {@code offset} on, extending {@link #limit}: how many
   * bytes came, or -1 (and {@code bodyEnded}) at its end.
   */
  private int readBody(int offset) throws IOException {
    int n;
    do {
      n = body.read(input, offset, input.length - offset);
    } while (n == 0);
    if (n < 0) {
      bodyEnded = true;
    } else {
      limit = offset + n;
    }
    return n;
  }

  /**
   * The body for FileUpload's phase: one byte per read, so FileUpload's own buffer never runs
   * ahead of the header block; what this class buffered beyond it is the content.
   */
  private final class HeadStream extends InputStream {
    @Override
    public int read() throws IOException {
      if (position == limit) {
        position = 0;
        if (readBody(0) < 0) {
          limit = 0;
          return -1;
        }
      }
      int c = input[position++] & 0xFF;
      contentEnd = position; // nothing after the header block is known to be content yet
      return c;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      int c = read();
      if (c < 0) {
        return -1;
      }
      b[off] = (byte) c;
      return 1;
    }
  }

  /** The first part's bytes: the content found by {@link #nextContent()}. */
  private final class PartContent extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (len == 0) {
        return 0;
      }
      if (!nextContent()) {
        return -1;
      }
      int n = Math.min(len, contentEnd - position);
      System.arraycopy(input, position, b, off, n);
      position += n;
      return n;
    }
  }

  /** What Jetty's parser reported of the framing after the first part; the callbacks only record. */
  private static final class Framing implements MultiPart.Parser.Listener {
    boolean partBegun;
    boolean complete;
    Throwable failure;

    @Override
    public void onPartBegin() {
      partBegun = true;
    }

    @Override
    public void onComplete() {
      complete = true;
    }

    @Override
    public void onFailure(Throwable failure) {
      if (this.failure == null) {
        this.failure = failure;
      }
    }
  }
}
