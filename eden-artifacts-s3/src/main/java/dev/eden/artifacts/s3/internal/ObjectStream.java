package dev.eden.artifacts.s3.internal;

import java.io.IOException;
import java.io.InputStream;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * A GET's body as the caller sees it: at most {@code limit} bytes, streamed from the connection.
 * Closing it after the whole response body was read returns the connection to the pool; closing it
 * earlier aborts the request, so the client neither drains the rest of a large object nor keeps a
 * half-read connection. SDK failures while reading are {@link IOException}s. Not thread-safe.
 */
final class ObjectStream extends InputStream {
  private final ResponseInputStream<?> in;
  private final String what;
  private final long bodyLength; // the response's Content-Length, -1 if unknown
  private long consumed; // bytes of the body read or skipped
  private long left; // bytes the caller may still read
  private boolean ended;
  private boolean closed;

  /**
   * @param in the SDK's response stream; closing this stream closes it
   * @param bodyLength the response's {@code Content-Length}, {@code -1} if unknown
   * @param limit the most bytes the caller reads
   * @param what the object, for messages
   */
  ObjectStream(ResponseInputStream<?> in, long bodyLength, long limit, String what) {
    this.in = in;
    this.bodyLength = bodyLength;
    this.left = limit;
    this.what = what;
  }

  /** Reads and drops the first {@code n} bytes of the body (for a server that ignored the Range). */
  void discard(long n) throws IOException {
    byte[] scrap = new byte[(int) Math.min(n, 64 * 1024)];
    while (n > 0) {
      int r = readBody(scrap, 0, (int) Math.min(n, scrap.length));
      if (r == -1) {
        return;
      }
      n -= r;
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n == -1 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    if (closed) {
      throw new IOException("stream of " + what + " is closed");
    }
    if (len == 0) {
      return 0;
    }
    if (left <= 0) {
      return -1;
    }
    int n = readBody(b, off, (int) Math.min(len, left));
    if (n > 0) {
      left -= n;
    }
    return n;
  }

  private int readBody(byte[] b, int off, int len) throws IOException {
    int n;
    try {
      n = in.read(b, off, len);
    } catch (SdkException e) {
      throw S3Failures.io("reading " + what, e);
    }
    if (n == -1) {
      ended = true;
    } else {
      consumed += n;
    }
    return n;
  }

  @Override
  public int available() throws IOException {
    if (closed || left <= 0) {
      return 0;
    }
    return (int) Math.min(in.available(), left);
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (!ended && consumed != bodyLength) {
        in.abort(); // do not drain the rest of the object to reuse the connection
      }
    } finally {
      in.close();
    }
  }
}
