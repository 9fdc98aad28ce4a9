package dev.eden.artifacts.testkit;

import static dev.eden.artifacts.testkit.Blobs.ids;
import static dev.eden.artifacts.testkit.Blobs.read;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.ArtifactAlreadyExistsException;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.spi.PendingBlob;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import net.jqwik.api.constraints.Size;

/**
 * Randomised checks every {@link ArtifactBackend} must pass, run by the jqwik engine. Implement
 * this interface in a test class and supply {@link #newBackend()}; it is called inside every try,
 * so each try starts from an empty backend.
 *
 * <pre>{@code
 * class S3ArtifactBackendPropertiesTest implements ArtifactBackendProperties {
 *   @Override
 *   public ArtifactBackend newBackend() {
 *     return new S3ArtifactBackend(client, freshBucket());
 *   }
 * }
 * }</pre>
 *
 * <p>Tries are kept small so a build stays fast; raise them with jqwik's
 * {@code jqwik.tries.default} only for a soak run.
 */
public interface ArtifactBackendProperties {

  /** A fresh, empty backend; called at the start of every try. The test class owns clean-up. */
  ArtifactBackend newBackend() throws Exception;

  @Property(tries = 40)
  default void anyContentWrittenInAnyChunkingRoundTrips(
      @ForAll("contents") byte[] content, @ForAll @IntRange(min = 1, max = 70_000) int chunk)
      throws Exception {
    ArtifactBackend backend = newBackend();
    ArtifactId id = ArtifactId.mint();
    Blobs.commitInChunks(backend, id, content, chunk);
    assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(content));
    assertThat(ids(backend)).containsExactly(id);
  }

  @Property(tries = 40)
  default void openAtAnyOffsetReturnsExactlyTheSuffix(
      @ForAll("contents") byte[] content, @ForAll @IntRange(min = 0, max = 1000) int permille,
      @ForAll @IntRange(min = 0, max = 3) int beyondEnd) throws Exception {
    ArtifactBackend backend = newBackend();
    ArtifactId id = ArtifactId.mint();
    Blobs.commit(backend, id, content);
    long offset = (long) content.length * permille / 1000 + (permille == 1000 ? beyondEnd : 0);
    byte[] expected = Arrays.copyOfRange(content, (int) Math.min(offset, content.length), content.length);
    assertThat(read(backend, id, offset)).hasValueSatisfying(back -> assertThat(back).isEqualTo(expected));
  }

  @Property(tries = 40)
  default void rangedOpenReturnsExactlyTheRequestedBytes(
      @ForAll("contents") byte[] content, @ForAll @IntRange(min = 0, max = 1000) int offsetPermille,
      @ForAll @IntRange(min = 0, max = 1100) int lengthPermille) throws Exception {
    ArtifactBackend backend = newBackend();
    ArtifactId id = ArtifactId.mint();
    Blobs.commit(backend, id, content);
    int offset = (int) ((long) content.length * offsetPermille / 1000);
    long length = lengthPermille > 1000 ? Long.MAX_VALUE : (long) content.length * lengthPermille / 1000;
    int end = (int) Math.min(content.length, offset + Math.min(length, content.length));
    assertThat(read(backend, id, offset, length))
        .hasValueSatisfying(back -> assertThat(back).isEqualTo(Arrays.copyOfRange(content, offset, end)));
  }

  @Property(tries = 30)
  default void abandonedBlobsLeaveNothing(
      @ForAll("contents") byte[] content, @ForAll boolean explicitAbort) throws Exception {
    ArtifactBackend backend = newBackend();
    ArtifactId id = ArtifactId.mint();
    try (PendingBlob blob = backend.begin(id)) {
      blob.output().write(content);
      if (explicitAbort) {
        blob.abort();
      }
    }
    assertThat(backend.open(id, 0)).isEmpty();
    assertThat(ids(backend)).isEmpty();
  }

  @Property(tries = 30)
  default void anySequenceOfOperationsMatchesAMapOfCommittedBlobs(
      @ForAll @Size(max = 25) List<@IntRange(min = 0, max = 99) Integer> operations)
      throws Exception {
    ArtifactBackend backend = newBackend();
    Map<ArtifactId, byte[]> model = new HashMap<>();
    List<ArtifactId> known = new ArrayList<>();
    for (int step = 0; step < operations.size(); step++) {
      int op = operations.get(step);
      byte[] bytes = Blobs.generated(op * 37, step);
      if (op < 50 || known.isEmpty()) {
        ArtifactId id = ArtifactId.mint();
        Blobs.commit(backend, id, bytes);
        model.put(id, bytes);
        known.add(id);
      } else if (op < 65) {
        ArtifactId id = known.get(op % known.size());
        try (PendingBlob blob = backend.begin(id)) {
          blob.output().write(bytes);
          if (model.containsKey(id)) {
            assertThatThrownBy(blob::commit).isInstanceOf(ArtifactAlreadyExistsException.class);
          } else {
            blob.commit();
            model.put(id, bytes);
          }
        }
      } else if (op < 80) {
        try (PendingBlob blob = backend.begin(ArtifactId.mint())) {
          blob.output().write(bytes);
        }
      } else {
        ArtifactId id = known.get(op % known.size());
        assertThat(backend.delete(id)).isEqualTo(model.remove(id) != null);
      }
    }
    assertThat(ids(backend)).containsExactlyInAnyOrderElementsOf(model.keySet());
    for (ArtifactId id : known) {
      byte[] expected = model.get(id);
      if (expected == null) {
        assertThat(backend.open(id, 0)).isEmpty();
      } else {
        assertThat(read(backend, id)).hasValueSatisfying(back -> assertThat(back).isEqualTo(expected));
      }
    }
  }

  /**
   * Contents: small arbitrary byte arrays, and larger generated ones whose sizes cluster around
   * common buffer sizes.
   */
  @Provide
  default Arbitrary<byte[]> contents() {
    Arbitrary<byte[]> small = Arbitraries.bytes().array(byte[].class).ofMaxSize(600);
    Arbitrary<Integer> boundary = Arbitraries.of(1024, 4096, 8192, 16_384, 65_536, 131_072)
        .flatMap(b -> Arbitraries.integers().between(b - 2, b + 2));
    Arbitrary<Integer> size = Arbitraries.oneOf(boundary, Arbitraries.integers().between(0, 300_000));
    Arbitrary<byte[]> large =
        Combinators.combine(size, Arbitraries.longs()).as(Blobs::generated);
    return Arbitraries.oneOf(small, large);
  }
}
