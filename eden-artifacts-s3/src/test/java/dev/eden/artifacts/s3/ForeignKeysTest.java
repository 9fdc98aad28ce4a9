package dev.eden.artifacts.s3;

import static org.assertj.core.api.Assertions.assertThat;

import dev.eden.artifacts.ArtifactId;
import dev.eden.artifacts.spi.CommittedBlob;
import dev.eden.artifacts.testkit.Blobs;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Objects that are not artifacts — under the prefix but of another shape, or beside it — are
 * skipped by the listings, never misread and never an error.
 */
class ForeignKeysTest {

  @Test
  void listingsKeepOnlyKeysOfExactlyTheArtifactShape() throws Exception {
    String bucket = TestStorage.server().createBucket();
    S3ArtifactBackend backend = TestStorage.onSharedClient(bucket).keyPrefix("eden/blobs").build();
    ArtifactId mine = ArtifactId.mint();
    Blobs.commit(backend, mine, new byte[] {1, 2, 3});
    String id = ArtifactId.mint().value();
    String otherShard = id.charAt(0) == 'a' ? "bb" : "aa";
    String p = "eden/blobs/";
    for (String foreign : new String[] {
        p + "README.txt",
        p + id,                                   // no shard
        p + otherShard + "/" + id,                // wrong shard
        p + id.substring(0, 2) + "/" + id + "/x", // nested deeper
        p + id.substring(0, 2) + "/" + id + ".tmp",
        p + id.substring(0, 2) + "/" + id.toUpperCase(),
        p + id.substring(0, 2) + "/" + id.substring(1),
        p + id.substring(0, 3) + "/" + id,
        p + "x/" + id.substring(0, 2) + "/" + id, // one level too deep
        p + ".eden-write-check-leftover",
        "eden/blob/" + id.substring(0, 2) + "/" + id,   // a sibling prefix
        "eden/blobs2/" + id.substring(0, 2) + "/" + id,
        id.substring(0, 2) + "/" + id,                  // outside the prefix
    }) {
      TestStorage.server().client().putObject(r -> r.bucket(bucket).key(foreign), RequestBody.fromBytes(new byte[7]));
    }
    assertThat(Blobs.ids(backend)).containsExactly(mine);
    assertThat(Blobs.blobs(backend)).extracting(CommittedBlob::id, CommittedBlob::sizeBytes)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(mine, 3L));
    assertThat(TestStorage.keys(bucket, "")).hasSize(14);
  }

  @Test
  void theBucketRootWorksAsAPrefix() throws Exception {
    String bucket = TestStorage.server().createBucket();
    S3ArtifactBackend backend = S3ArtifactBackend.builder().client(TestStorage.server().client())
        .bucket(bucket).build();
    ArtifactId id = ArtifactId.mint();
    Blobs.commit(backend, id, new byte[] {9});
    TestStorage.server().client().putObject(r -> r.bucket(bucket).key("other/thing"), RequestBody.fromBytes(new byte[1]));
    assertThat(backend.keyPrefix()).isEmpty();
    assertThat(TestStorage.keys(bucket, "")).contains(id.value().substring(0, 2) + "/" + id);
    assertThat(Blobs.ids(backend)).containsExactly(id);
  }
}
