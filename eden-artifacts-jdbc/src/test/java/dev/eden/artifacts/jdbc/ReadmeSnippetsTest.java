package dev.eden.artifacts.jdbc;

import static org.assertj.core.api.Assertions.assertThat;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.eden.artifacts.ArtifactMetadata;
import dev.eden.artifacts.ExperimentId;
import dev.eden.artifacts.Principal;
import dev.eden.artifacts.spi.ArtifactStore;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The code snippets of this module's README, compiled and run; keep the two in step. */
class ReadmeSnippetsTest {
  @TempDir Path dataDir;

  @Test
  void sqliteSnippet() throws Exception {
    ExperimentId experiment = ExperimentId.mint();
    ArtifactMetadata metadata = TestRows.row(experiment, Instant.now());
    Path dataDir = this.dataDir;

    // README: sqlite
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(dataDir.resolve("metadata.db"))) {
      store.create(metadata);
      Optional<ArtifactMetadata> row = store.find(metadata.experimentId(), metadata.id());
      // README: end
      assertThat(row).contains(metadata);
    }
  }

  @Test
  void workerRegistrySnippet() throws Exception {
    try (JdbiArtifactStore store = JdbiArtifactStore.sqlite(dataDir.resolve("metadata.db"))) {
      String workerId = Principal.mintWorkerId();
      String groupId = "grp_" + "a".repeat(26);
      String secretHash = "pbkdf2-sha256$600000$c2FsdA$aGFzaA";

      // README: workers
      JdbiWorkerRegistry workers = JdbiWorkerRegistry.on(store);
      workers.enrol(workerId, List.of("admins"), secretHash);   // false if the id is enrolled already
      workers.setGroupParents(groupId, List.of("admins"));      // nested groups; replaces earlier parents
      long generation = workers.generation();                   // one single-row read
      JdbiWorkerRegistry.Snapshot all = workers.read();         // workers, group parents, generation
      workers.remove(workerId);
      // README: end

      assertThat(generation).isEqualTo(2);
      assertThat(all.workers()).containsOnlyKeys(workerId);
      assertThat(all.groupParents()).containsOnlyKeys(groupId);
      assertThat(workers.read().workers()).isEmpty();
    }
  }

  @Test
  void postgresSnippets() throws Exception {
    try (PostgresTestDatabase database = PostgresTestDatabase.create()) {
      String jdbcUrl = database.url();
      ArtifactMetadata metadata = TestRows.row(ExperimentId.mint(), Instant.now());

      // README: postgres
      try (JdbiArtifactStore store = JdbiArtifactStore.postgres(jdbcUrl)) {
        store.create(metadata);
      }
      // README: end

      HikariConfig config = new HikariConfig();
      config.setJdbcUrl(jdbcUrl);
      try (HikariDataSource orchestratorPool = new HikariDataSource(config)) {
        DataSource existingDataSource = orchestratorPool;
        // README: datasource
        ArtifactStore store =
            JdbiArtifactStore.builder()
                .dataSource(existingDataSource) // yours: the store never closes it
                .tablePrefix("eden_") // tables eden_artifacts, eden_schema_version
                .build();
        // README: end
        assertThat(store.find(metadata.experimentId(), metadata.id())).contains(metadata);
        ((JdbiArtifactStore) store).close();
        assertThat(orchestratorPool.isClosed()).isFalse();
      }
    }
  }
}
