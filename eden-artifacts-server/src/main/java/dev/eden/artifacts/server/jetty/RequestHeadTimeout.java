package dev.eden.artifacts.server.jetty;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.io.ManagedSelector;
import org.eclipse.jetty.io.SocketChannelEndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;

/**
 * The request-head time-out Jetty 12 lacks (its {@code HttpConfiguration} has an idle time-out
 * only, which a client sending one byte a second never trips): a connection must deliver a
 * complete request line and headers within the bound, counted from its accept for the first
 * request and from the first byte of each later request on a kept-alive connection (an idle
 * kept-alive connection is left to the idle time-out, as Go's {@code ReadHeaderTimeout} does). A
 * connection over the bound is closed without an answer.
 *
 * <p>Three parts: a {@link ServerConnector} whose endpoints note when a request's first byte
 * arrives; a handler wrapper that notes when a head was complete (Jetty calls the handler then)
 * and when the exchange ended; and a sweep on the connector's scheduler that closes the endpoints
 * over the bound, a few times per bound (so a head may take up to a quarter more). Thread-safe.
 */
final class RequestHeadTimeout {
  private final long timeoutNanos;

  RequestHeadTimeout(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** A connector whose endpoints are timed, with the sweep that closes the late ones. */
  ServerConnector connector(Server server, ConnectionFactory... factories) {
    ServerConnector connector = new ServerConnector(server, factories) {
      @Override
      protected SocketChannelEndPoint newEndPoint(SocketChannel channel, ManagedSelector selector,
          SelectionKey key) throws IOException {
        TimedEndPoint endPoint = new TimedEndPoint(channel, selector, key, getScheduler());
        endPoint.setIdleTimeout(getIdleTimeout());
        return endPoint;
      }
    };
    connector.addBean(new Sweep(connector));
    return connector;
  }

  /** Wraps the server's handler so that the endpoints learn when heads complete and exchanges end. */
  Handler.Wrapper marking(Handler handler) {
    return new Handler.Wrapper(handler) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
        if (!(endPoint instanceof TimedEndPoint timed)) {
          return super.handle(request, response, callback);
        }
        timed.headComplete();
        return super.handle(request, response, new Callback.Nested(callback) {
          @Override
          public void succeeded() {
            timed.exchangeEnded();
            super.succeeded();
          }

          @Override
          public void failed(Throwable x) {
            timed.exchangeEnded();
            super.failed(x);
          }
        });
      }
    };
  }

  /** An endpoint that knows whether, and since when, it is waiting for the rest of a request head. */
  private static final class TimedEndPoint extends SocketChannelEndPoint {
    private enum Phase { HEAD, EXCHANGE, IDLE }

    private Phase phase = Phase.HEAD; // a new connection is there to send a request
    private long headStartedNanos = System.nanoTime();

    TimedEndPoint(SocketChannel channel, ManagedSelector selector, SelectionKey key, Scheduler scheduler) {
      super(channel, selector, key, scheduler);
    }

    @Override
    public int fill(ByteBuffer buffer) throws IOException {
      int filled = super.fill(buffer);
      if (filled > 0) {
        firstByteSeen();
      }
      return filled;
    }

    private synchronized void firstByteSeen() {
      if (phase == Phase.IDLE) {
        phase = Phase.HEAD;
        headStartedNanos = System.nanoTime();
      }
    }

    synchronized void headComplete() {
      phase = Phase.EXCHANGE;
    }

    synchronized void exchangeEnded() {
      phase = Phase.IDLE;
    }

    synchronized boolean headOverdue(long now, long timeoutNanos) {
      return phase == Phase.HEAD && now - headStartedNanos > timeoutNanos;
    }
  }

  /** Closes, a few times per bound, every endpoint whose request head is overdue. */
  private final class Sweep extends AbstractLifeCycle implements Runnable {
    private final ServerConnector connector;
    private final long periodNanos = Math.max(TimeUnit.MILLISECONDS.toNanos(50), timeoutNanos / 4);
    private volatile Scheduler.Task next;

    Sweep(ServerConnector connector) {
      this.connector = connector;
    }

    @Override
    protected void doStart() throws Exception {
      super.doStart();
      schedule();
    }

    @Override
    protected void doStop() throws Exception {
      Scheduler.Task task = next;
      if (task != null) {
        task.cancel();
      }
      super.doStop();
    }

    @Override
    public void run() {
      long now = System.nanoTime();
      for (EndPoint endPoint : connector.getConnectedEndPoints()) {
        if (endPoint instanceof TimedEndPoint timed && timed.headOverdue(now, timeoutNanos)) {
          timed.close(new TimeoutException("request head not complete within "
              + TimeUnit.NANOSECONDS.toMillis(timeoutNanos) + " ms"));
        }
      }
      if (isRunning()) {
        schedule();
      }
    }

    private void schedule() {
      next = connector.getScheduler().schedule(this, periodNanos, TimeUnit.NANOSECONDS);
    }
  }
}
