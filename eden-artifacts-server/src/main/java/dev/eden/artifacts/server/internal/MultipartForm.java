package dev.eden.artifacts.server.internal;

import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
import org.apache.commons.fileupload2.core.FileUploadSizeException;
import org.apache.commons.fileupload2.core.MultipartInput;
import org.apache.commons.fileupload2.core.RequestContext;

/**
 * Streaming {@code multipart/form-data} reading on Apache Commons FileUpload 2.
 *
 * <p>Why this parser: its {@link MultipartInput} reads a body in one pass from any
 * {@link InputStream}, with no servlet and no temp files, hands each part out as a stream (so the
 * {@code file} part goes straight into the pending blob), and bounds the part-header size. We use
 * it below its item iterator on purpose: the iterator silently skips parts that have no name and
 * descends into nested {@code multipart/mixed}, while the contract wants every part seen and
 * exactly one accepted. Jetty's {@code MultiPart} parser would tie the transport-neutral handler
 * to Jetty; the embedded Jetty server plugs in its own {@link MultipartReader} instead.
 *
 * <p>Two things are not left to FileUpload: the first delimiter line ({@link FirstDelimiter}, which
 * accepts transport padding) and the {@code Content-Disposition} value ({@link
 * FormDataDisposition}, which reads quoted-pairs and the form-data escapes as encoders write
 * them). FileUpload's framing failures are rethrown as {@link MalformedMultipartException}s naming
 * the fault. Not API; not thread-safe (one instance per request).
 */
public final class MultipartForm implements MultipartReader {
  /** Opens FileUpload readers; the default of the transport-neutral handler. */
  public static final MultipartReader.Factory FACTORY = MultipartForm::open;

  private static final int BUFFER_SIZE = 64 * 1024;
  private static final HeaderSupport HEADERS = new HeaderSupport();

  private static final String HEADER_BLOCK_TOO_LARGE = "a part's header block is larger than %d bytes";

  private final InputStream body;
  private final byte[] boundary;
  private final int maxPartHeaderBytes;
  private final MultipartInput input;

  private MultipartForm(InputStream body, byte[] boundary, int maxPartHeaderBytes, MultipartInput input) {
    this.body = body;
    this.boundary = boundary;
    this.maxPartHeaderBytes = maxPartHeaderBytes;
    this.input = input;
  }

  /**
   * The boundary of a {@code multipart/form-data} content type, or null if the type is anything
   * else or carries no usable boundary.
   */
  public static byte[] boundary(String contentType) {
    if (contentType == null || !isFormData(contentType.trim())) {
      return null;
    }
    byte[] boundary = HEADERS.getBoundary(contentType);
    return boundary == null || boundary.length == 0 || boundary.length > 70 ? null : boundary;
  }

  /** Whether the media type (before any parameter) is exactly {@code multipart/form-data}, in any case. */
  private static boolean isFormData(String contentType) {
    String formData = "multipart/form-data";
    if (!contentType.regionMatches(true, 0, formData, 0, formData.length())) {
      return false;
    }
    if (contentType.length() == formData.length()) {
      return true;
    }
    char next = contentType.charAt(formData.length());
    return next == ';' || next == ' ' || next == '\t';
  }

  /**
   * Reads {@code body}, delimited by {@code boundary}; part headers above {@code maxPartHeaderBytes}
   * fail. {@code bodyBytes} is the declared body length, or -1, and only sizes the buffer.
   */
  public static MultipartForm open(InputStream body, long bodyBytes, byte[] boundary,
      int maxPartHeaderBytes) throws IOException {
    // FileUpload starts after FirstDelimiter has read the real delimiter line, on a clean copy.
    byte[] cleanDelimiterLine = new byte[boundary.length + 4];
    cleanDelimiterLine[0] = '-';
    cleanDelimiterLine[1] = '-';
    System.arraycopy(boundary, 0, cleanDelimiterLine, 2, boundary.length);
    cleanDelimiterLine[boundary.length + 2] = '\r';
    cleanDelimiterLine[boundary.length + 3] = '\n';
    MultipartInput input = MultipartInput.builder()
        .setInputStream(new SequenceInputStream(new ByteArrayInputStream(cleanDelimiterLine), body))
        .setBoundary(boundary)
        .setMaxPartHeaderSize(maxPartHeaderBytes)
        .setBufferSize(MultipartReader.bufferBytes(bodyBytes, BUFFER_SIZE))
        .get();
    input.setHeaderCharset(StandardCharsets.UTF_8);
    return new MultipartForm(body, boundary, maxPartHeaderBytes, input);
  }

  @Override
  public boolean firstPart() throws IOException {
    // After FirstDelimiter, FileUpload sees only the clean delimiter line: this cannot fail.
    return FirstDelimiter.skipTo(body, boundary) && input.skipPreamble();
  }

  @Override
  public boolean nextPart() throws IOException {
    try {
      return input.readBoundary();
    } catch (MultipartInput.MalformedStreamException e) {
      if (e.getCause() instanceof MultipartInput.MalformedStreamException) {
        // "Unexpected characters follow a boundary" (which FileUpload wraps in its own "stream
        // ended"): a delimiter that is not the closing one, so another part begins (RFC 2046
        // §5.1.1), after transport padding FileUpload refuses or a malformed line. Either way
        // the body holds more than one part.
        return true;
      }
      throw framingFailure(e);
    }
  }

  @Override
  public Part readPart() throws IOException {
    return part(readHeaderBlock(), new ContentStream(input.newInputStream()));
  }

  /**
   * Reads the raw header block of the part at hand (up to and including the blank line) and
   * nothing beyond it from FileUpload's buffer, for a reader that scans the content itself.
   */
  public String readHeaderBlock() throws IOException {
    try {
      return input.readHeaders();
    } catch (FileUploadSizeException e) {
      throw new MalformedMultipartException(String.format(HEADER_BLOCK_TOO_LARGE, maxPartHeaderBytes), e);
    } catch (MultipartInput.MalformedStreamException e) {
      throw framingFailure(e);
    }
  }

  /**
   * A part from its raw header block ({@code Name: value} lines, each ending in CRLF), read with
   * the same rules whichever parser split the body: header lines as FileUpload unfolds them, the
   * {@code Content-Disposition} value by {@link FormDataDisposition}; the {@code Content-Digest}
   * value is passed on as sent, for the deposit to read.
   *
   * @throws MalformedMultipartException if a header line is malformed (see {@link PartHeaderLines}),
   *     or the {@code Content-Disposition} value is
   */
  public static Part part(String headerBlock, InputStream content) throws MalformedMultipartException {
    PartHeaderLines.check(headerBlock);
    FileItemHeaders headers = HEADERS.getParsedHeaders(headerBlock);
    FormDataDisposition disposition = FormDataDisposition.parse(headers.getHeader("Content-Disposition"));
    return new Part(disposition.name(), disposition.filename(), headers.getHeader("Content-Type"),
        headers.getHeader("Content-Digest"), content);
  }

  /**
   * What FileUpload's "stream ended unexpectedly" means: the body's end before the closing
   * delimiter (no cause, or FileUpload's own end-of-data {@code IOException}), or a failure of the
   * body stream itself (a transport fault, or the body limit), which is passed on unchanged.
   */
  private static IOException framingFailure(MultipartInput.MalformedStreamException e) {
    Throwable cause = e.getCause();
    if (cause instanceof IOException && cause.getClass() != IOException.class) {
      return (IOException) cause;
    }
    return new MalformedMultipartException(MalformedMultipartException.ENDED_EARLY, e);
  }

  /** A part's content whose framing failures read as {@link MalformedMultipartException}s. */
  private static final class ContentStream extends FilterInputStream {
    ContentStream(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (MultipartInput.MalformedStreamException e) {
        throw framingFailure(e);
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (MultipartInput.MalformedStreamException e) {
        throw framingFailure(e);
      }
    }
  }

  /** Borrows FileUpload's header-line parsing (folded headers). */
  private static final class HeaderSupport
      extends AbstractFileUpload<RequestContext, DiskFileItem, DiskFileItemFactory> {
    HeaderSupport() {
      setHeaderCharset(StandardCharsets.UTF_8);
    }

    @Override
    public FileItemInputIterator getItemIterator(RequestContext request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Map<String, List<DiskFileItem>> parseParameterMap(RequestContext request) {
      throw new UnsupportedOperationException();
    }

    @Override
    public List<DiskFileItem> parseRequest(RequestContext request) {
      throw new UnsupportedOperationException();
    }
  }
}
