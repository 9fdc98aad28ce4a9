package dev.eden.artifacts.server.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.fileupload2.core.AbstractFileUpload;
import org.apache.commons.fileupload2.core.DiskFileItem;
import org.apache.commons.fileupload2.core.DiskFileItemFactory;
import org.apache.commons.fileupload2.core.FileItemHeaders;
import org.apache.commons.fileupload2.core.FileItemInputIterator;
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
 * to Jetty; the embedded Jetty server plugs in its own {@link MultipartReader} instead. Not API;
 * not thread-safe (one instance per request).
 */
public final class MultipartForm implements MultipartReader {
  /** Opens FileUpload readers; the default of the transport-neutral handler. */
  public static final MultipartReader.Factory FACTORY = MultipartForm::open;

  private static final int BUFFER_SIZE = 64 * 1024;
  private static final HeaderSupport HEADERS = new HeaderSupport();

  private final MultipartInput input;

  private MultipartForm(MultipartInput input) {
    this.input = input;
  }

  /**
   * The boundary of a {@code multipart/form-data} content type, or null if the type is anything
   * else or carries no usable boundary.
   */
  public static byte[] boundary(String contentType) {
    if (contentType == null
        || !contentType.trim().toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) {
      return null;
    }
    byte[] boundary = HEADERS.getBoundary(contentType);
    return boundary == null || boundary.length == 0 || boundary.length > 70 ? null : boundary;
  }

  /** Reads {@code body}, delimited by {@code boundary}; part headers above {@code maxPartHeaderBytes} fail. */
  public static MultipartForm open(InputStream body, byte[] boundary, int maxPartHeaderBytes)
      throws IOException {
    MultipartInput input = MultipartInput.builder()
        .setInputStream(body)
        .setBoundary(boundary)
        .setMaxPartHeaderSize(maxPartHeaderBytes)
        .setBufferSize(BUFFER_SIZE)
        .get();
    input.setHeaderCharset(StandardCharsets.UTF_8);
    return new MultipartForm(input);
  }

  @Override
  public boolean firstPart() throws IOException {
    return input.skipPreamble();
  }

  @Override
  public boolean nextPart() throws IOException {
    return input.readBoundary();
  }

  @Override
  public Part readPart() throws IOException {
    return part(input.readHeaders(), input.newInputStream());
  }

  /**
   * Reads the raw header block of the part at hand (up to and including the blank line) and
   * nothing beyond it from FileUpload's buffer, for a reader that scans the content itself.
   */
  public String readHeaderBlock() throws IOException {
    return input.readHeaders();
  }

  /**
   * A part from its raw header block ({@code Name: value} lines, each ending in CRLF), read with
   * FileUpload's rules whichever parser split the body, so every reader sees the same name,
   * filename (RFC 2231 included) and content type.
   */
  public static Part part(String headerBlock, InputStream content) {
    FileItemHeaders headers = HEADERS.getParsedHeaders(headerBlock);
    return new Part(HEADERS.getFieldName(headers), HEADERS.getFileName(headers),
        headers.getHeader("Content-Type"), content);
  }

  /** Borrows FileUpload's header and parameter parsing (RFC 2231 filenames, folded headers). */
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
