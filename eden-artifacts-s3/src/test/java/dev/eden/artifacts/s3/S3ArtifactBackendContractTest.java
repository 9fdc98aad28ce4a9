package dev.eden.artifacts.s3;

import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.testkit.ArtifactBackendContract;

/**
 * The test kit's backend contract on the S3 test server, with 5 MiB parts so the multi-mebibyte
 * checks go through a multipart upload. One bucket for the class, a fresh prefix per backend.
 */
class S3ArtifactBackendContractTest implements ArtifactBackendContract {
  @Override
  public ArtifactBackend newBackend() {
    return TestStorage.onSharedClient(TestStorage.bucketFor(getClass())).build();
  }
}
