package dev.eden.artifacts.server.jetty;

import dev.eden.artifacts.server.internal.MalformedMultipartException;
import dev.eden.artifacts.server.internal.MultipartForm;
import dev.eden.artifacts.server.internal.MultipartReader;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import org.eclipse.jetty.http.MultiPart;
import org.eclipse.jetty.io.Content;

/**
 * A {@link MultipartReader} whose part content is scanned by Jetty's {@link MultiPart.Parser},
 * which searches for the boundary a buffer at a time (several GiB/s) where FileUpload's part
 * stream goes byte by byte.
 *
 * <p>Two phases. The preamble and the first part's header block are read by FileUpload
 * ({@link MultipartForm}), exactly as the default reader does: same preamble rules, same header
 * bound, same tolerance for control characters in header values (which the contract strips from
 * the content type, while Jetty's header tokenizer rejects them). FileUpload is fed one byte per
 * read from this class's buffer, so it never consumes anything past the blank line ending the
 * headers. Jetty's parser is then primed with a synthetic boundary line and an empty header block
 * and given the rest of the body, so it starts right inside the part's content.
 *
 * <p>Jetty's parser is push-style: it is handed a chunk and calls a listener back. This class turns
 * it into the pull interface on the calling thread: whenever the caller needs something (content
 * bytes, the next part) and the listener has not reported it yet, it reads up to
 * {@value #CHUNK_BYTES} bytes of the body and parses them. Content arrives as slices of that one
 * input buffer, which is refilled only after every slice was consumed, so memory stays at one chunk
 * however large the part. The chunks wrap plain heap buffers this class owns (no pool), so they are
 * simply dropped once read, never released. Once a second part begins, everything after it is
 * ignored and nothing more is read; the parser itself stops at a third part.
 *
 * <p>One leniency comes with Jetty's parser: it also accepts a bare LF (without CR) before a
 * boundary, so content holding {@code "\n--"} followed by the boundary ends the part there (and
 * the deposit is then refused as malformed, unless a valid closing delimiter follows). Clients
 * pick boundaries that never occur in the content, as RFC 2046 requires.
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
  private final MultiPart.Parser parser;
  private final byte[] input = new byte[CHUNK_BYTES];
  private final Events events = new Events();
  private final MultipartForm head;
  /** The head phase's window into {@link #input}. */
  private int headPosition;
  private int headLimit;
  private boolean bodyEnded;
  private boolean partRead;

  private JettyMultipartReader(InputStream body, byte[] boundary, int maxPartHeaderBytes)
      throws IOException {
    this.body = body;
    this.boundary = new String(boundary, StandardCharsets.US_ASCII);
    this.head = MultipartForm.open(new HeadStream(), boundary, maxPartHeaderBytes);
    this.parser = new MultiPart.Parser(this.boundary, events);
    parser.setPartHeadersMaxLength(maxPartHeaderBytes);
    // The deposit needs only to know that a second part exists; a third is never worth parsing.
    parser.setMaxParts(2);
  }

  static MultipartReader open(InputStream body, byte[] boundary, int maxPartHeaderBytes)
      throws IOException {
    for (byte b : boundary) {
      if (b < 0x20) { // negative: not ASCII; below space: control
        throw new MalformedMultipartException("the multipart boundary must be printable ASCII");
      }
    }
    return new JettyMultipartReader(body, boundary, maxPartHeaderBytes);
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
    String headerBlock = head.readHeaderBlock();
    // Put Jetty's parser where FileUpload stopped: at the start of a part's content.
    parser.parse(Content.Chunk.from(
        ByteBuffer.wrap(("--" + boundary + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)), false));
    parseContentStart();
    return MultipartForm.part(headerBlock, new PartContent());
  }

  @Override
  public boolean nextPart() throws IOException {
    events.discardContent();
    while (!events.partEnded) {
      failIfStuck();
      parseMore();
      events.discardContent();
    }
    while (events.partsBegun < 2) {
      if (events.complete) {
        return false;
      }
      failIfStuck();
      parseMore();
    }
    return true;
  }

  /**
   * Hands the parser the first content bytes in one piece at least as long as {@code --boundary}
   * (or up to the end of the body): Jetty's parser, when a boundary-like prefix at the very start
   * of a part's content is split between two chunks, emits a stray LF on the mismatch.
   */
  private void parseContentStart() throws IOException {
    int wanted = boundary.length() + 2;
    int length = headLimit - headPosition;
    System.arraycopy(input, headPosition, input, 0, length);
    while (length < wanted && !bodyEnded) {
      int n = body.read(input, length, input.length - length);
      if (n < 0) {
        bodyEnded = true;
      } else {
        length += n;
      }
    }
    headPosition = headLimit = 0;
    parser.parse(Content.Chunk.from(ByteBuffer.wrap(input, 0, length), bodyEnded));
  }

  /** Jetty's parser reports the body's early end, like any other fault, as a failure or completion. */
  private void failIfStuck() throws IOException {
    if (events.failure != null) {
      // Jetty's message is not passed on: the detail is ours, and never repeats body bytes.
      throw new MalformedMultipartException(bodyEnded
          ? MalformedMultipartException.ENDED_EARLY
          : "the multipart framing after the file part's content is malformed", events.failure);
    }
    if (events.complete) {
      throw new MalformedMultipartException(MalformedMultipartException.ENDED_EARLY);
    }
  }

  /** Feeds the parser the next chunk of the body; only once the previous one was consumed. */
  private void parseMore() throws IOException {
    if (bodyEnded) {
      // The parser reports completion or failure on the last chunk, so this cannot loop.
      throw new MalformedMultipartException(MalformedMultipartException.ENDED_EARLY);
    }
    int n = readBody();
    if (n < 0) {
      parser.parse(Content.Chunk.from(NO_BYTES, true));
    } else {
      parser.parse(Content.Chunk.from(ByteBuffer.wrap(input, 0, n), false));
    }
  }

  /** Refills {@link #input} from the body: how many bytes came, or -1 (and {@code bodyEnded}) at its end. */
  private int readBody() throws IOException {
    int n;
    do {
      n = body.read(input, 0, input.length);
    } while (n == 0);
    if (n < 0) {
      bodyEnded = true;
    }
    return n;
  }

  /**
   * The body for FileUpload's phase: one byte per read, so FileUpload's own buffer never runs
   * ahead of the header block; what this class buffered beyond it goes to Jetty's parser.
   */
  private final class HeadStream extends InputStream {
    @Override
    public int read() throws IOException {
      if (headPosition == headLimit) {
        int n = readBody();
        if (n < 0) {
          return -1;
        }
        headPosition = 0;
        headLimit = n;
      }
      return input[headPosition++] & 0xFF;
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

  /** The first part's bytes, pulled from the parser's content slices. */
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
      while (true) {
        Content.Chunk head = events.content.peek();
        if (head != null) {
          ByteBuffer bytes = head.getByteBuffer();
          int n = Math.min(len, bytes.remaining());
          bytes.get(b, off, n);
          if (!bytes.hasRemaining()) {
            events.content.poll();
          }
          return n;
        }
        if (events.partEnded) {
          return -1;
        }
        failIfStuck();
        parseMore();
      }
    }
  }

  /** What the parser reported so far; the callbacks only record, they never throw. */
  private static final class Events implements MultiPart.Parser.Listener {
    final ArrayDeque<Content.Chunk> content = new ArrayDeque<>();
    int partsBegun;
    boolean partEnded;
    boolean complete;
    Throwable failure;

    @Override
    public void onPartBegin() {
      partsBegun++;
    }

    @Override
    public void onPartContent(Content.Chunk chunk) {
      if (partsBegun == 1 && !partEnded && chunk.hasRemaining()) {
        content.add(chunk);
      }
    }

    @Override
    public void onPartEnd() {
      if (partsBegun == 1) {
        partEnded = true;
      }
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

    void discardContent() {
      content.clear();
    }
  }
}
