package dev.eden.artifacts.server;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The response body of an exchange, where every write failure is reported as a {@link
 * ClientDisconnectedException}. Bytes that cannot be written to the client mean its connection is
 * gone (closed, reset, or stalled past the transport's time-out), whatever exception type the
 * transport uses for it; failures elsewhere (reading a blob, even from a network store) keep
 * their own types and stay server faults. Closing it closes the adapter's stream, as the handler
 * would. Used by one thread.
 */
final class ClientOutputStream extends OutputStream {
  private final OutputStream out;

  private ClientOutputStream(OutputStream out) {
    this.out = out;
  }

  /** Commits the response (status and headers) and returns its body. */
  static OutputStream open(ServerExchange exchange) throws ClientDisconnectedException {
    try {
      return new ClientOutputStream(exchange.responseBody());
    } catch (IOException e) {
      throw new ClientDisconnectedException(e);
    }
  }

  @Override
  public void write(int b) throws ClientDisconnectedException {
    try {
      out.write(b);
    } catch (IOException e) {
      throw new ClientDisconnectedException(e);
    }
  }

  @Override
  public void write(byte[] b, int off, int len) throws ClientDisconnectedException {
    try {
      out.write(b, off, len);
    } catch (IOException e) {
      throw new ClientDisconnectedException(e);
    }
  }

  @Override
  public void flush() throws ClientDisconnectedException {
    try {
      out.flush();
    } catch (IOException e) {
      throw new ClientDisconnectedException(e);
    }
  }

  @Override
  public void close() throws ClientDisconnectedException {
    try {
      out.close();
    } catch (IOException e) {
      throw new ClientDisconnectedException(e);
    }
  }
}
