package dev.eden.artifacts.server;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.ReadableByteChannel;

/**
 * The channel a fetch's body is sent from, and the one judge of whom to blame when {@link
 * ServerExchange#sendBody} fails: the blob (a server fault, logged with an incident) or the client
 * (gone, routine). A channel that an adapter reads is watched as it reads it, so a failed or short
 * read is known to be the blob's; a file channel is handed over as it is, since an adapter may
 * send the file without reading it, and is judged by its size afterwards: a file shorter than the
 * bytes it had to give was cut behind the row's back. Any other failure is the client's (for a
 * file, a read error of the disk too, which the transport cannot tell apart from its own). Used by
 * one thread.
 */
final class BodySource {
  private final ReadableByteChannel channel;
  private final FileChannel file; // null unless the source is a file
  private final long end; // of the body in the file
  private IOException readFailure;
  private boolean endedEarly;

  private BodySource(ReadableByteChannel source, long length) throws IOException {
    if (source instanceof FileChannel) {
      this.file = (FileChannel) source;
      this.end = file.position() + length;
      this.channel = file;
    } else {
      this.file = null;
      this.end = -1;
      // The adapter reads no further than the body, so an end of the source is an early one.
      this.channel = new ReadsObserved(source, n -> endedEarly |= n < 0, e -> readFailure = e);
    }
  }

  /** Watches {@code source}, whose next {@code length} bytes make the body. */
  static BodySource of(ReadableByteChannel source, long length) throws IOException {
    return new BodySource(source, length);
  }

  /** What to hand to {@link ServerExchange#sendBody}. */
  ReadableByteChannel channel() {
    return channel;
  }

  /**
   * What {@code sendFailure} means: the blob's own read failure, an {@link IOException} saying the
   * artifact {@code what} is shorter than its recorded size, or else a {@link
   * ClientDisconnectedException}.
   */
  IOException blame(IOException sendFailure, String what) {
    if (readFailure != null) {
      return readFailure;
    }
    if (endedEarly || fileEndsEarly()) {
      return new IOException("artifact " + what + " is shorter than its recorded size", sendFailure);
    }
    return sendFailure instanceof ClientDisconnectedException
        ? sendFailure : new ClientDisconnectedException(sendFailure);
  }

  private boolean fileEndsEarly() {
    try {
      return file != null && file.size() < end;
    } catch (IOException e) {
      return false; // cannot tell: the send failure decides
    }
  }
}
