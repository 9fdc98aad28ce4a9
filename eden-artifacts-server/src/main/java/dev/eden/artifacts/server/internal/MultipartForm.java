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
 * to Jetty. Not API; not thread-safe (one instance per request).
 */
public final class MultipartForm {
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

  /** Skips the preamble; false if the body holds no part at all. */
  public boolean firstPart() throws IOException {
    return input.skipPreamble();
  }

  /** After a part's content was read to its end: whether another part follows. */
  public boolean nextPart() throws IOException {
    return input.readBoundary();
  }

  /** The headers of the part at hand; call once per part, before its content. */
  public Part readPart() throws IOException {
    FileItemHeaders headers = HEADERS.getParsedHeaders(input.readHeaders());
    return new Part(HEADERS.getFieldName(headers), HEADERS.getFileName(headers),
        headers.getHeader("Content-Type"), input.newInputStream());
  }

  /**
   * One part of the body.
   *
   * @param name the {@code form-data} field name, or null (not form-data, or no name)
   * @param filename the declared filename, or null if the part is not a file upload
   * @param contentType the declared content type as sent, or null
   * @param content the part's bytes up to the next boundary; read it to its end before moving on
   */
  public record Part(String name, String filename, String contentType, InputStream content) {}

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
