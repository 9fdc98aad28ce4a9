package dev.eden.artifacts.s3;

import dev.eden.artifacts.s3.testing.S3TestServerAvailableForJqwik;
import dev.eden.artifacts.spi.ArtifactBackend;
import dev.eden.artifacts.testkit.ArtifactBackendProperties;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * The test kit's backend properties on the S3 test server: one bucket for the class, a fresh
 * prefix for every try.
 */
@AddLifecycleHook(S3TestServerAvailableForJqwik.class)
class S3ArtifactBackendPropertiesTest implements ArtifactBackendProperties {
  @Override
  public ArtifactBackend newBackend() {
    return TestStorage.onSharedClient(TestStorage.bucketFor(getClass())).build();
  }
}
