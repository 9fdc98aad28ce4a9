/**
 * Contract tests for {@link dev.eden.artifacts.spi.ArtifactBackend} and
 * {@link dev.eden.artifacts.spi.ArtifactStore} implementations, and helpers for failure-path tests.
 *
 * <p>Implement {@link dev.eden.artifacts.testkit.ArtifactBackendContract} or
 * {@link dev.eden.artifacts.testkit.ArtifactStoreContract} (JUnit Jupiter) and
 * {@link dev.eden.artifacts.testkit.ArtifactBackendProperties} or
 * {@link dev.eden.artifacts.testkit.ArtifactStoreProperties} (jqwik) in a test class, supplying
 * the one factory method each declares. {@link dev.eden.artifacts.testkit.FaultyArtifactBackend},
 * {@link dev.eden.artifacts.testkit.FaultyArtifactStore} and
 * {@link dev.eden.artifacts.testkit.FailingInputStream} inject failures into code built on top;
 * {@link dev.eden.artifacts.testkit.LeakTrackingBackend} proves that such code releases every
 * stream and pending blob it takes.
 *
 * <p>Add this module in test scope only.
 */
package dev.eden.artifacts.testkit;
