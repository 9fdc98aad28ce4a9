package dev.eden.artifacts.server;

import dev.eden.artifacts.server.Mounts.Mount;

/**
 * The full wire conformance suite through the JDK {@code HttpServer} adapter, mounted at context
 * {@code /eden}. Part of {@code mvn -B verify}, so CI checks the adapter.
 */
class JdkHttpServerConformanceTest extends ReferenceServerConformanceTest {
  @Override
  Mount mount() {
    return Mounts.jdkHttpServer("/eden");
  }
}
